"""Store step: match a document against the topic and upsert it through `pipelines.db`.

`store_document` is the one path used by the crawl (`pipelines.crawl_steps`), by `veille
import` and by `veille add`, so a document is processed the same way whatever its origin.
Other item types are dispatched by `pipelines.dispatch`.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter, defaultdict

import sqlite_utils

from nlp.text import fold
from nlp.topic import TopicMatcher
from pipelines import db as database
from pipelines.match import match_document, mention_rows
from pipelines.normalize import identifies_one_page, normalize_document
from pipelines.stories import identity_urls, renames, same_document
from pipelines.transaction import write_unit
from spiders.items import Document

logger = logging.getLogger(__name__)
_STORED_ATTRIBUTE = "_stored_as"


def topic_keywords(matcher: TopicMatcher) -> str:
    """Words added to the search index of a relevant document, so that "secpa" finds
    every spelling ("SEC-Pa", "SEC Pa", the long forms...)."""
    return _keywords_of(matcher.name)


@functools.lru_cache(maxsize=16)  # asked once per stored document, for the one topic's name
def _keywords_of(name: str) -> str:
    squashed = "".join(c for c in fold(name) if c.isalnum())
    return f"{name} {squashed}"


def store_document(db: sqlite_utils.Database, matcher: TopicMatcher, doc: Document, keep_irrelevant: bool = False) -> str:
    """Normalise, match and upsert one document; return "insert", "update", "noop" or
    "irrelevant" (not stored: no strong mention of the topic). Identifying the document
    and writing it are one transaction: a crash leaves it as it was before, or stored
    whole (row, id, aliases, sources, mentions, search index). A document stored already,
    unchanged and linked, costs a hash comparison and three index look-ups, and writes
    nothing."""
    normalized = normalize_document(doc)
    record = None  # built only when needed: most items of a back-fill are off topic and new
    mentions = None
    # Read in an open transaction (a batch), the answer holds until the unit below writes.
    probed_in_transaction = db.conn.in_transaction
    if database.has_document(db, normalized.id):
        record = _record(normalized, matcher)
        if _unchanged(db, normalized, record):
            setattr(doc, _STORED_ATTRIBUTE, normalized)
            return "noop"
    elif normalized.extra.get("keep_id") and not keep_irrelevant:
        # New, under an id of its own (never merged with another document): off topic, it
        # is not stored, and that is known before anything is read or written.
        mentions = match_document(normalized, matcher)
        if not matcher.is_relevant(mentions):
            return "irrelevant"
    with write_unit(db):
        return _store_document(db, matcher, doc, normalized, record, keep_irrelevant, mentions,
                               known_new=probed_in_transaction)


def _record(doc: Document, matcher: TopicMatcher) -> dict:
    """The document's row as `pipelines.db` stores and hashes it (with the rules' fingerprint)."""
    return {**doc.to_dict(), "rules": matcher.fingerprint}


def _link_aliases(doc: Document) -> list[str]:
    # Only addresses that name this one article become aliases (no site root, no
    # query-stripped CMS URL); guids that are not URLs are kept as they are.
    return [a for a in (doc.guid, *doc.aliases)
            if a and (not a.startswith(("http://", "https://")) or identifies_one_page(a, doc.url))]


def _unchanged(db: sqlite_utils.Database, doc: Document, record: dict) -> bool:
    """True when `doc` (normalised; `record` its row) is stored as it is, under its own
    id, and linked: what `_store_document` would find a no-op (same identity, same
    content). Reads only."""
    identity = None if doc.extra.get("keep_id") else identity_urls(doc)
    return database.document_unchanged(db, record, _link_aliases(doc), identity)


def _store_document(db: sqlite_utils.Database, matcher: TopicMatcher, original: Document, normalized: Document,
                    record: dict | None, keep_irrelevant: bool, mentions: list | None = None,
                    known_new: bool = False) -> str:
    # `known_new`: `normalized.id` was found absent in this transaction (no record built).
    doc = same_document(db, normalized)
    renamed = renames(doc)
    if renamed:
        database.rename_document(db, renamed, doc.id)
    if doc is not normalized:  # stored under another id
        record = None
    known_new = known_new and record is None and doc is normalized and not renamed
    if record is None and not known_new and database.has_document(db, doc.id):
        record = _record(doc, matcher)
    aliases = _link_aliases(doc)
    if record is not None and database.document_is_stored(db, record):
        database.link_document(db, record, aliases)
        setattr(original, _STORED_ATTRIBUTE, doc)
        return "noop"
    if mentions is None or doc is not normalized:
        mentions = match_document(doc, matcher)
    relevant = matcher.is_relevant(mentions)
    if not relevant and not keep_irrelevant:
        return "irrelevant"
    # No record yet: no document under this id in this transaction (looked up above, or
    # found absent by the caller's probe), so the write does not look again.
    new = record is None
    record = record or _record(doc, matcher)
    record["topics"] = topic_keywords(matcher) if relevant else ""
    record["relevant"] = relevant
    action = database.write_document(db, record, mention_rows(mentions), aliases, new=new)  # in this unit
    setattr(original, _STORED_ATTRIBUTE, doc)
    return action


def stored_as(doc: Document) -> Document | None:
    """The normalised document (with its final id) that `store_document` stored for `doc`
    in this process; None when it was not stored (off topic) or never went through it."""
    return getattr(doc, _STORED_ATTRIBUTE, None)


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
