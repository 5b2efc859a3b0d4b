"""The write path: schema, migrations, idempotent upserts, runs and source health."""

import sqlite3
from datetime import datetime, timezone

import pytest
import sqlite_utils

from pipelines import db as database
from pipelines import migrations
from pipelines.store import store_document
from spiders.items import Document


def _doc(**overrides):
    values = dict(source="lemonde_sante", url="https://www.lemonde.fr/a.html?utm_source=rss", title="Les SEC-Pa sauvées",
                  summary="Le financement des SEC-Pa est maintenu.", published=datetime(2026, 2, 18, 18, 12, tzinfo=timezone.utc))
    values.update(overrides)
    return Document(**values)


def test_schema_is_migrated_once_with_wal_and_8k_pages(db, config):
    assert {"documents", "mentions", "actors", "actor_mentions", "commitments", "sources", "runs",
            "run_sources", "document_aliases", "organes", "mandates", "documents_fts"} <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA page_size").fetchone()[0] == 8192
    again = database.open_db(config.database)
    assert database.migrate(again) == []
    assert migrations.applied_migrations(again)[:2] == ["001_core", "002_reference"]
    assert migrations.applied_migrations(again) == migrations.defined_migrations()


def test_insert_then_noop_then_update(db, matcher):
    assert store_document(db, matcher, _doc()) == "insert"
    assert store_document(db, matcher, _doc()) == "noop"
    assert db["documents"].count == 1
    first = next(db["documents"].rows)
    assert store_document(db, matcher, _doc(summary="Les SEC-Pa et les SEC-Pa.")) == "update"
    row = next(db["documents"].rows)
    assert row["first_seen"] == first["first_seen"]
    assert [m["matched"] for m in db["mentions"].rows_where(order_by="start")] == ["SEC-Pa", "SEC-Pa"]
    assert db["documents"].count == 1


def test_tracking_parameters_do_not_make_a_new_document(db, matcher):
    store_document(db, matcher, _doc())
    assert store_document(db, matcher, _doc(url="https://www.lemonde.fr/a.html?xtor=RSS-3208#x")) == "noop"
    assert db["documents"].count == 1


def test_same_article_from_two_sources_is_one_document(db, matcher):
    assert store_document(db, matcher, _doc()) == "insert"
    assert store_document(db, matcher, _doc(source="bing_news_secpa", summary="Les SEC-Pa.")) == "noop"
    assert store_document(db, matcher, _doc(source="bing_news_secpa", summary="Les SEC-Pa.")) == "noop"
    assert db["documents"].count == 1
    assert {r["source"] for r in db["document_sources"].rows} == {"lemonde_sante", "bing_news_secpa"}
    longer = _doc(source="bing_news_secpa", summary="Le financement des SEC-Pa est maintenu, dit la ministre.")
    assert store_document(db, matcher, longer) == "update"
    assert store_document(db, matcher, _doc()) == "noop"
    assert next(db["documents"].rows)["source"] == "bing_news_secpa"


def test_which_feed_answers_first_does_not_change_the_result(config_path, tmp_path, matcher):
    from pipelines.db import open_db

    a = _doc(source="basta", summary="Les SEC-Pa, reportage.")
    b = _doc(source="bing_news_secpa", summary="Les SEC-Pa, reportage!")
    results = []
    for order, name in (((a, b), "ab.db"), ((b, a), "ba.db")):
        database = open_db(tmp_path / name)
        for doc in order + order:
            store_document(database, matcher, doc)
        results.append(next(database["documents"].rows)["source"])
    assert results[0] == results[1]


def test_irrelevant_documents_are_not_stored(db, matcher):
    assert store_document(db, matcher, _doc(title="Grippe", summary="L'article 51 et le PEPS.")) == "irrelevant"
    assert db["documents"].count == 0


def test_mention_offsets_point_into_the_stored_text(db, matcher):
    store_document(db, matcher, _doc(summary="<p>Les structures d&#8217;exercice coordonné participatives (SECPA).</p>"))
    row = next(db["documents"].rows)
    assert row["text"] == "Les structures d’exercice coordonné participatives (SECPA)."
    for m in db["mentions"].rows:
        assert row["text"][m["start"]:m["end"]] == m["matched"]
        assert m["field"] == "text"


def test_title_only_mention_is_kept_with_its_field(db, matcher):
    store_document(db, matcher, _doc(title="Sepca : le sursis", summary="Un sursis pour les centres."))
    (mention,) = db["mentions"].rows
    assert mention["field"] == "title" and mention["rule"] == "title:acronym:Sepca"


