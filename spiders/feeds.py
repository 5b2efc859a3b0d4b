"""Base spider for RSS/Atom feeds: Scrapy fetches, feedparser parses the fetched bytes.

feedparser never fetches (it has no timeout); it gets the body and the response headers
so that it can honour the declared charset. Dates are parsed by `spiders.dates`.
"""

from __future__ import annotations

from typing import Any, Iterator

import feedparser

from pipelines.config import Source
from spiders.base import VeilleSpider
from spiders.press_articles import ArticleMixin
from spiders.dates import parse_date
from spiders.items import Document

_HTML_START = (b"<!doctype html", b"<html")
# feedparser warnings that still leave a usable, correctly decoded feed.
_RECOVERABLE = ("CharacterEncodingOverride", "NonXMLContentType")


class FeedSpider(ArticleMixin, VeilleSpider):
    """Reads every configured feed of its kinds; subclasses adjust entries (`_parse_*`)."""

    async def start(self):
        """One request per configured source."""
        for source in self.sources:
            yield self.source_request(source, callback=self.parse)

    def parse(self, response) -> Iterator[Document]:
        """Check the response is a usable feed, then yield one document per entry."""
        source = self.answered(response)
        feed = self._read_feed(source, response)
        if feed is None:
            return
        for entry in feed.entries:
            document = self.parse_entry(source, entry, feed)
            if document is not None:
                yield self.follow_article(response, document)  # the document, or its article page

    def _read_feed(self, source: Source, response) -> Any:
        body = response.body
        if not body.strip():
            self.fail(source, "réponse vide (0 octet)")
            return None
        if body.lstrip()[:200].lower().startswith(_HTML_START):
            self.fail(source, f"page HTML au lieu d'un flux ({response.headers.get('Content-Type', b'').decode()})")
            return None
        headers = {k.decode().lower(): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        headers["content-location"] = response.url
        feed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
        problem = feed.get("bozo_exception")
        if not feed.version and not feed.entries:
            self.fail(source, f"pas un flux RSS/Atom lisible ({_short(problem) or 'format inconnu'})")
            return None
        if problem is not None:
            name = type(problem).__name__
            if name in _RECOVERABLE:
                self.fail(source, f"encodage déclaré incorrect, lu en {feed.get('encoding')} ({name})", status="warning")
            else:
                # Broken XML is a failure even when a lenient parse recovered some entries
                # (those are kept: they were really published).
                self.fail(source, f"XML invalide, {len(feed.entries)} entrée(s) récupérée(s) : {_short(problem)}")
                if not feed.entries:
                    return None
        if not feed.entries:
            self.fail(source, "flux valide mais sans aucune entrée", status="warning")
        return feed

    def parse_entry(self, source: Source, entry: Any, feed: Any) -> Document | None:
        """Build the document of one feed entry (one constructor call, `_parse_*` helpers)."""
        url = self._parse_url(entry)
        if not url:
            return None
        return Document(
            source=source.name,
            kind="press",
            url=url,
            title=self._parse_title(entry),
            summary=self._parse_summary(entry),
            published=self._parse_published(entry),
            guid=entry.get("id", "") or url,
            publisher=self._parse_publisher(entry, feed, source),
            author=entry.get("author", ""),
            access="teaser",
            extra={"feed": source.url, "categories": [t.get("term") for t in entry.get("tags", []) if t.get("term")]},
        )

    def _parse_url(self, entry: Any) -> str:
        """The article URL."""
        return entry.get("link", "")

    def _parse_title(self, entry: Any) -> str:
        """The headline."""
        return entry.get("title", "")

    def _parse_summary(self, entry: Any) -> str:
        """The longest text the feed gives: full content when present, else the summary."""
        contents = [c.get("value", "") for c in entry.get("content", [])]
        return max([entry.get("summary", ""), *contents], key=len)

    def _parse_published(self, entry: Any):
        """Publication date (aware UTC), read from the raw string, not feedparser's guess."""
        for key in ("published", "updated", "created", "dc_date"):
            parsed = parse_date(entry.get(key))
            if parsed:
                return parsed
        return None

    def _parse_publisher(self, entry: Any, feed: Any, source: Source) -> str:
        """The outlet: the source's label, else the feed's own title."""
        return source.label or feed.feed.get("title", "")


def _short(problem: Any) -> str:
    return " ".join(str(problem).split())[:160] if problem is not None else ""
