"""Pure text analysis for veille: texts in, annotations out (no SQLite, no Scrapy)."""
