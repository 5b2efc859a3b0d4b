"""Schema of `veille nightly` (migration 007): child runs and the log of digest sends.

Applied by `pipelines/migrations.py`.
"""

from __future__ import annotations

import sqlite_utils


def create_nightly(db: sqlite_utils.Database) -> None:
    """Migration 007: runs made of steps and child runs; one row per attempt to mail a
    digest."""
    db.table("runs").add_column("parent_id", str)
    db.table("runs").add_column("steps", str)
    db.table("runs").create_index(["parent_id"])
    db.table("digest_sends").create(
        {"id": str, "week": str, "run_id": str, "sent_at": str, "status": str, "recipients": str,
         "error": str, "files": str},
        pk="id",
    )
    db.table("digest_sends").create_index(["week"])
