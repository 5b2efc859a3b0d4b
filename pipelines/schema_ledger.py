"""Schema of the commitments ledger (migrations 040–049).

In the veille database (migration set "veille", rebuilt by `pipelines.ledger` after each
`veille tag`; the names are a public interface documented in the README):

* `commitment_threads`: one row per promise, grouping the statements of `commitments` that
  report it; its status and the one French sentence explaining it.
* `commitment_statements`: one row per statement of `commitments`, with its thread (none
  when staff rejected it) and the values in force (machine's, or staff's correction).
* `commitment_events`: the status history of each thread (date, status, document, reason).
* `curation_log`: a read-only copy of the staff's decisions, for the site.

In the curation file (migration set "veille-curation", `curation.db` next to the database,
written only by `pipelines.curation`): `curations`, the append-only log of staff decisions
keyed by stable statement keys and thread ids, so they survive `veille tag --all` and a
rebuild from the raw files.

Applied by `pipelines/migrations.py`.
"""

from __future__ import annotations

import sqlite_utils


def create_ledger(db: sqlite_utils.Database) -> None:
    """Migration 040: threads, statements, status events and the copy of the curation log."""
    db.table("commitment_threads").create(
        {"id": str, "actor_id": str, "actor_name": str, "institution": str, "kind": str, "object_key": str,
         "object": str, "amount_eur": float, "deadline": str, "deadline_precision": str, "status": str,
         "status_reason": str, "status_origin": str, "status_date": str, "first_seen": str,
         "last_evidence": str, "sources": int, "documents": int, "statements": int, "founder_key": str,
         "owner": str, "note": str, "as_of": str},
        pk="id",
    )
    db.table("commitment_statements").create(
        {"commitment_id": str, "statement_key": str, "thread_id": str, "role": str, "document_id": str,
         "published": str, "date": str, "source": str, "publisher": str, "actor_id": str, "actor_text": str,
         "institution": str, "kind": str, "text": str, "amount_eur": float, "deadline": str,
         "deadline_precision": str, "decision": str, "corrected": str},
        pk="commitment_id",
    )
    db.table("commitment_events").create(
        {"id": str, "thread_id": str, "seq": int, "date": str, "status": str, "previous_status": str,
         "document_id": str, "reason": str, "origin": str},
        pk="id",
    )
    db.table("curation_log").create(
        {"id": int, "created": str, "author": str, "action": str, "target": str, "field": str,
         "before": str, "after": str, "note": str},
        pk="id",
    )
    for table, column in (("commitment_threads", "status"), ("commitment_threads", "actor_id"),
                          ("commitment_threads", "kind"), ("commitment_statements", "thread_id"),
                          ("commitment_statements", "document_id"), ("commitment_statements", "statement_key"),
                          ("commitment_events", "thread_id"), ("curation_log", "target")):
        db.table(table).create_index([column], if_not_exists=True)


def create_curation(db: sqlite_utils.Database) -> None:
    """Curation migration 041: the append-only log of staff decisions."""
    db.table("curations").create(
        {"id": int, "created": str, "author": str, "action": str, "target_kind": str, "target": str,
         "anchor": str, "document_id": str, "text": str, "field": str, "value": str, "before": str,
         "note": str, "active": int},
        pk="id", defaults={"active": 1},
    )


def index_curation(db: sqlite_utils.Database) -> None:
    """Curation migration 042: decisions looked up by their target."""
    db.table("curations").create_index(["target"], if_not_exists=True)
    db.table("curations").create_index(["document_id"], if_not_exists=True)
