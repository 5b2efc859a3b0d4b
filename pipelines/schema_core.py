"""Schema of the core tables: documents and their links, topic mentions, actors,
commitments, sources and runs (migration 001), then the reference data of actors' mandates
(migration 002). The table and column names are a public interface (README).

These functions only describe the schema; `pipelines/migrations.py` applies them, once, in order.
"""

from __future__ import annotations

import sqlite_utils

FTS_COLUMNS = ["title", "text", "topics"]
FTS_TOKENIZER = "unicode61 remove_diacritics 2"


def create_core(db: sqlite_utils.Database) -> None:
    """Migration 001: documents, aliases, sources, mentions, actors, commitments, runs, and
    the full-text index of documents (kept in step by triggers)."""
    db.table("documents").create(
        {
            "id": str, "url": str, "source": str, "kind": str, "title": str, "published": str,
            "text": str, "summary": str, "publisher": str, "author": str, "guid": str,
            "access": str, "topics": str, "relevant": int, "extra": str,
            "content_hash": str, "first_seen": str, "updated_at": str,
        },
        pk="id",
    )
    for column in ("source", "kind", "published", "publisher", "access", "relevant"):
        db.table("documents").create_index([column])
    db.table("document_aliases").create({"alias": str, "document_id": str}, pk="alias",
                                   foreign_keys=[("document_id", "documents", "id")])
    db.table("document_aliases").create_index(["document_id"])
    db.table("document_sources").create(
        {"document_id": str, "source": str, "first_seen": str}, pk=("document_id", "source"),
        foreign_keys=[("document_id", "documents", "id")],
    )
    db.table("document_sources").create_index(["source"])
    db.table("mentions").create(
        {"id": str, "document_id": str, "matched": str, "rule": str, "strength": str,
         "start": int, "end": int, "snippet": str},
        pk="id", foreign_keys=[("document_id", "documents", "id")],
    )
    for column in ("document_id", "strength", "rule"):
        db.table("mentions").create_index([column])
    db.table("actors").create({"id": str, "name": str, "kind": str, "extra": str}, pk="id")
    db.table("actors").create_index(["kind"])
    db.table("actor_mentions").create(
        {"id": str, "document_id": str, "actor_id": str, "text": str, "start": int, "end": int,
         "rule": str},
        pk="id", foreign_keys=[("document_id", "documents", "id")],
    )
    for column in ("document_id", "actor_id"):
        db.table("actor_mentions").create_index([column])
    db.table("commitments").create(
        {"id": str, "document_id": str, "actor_id": str, "actor_text": str, "kind": str,
         "text": str, "amount_eur": float, "deadline": str, "deadline_precision": str,
         "status": str, "start": int, "end": int},
        pk="id", foreign_keys=[("document_id", "documents", "id")],
    )
    for column in ("document_id", "actor_id", "kind", "deadline", "status"):
        db.table("commitments").create_index([column])
    db.table("sources").create(
        {"name": str, "label": str, "kind": str, "url": str, "cadence": str, "enabled": int,
         "last_run_id": str, "last_status": str, "last_error": str, "last_items": int,
         "last_duration_s": float, "last_success": str, "consecutive_failures": int},
        pk="name",
    )
    db.table("runs").create(
        {"id": str, "command": str, "started": str, "finished": str, "duration_s": float,
         "status": str, "items_seen": int, "relevant": int, "inserted": int, "updated": int,
         "unchanged": int, "failed_sources": int, "raw_path": str, "errors": str},
        pk="id",
    )
    db.table("runs").create_index(["started"])
    db.table("run_sources").create(
        {"id": str, "run_id": str, "source": str, "status": str, "error": str, "items": int,
         "relevant": int, "inserted": int, "updated": int, "unchanged": int,
         "duration_s": float},
        pk="id", foreign_keys=[("run_id", "runs", "id")],
    )
    for column in ("run_id", "source"):
        db.table("run_sources").create_index([column])
    db.table("documents").enable_fts(FTS_COLUMNS, create_triggers=True, tokenize=FTS_TOKENIZER)


def create_reference(db: sqlite_utils.Database) -> None:
    """Migration 002: organes and mandates (reference data), and the field of each mention."""
    db.table("organes").create(
        {"id": str, "kind": str, "name": str, "short_name": str, "start": str, "end": str,
         "legislature": str, "extra": str},
        pk="id",
    )
    db.table("organes").create_index(["kind"])
    db.table("mandates").create(
        {"id": str, "actor_id": str, "organe_id": str, "organe_kind": str, "role": str,
         "start": str, "end": str, "extra": str},
        pk="id",
    )
    for column in ("actor_id", "organe_id", "organe_kind", "role", "start", "end"):
        db.table("mandates").create_index([column])
    db.table("mentions").add_column("field", str)


def add_published_precision(db: sqlite_utils.Database) -> None:
    """Migration 030: `documents.published_precision`, what the source's date gave:
    "instant", "day" or "month" (see `spiders.dates`)."""
    if "published_precision" not in db.table("documents").columns_dict:
        db.table("documents").add_column("published_precision", str)

