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


def add_run_process(db: sqlite_utils.Database) -> None:
    """Migration 012: the process behind each run (`pid`, and its start time `pid_start` in
    clock ticks since boot, so a reused pid is not mistaken for it): a run still "running"
    whose process is gone was killed, and is marked "interrupted" by the next run."""
    columns = db.table("runs").columns_dict
    for column, kind in (("pid", int), ("pid_start", int)):
        if column not in columns:
            db.table("runs").add_column(column, kind)
