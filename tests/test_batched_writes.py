"""The batched write path (issue 17): items written a few hundred per transaction give the
database that one transaction per item gives; a unit that fails is rolled back alone; an
unchanged document writes nothing at all."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from pipelines import db as database
from pipelines.store import store_document
from pipelines.transaction import WriteBatch, write_unit
from spiders.items import Document
from test_faults_writes import is_write, snapshot

DAY = datetime(2026, 2, 7, 6, 30, tzinfo=timezone.utc)
TEXT = "Les SEC-Pa, structures d'exercice coordonné participatives, attendent la décision du ministère. "


def _docs() -> list[Document]:
    docs = [Document(source=f"src{i % 3}", url=f"https://journal{i % 4}.example/secpa/{i}",
                     title=f"Les SEC-Pa, article {i}", summary=TEXT * (1 + i % 3), published=DAY) for i in range(12)]
    docs.append(Document(source="bing_news_secpa", url="https://journal1.example/secpa/1?utm_source=x",
                         title="Les SEC-Pa, article 1", summary=TEXT * 5, published=DAY))
    docs.append(Document(source="src0", url="https://journal0.example/grippe", title="Grippe", summary="La grippe.",
                         published=DAY))
    return docs


@pytest.fixture
def matcher(tmp_path):
    from nlp.topic import TopicMatcher
    from pipelines.config import load_config
    from conftest import write_config

    return TopicMatcher.from_topic(load_config(write_config(tmp_path)).topic)


def _store(path, matcher, size: int | None) -> list[str]:
    db = database.open_db(path)
    actions = []
    if size is None:
        actions = [store_document(db, matcher, doc) for doc in _docs()]
    else:
        with database.write_batch(db, size=size) as batch:
            for doc in _docs():
                with batch.unit():
                    actions.append(store_document(db, matcher, doc))
    assert not db.conn.in_transaction
    db.close()
    return actions


@pytest.mark.parametrize("size", [5, 100], ids=["several-transactions", "one-transaction"])
def test_a_batched_load_stores_what_one_transaction_per_item_stores(tmp_path, matcher, size):
    # With one transaction, article 1 is inserted then replaced by a longer copy in the same
    # batch, while its search index entry is still pending.
    one = _store(tmp_path / "one.db", matcher, None)
    batched = _store(tmp_path / "batched.db", matcher, size)
    assert one == batched and one.count("insert") == 12 and "update" in one and "irrelevant" in one
    assert snapshot(tmp_path / "one.db") == snapshot(tmp_path / "batched.db")  # search index included
    schemas = [sqlite3.connect(tmp_path / name).execute("SELECT type, name, sql FROM sqlite_master ORDER BY name")
               .fetchall() for name in ("one.db", "batched.db")]
    assert schemas[0] == schemas[1]  # the insert trigger of the search index is back, as it was


def test_a_batch_rolled_back_leaves_the_search_index_and_its_trigger_as_they_were(tmp_path, matcher):
    path = tmp_path / "v.db"
    _store(path, matcher, None)
    before = snapshot(path)
    db = database.open_db(path)
    batch = database.write_batch(db, size=100)
    with batch.unit():
        store_document(db, matcher, Document(source="src9", url="https://journal9.example/secpa/new",
                                             title="Les SEC-Pa, nouvel article", summary=TEXT, published=DAY))
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'documents_ai'").fetchone()[0] == 0
    db.rollback()  # what a crash before COMMIT gives
    db.close()
    assert snapshot(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'documents_ai'").fetchone()[0] == 1
    conn.close()


def test_a_failing_unit_is_rolled_back_alone_and_the_batch_goes_on(tmp_path, matcher):
    db = database.open_db(tmp_path / "v.db")
    docs = _docs()[:3]
    with WriteBatch(db, size=100) as batch:
        with batch.unit():
            store_document(db, matcher, docs[0])
        with pytest.raises(RuntimeError, match="panne"):
            with batch.unit():
                store_document(db, matcher, docs[1])
                raise RuntimeError("panne simulée")
        with batch.unit():
            store_document(db, matcher, docs[2])
        assert db.conn.in_transaction and batch.pending == 2
    assert not db.conn.in_transaction
    stored = {row[0] for row in db.execute("SELECT url FROM documents")}
    assert stored == {docs[0].url, docs[2].url}
    db.close()


def test_a_batch_commits_every_size_units_and_runs_its_after_commit_callbacks(tmp_path, matcher):
    db = database.open_db(tmp_path / "v.db")
    commits = []
    with WriteBatch(db, size=4) as batch:
        batch.after_commit.append(lambda: commits.append(db.execute("SELECT count(*) FROM documents").fetchone()[0]))
        for doc in _docs()[:10]:
            with batch.unit():
                store_document(db, matcher, doc)
        other = sqlite3.connect(tmp_path / "v.db")
        assert other.execute("SELECT count(*) FROM documents").fetchone()[0] == 8  # two batches committed
        other.close()
    assert commits == [4, 8, 10]
    db.close()


def test_an_unchanged_document_writes_nothing(tmp_path, matcher):
    db = database.open_db(tmp_path / "v.db")
    for doc in _docs():
        store_document(db, matcher, doc)
    writes: list[str] = []
    db.conn.set_trace_callback(lambda sql: writes.append(sql) if is_write(sql) else None)
    # Article 1 is stored with the longer text of its second address: not "as it is".
    unchanged = [doc for i, doc in enumerate(_docs()[:12]) if i != 1]
    assert {store_document(db, matcher, doc) for doc in unchanged} == {"noop"}
    assert writes == []
    db.close()


def test_write_units_nest_in_one_transaction_and_an_inner_failure_undoes_the_inner_writes(tmp_path):
    db = database.open_db(tmp_path / "v.db")
    with write_unit(db):
        db.execute("INSERT INTO sources (name) VALUES ('a')")
        with pytest.raises(RuntimeError):
            with write_unit(db):
                db.execute("INSERT INTO sources (name) VALUES ('b')")
                raise RuntimeError("annulé")
        with write_unit(db):
            db.execute("INSERT INTO sources (name) VALUES ('c')")
    assert [r[0] for r in db.execute("SELECT name FROM sources ORDER BY name")] == ["a", "c"]
    db.close()


# ------------------------------------------------------------------ the crawl's item pipelines
def test_crawl_steps_share_one_batch_and_write_a_raw_line_once_its_item_is_committed(tmp_path):
    from conftest import write_config
    from crawl_helpers import StandInCrawler
    from pipelines import crawl_steps
    from pipelines.config import load_config

    config = load_config(write_config(tmp_path))
    first, second = StandInCrawler(config), StandInCrawler(config)
    steps = [(crawl_steps.StorePipeline(c), crawl_steps.RawItemsPipeline(c)) for c in (first, second)]
    assert steps[0][0].context.db is steps[1][0].context.db  # one connection: no crawler waits on another's lock
    for store, _ in steps:
        store.open_spider()
    raw_file = config.raw_dir / "run-essai" / "essai.jsonl"
    docs = [doc for doc in _docs() if "grippe" not in doc.url]
    for doc in docs[:3]:
        steps[0][1].process_item(steps[0][0].process_item(doc))
    assert steps[0][0].context.db.conn.in_transaction
    other = sqlite3.connect(config.database)
    assert other.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert not raw_file.exists() or raw_file.read_text() == ""  # nothing said stored before the commit
    steps[0][0].context.batch.commit()
    assert other.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    assert len(raw_file.read_text().splitlines()) == 3
    for doc in docs[3:6]:
        steps[1][1].process_item(steps[1][0].process_item(doc))
    steps[0][0].close_spider()  # a spider closing commits what the other one wrote too
    assert other.execute("SELECT count(*) FROM documents").fetchone()[0] == 6
    steps[0][0].context.close()
    assert not steps[1][0].context.db.conn.in_transaction
    for doc in docs[6:8]:
        steps[1][1].process_item(steps[1][0].process_item(doc))
    steps[1][0].context.close()
    other.close()
    lines = raw_file.read_text().splitlines()
    assert len(lines) == 8 and len(set(lines)) == 8
