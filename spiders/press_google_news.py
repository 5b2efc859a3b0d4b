"""Google News search RSS (kind "google_news" in veille.toml).

URL: https://news.google.com/rss/search?q=<query>&hl=fr&gl=FR&ceid=FR:fr (about 100 items
at most; `when:30d` keeps it recent). Titles end with " - Publisher", the outlet is in
<source url=...>, links are opaque news.google.com tokens kept as they are (resolving them
needs JavaScript); the guid is the token. Cadence: daily. Google may answer 503 to data
centre addresses: the failure is then recorded for this source only.

A story cluster's description is a list (`<ol><li><a>title</a> <font>outlet</font></li>…`)
of the other outlets covering the same story, ending with a link to the full coverage:
those outlets are kept in `extra["also_covered_by"]` (publisher, title, Google link) with
the French line `extra["also_covered_by_label"]` (« également couvert par … »), and the
coverage link in `extra["google_news_story"]`.
"""

from __future__ import annotations

from typing import Any

from lxml import html as lxml_html

from pipelines.config import Source
from spiders.feeds import FeedSpider


def cluster_outlets(description: str) -> tuple[list[dict[str, str]], str]:
    """The outlets listed in a Google News cluster description, in order (publisher, title,
    url), and the full-coverage link ("" when none)."""
    if "<li" not in (description or ""):
        return [], ""
    try:
        tree = lxml_html.fromstring(f"<div>{description}</div>")
    except (ValueError, lxml_html.etree.ParserError):
        return [], ""
    outlets: list[dict[str, str]] = []
    story = ""
    for item in tree.xpath("//li"):
        link = item.xpath(".//a")
        if not link:
            continue
        href = link[0].get("href") or ""
        if item.xpath(".//strong") or "/stories/" in href:
            story = href
            continue
        publisher = " ".join(" ".join(item.xpath(".//font//text()")).split())
        outlets.append({"publisher": publisher, "title": " ".join(link[0].text_content().split()), "url": href})
    return outlets, story


def covered_label(outlets: list[dict[str, str]]) -> str:
    """« également couvert par Sudinfo.be, dh.be et Le Soir »."""
    names = list(dict.fromkeys(o["publisher"] for o in outlets if o["publisher"]))
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"
    return f"également couvert par {listed}"


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
            outlets, story = cluster_outlets(entry.get("summary", ""))
            own = (document.publisher, document.title)
            others = [o for o in outlets if (o["publisher"], o["title"]) != own and o["url"] != entry.get("link")]
            if others:
                document.extra["also_covered_by"] = others
                document.extra["also_covered_by_label"] = covered_label(others)
            if story:
                document.extra["google_news_story"] = story
        return document
