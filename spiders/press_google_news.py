"""Google News search RSS (kind "google_news" in veille.toml).

URL: https://news.google.com/rss/search?q=<query>&hl=fr&gl=FR&ceid=FR:fr (about 100 items
at most; `when:30d` keeps it recent). Titles end with " - Publisher", the outlet is in
<source url=...>, links are opaque news.google.com tokens kept as they are (resolving them
needs JavaScript); the guid is the token. Cadence: daily. Google may answer 503 to data
centre addresses: the failure is then recorded for this source only.
"""

from __future__ import annotations

from typing import Any

from pipelines.config import Source
from spiders.feeds import FeedSpider


class PressGoogleNewsSpider(FeedSpider):
    """Google News search feeds: title suffix stripped, publisher from <source>."""

    name = "press_google_news"
    source_kinds = {"google_news"}

    def _parse_title(self, entry: Any) -> str:
        """Headline without the " - Publisher" suffix Google adds."""
        title = entry.get("title", "")
        publisher = (entry.get("source") or {}).get("title", "")
        suffix = f" - {publisher}"
        if publisher and title.endswith(suffix):
            return title[: -len(suffix)].rstrip()
        return title

    def _parse_summary(self, entry: Any) -> str:
        """Google's description only repeats title and outlet: keep the title alone."""
        return self._parse_title(entry)

    def _parse_publisher(self, entry: Any, feed: Any, source: Source) -> str:
        """The outlet named in <source>."""
        return (entry.get("source") or {}).get("title", "")

    def parse_entry(self, source: Source, entry: Any, feed: Any):
        """Document with the publisher's site and the Google token kept as extras."""
        document = super().parse_entry(source, entry, feed)
        if document is not None:
            document.extra["publisher_site"] = (entry.get("source") or {}).get("href", "")
            document.extra["google_news_token"] = entry.get("id", "")
        return document
