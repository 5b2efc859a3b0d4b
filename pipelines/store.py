"""Store step: match a document against the topic and upsert it through `pipelines.db`.

`store_document` is the one path used by the crawl (`StorePipeline`), by `veille import`
and by `veille add`, so a document is processed the same way whatever its origin.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from typing import Any, Callable

import sqlite_utils

from nlp.text import fold
from nlp.topic import TopicMatcher
from pipelines import db as database
from pipelines.config import load_config
from pipelines.match import match_document, mention_rows
from pipelines.normalize import normalize_document
from pipelines.stories import same_document
from spiders.items import Document

logger = logging.getLogger(__name__)

# Storers for item types other than Document, keyed by class (parliament items register
# here): storer(db, matcher, item) -> "insert" | "update" | "noop" | "irrelevant".
STORERS: dict[type, Callable[[sqlite_utils.Database, TopicMatcher, Any], str]] = {}


def topic_keywords(matcher: TopicMatcher) -> str:
    """Words added to the search index of a relevant document, so that "secpa" finds
    every spelling ("SEC-Pa", "SEC Pa", the long forms...)."""
    squashed = "".join(c for c in fold(matcher.name) if c.isalnum())
    return f"{matcher.name} {squashed}"


def store_document(db: sqlite_utils.Database, matcher: TopicMatcher, doc: Document, keep_irrelevant: bool = False) -> str:
    """Normalise, match and upsert one document; return "insert", "update", "noop" or
    "irrelevant" (not stored: no strong mention of the topic)."""
    doc = normalize_document(doc)
    doc = same_document(db, doc)
    record = {**doc.to_dict(), "rules": matcher.fingerprint}
    aliases = [doc.guid, *doc.aliases]
    if database.document_is_current(db, record, aliases):
        return "noop"
    mentions = match_document(doc, matcher)
    relevant = matcher.is_relevant(mentions)
    if not relevant and not keep_irrelevant:
        return "irrelevant"
    record["topics"] = topic_keywords(matcher) if relevant else ""
    record["relevant"] = relevant
    return database.upsert_document(db, record, mention_rows(mentions), aliases)


def store_item(db: sqlite_utils.Database, matcher: TopicMatcher, item: Any) -> str:
    """Store any item: documents through `store_document`, others through `STORERS`."""
    if isinstance(item, Document):
        return store_document(db, matcher, item)
    for kind, storer in STORERS.items():
        if isinstance(item, kind):
            return storer(db, matcher, item)
    raise TypeError(f"type d'élément inconnu : {type(item).__name__}")


class SourceTally:
    """Per-source counters of one run: items seen, relevant, inserted, updated, unchanged."""

    def __init__(self):
        self.counts: dict[str, Counter] = defaultdict(Counter)

    def add(self, source: str, action: str) -> None:
        """Count one item's outcome."""
        counter = self.counts[source]
        counter["items"] += 1
        if action != "irrelevant":
            counter["relevant"] += 1
        counter[{"insert": "inserted", "update": "updated", "noop": "unchanged"}.get(action, action)] += 1

    def result(self, source: str, status: str = "ok", error: str | None = None, duration_s: float | None = None) -> dict:
        """The row for `run_sources`."""
        c = self.counts[source]
        return {
            "source": source, "status": status, "error": error, "items": c["items"],
            "relevant": c["relevant"], "inserted": c["inserted"], "updated": c["updated"],
            "unchanged": c["unchanged"], "duration_s": duration_s,
        }


class StorePipeline:
    """Scrapy step: store items, then record each source's health for the run."""

    def __init__(self, crawler):
        self.crawler = crawler
        run_id = crawler.settings.get("VEILLE_RUN_ID", "")
        self.config = load_config()
        self.db = database.open_db(self.config.database)
        self.matcher = TopicMatcher.from_topic(self.config.topic)
        self.run_id = run_id
        self.own_run = not run_id
        self.tally = SourceTally()

    @classmethod
    def from_crawler(cls, crawler):
        """The run id comes from `veille crawl`; a bare `scrapy crawl` opens its own run."""
        return cls(crawler)

    def open_spider(self):
        """Start a run when none was given, and record the configured sources."""
        spider = self.crawler.spider
        database.sync_sources(self.db, self.config.sources)
        if self.own_run:
            self.run_id = database.start_run(self.db, f"scrapy crawl {spider.name}")
        spider.run_id = self.run_id

    def process_item(self, item):
        """Store the item and count it for its source."""
        action = store_item(self.db, self.matcher, item)
        self.tally.add(getattr(item, "source", "?"), action)
        return item

    def close_spider(self):
        """Write one `run_sources` row per source of the spider."""
        spider = self.crawler.spider
        for name, health in getattr(spider, "health", {}).items():
            result = self.tally.result(name, health.status, health.error, health.duration_s)
            database.record_source_result(self.db, self.run_id, result)
        if self.own_run:
            database.finish_run(self.db, self.run_id, raw_path=getattr(spider, "raw_file", None))
        self.db.close()

# Parliamentary items (issue 3) register their storers and raw item types on import.
from pipelines import parliament  # noqa: E402,F401  (import for its registrations)
