"""Bing News search RSS (kind "bing_news" in veille.toml).

URL: https://www.bing.com/news/search?q=<query>&format=RSS&cc=FR&setLang=fr (undocumented
endpoint). Links are apiclick.aspx redirects whose `url=` parameter holds the article URL:
it is unwrapped without any request. The outlet is in <News:Source>. No guid: the
unwrapped URL is the key. Cadence: daily.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from pipelines.config import Source
from spiders.feeds import FeedSpider


def unwrap_bing_url(link: str) -> str:
    """The target of a Bing apiclick link (the link itself when it is not one)."""
    parts = urlsplit(link)
    if parts.netloc.endswith("bing.com"):
        target = parse_qs(parts.query).get("url")
        if target and target[0].startswith(("http://", "https://")):
            return target[0]
    return link


class PressBingNewsSpider(FeedSpider):
    """Bing News search feeds: links unwrapped, publisher from <News:Source>."""

    name = "press_bing_news"
    source_kinds = {"bing_news"}

    def _parse_url(self, entry: Any) -> str:
        """The article URL taken out of Bing's redirect link."""
        return unwrap_bing_url(entry.get("link", ""))

    def _parse_publisher(self, entry: Any, feed: Any, source: Source) -> str:
        """The outlet named in <News:Source>."""
        return entry.get("news_source", "")

    def parse_entry(self, source: Source, entry: Any, feed: Any):
        """Document keyed on the unwrapped URL (Bing gives no guid)."""
        document = super().parse_entry(source, entry, feed)
        if document is not None:
            document.guid = document.url
        return document
