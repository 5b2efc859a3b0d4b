"""Scrapy spiders of veille: one module per source (or family of sources)."""
