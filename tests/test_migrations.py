"""Migrations: defined order, one record each, atomic (a failure or a kill inside one leaves
the database as it was, and the next open completes it), and the upgrade of a database made
by commit b58703f (hand-rolled `_migrations` table) without losing or re-running anything."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlite_utils

from conftest import FIXTURES, ROOT
from pipelines import db as database
from pipelines import migrations, schema_parliament

OLD = FIXTURES / "db" / "veille-b58703f.db"
LEGACY_NAMES = ["001_core", "002_reference", "007_nightly", "010_nlp", "003_parliament", "004_press_articles"]
FIRST = ["001_core", "002_reference", "003_parliament", "004_press_articles", "007_nightly", "010_nlp",
         "011_facet_indexes"]
# Every migration defined today (other features append theirs at the end of migrations.py).
DEFINED = migrations.defined_migrations()
# Row counts of every table of the b58703f fixture (tests/fixtures/db/SOURCES.md).
OLD_COUNTS = {
    "_migrations": 6, "actor_mentions": 25, "actors": 14, "amendments": 0, "annotations": 8, "archives": 6,
    "commitments": 9, "datasets": 4, "debate_passages": 1, "digest_sends": 1, "document_aliases": 10,
    "document_fingerprints": 8, "document_sources": 8, "document_versions": 6, "documents": 8,
    "documents_fts": 8, "documents_fts_config": 1, "documents_fts_data": 10, "documents_fts_docsize": 8,
    "documents_fts_idx": 8, "mandates": 130, "mentions": 26, "organes": 7, "questions": 6, "run_sources": 8,
    "runs": 1, "sources": 42, "stories": 1, "story_members": 3,
}


def dump(path: Path) -> dict:
    """Everything in a database file, read with plain sqlite3 (no migration): its schema and
    the rows of every table."""
    conn = sqlite3.connect(path)
    try:
        schema = sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
        tables = [name for kind, name, _, _ in schema if kind == "table"]
        rows = {t: sorted(conn.execute(f'SELECT * FROM "{t}"'), key=repr) for t in tables}
        return {"schema": schema, "rows": rows}
    finally:
        conn.close()


# Columns that a later migration rewrites on purpose (030: dates in Paris time with their offset).
REWRITTEN = {"documents": {"published"}, "stories": {"published"}, "story_members": {"published"}}


def kept_rows(path: Path, table: str) -> list:
    """The rows of `table` on the columns the b58703f fixture had, less the ones a migration
    rewrites on purpose (columns added since are left out: they are new)."""
    with sqlite3.connect(OLD) as old:
        columns = [row[1] for row in old.execute(f'PRAGMA table_info("{table}")')
                   if row[1] not in REWRITTEN.get(table, ())]
    conn = sqlite3.connect(path)
    try:
        listed = ", ".join(f'"{c}"' for c in columns)
        return sorted(conn.execute(f'SELECT {listed} FROM "{table}"'), key=repr)
    finally:
        conn.close()


def schema_of(path: Path) -> list:
    """The schema of a database, without the record of migrations."""
    return [row for row in dump(path)["schema"] if row[2] not in ("_sqlite_migrations", "_migrations")]


@pytest.fixture
def old_db(tmp_path) -> Path:
    """A copy of the database made by b58703f."""
    path = tmp_path / "old.db"
    shutil.copyfile(OLD, path)
    return path


@pytest.fixture
def fresh_schema(tmp_path_factory) -> list:
    """The schema of a database created by today's code."""
    path = tmp_path_factory.mktemp("fresh") / "fresh.db"
    database.open_db(path).close()
    return schema_of(path)


def test_migrations_are_applied_in_the_defined_order_once(tmp_path):
    assert DEFINED[:7] == FIRST and len(set(DEFINED)) == len(DEFINED)
    assert "012_run_process" in DEFINED[7:]
    db = database.open_db(tmp_path / "v.db")
    assert migrations.applied_migrations(db) == DEFINED
    assert "_migrations" not in db.table_names()
    rows = list(db.query("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id"))
    assert rows == [{"migration_set": "veille", "name": name} for name in DEFINED]
    db.close()
    before = dump(tmp_path / "v.db")
    again = database.open_db(tmp_path / "v.db")
    assert database.migrate(again) == []
    assert again.conn.total_changes == 0
    again.close()
    assert dump(tmp_path / "v.db") == before


