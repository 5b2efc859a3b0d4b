"""Article pages of feed items, fetched through Scrapy in the same crawl.

`ArticleMixin` is used by the feed spiders (`spiders.feeds.FeedSpider`) and the listing
spiders (`spiders.press_listings`). An item whose feed gives only a teaser, or whose teaser
already matches the topic, gets its page fetched; the page's text, author, date, canonical
URL and access flag are put on the document (`spiders.articles`). A page that cannot be
used (too heavy, redirect loop, HTTP error, no text, consent wall...) leaves the feed's
teaser in place and the cause in `extra["article_problem"]`: one log line, nothing stops.

Each source's article pages are counted (`PageTally`) and summed up in its health for the
run: a warning when some pages were unreadable on our side (redirect loop, too heavy, no
text, timeout...), or when all of them (at least 3) were unreadable or refused by the
publisher (HTTP 403/404/429..., anti-bot page, consent wall). Refused and paywalled pages
alone are the publisher's choice: counted and listed in a warning, never a warning by
themselves. A failed feed stays "failed".

Per-source option in veille.toml: `articles = "auto"` (default), `"always"` or `"never"`;
for a whole run: `scrapy crawl press_rss -a articles=never` (or the spider argument).
Google News links (news.google.com) are never fetched: they need JavaScript and lead to
consent.google.com from the EU.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from twisted.internet.defer import CancelledError

from nlp.text import clean_text
from nlp.topic import TopicMatcher
from spiders.base import fetch_record
from spiders.items import attach_fetch, fetch_record_of
from spiders.articles import GOOGLE_HOSTS, MAX_PAGE_BYTES, apply_article, extract_article
from spiders.base import SourceHealth, describe_failure
from spiders.items import Document

if TYPE_CHECKING:
    from pipelines.config import Config

logger = logging.getLogger(__name__)

TEASER_CHARS = 1500  # a feed text shorter than this is a teaser, not the article
BLOCK_STATUSES = [401, 403, 429, 451, 503]


class ArticleMixin:
    """Fetch the article page of a feed or listing item and complete its document."""

    article_max_bytes = MAX_PAGE_BYTES
    # Set by `spiders.base.VeilleSpider`, which every user of the mixin also derives from.
    config: Config
    health: dict[str, SourceHealth]

    def wants_article(self, document: Document) -> bool:
        """Fetch the page when the feed gives only a teaser or the teaser matches the topic."""
        source = self._article_source(document)
        mode = getattr(self, "articles", None) or (source.options.get("articles", "auto") if source else "auto")
        parts = urlsplit(document.url)
        if mode == "never" or parts.scheme not in ("http", "https") or (parts.hostname or "") in GOOGLE_HOSTS:
            return False
        if mode == "always":
            return True
        summary = clean_text(document.summary)
        if len(summary) < TEASER_CHARS:
            return True
        return self.topic_matcher.is_relevant(self.topic_matcher.find(f"{document.title}\n{summary}"))

    @property
    def topic_matcher(self) -> TopicMatcher:
        """The topic matcher of the configuration (built once)."""
        if getattr(self, "_topic_matcher", None) is None:
            self._topic_matcher = TopicMatcher.from_topic(self.config.topic)
        return self._topic_matcher

    def follow_article(self, response, document: Document):
        """The document itself (with the feed response for the archive), or a request for
        its article page that yields the completed document."""
        attach_fetch(document, fetch_record(response))
        if not self.wants_article(document):
            return document
        return self.article_request(document)

    def article_request(self, document: Document) -> scrapy.Request:
        """A polite request for the article page, bounded in size and redirects."""
        source = self._article_source(document)
        return scrapy.Request(
            document.url,
            callback=self.parse_article,
            errback=self.article_failed,
            dont_filter=True,
            meta={
                "source": source, "document": document,
                "download_maxsize": int(source.options.get("article_max_bytes", self.article_max_bytes)) if source else self.article_max_bytes,
                "download_warnsize": 0,
                "handle_httpstatus_list": BLOCK_STATUSES,
            },
        )

    def parse_article(self, response):
        """Extract the page and yield the completed document."""
        document = response.meta["document"]
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        article = extract_article(response.body, response.url, content_type, response.status,
                                  max_bytes=response.meta.get("download_maxsize") or self.article_max_bytes)
        completed = apply_article(document, article, response.url)
        # A blocked page is never archived: the document keeps the feed response behind it.
        attach_fetch(completed, fetch_record(response, document.url) if article.access != "blocked" else fetch_record_of(document))
        if article.problem:
            self._article_problem(document, article.problem)
        self._count_page(document, page_label(article.access, article.problem))
        yield completed

    def article_failed(self, failure):
        """Errback: keep the feed's teaser, flag the document with the cause."""
        document = failure.request.meta["document"]
        cause = describe_article_failure(failure, self.settings.getfloat("DOWNLOAD_TIMEOUT"))
        self._article_problem(document, cause)
        self._count_page(document, page_label("", cause))
        flagged = replace(document, access="teaser", extra={**document.extra, "article_problem": cause})
        attach_fetch(flagged, fetch_record_of(document))
        yield flagged

    def _article_problem(self, document: Document, cause: str) -> None:
        problems = self.__dict__.setdefault("article_problems", Counter())
        problems[document.source] += 1
        on_topic = self.topic_matcher.is_relevant(self.topic_matcher.find(f"{document.title}\n{clean_text(document.summary)}"))
        # Pages of off-topic teasers usually matter little: keep them out of the warnings.
        (logger.warning if on_topic else logger.info)("article %s (source %s) : %s", document.url, document.source, cause)

    def _count_page(self, document: Document, label: str | None) -> None:
        """Count one article page of the document's source and update its health (the
        health before the first page, a feed warning for instance, is kept in front)."""
        tallies = self.__dict__.setdefault("article_pages", {})
        tally = tallies.setdefault(document.source, PageTally())
        tally.add(label)
        health = self.health.setdefault(document.source, SourceHealth(document.source))
        written = self.__dict__.setdefault("_article_health", {})
        base, previous = written.get(document.source, ((health.status, health.error), None))
        if (health.status, health.error) != previous:  # changed since our last word: new base
            base = (health.status, health.error)
        message = tally.message()
        if message and base[0] != "failed":
            health.status = "warning"
            health.error = f"{base[1]} ; {message}" if base[0] == "warning" and base[1] else message
        written[document.source] = (base, (health.status, health.error))

    def _article_source(self, document: Document):
        return next((s for s in getattr(self, "sources", []) if s.name == document.source), None)


