"""The Scrapy item pipelines of a crawl, in order: store, raw JSONL, archive.

The raw JSONL keeps what was stored (and what could not be stored, to retry with `veille
import`), never the off-topic documents, amendments and passages the store step turned down:
at a back-fill they are 98 % of the items.

They share one `CrawlContext` per crawler, built from the crawler's settings and spider
(config, database, topic matcher, run): the config is read once, the database opened once.
When the store step opens, it hands the spider what earlier runs left (`CrawlState`), so
spiders never read the database. The crawlers of one process share one connection per
database and write through one `WriteBatch`: items are stored a few hundred per
transaction, committed at least every `BATCH_SECONDS` and when a spider closes, so two
crawlers never wait on each other's lock. A raw line is written once the transaction that
stored its item is committed (a kill loses uncommitted items from the database and the raw
file alike; the next run stores them again). A crawl started by `veille crawl` belongs to that run
(VEILLE_RUN_ID) and its stories are grouped once by `pipelines.crawl`; a bare
`scrapy crawl` (or Scrapyd) opens and closes its own run and groups stories at its end.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from weakref import WeakKeyDictionary

import sqlite_utils
from scrapy import signals
from scrapy.exceptions import DropItem

from nlp.topic import TopicMatcher
from pipelines import db as database
from pipelines.archive import archive_document
from pipelines.config import Config, load_config
from pipelines.dispatch import store_item
from pipelines.parliament import crawl_state
from pipelines.raw import raw_line, raw_path
from pipelines.store import SourceTally
from pipelines.stories import group_stories
from pipelines.transaction import BATCH_SECONDS, BatchLost, WriteBatch
from spiders.items import Document, fetch_record_of
from spiders.parl_items import Amendment, DebatePassage, LegislativeDossier

logger = logging.getLogger(__name__)
# Item types whose storer keeps nothing when it answers "irrelevant" (the others: question
# metadata, agenda, reference rows, archive versions, are stored whatever their subject).
DROPPED_WHEN_IRRELEVANT = (Document, Amendment, DebatePassage, LegislativeDossier)
_ACTION_ATTRIBUTE = "_store_action"


@dataclass
class CrawlContext:
    """What the item pipelines of one crawler share."""

    config: Config
    db: sqlite_utils.Database
    matcher: TopicMatcher
    run_id: str
    own_run: bool
    batch: WriteBatch
    tally: SourceTally = field(default_factory=SourceTally)
    raw_file: IO[str] | None = None
    raw_pending: list[str] = field(default_factory=list)

    def write_raw(self, spider, item) -> None:
        """Append one item to the run's raw JSONL file of `spider` (opened on first use),
        once what the store step wrote of it is committed."""
        if self.raw_file is None:
            path = raw_path(self.config.raw_dir, self.run_id or "adhoc", spider.name)
            path.parent.mkdir(parents=True, exist_ok=True)
            spider.raw_file = str(path)
            self.raw_file = open(path, "a", encoding="utf-8")
        self.raw_pending.append(raw_line(item))
        if not self.db.conn.in_transaction:
            self.flush_raw()

    def flush_raw(self) -> None:
        """Write the raw lines of the items stored so far (after each commit)."""
        if self.raw_file is not None and self.raw_pending:
            self.raw_file.write("".join(self.raw_pending))
            self.raw_file.flush()
        self.raw_pending.clear()

    def close(self) -> None:
        """Commit what is pending, close the raw file, and the database once no crawler
        of the process uses it (when the spider has closed)."""
        self.batch.commit()
        self.flush_raw()
        if self.flush_raw in self.batch.after_commit:
            self.batch.after_commit.remove(self.flush_raw)
        if self.raw_file is not None:
            self.raw_file.close()
            self.raw_file = None
        _release(self.db)


# One connection and one batch per database for the crawlers of a process, with its users.
_SHARED: dict[str, tuple[sqlite_utils.Database, WriteBatch, list[int]]] = {}


def _shared(path: Path) -> tuple[sqlite_utils.Database, WriteBatch]:
    key = str(Path(path).resolve())
    if key not in _SHARED:
        db = database.open_db(path)
        _SHARED[key] = (db, database.write_batch(db), [0])
    db, batch, users = _SHARED[key]
    users[0] += 1
    return db, batch


def _release(db: sqlite_utils.Database) -> None:
    for key, (shared, _, users) in list(_SHARED.items()):
        if shared is db:
            users[0] -= 1
            if users[0] <= 0:
                del _SHARED[key]
                db.close()
            return
    db.close()


_CONTEXTS: WeakKeyDictionary[Any, CrawlContext] = WeakKeyDictionary()


def context_for(crawler) -> CrawlContext:
    """The crawler's context, built on first use: the spider's config (or the one the
    VEILLE_CONFIG setting names), its database and topic matcher."""
    context = _CONTEXTS.get(crawler)
    if context is None:
        spider = getattr(crawler, "spider", None)
        config = getattr(spider, "config", None) or load_config(crawler.settings.get("VEILLE_CONFIG") or None)
        run_id = crawler.settings.get("VEILLE_RUN_ID", "")
        db, batch = _shared(config.database)
        context = CrawlContext(config, db, TopicMatcher.from_topic(config.topic), run_id, own_run=not run_id,
                               batch=batch)
        batch.after_commit.append(context.flush_raw)
        _CONTEXTS[crawler] = context
        crawler.signals.connect(context.close, signal=signals.spider_closed)
    return context


class RawItemsPipeline:
    """After the store: append each item that was stored (or could not be stored) to the
    run's raw JSONL file (`veille import` replays it); off-topic items turned down by the
    store step are not kept."""

    def __init__(self, crawler):
        self.crawler, self.context = crawler, context_for(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        """The raw folder comes from the crawl's config."""
        return cls(crawler)

    def process_item(self, item):
        """Write the item unless the store step turned it down, and pass it on."""
        if hasattr(item, "to_dict") and not turned_down(item):
            self.context.write_raw(self.crawler.spider, item)
        return item


