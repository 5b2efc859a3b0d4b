"""Migrations of the veille database, through sqlite-utils' own `Migrations` class.

The order is written out once, below: each decorated function is one named migration,
applied once, in this order, and recorded in `_sqlite_migrations` (set "veille"). Append new
ones at the end; never edit or rename an applied one. Each migration's schema lives in the
module of its feature (`schema_core`, `schema_parliament`, `schema_press`, `schema_ops`,
`schema_nlp`).

Atomicity: `migrate` runs every pending migration, and the record of each, inside one
`BEGIN IMMEDIATE` transaction (each migration in its own savepoint). A failure or a crash
inside a migration leaves the database exactly as it was before `migrate`; the next open
applies the migrations again, from the first pending one. So every migration here must be
transactional (no VACUUM, no `PRAGMA journal_mode`).

Databases made before this module (commit b58703f and earlier) recorded their migrations in
a hand-rolled `_migrations` table (name, applied). `migrate` adopts them: their names and
timestamps are copied to `_sqlite_migrations` (in the order defined here), the old table is
dropped, in the same transaction, and only the migrations missing from it are applied.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from pipelines import schema_core, schema_nlp, schema_ops, schema_parliament, schema_press
from pipelines.transaction import write_unit

LEGACY_TABLE = "_migrations"
MIGRATIONS = Migrations("veille")

# Columns that the Datasette pages facet on (datasette/metadata.yml): each gets an index.
FACET_INDEXES = (
    ("mentions", "field"), ("actor_mentions", "rule"), ("organes", "legislature"),
    ("sources", "kind"), ("sources", "last_status"), ("runs", "status"), ("runs", "command"),
    ("run_sources", "status"), ("questions", "group_abbr"), ("questions", "ministry_asked"),
)


@MIGRATIONS(name="001_core")
def _core(db: sqlite_utils.Database) -> None:
    schema_core.create_core(db)


@MIGRATIONS(name="002_reference")
def _reference(db: sqlite_utils.Database) -> None:
    schema_core.create_reference(db)


@MIGRATIONS(name="003_parliament")
def _parliament(db: sqlite_utils.Database) -> None:
    schema_parliament.create_parliament(db)


@MIGRATIONS(name="004_press_articles")
def _press_articles(db: sqlite_utils.Database) -> None:
    schema_press.create_press_articles(db)


@MIGRATIONS(name="007_nightly")
def _nightly(db: sqlite_utils.Database) -> None:
    schema_ops.create_nightly(db)


@MIGRATIONS(name="010_nlp")
def _nlp(db: sqlite_utils.Database) -> None:
    schema_nlp.create_nlp(db)


@MIGRATIONS(name="011_facet_indexes")
def _facet_indexes(db: sqlite_utils.Database) -> None:
    for table, column in FACET_INDEXES:
        db.table(table).create_index([column], if_not_exists=True)


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Adopt a legacy `_migrations` record, then apply the pending migrations, all in one
    transaction; return the names applied (adopted ones are not re-applied nor returned)."""
    if LEGACY_TABLE not in db.table_names() and not MIGRATIONS.pending(db):
        return []
    with write_unit(db):
        adopt_legacy(db)
        names = [migration.name for migration in MIGRATIONS.pending(db)]
        MIGRATIONS.apply(db)
    return names


def adopt_legacy(db: sqlite_utils.Database) -> list[str]:
    """Record the migrations listed in the legacy `_migrations` table as applied (keeping
    their timestamps) and drop that table; return the names adopted. Call it inside a
    transaction (`migrate` does)."""
    if LEGACY_TABLE not in db.table_names():
        return []
    legacy = {row["name"]: row["applied"]
              for row in db.query(f"SELECT name, applied FROM [{LEGACY_TABLE}] ORDER BY rowid")}
    recorded = set(applied_migrations(db))
    pending = [migration.name for migration in MIGRATIONS.pending(db)]
    # Known names in the order defined here, then names this code does not know (a database
    # touched by another branch), in their recorded order.
    adopted = [name for name in pending if name in legacy]
    adopted += [name for name in legacy if name not in pending and name not in recorded]
    MIGRATIONS.ensure_migrations_table(db)
    db.table(MIGRATIONS.migrations_table).insert_all(
        {"migration_set": MIGRATIONS.name, "name": name, "applied_at": legacy[name]} for name in adopted)
    db.execute(f"DROP TABLE [{LEGACY_TABLE}]")
    return adopted


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    """Names of the migrations recorded as applied, in the order they were recorded."""
    return [migration.name for migration in MIGRATIONS.applied(db)]


def defined_migrations() -> list[str]:
    """Names of every migration of veille, in the order they are applied."""
    with sqlite_utils.Database(memory=True) as empty:
        return [migration.name for migration in MIGRATIONS.pending(empty)]


# ------------------------------------------------------------------ commitments ledger (040–049)
from pipelines import schema_ledger  # noqa: E402  (appended section: the ledger's own schema)


@MIGRATIONS(name="040_ledger")
def _ledger(db: sqlite_utils.Database) -> None:
    schema_ledger.create_ledger(db)


# The staff's curation file (`curation.db`, see `pipelines.curation`) has its own set, so an
# older curation file is brought up to date whatever the state of the database.
CURATION_MIGRATIONS = Migrations("veille-curation")


@CURATION_MIGRATIONS(name="041_curation")
def _curation(db: sqlite_utils.Database) -> None:
    schema_ledger.create_curation(db)


