"""Schema for speed at real scale (migrations 060–069, issue 17).

- `story_documents`: one row per relevant document already placed by the incremental story
  grouping (`pipelines.stories.group_stories`), with the content hash it was placed at, so a
  run only looks at documents inserted or changed since; `num` is a stable small key
  (INTEGER PRIMARY KEY: never renumbered, not even by VACUUM) used by the two tables below.
- `story_bands`: the LSH band keys of each eligible document's MinHash signature (64 per
  document), so the candidates of a new document are found by index look-ups instead of
  bucketing every signature again.
- `story_links`: the verified near-duplicate pairs (shingle containment ≥ the threshold, close
  in time), from which the stories are the connected groups.
- `documents(relevant, id, content_hash)`: the documents to place are found from this index
  alone, without reading the wide rows of the documents table.
- `mentions(document_id, strength)`: the index the mention queries of the digest and the feeds
  need, even on a database never analysed (the 2-value `strength` index misled the planner).
- `documents(published) WHERE url LIKE '%://news.google.com/%'`: the Google News items by date,
  read when a new publisher's article looks for its Google News counterpart (063).

Applied by `pipelines/migrations.py`.
"""

from __future__ import annotations

import sqlite_utils


def create_story_index(db: sqlite_utils.Database) -> None:
    """Migration 060: the incremental story index (documents placed, band keys, verified links)."""
    db.execute(
        "CREATE TABLE story_documents (num INTEGER PRIMARY KEY, document_id TEXT NOT NULL UNIQUE,"
        " content_hash TEXT, eligible INTEGER NOT NULL DEFAULT 0)")
    db.execute(
        "CREATE TABLE story_bands (band_key INTEGER NOT NULL, num INTEGER NOT NULL,"
        " PRIMARY KEY (band_key, num)) WITHOUT ROWID")
    db.execute(
        "CREATE TABLE story_links (num INTEGER NOT NULL, other INTEGER NOT NULL, score REAL NOT NULL,"
        " PRIMARY KEY (num, other)) WITHOUT ROWID")
    db.execute("CREATE INDEX idx_story_links_other ON story_links (other)")


def index_mentions_by_document(db: sqlite_utils.Database) -> None:
    """Migration 061: mentions looked up by (document_id, strength); the 2-value `strength`
    index and the `document_id` index (a prefix of the new one) are dropped."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_mentions_document_id_strength ON mentions (document_id, strength)")
    db.execute("DROP INDEX IF EXISTS idx_mentions_strength")
    db.execute("DROP INDEX IF EXISTS idx_mentions_document_id")


def index_documents_for_stories(db: sqlite_utils.Database) -> None:
    """Migration 062: relevant documents and their content hashes read from one covering index."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_documents_relevant_id_hash ON documents (relevant, id, content_hash)")


def index_google_news_by_date(db: sqlite_utils.Database) -> None:
    """Migration 063: the Google News items by date (a partial index), so that identifying a
    new publisher's article (`stories.google_news_match`) reads the Google News items of its
    96 hours, not every document of those days."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_documents_google_news_published ON documents (published)"
               " WHERE url LIKE '%://news.google.com/%'")
