"""AN questions' source hashes (issue 17): the SHA-256 of each archive member's bytes, and
databases written before it (a `stable_hash` of the decoded JSON) still recognised.

`questions_before_issue17.json` holds the `questions` rows that the code before issue 17
(commit 3976582) stored from the two real archives of the fixtures (see SOURCES.md)."""

import io
import json
import zipfile

import pytest

from conftest import FIXTURES
from parliament_helpers import body_response, fixture_bytes, store_all
from pipelines import db as database
from pipelines.parliament import crawl_state
from spiders.an_parse import Member, iter_zip, load_json, raw_hash, stable_hash
from spiders.parl_items import is_raw_hash
from spiders.an_questions import AnQuestionsSpider
from spiders.parl_items import DatasetVersion, ParliamentQuestion

QG16_URL = "https://data.assemblee-nationale.fr/static/openData/repository/16/questions/questions_gouvernement/Questions_gouvernement.json.zip"
ARCHIVES = [("an_questions_ecrites", "Questions_ecrites_L17.json.zip", None),
            ("an_questions_gouvernement", "Questions_gouvernement_L16.json.zip", QG16_URL)]
OLD_ROWS = json.loads((FIXTURES / "an_questions" / "questions_before_issue17.json").read_text(encoding="utf-8"))["questions"]


@pytest.fixture
def spider(config_path):
    return AnQuestionsSpider()


def members(name: str) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(FIXTURES / "an_questions" / name) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def rebuilt(name: str, change: dict[str, bytes] | None = None) -> bytes:
    """The archive `name` written again, members dated 2026-01-05 (the same bytes each time),
    with the members of `change` replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members(name):
            archive.writestr(zipfile.ZipInfo(member, (2026, 1, 5, 6, 0, 0)), (change or {}).get(member, data),
                             zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def back_fill(spider, db, change: dict[str, bytes] | None = None) -> list:
    """Read both real archives, rebuilt overnight (not the versions read: every question is
    compared with its stored hash), with what `db` holds handed in; store what comes."""
    spider.previous = crawl_state(db, [s.name for s in spider.sources])
    spider.previous.datasets = {}
    items = []
    for source, name, url in ARCHIVES:
        items += list(spider.parse(body_response(spider, source, rebuilt(name, change), url=url)))
    store_all(db, items)
    return items


def old_database(db) -> None:
    database.insert_rows(db, "questions", OLD_ROWS)


def question_rows(db) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM questions ORDER BY id")]


def test_the_recorded_rows_hold_the_former_hashes_of_the_real_members():
    stored = {row["id"]: row["source_hash"] for row in OLD_ROWS}
    for _, name, _ in ARCHIVES:
        for member, data in members(name):
            uid = member.rsplit("/", 1)[-1].removesuffix(".json")
            assert not is_raw_hash(stored[uid])
            assert stored[uid] == stable_hash(load_json(Member(member, uid, data)))
    assert len(stored) == 4


def test_an_old_database_s_unchanged_questions_are_neither_emitted_nor_rewritten(spider, db):
    old_database(db)
    before = question_rows(db)
    changes = db.conn.total_changes
    items = back_fill(spider, db)
    assert [type(i) for i in items] == [DatasetVersion, DatasetVersion]
    assert question_rows(db) == before  # the former hashes and stamps kept
    assert db.conn.total_changes - changes == 2  # the two archive versions, nothing else
    assert back_fill(spider, db) and question_rows(db) == before


def test_an_old_database_s_changed_question_is_stored_with_the_hash_of_its_bytes(spider, db):
    old_database(db)
    name, data = next(m for m in members("Questions_gouvernement_L16.json.zip") if m[0].endswith("QG1.json"))
    edited = data.replace("EXPULSION".encode(), "EXPULSIONS".encode(), 1)
    assert edited != data
    items = back_fill(spider, db, {name: edited})
    questions = [i for i in items if isinstance(i, ParliamentQuestion)]
    assert [q.uid for q in questions] == ["QANR5L16QG1"]
    assert questions[0].source_hash == raw_hash(edited) and is_raw_hash(questions[0].source_hash)
    rows = {r["id"]: r for r in question_rows(db)}
    old = {r["id"]: r for r in OLD_ROWS}
    assert rows["QANR5L16QG1"]["source_hash"] == raw_hash(edited)
    assert rows["QANR5L16QG1"]["answer_text"] != old["QANR5L16QG1"]["answer_text"]
    assert all(rows[uid] == old[uid] for uid in old if uid != "QANR5L16QG1")
    again = back_fill(spider, db, {name: edited})
    assert [type(i) for i in again] == [DatasetVersion, DatasetVersion]


def test_a_second_back_fill_of_the_same_questions_writes_nothing(spider, db):
    first = back_fill(spider, db)
    assert len([i for i in first if isinstance(i, ParliamentQuestion)]) == 4
    assert all(is_raw_hash(r["source_hash"]) for r in question_rows(db))
    before, changes = question_rows(db), db.conn.total_changes
    again = back_fill(spider, db)
    assert [type(i) for i in again] == [DatasetVersion, DatasetVersion]
    assert db.conn.total_changes == changes and question_rows(db) == before


def test_the_hash_of_a_member_is_the_hash_of_its_bytes():
    data = fixture_bytes("an_questions", "QANR5L17QE5268.json")
    assert raw_hash(data) != raw_hash(data + b" ") and raw_hash(data).startswith("raw:")
    assert not is_raw_hash(stable_hash(json.loads(data))) and not is_raw_hash(None)


def test_iter_zip_reads_an_opened_archive_and_closes_it():
    archive = zipfile.ZipFile(FIXTURES / "an_questions" / "Questions_gouvernement_L16.json.zip")
    read = [m.uid for m in iter_zip(archive, (".json",), [])]
    assert read == [m.uid for m in iter_zip(fixture_bytes("an_questions", "Questions_gouvernement_L16.json.zip"), (".json",), [])]
    assert sorted(read) == ["QANR5L16QG1", "QANR5L16QG608", "QANR5L16QG67"] and archive.fp is None
