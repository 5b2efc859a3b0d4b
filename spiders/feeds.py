"""Base spider for RSS/Atom feeds: Scrapy fetches, feedparser parses the fetched bytes.

feedparser never fetches (it has no timeout); it gets the body and the response headers
so that it can honour the declared charset. Dates are parsed by `spiders.dates`, with their
precision (a feed that gives a day gives a day, not midnight UTC).

The summary is the entry's own text: its full HTML content when the feed carries one, else
its description. feedparser also files `media:description` (a photo caption) under
`entry.content`, and credits under `entry.credit`: those are never the summary, however
long (2 of 20 items of a real Le Monde feed had a caption longer than the description).

An entry whose date cannot be read keeps the raw string in `extra["published_raw"]` and is
still stored, dated by the feed's own date or else the fetch time (`extra["published_from"]`);
the source's health counts it (a warning).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

import feedparser

from pipelines.config import Source
from spiders.base import VeilleSpider
from spiders.press_articles import ArticleMixin
from spiders.dates import INSTANT, SourceDate, read_date, to_paris
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
            elif feed.entries and "undefined entity" in str(problem):
                # HTML entities (&nbsp; &eacute;) are not XML, but the lenient parser reads
                # them right: the entries are fine, the feed only deserves a warning.
                self.fail(source, f"entités HTML non définies en XML, {len(feed.entries)} entrée(s) lue(s) "
                                  f"({_short(problem)})", status="warning")
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
        published, date_extra = self._parse_published(source, entry, feed)
        return Document(
            source=source.name,
            kind="press",
            url=url,
            title=self._parse_title(entry),
            summary=self._parse_summary(entry),
            published=published.moment if published else None,
            published_precision=published.precision if published else "",
            guid=entry.get("id", "") or url,
            publisher=self._parse_publisher(entry, feed, source),
            author=entry.get("author", ""),
            access="teaser",
            extra={"feed": source.url, "categories": [t.get("term") for t in entry.get("tags", []) if t.get("term")],
                   **date_extra},
        )

    def _parse_url(self, entry: Any) -> str:
        """The article URL."""
        return entry.get("link", "")

    def _parse_title(self, entry: Any) -> str:
        """The headline."""
        return entry.get("title", "")

    def _parse_summary(self, entry: Any) -> str:
        """The entry's own text: its HTML content (content:encoded, Atom content) when there
        is one, else its description, else a plain content that is not a media caption.
        Photo captions (media:description, which feedparser files under `content`) and
        credits are never taken, even when they are the longest text."""
        captions = media_captions(entry)
        own = [c for c in entry.get("content", []) if (c.get("value") or "").strip() and not _is_caption(c, entry, captions)]
        html = [c["value"] for c in own if "html" in (c.get("type") or "")]
        if html:
            return max(html, key=len)
        summary = entry.get("summary", "") or ""
        if summary.strip() and summary.strip() not in captions:
            return summary
        return own[0]["value"] if own else ""

    def _parse_published(self, source: Source, entry: Any, feed: Any) -> tuple[SourceDate | None, dict[str, Any]]:
        """Publication date with its precision, read from the raw string, not feedparser's
        guess; and the extras that flag an unreadable one (the feed's date or the fetch
        time is used instead, and the source's health counts it)."""
        raw = ""
        for key in ("published", "updated", "created", "dc_date"):
            value = entry.get(key)
            if not value:
                continue
            found = read_date(value)
            if found:
                return found, {}
            raw = raw or str(value)
        if not raw:
            return None, {}
        fallback = next((d for d in (read_date(feed.feed.get(k)) for k in ("updated", "published")) if d), None)
        origin = "flux" if fallback else "collecte"
        fallback = fallback or SourceDate(to_paris(datetime.now().astimezone()), INSTANT)
        self._count_unreadable_date(source, raw)
        return fallback, {"published_raw": raw, "published_from": origin}

    def _count_unreadable_date(self, source: Source, raw: str) -> None:
        """One warning line in the source's health for the unreadable dates of this run."""
        counts = self.__dict__.setdefault("unreadable_dates", {})
        counts[source.name] = counts.get(source.name, 0) + 1
        n = counts[source.name]
        s = "s" if n > 1 else ""
        self.fail(source, f"{n} date{s} de publication illisible{s} (dernière : « {raw[:60]} »), "
                          "date du flux ou de collecte utilisée", status="warning")

    def _parse_publisher(self, entry: Any, feed: Any, source: Source) -> str:
        """The outlet: the source's label, else the feed's own title."""
        return source.label or feed.feed.get("title", "")


def media_captions(entry: Any) -> set[str]:
    """Texts of an entry that describe its media, not the article: photo credits
    (media:credit) and the media descriptions feedparser keeps beside them."""
    texts = {str(entry.get("credit") or "").strip()}
    for credit in entry.get("media_credit", []) or []:
        texts.add(str(credit.get("content") or "").strip())
    for media in (entry.get("media_content", []) or []) + (entry.get("media_thumbnail", []) or []):
        texts.add(str(media.get("description") or "").strip())
    return {t for t in texts if t}


def _is_caption(content: Any, entry: Any, captions: set[str]) -> bool:
    """A content value that is a media caption: a known caption or credit, or a plain-text
    content of an entry that carries media (feedparser files media:description there)."""
    value = (content.get("value") or "").strip()
    if value in captions:
        return True
    has_media = bool(entry.get("media_content") or entry.get("media_thumbnail") or entry.get("media_credit"))
    return has_media and "html" not in (content.get("type") or "")


def _short(problem: Any) -> str:
    return " ".join(str(problem).split())[:160] if problem is not None else ""
