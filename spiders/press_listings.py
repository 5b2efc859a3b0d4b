"""Listing pages of sources without a feed (kind "listing" in veille.toml).

Publishers: the ministry of health's press releases (sante.gouv.fr) and the federations'
news pages (FNCS, AVECsanté, FémaSCo Bourgogne-Franche-Comté, FECOP). Their URLs come
from research/press.md §1d-1e and are unverified (no feed found): check them with one
request before relying on them. Cadence: daily. robots.txt is obeyed.

One base, configured per source with CSS selectors in its [[sources]] entry:
    item = "article.card"          one element per news item (required)
    link = "h3 a::attr(href)"      the item's link (default: first a::attr(href))
    title = "h3 a::text"           its title (default: the link's text)
    date = "time::attr(datetime)"  its date (ISO or French, e.g. "18 février 2026")
    summary = "p.teaser::text"     its teaser (optional)
    max_items = 20                 items read per page
    doc_kind = "communique"        kind of the stored documents (default "communique")
Each item's page is fetched and extracted like a feed article (`spiders.press_articles`).
A page where the item selector finds nothing is a failure of the source ("the page
changed?"); an item without link or title is skipped with a warning.
"""

from __future__ import annotations

from typing import Iterator

from nlp.text import clean_text
from spiders.base import fetch_record
from spiders.items import attach_fetch
from pipelines.config import Source
from spiders.base import VeilleSpider
from spiders.dates import read_date
from spiders.items import Document
from spiders.press_articles import ArticleMixin


class PressListingsSpider(ArticleMixin, VeilleSpider):
    """Every configured listing page: items by CSS selectors, then each item's page."""

    name = "press_listings"
    source_kinds = {"listing"}

    async def start(self):
        """One request per configured listing page."""
        for source in self.sources:
            yield self.source_request(source, callback=self.parse)

    def parse(self, response) -> Iterator:
        """Read the items of a listing page and follow each to its article page."""
        source = self.answered(response)
        selector = source.options.get("item")
        if not selector:
            self.fail(source, "option « item » (sélecteur CSS des éléments) manquante dans veille.toml")
            return
        if not hasattr(response, "css"):
            self.fail(source, f"pas une page HTML ({response.headers.get('Content-Type', b'').decode()})")
            return
        items = response.css(selector)[: int(source.options.get("max_items", 20))]
        if not items:
            self.fail(source, f"aucun élément trouvé avec le sélecteur « {selector} » (la page a changé ?)")
            return
        for number, item in enumerate(items, 1):
            document = self.parse_item(source, response, item)
            if document is None:
                self.fail(source, f"élément n° {number} sans lien ni titre, ignoré", status="warning")
                continue
            attach_fetch(document, fetch_record(response))
            yield self.article_request(document)

    def parse_item(self, source: Source, response, item) -> Document | None:
        """The document of one listing item (one constructor call, `_parse_*` helpers)."""
        url = self._parse_link(source, response, item)
        title = self._parse_title(source, item)
        if not url or not title:
            return None
        raw_date = self._parse_field(source, item, "date")
        published = read_date(raw_date)
        return Document(
            source=source.name,
            kind=source.options.get("doc_kind", "communique"),
            url=url,
            title=title,
            summary=self._parse_field(source, item, "summary"),
            published=published.moment if published else None,
            published_precision=published.precision if published else "",
            guid=url,
            publisher=source.options.get("publisher", source.label),
            access="teaser",
            extra={"listing": source.url, **({"published_raw": raw_date} if raw_date and not published else {})},
        )

    def _parse_link(self, source: Source, response, item) -> str:
        href = item.css(source.options.get("link", "a::attr(href)")).get()
        return response.urljoin(href.strip()) if href else ""

    def _parse_title(self, source: Source, item) -> str:
        query = source.options.get("title") or source.options.get("link", "a::attr(href)").replace("::attr(href)", "")
        return clean_text(" ".join(item.css(query if "::" in query else f"{query} *::text, {query}::text").getall()))

    def _parse_field(self, source: Source, item, name: str) -> str:
        query = source.options.get(name)
        return clean_text(" ".join(item.css(query).getall())) if query else ""