def test_database_made_by_b58703f_is_upgraded_without_losing_anything(old_db, fresh_schema):
    before = dump(old_db)
    assert {t: len(rows) for t, rows in before["rows"].items()} == OLD_COUNTS
    legacy = before["rows"]["_migrations"]

    db = database.open_db(old_db)
    db.close()
    after = dump(old_db)

    # Every row of every table is kept, byte for byte (on the columns it had, less the ones a
    # migration rewrites on purpose); only the record of migrations moved.
    for table in before["rows"]:
        if table != "_migrations" and not table.startswith("documents_fts"):
            assert kept_rows(old_db, table) == kept_rows(OLD, table), table
    assert "_migrations" not in after["rows"]
    # The six old migrations are adopted with their timestamps (never re-run), in the defined
    # order; only the new one is applied.
    record = sqlite_utils.Database(old_db)
    applied = list(record.query("SELECT name, applied_at FROM _sqlite_migrations ORDER BY id"))
    assert [r["name"] for r in applied] == DEFINED
    assert sorted((r["name"], r["applied_at"]) for r in applied[:6]) == sorted(legacy)
    assert sorted(name for name, _ in legacy) == sorted(LEGACY_NAMES)
    assert datetime.fromisoformat(applied[6]["applied_at"]) <= datetime.now(timezone.utc)
    # The upgraded schema is exactly the schema of a new database.
    assert schema_of(old_db) == fresh_schema
    # Some exact values, read back through today's code.
    assert record.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert record.execute("PRAGMA foreign_key_check").fetchall() == []
    assert record["documents"].get("press-c7469a8a3396d015")["title"] == "Santé : le gouvernement prolonge le financement des SEC-Pa"
    assert record["questions"].get("SEQ260207591")["author_name"] == "Mme Anne Souyris"
    assert record["stories"].get("story-37be47ea6c76")["lead_document_id"] == "press-4e413dc25a20487d"
    assert record["digest_sends"].count_where("week = '2026-W08' AND status = 'failed'") == 1
    assert record.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'secpa'").fetchone()[0] == 8
    assert record["mandates"].count == 130
    record.close()

    # A second open changes nothing.
    again = database.open_db(old_db)
    assert database.migrate(again) == [] and again.conn.total_changes == 0
    again.close()
    assert dump(old_db) == after


def test_upgraded_database_takes_new_documents(old_db, matcher):
    from pipelines.store import store_document
    from spiders.items import Document

    db = database.open_db(old_db)
    doc = Document(source="lemonde_sante", url="https://www.lemonde.fr/sante/secpa.html", title="Les SEC-Pa prolongées",
                   summary="Le financement des SEC-Pa est maintenu.",
                   published=datetime(2026, 2, 18, 18, 12, tzinfo=timezone.utc))
    assert store_document(db, matcher, doc) == "insert"
    assert store_document(db, matcher, doc) == "noop"
    assert db["documents"].count == 9
    assert db.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'secpa'").fetchone()[0] == 9
    db.close()


