"""Schema of the NLP stage (migration 010): kinds of actor mentions, how a commitment's
actor and deadline were found, and one `annotations` row per analysed document.

Applied by `pipelines/migrations.py`.
"""

from __future__ import annotations

import sqlite_utils


def create_nlp(db: sqlite_utils.Database) -> None:
    """Migration 010: annotation columns and the `annotations` table."""
    db.table("actor_mentions").add_column("kind", str)
    db.table("commitments").add_column("actor_rule", str)
    db.table("commitments").add_column("deadline_text", str)
    db.table("annotations").create(
        {"document_id": str, "annotated_at": str, "model": str, "actor_mentions": int,
         "commitments": int, "notes": str},
        pk="document_id", foreign_keys=[("document_id", "documents", "id")],
    )