# Short French labels of page outcomes, in the order they are listed.
PROBLEM_LABELS = ("boucle de redirections", "trop de redirections", "page trop lourde", "aucun texte",
                  "page illisible", "délai dépassé", "connexion impossible")
BLOCKED, PAYWALL = "bloqué", "payant"


def page_label(access: str, problem: str) -> str | None:
    """The short label of an article page's outcome: None when it was read, "bloqué",
    "payant", "HTTP <status>" (refused by the publisher) or one of `PROBLEM_LABELS`."""
    if access == "blocked":
        return BLOCKED
    if access == "paywall":
        return PAYWALL
    if not problem:
        return None
    if problem.startswith("HTTP "):
        return " ".join(problem.split()[:2])
    folded = problem.lower()
    for label, marks in (("boucle de redirections", ("boucle de redirections",)),
                         ("trop de redirections", ("trop de redirections",)),
                         ("page trop lourde", ("page trop lourde",)),
                         ("aucun texte", ("aucun texte", "page vide", "sans texte")),
                         ("page illisible", ("illisible",)),
                         ("délai dépassé", ("délai dépassé",)),
                         ("connexion impossible", ("nom de domaine introuvable", "connexion refusée"))):
        if any(mark in folded for mark in marks):
            return label
    return problem.split(":")[0][:60]


@dataclass
class PageTally:
    """The article pages of one source in one crawl: how many, and their labels."""

    pages: int = 0
    labels: Counter = field(default_factory=Counter)

    def add(self, label: str | None) -> None:
        """Count one page (label None: read)."""
        self.pages += 1
        if label:
            self.labels[label] += 1

    def message(self) -> str | None:
        """One French line for the source's health, or None when nothing is worth a warning."""
        problems = {k: n for k, n in self.labels.items() if _group(k) == 0}
        others = {k: n for k, n in self.labels.items() if _group(k) > 0}
        unread = sum(problems.values()) + sum(n for k, n in others.items() if k != PAYWALL)
        if self.pages >= 3 and unread == self.pages:
            return f"toutes les pages d'articles bloquées ou illisibles ({unread}/{self.pages}) : {_listed(self.labels)}"
        if not problems:
            return None
        count = sum(problems.values())
        s = "s" if count > 1 else ""
        line = f"{count} page{s} d'articles sur {self.pages} illisible{s} : {_listed(problems)}"
        return f"{line} ; aussi {_listed(others)}" if others else line


def _group(label: str) -> int:
    return 2 if label == PAYWALL else 1 if label == BLOCKED or label.startswith("HTTP ") else 0


def _listed(labels: dict[str, int]) -> str:
    order = PROBLEM_LABELS + (BLOCKED, PAYWALL)

    def key(label: str):
        return (_group(label), order.index(label) if label in order else len(order), label)
    return ", ".join(f"{label} ({labels[label]})" for label in sorted(labels, key=key))


def describe_article_failure(failure, timeout: float) -> str:
    """One French line saying why an article page could not be read."""
    message = failure.getErrorMessage()
    if failure.check(IgnoreRequest) and "redirections" in message:
        chain = failure.request.meta.get("redirect_urls", [])
        loop = len(chain) != len(set(chain)) or failure.request.url in chain
        return "boucle de redirections" if loop else "trop de redirections"
    if failure.check(CancelledError) or (failure.check(IgnoreRequest) and "MAXSIZE" in message.upper()):
        limit = failure.request.meta.get("download_maxsize", MAX_PAGE_BYTES)
        return f"page trop lourde (plus de {limit / 1e6:.0f} Mo), téléchargement interrompu"
    return describe_failure(failure, timeout)