@CURATION_MIGRATIONS(name="042_curation_indexes")
def _curation_indexes(db: sqlite_utils.Database) -> None:
    schema_ledger.index_curation(db)


def migrate_curation(db: sqlite_utils.Database) -> list[str]:
    """Apply the pending migrations of a curation file, in one transaction; return their names."""
    if not CURATION_MIGRATIONS.pending(db):
        return []
    with write_unit(db):
        names = [migration.name for migration in CURATION_MIGRATIONS.pending(db)]
        CURATION_MIGRATIONS.apply(db)
    return names



# ------------------------------------------------------------------ dates with precision (030–039)
from datetime import datetime  # noqa: E402  (appended section)

from spiders.dates import infer_precision, read_date, stored_iso  # noqa: E402  (the contract's date rules)


@MIGRATIONS(name="030_published_precision")
def _published_precision(db: sqlite_utils.Database) -> None:
    """`documents.published_precision`, and the stored dates rewritten in Paris time with
    their offset (`spiders.dates.stored_iso`: the first ten characters are the Paris day).
    Before, a date-only source was stored as midnight Paris in UTC ("2026-03-02T23:00:00+00:00"):
    a Paris midnight becomes the day it names. The dates copied into `stories` and
    `story_members` are rewritten the same way."""
    schema_core.add_published_precision(db)
    for doc_id, published in db.execute(
            "SELECT id, published FROM documents WHERE published IS NOT NULL").fetchall():
        converted = _paris_date(published)
        if converted is not None:
            db.execute("UPDATE documents SET published = ?, published_precision = ? WHERE id = ?",
                       [*converted, doc_id])
    for table in ("stories", "story_members"):
        if table in db.table_names():
            for rowid, published in db.execute(
                    f"SELECT rowid, published FROM [{table}] WHERE published IS NOT NULL").fetchall():
                converted = _paris_date(published)
                if converted is not None and converted[0] != published:
                    db.execute(f"UPDATE [{table}] SET published = ? WHERE rowid = ?", [converted[0], rowid])


def _paris_date(value: str) -> tuple[str, str] | None:
    """(stored ISO in Paris time, precision) of a date stored before migration 030."""
    found = read_date(value)
    if found is None:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value or " " in value.strip() else None
    precision = infer_precision(moment) if moment is not None else found.precision
    return stored_iso(found.moment if moment is None else moment, precision), precision


# ------------------------------------------------------------------ parliament in depth (020–029)
from pipelines import schema_parliament_depth  # noqa: E402  (appended section: issue 16's schema)


@MIGRATIONS(name="020_parliament_depth")
def _parliament_depth(db: sqlite_utils.Database) -> None:
    schema_parliament_depth.create_parliament_depth(db)


# ------------------------------------------------------------------ crash-safe runs (012–019)
@MIGRATIONS(name="012_run_process")
def _run_process(db: sqlite_utils.Database) -> None:
    schema_ops.add_run_process(db)


# ------------------------------------------------------------------ alerts and name search (050–059)
from pipelines import schema_alerts  # noqa: E402  (appended section: alerts and the actor-name index)


@MIGRATIONS(name="050_alerts")
def _alerts(db: sqlite_utils.Database) -> None:
    schema_alerts.create_alerts(db)


@MIGRATIONS(name="051_actor_search")
def _actor_search(db: sqlite_utils.Database) -> None:
    schema_alerts.create_actor_search(db)


# ------------------------------------------------------------------ the bill's journey, question deadlines (021–029)
from pipelines import schema_dossiers  # noqa: E402  (appended section: issue 16's dossiers and deadlines)


@MIGRATIONS(name="021_dossiers")
def _dossiers(db: sqlite_utils.Database) -> None:
    schema_dossiers.create_dossiers(db)


@MIGRATIONS(name="022_question_deadline")
def _question_deadline(db: sqlite_utils.Database) -> None:
    schema_dossiers.add_answer_deadline(db)


@MIGRATIONS(name="052_search_facet_indexes")
def _search_facet_indexes(db: sqlite_utils.Database) -> None:
    schema_alerts.index_search_facets(db)


# ------------------------------------------------------------------ speed at real scale (060–069)
from pipelines import schema_perf  # noqa: E402  (appended section: issue 17's indexes)


@MIGRATIONS(name="060_story_index")
def _story_index(db: sqlite_utils.Database) -> None:
    schema_perf.create_story_index(db)


@MIGRATIONS(name="061_mentions_by_document")
def _mentions_by_document(db: sqlite_utils.Database) -> None:
    schema_perf.index_mentions_by_document(db)


@MIGRATIONS(name="062_documents_for_stories")
def _documents_for_stories(db: sqlite_utils.Database) -> None:
    schema_perf.index_documents_for_stories(db)


# ------------------------------------------------------------------ staff pages at 200k documents (070–079)
@MIGRATIONS(name="070_documents_by_week_and_kind")
def _documents_by_week_and_kind(db: sqlite_utils.Database) -> None:
    """The home chart (relevant documents of the last 26 weeks, by week and kind) read from one
    covering index; the (relevant, published) index, its prefix, is dropped."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_documents_relevant_published_kind"
               " ON documents (relevant, published, kind)")
    db.execute("DROP INDEX IF EXISTS idx_documents_relevant_published")


# ------------------------------------------------------------------ batched write path (issue 17, appended)
@MIGRATIONS(name="063_google_news_by_date")
def _google_news_by_date(db: sqlite_utils.Database) -> None:
    schema_perf.index_google_news_by_date(db)
