"""Schema of the saved-search alerts and of the name index they share with the site's
search (migrations 050–059, applied by `pipelines/migrations.py`).

- `alert_sends`: one row per (alert, document) mailed, so a match is sent once whatever the
  number of runs; `alert_runs`: each run of an alert (when, how many new matches, outcome).
- `actors_fts`: a full-text index of actor names (kept in step by triggers on `actors`), so
  that a search for « Rist » finds the documents where she is only « la ministre de la Santé »:
  the search joins it to `actor_mentions` (and question authors) instead of re-reading texts.

These functions only describe the schema.
"""

from __future__ import annotations

import sqlite_utils

from pipelines.schema_core import FTS_TOKENIZER


def create_alerts(db: sqlite_utils.Database) -> None:
    """Migration 050: the record of alert mails (a match is mailed once per alert)."""
    db.table("alert_sends").create(
        {"alert": str, "document_id": str, "sent_at": str, "run_id": str},
        pk=("alert", "document_id"), if_not_exists=True,
    )
    db.table("alert_sends").create_index(["document_id"], if_not_exists=True)
    db.table("alert_runs").create(
        {"id": str, "alert": str, "started": str, "matches": int, "status": str, "recipients": str,
         "error": str},
        pk="id", if_not_exists=True,
    )
    db.table("alert_runs").create_index(["alert", "started"], if_not_exists=True)


def create_actor_search(db: sqlite_utils.Database) -> None:
    """Migration 051: `actors_fts`, the full-text index of actor names (triggers keep it in
    step with `actors`), and the indexes the search and its facets join through."""
    if "actors_fts" not in db.table_names():
        db.table("actors").enable_fts(["name"], create_triggers=True, tokenize=FTS_TOKENIZER)
    db.table("actor_mentions").create_index(["actor_id", "document_id"], if_not_exists=True)
    db.table("actor_mentions").create_index(["document_id", "actor_id"], if_not_exists=True)


# Columns the search page facets on, each behind `relevant` (a topic-wide search is
# `relevant = 1`): the counts read the index alone instead of every row.
SEARCH_FACET_INDEXES = ("source", "kind", "publisher", "access", "published")


def index_search_facets(db: sqlite_utils.Database) -> None:
    """Migration 052: covering indexes (relevant, column) for the search page's facets and order."""
    for column in SEARCH_FACET_INDEXES:
        db.table("documents").create_index(["relevant", column], if_not_exists=True)
