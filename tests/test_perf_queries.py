"""Queries that stay fast (issue 17): a write run leaves the planner its statistics
(`ANALYZE`, then `PRAGMA optimize`), and even a database never analysed looks mentions up by
(document_id, strength), never by the 2-value `strength` index."""

from __future__ import annotations

from datetime import datetime, timezone

from pipelines import db as database
from pipelines.config import load_config
from pipelines.importer import import_files
from pipelines.labels import register_sql_functions
from pipelines.queries import bind
from pipelines.raw import raw_line
from spiders.items import Document


def _plan(db, name: str) -> str:
    sql, values = bind(name, [*db.table_names(), *db.view_names()], {})
    register_sql_functions(db.conn)
    return " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, values).fetchall())


def test_mention_queries_use_the_document_index_on_a_database_never_analysed(db):
    assert not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'mentions'")}
    assert "idx_mentions_strength" not in indexes and "idx_mentions_document_id_strength" in indexes
    for name in ("mentions_semaine", "flux_mentions"):
        plan = _plan(db, name)
        assert "idx_mentions_document_id_strength" in plan, (name, plan)
        assert "idx_mentions_strength " not in plan + " ", (name, plan)


def _raw(path, count: int, offset: int = 0):
    day = datetime(2026, 2, 7, 6, 30, tzinfo=timezone.utc)
    items = [Document(source="src", url=f"https://journal.example/secpa/{offset + i}", title=f"Les SEC-Pa {offset + i}",
                      summary="Les SEC-Pa, structures d'exercice coordonné participatives, attendent.", published=day)
             for i in range(count)]
    path.write_text("".join(raw_line(item) for item in items), encoding="utf-8")
    return path


def test_an_import_leaves_statistics_and_refreshes_them_when_the_documents_have_grown(tmp_path):
    from conftest import write_config

    config = load_config(write_config(tmp_path))
    assert import_files(config, [_raw(tmp_path / "a.jsonl", 30)])["status"] == "ok"
    db = database.open_db(config.database)
    stats = {r[0] for r in db.execute("SELECT tbl FROM sqlite_stat1")}
    assert {"documents", "mentions"} <= stats
    assert database.optimize(db) == "optimize"  # nothing grew: the cheap pragma
    before = db.execute("SELECT max(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl = 'documents'").fetchone()[0]
    db.close()
    assert import_files(config, [_raw(tmp_path / "b.jsonl", 300, offset=30)])["status"] == "ok"
    db = database.open_db(config.database)
    after = db.execute("SELECT max(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl = 'documents'").fetchone()[0]
    assert before == 30 and after == 330
    db.close()