def turned_down(item) -> bool:
    """True when the store step kept nothing of `item` (an off-topic document, amendment,
    passage or dossier)."""
    return getattr(item, _ACTION_ATTRIBUTE, None) == "irrelevant" and isinstance(item, DROPPED_WHEN_IRRELEVANT)


class StorePipeline:
    """Store items, then record each source's health for the run."""

    def __init__(self, crawler):
        self.crawler, self.context = crawler, context_for(crawler)
        self._commit_call = None

    @classmethod
    def from_crawler(cls, crawler):
        """The run id comes from `veille crawl`; a bare `scrapy crawl` opens its own run."""
        return cls(crawler)

    def open_spider(self):
        """Start a run when none was given, record the configured sources, and hand the
        spider the state of earlier runs."""
        spider, context = self.crawler.spider, self.context
        database.sync_sources(context.db, context.config.sources)
        if context.own_run:
            context.run_id = database.start_run(context.db, f"scrapy crawl {spider.name}")
        spider.run_id = context.run_id
        names = [source.name for source in getattr(spider, "sources", [])]
        spider.previous = crawl_state(context.db, names)

    def process_item(self, item):
        """Store the item and count it for its source; an item that cannot be stored fails
        its source (one line with the exception's type) and is dropped, the crawl goes on."""
        try:
            with self.context.batch.unit():
                action = store_item(self.context.db, self.context.matcher, item)
        except Exception as exc:  # noqa: BLE001  (any storage error is the source's failure)
            if isinstance(exc, BatchLost):  # the items of the lost transaction go to the raw file, to retry
                logger.error("écritures perdues, reprises par « veille import » du fichier brut : %s", exc)
                self.context.flush_raw()
            self._failed(item, exc)
            if hasattr(item, "to_dict"):  # kept in the raw file, for `veille import` to retry
                self.context.write_raw(self.crawler.spider, item)
            raise DropItem(f"élément de {getattr(item, 'source', '?')} non enregistré : {type(exc).__name__}") from None
        self.context.tally.add(getattr(item, "source", "?"), action)
        try:
            setattr(item, _ACTION_ATTRIBUTE, action)
        except AttributeError:  # an item type with slots: kept in the raw file
            pass
        self._commit_soon()
        return item

    def _commit_soon(self) -> None:
        """While a transaction is open, commit it within `BATCH_SECONDS` even if no item
        comes (a crawl waiting on politeness delays never holds the write lock long)."""
        reactor = sys.modules.get("twisted.internet.reactor")  # only the running crawl's own
        if reactor is None or not self.context.db.conn.in_transaction:
            return
        if self._commit_call is None or not self._commit_call.active():
            self._commit_call = reactor.callLater(BATCH_SECONDS, self.context.batch.commit)

    def _failed(self, item, exc: Exception) -> None:
        spider, name = self.crawler.spider, getattr(item, "source", "?")
        source = next((s for s in getattr(spider, "sources", []) if s.name == name), None)
        cause = f"enregistrement impossible ({type(exc).__name__}: {' '.join(str(exc).split())[:140]})"
        if source is not None and hasattr(spider, "fail"):
            spider.fail(source, cause)
        else:
            logger.error("source %s : %s", name, cause)

    def close_spider(self):
        """Write one `run_sources` row per source of the spider; close a run of its own."""
        spider, context = self.crawler.spider, self.context
        context.batch.commit()
        if self._commit_call is not None and self._commit_call.active():
            self._commit_call.cancel()
        for name, health in getattr(spider, "health", {}).items():
            result = context.tally.result(name, health.status, health.error, health.duration_s)
            database.record_source_result(context.db, context.run_id, result)
        if context.own_run:
            regroup(context.db)
            database.finish_run(context.db, context.run_id, raw_path=getattr(spider, "raw_file", None))


class ArchivePipeline:
    """After the store: archive the response behind each stored document."""

    def __init__(self, crawler):
        self.context = context_for(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        """Share the crawl's database."""
        return cls(crawler)

    def process_item(self, item):
        """Archive the response behind a stored document (other items pass through)."""
        if fetch_record_of(item) is not None:
            try:
                with self.context.batch.unit():
                    archive_document(self.context.db, item)
            except BatchLost:
                raise
            except Exception as exc:  # never lose the crawl for the archive
                logger.error("archive de %s impossible : %s", getattr(item, "url", "?"), exc)
        return item


def regroup(db: sqlite_utils.Database) -> None:
    """Group syndicated copies into stories once for a run (a failure is logged, never fatal)."""
    try:
        group_stories(db)
    except Exception as exc:
        logger.error("regroupement des reprises impossible : %s", exc)