def test_full_text_search_finds_every_spelling_with_secpa(db, matcher):
    for i, spelling in enumerate(["SEC-Pa", "SEC Pa", "Secpa", "structures d'exercice coordonné participatives"]):
        store_document(db, matcher, _doc(url=f"https://ex.fr/{i}", title=f"Article {i}", summary=f"Les {spelling} à Échirolles."))
    found = db.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'secpa'").fetchone()[0]
    assert found == 4
    accents = db.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'echirolles'").fetchone()[0]
    assert accents == 4


def test_runs_and_source_health(db):
    run = database.start_run(db, "crawl")
    database.record_source_result(db, run, {"source": "a", "items": 3, "relevant": 1, "inserted": 1})
    database.record_source_result(db, run, {"source": "b", "status": "failed", "error": "HTTP 500 (erreur du serveur)"})
    row = database.finish_run(db, run)
    assert (row["status"], row["items_seen"], row["inserted"], row["failed_sources"]) == ("failed", 3, 1, 1)
    run2 = database.start_run(db, "crawl", run_id=run + "2")
    database.record_source_result(db, run2, {"source": "b", "status": "failed", "error": "délai dépassé"})
    assert db["sources"].get("b")["consecutive_failures"] == 2
    run3 = database.start_run(db, "crawl", run_id=run + "3")
    database.record_source_result(db, run3, {"source": "b", "items": 2})
    health = db["sources"].get("b")
    assert health["consecutive_failures"] == 0 and health["last_success"] and health["last_error"] is None


def _record(db, matcher, doc):
    """The record the store step would upsert for `doc`."""
    from pipelines.normalize import normalize_document

    return {**normalize_document(doc).to_dict(), "rules": matcher.fingerprint}


def test_document_is_stored_only_reads_and_link_document_writes_the_links(db, matcher):
    store_document(db, matcher, _doc())
    record = {**_record(db, matcher, _doc()), "source": "bing_news_secpa"}
    changes = db.conn.total_changes
    assert database.document_is_stored(db, record)
    assert not database.document_is_stored(db, {**record, "title": "Autre titre"})
    assert not database.document_is_stored(db, {**record, "id": "press-inconnu"})
    assert db.conn.total_changes == changes
    database.link_document(db, record, ["https://news.example/secpa"])
    assert {r["source"] for r in db["document_sources"].rows} == {"lemonde_sante", "bing_news_secpa"}
    assert database.document_id_for_alias(db, "https://news.example/secpa") == record["id"]


def _failing_on(statement_start):
    """A `Database.execute` that raises on the first statement starting with `statement_start`."""
    real = sqlite_utils.Database.execute

    def execute(self, sql, parameters=None):
        if sql.lstrip().startswith(statement_start):
            raise RuntimeError("panne simulée")
        return real(self, sql, parameters)

    return execute


def test_a_document_write_is_one_transaction(db, matcher):
    # SQLite itself fails the mentions insert, the last write of the document.
    db.execute("CREATE TEMP TRIGGER fail_mentions BEFORE INSERT ON main.mentions"
               " BEGIN SELECT RAISE(ABORT, 'panne simulée'); END")
    with pytest.raises(sqlite3.IntegrityError, match="panne simulée"):
        store_document(db, matcher, _doc())
    db.execute("DROP TRIGGER temp.fail_mentions")
    assert not db.conn.in_transaction
    assert (db["documents"].count, db["document_aliases"].count, db["document_sources"].count) == (0, 0, 0)
    assert db.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == 0
    assert store_document(db, matcher, _doc()) == "insert"
    assert db["mentions"].count == 1


def test_source_health_is_written_with_its_run_row_or_not_at_all(db, monkeypatch):
    run = database.start_run(db, "crawl")
    monkeypatch.setattr(sqlite_utils.Database, "execute", _failing_on('INSERT INTO "sources"'))
    with pytest.raises(RuntimeError):
        database.record_source_result(db, run, {"source": "a", "items": 3})
    monkeypatch.undo()
    assert db["run_sources"].count == 0 and db["sources"].count == 0


def test_write_units_nest_inside_an_open_transaction(db, matcher):
    with pytest.raises(RuntimeError, match="annulé"):
        with db.atomic():
            store_document(db, matcher, _doc())
            database.start_run(db, "crawl", run_id="r1")
            assert db.conn.in_transaction
            raise RuntimeError("annulé")
    assert db["documents"].count == 0 and db["runs"].count == 0
