"""The `questions` rows of off-topic AN questions (issue 17): written in one statement, their
hash derived from their member's bytes, over the real archive Questions_ecrites_L17.json.zip
(see tests/fixtures/an_questions/SOURCES.md)."""

import sqlite3

import pytest

from parliament_helpers import response, store_all
from pipelines import db as database
from pipelines import parliament
from pipelines.parliament import _question_row, question_hash
from spiders.an_questions import AnQuestionsSpider
from spiders.parl_items import ParliamentQuestion


@pytest.fixture
def questions(config_path) -> list[ParliamentQuestion]:
    spider = AnQuestionsSpider()
    items = spider.parse(response(spider, "an_questions_ecrites", "an_questions", "Questions_ecrites_L17.json.zip"))
    found = [item for item in items if isinstance(item, ParliamentQuestion)]
    assert found and all(q.source_hash.startswith("raw:") for q in found)
    return found


def rows(db) -> dict[str, dict]:
    return {row["id"]: row for row in db.query("SELECT * FROM questions")}


def test_off_topic_rows_are_what_upsert_record_stores_but_the_hash(tmp_path, questions):
    fast, slow = database.open_db(tmp_path / "fast.db"), database.open_db(tmp_path / "slow.db")
    assert set(store_all(fast, questions)) == {"irrelevant"}
    for q in questions:
        database.upsert_record(slow, "questions", _question_row(q, q.author_id, False, False))
    stamps = ("content_hash", "first_seen", "updated_at")
    expected, got = rows(slow), rows(fast)
    assert got.keys() == expected.keys()
    for uid, row in got.items():
        assert {k: v for k, v in row.items() if k not in stamps} == {k: v for k, v in expected[uid].items() if k not in stamps}
        assert row["content_hash"].startswith("raw:") and row["first_seen"] == row["updated_at"]
    assert not fast.conn.in_transaction  # outside a batch, each row is a unit of its own


def test_a_question_read_again_rewrites_its_row_only_when_its_bytes_or_the_parser_changed(tmp_path, questions, monkeypatch):
    db = database.open_db(tmp_path / "q.db")
    store_all(db, questions)
    before = rows(db)
    changes = db.conn.total_changes
    store_all(db, questions)
    assert db.conn.total_changes == changes and rows(db) == before
    monkeypatch.setattr(parliament, "QUESTION_RECORD_VERSION", parliament.QUESTION_RECORD_VERSION + 1)
    store_all(db, questions)
    after = rows(db)
    assert db.conn.total_changes == changes + len(questions)
    for uid, row in after.items():
        assert row["content_hash"] != before[uid]["content_hash"] and row["first_seen"] == before[uid]["first_seen"]
    edited = questions[0]
    edited.source_hash, edited.question_text = "raw:" + "0" * 64, edited.question_text + " (rectifié)"
    store_all(db, [edited])
    assert rows(db)[edited.uid]["question_text"].endswith("(rectifié)")


def test_the_hash_covers_what_the_store_adds_and_falls_back_on_every_column():
    row = {"id": "QANR5L17QE1", "source": "an_questions_ecrites", "source_hash": "raw:" + "a" * 64,
           "question_text": "texte", "author_id": "PA1", "document_id": None}
    assert question_hash(row) == question_hash(dict(row, question_text="autre"))  # the bytes say it all
    assert question_hash(row) != question_hash(dict(row, document_id="QANR5L17QE1"))
    assert question_hash(row) != question_hash(dict(row, author_id="PA2"))
    senat = dict(row, source_hash="b" * 64)  # a Sénat row: a `stable_hash`, not the page's text
    assert question_hash(senat) == database.content_hash(senat, sorted(senat))
    assert question_hash(senat) != question_hash(dict(senat, question_text="autre"))


def test_an_unknown_column_is_refused(tmp_path, questions):
    db = database.open_db(tmp_path / "q.db")
    row = dict(_question_row(questions[0], None, False, False), colonne_inconnue=1)
    with pytest.raises(sqlite3.OperationalError):
        parliament.write_question_row(db, row)
    assert not db.conn.in_transaction and rows(db) == {}