def test_a_partly_migrated_old_database_gets_only_what_it_lacks(old_db, fresh_schema):
    # A database made before 004 existed: no press archive tables, no record of 004.
    conn = sqlite3.connect(old_db)
    with conn:
        for table in ("story_members", "stories", "document_fingerprints", "document_versions", "archives"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM _migrations WHERE name = '004_press_articles'")
    conn.close()
    db = database.open_db(old_db)
    assert migrations.applied_migrations(db)[5:] == ["004_press_articles", *DEFINED[6:]]
    assert db["documents"].count == 8 and db["stories"].count == 0
    db.close()
    assert schema_of(old_db) == fresh_schema


def _fail_after_first_statement(monkeypatch, module, name):
    """Make `module.name` (a migration step) run its first statement, then raise."""
    real = getattr(module, name)

    def failing(db):
        calls = []
        execute = db.execute

        def counted(sql, parameters=None):
            calls.append(sql)
            if len(calls) == 2:
                raise RuntimeError("panne simulée")
            return execute(sql, parameters)

        db.execute = counted
        try:
            real(db)
        finally:
            del db.execute

    monkeypatch.setattr(module, name, failing)


def test_failure_inside_a_migration_leaves_a_new_database_empty_then_next_open_completes(tmp_path, monkeypatch, fresh_schema):
    path = tmp_path / "v.db"
    _fail_after_first_statement(monkeypatch, schema_parliament, "create_parliament")
    with pytest.raises(RuntimeError, match="panne simulée"):
        database.open_db(path)
    # 001 and 002 ran before 003 in the same transaction: all rolled back.
    assert dump(path)["schema"] == []
    monkeypatch.undo()
    db = database.open_db(path)
    assert migrations.applied_migrations(db) == DEFINED
    db.close()
    assert schema_of(path) == fresh_schema


def test_failure_inside_the_upgrade_leaves_the_old_database_as_it_was(old_db, monkeypatch, fresh_schema):
    before = dump(old_db)
    real = migrations.FACET_INDEXES
    monkeypatch.setattr(migrations, "FACET_INDEXES", real[:1] + (("no_such_table", "x"),))
    with pytest.raises(Exception):
        database.open_db(old_db)
    assert dump(old_db) == before  # legacy record, no new index, no _sqlite_migrations
    monkeypatch.undo()
    database.open_db(old_db).close()
    assert schema_of(old_db) == fresh_schema


def _is_write(sql: str) -> bool:
    """A statement that can change the database (reads of the schema are left alone)."""
    return not sql.lstrip().upper().startswith(("SELECT", "PRAGMA TABLE_INFO"))


def _count_writes(path: Path) -> int:
    """How many write statements (`Database.execute`) opening and migrating this database makes."""
    calls = []
    real = sqlite_utils.Database.execute

    def counted(self, sql, parameters=None):
        if _is_write(sql):
            calls.append(sql)
        return real(self, sql, parameters)

    sqlite_utils.Database.execute = counted
    try:
        database.open_db(path).close()
    finally:
        sqlite_utils.Database.execute = real
    return len(calls)


class _Injected(Exception):
    pass


def _open_failing_at(path: Path, n: int) -> None:
    """Open the database, making its n-th write statement raise instead of running."""
    calls = []
    real = sqlite_utils.Database.execute

    def failing(self, sql, parameters=None):
        if _is_write(sql):
            calls.append(sql)
        if len(calls) == n:
            raise _Injected(sql)
        return real(self, sql, parameters)

    sqlite_utils.Database.execute = failing
    try:
        with pytest.raises(_Injected):
            database.open_db(path)
    finally:
        sqlite_utils.Database.execute = real


def _points(total: int, every: int) -> list[int]:
    """Failure points 1..total: all of them (every=1), or one in `every` plus the last ones."""
    return sorted(set(range(1, total + 1, every)) | set(range(max(1, total - 2), total + 1)))


def _fail_everywhere_in_a_new_database(tmp_path, fresh_schema, every):
    total = _count_writes(tmp_path / "count.db")
    assert total > 100
    for n in _points(total, every):
        path = tmp_path / f"v{n}.db"
        _open_failing_at(path, n)
        assert dump(path)["schema"] == [], n
        db = database.open_db(path)
        assert migrations.applied_migrations(db) == DEFINED, n
        db.close()
        assert schema_of(path) == fresh_schema, n


def _fail_everywhere_in_the_upgrade(tmp_path, fresh_schema, every):
    shutil.copyfile(OLD, tmp_path / "count.db")
    total = _count_writes(tmp_path / "count.db")
    before = dump(OLD)
    for n in _points(total, every):
        path = tmp_path / f"v{n}.db"
        shutil.copyfile(OLD, path)
        _open_failing_at(path, n)
        assert dump(path) == before, n
        database.open_db(path).close()
        assert schema_of(path) == fresh_schema, n
        assert kept_rows(path, "documents") == kept_rows(OLD, "documents"), n


def test_a_failure_at_write_statements_of_a_new_database_is_repaired_by_the_next_open(tmp_path, fresh_schema):
    _fail_everywhere_in_a_new_database(tmp_path, fresh_schema, every=9)


def test_a_failure_at_any_write_statement_of_the_upgrade_is_repaired_by_the_next_open(tmp_path, fresh_schema):
    _fail_everywhere_in_the_upgrade(tmp_path, fresh_schema, every=1)


@pytest.mark.slow
def test_a_failure_at_any_write_statement_of_a_new_database_is_repaired_by_the_next_open(tmp_path, fresh_schema):
    _fail_everywhere_in_a_new_database(tmp_path, fresh_schema, every=1)


KILLER = """
import os, sys
import sqlite_utils
from pipelines.db import open_db

n, calls, real = int(sys.argv[2]), [], sqlite_utils.Database.execute

def execute(self, sql, parameters=None):
    if not sql.lstrip().upper().startswith(("SELECT", "PRAGMA TABLE_INFO")):
        calls.append(sql)
    if len(calls) == n:
        os._exit(3)
    return real(self, sql, parameters)

sqlite_utils.Database.execute = execute
open_db(sys.argv[1])
"""


@pytest.mark.parametrize("where", [0.3, 0.6, 1.0])
@pytest.mark.parametrize("start", ["new", "b58703f"])
def test_a_process_killed_inside_a_migration_leaves_the_database_as_before(tmp_path, start, where, fresh_schema):
    path = tmp_path / "v.db"
    if start == "b58703f":
        shutil.copyfile(OLD, tmp_path / "count.db")
        shutil.copyfile(OLD, path)
    before = dump(path) if path.exists() else {"schema": [], "rows": {}}
    n = max(1, int(_count_writes(tmp_path / "count.db") * where))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", KILLER, str(path), str(n)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert killed.returncode == 3, killed.stderr
    assert dump(path) == before
    database.open_db(path).close()
    assert schema_of(path) == fresh_schema
    if start == "b58703f":
        assert kept_rows(path, "documents") == kept_rows(OLD, "documents")


def test_concurrent_opens_of_a_new_database_migrate_it_once(tmp_path, fresh_schema):
    path = tmp_path / "v.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import sys; from pipelines.db import open_db; open_db(sys.argv[1]).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=ROOT, env=env,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    db = database.open_db(path)
    assert migrations.applied_migrations(db) == DEFINED
    db.close()
    assert schema_of(path) == fresh_schema
