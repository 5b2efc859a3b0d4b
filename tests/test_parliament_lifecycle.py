"""Question lifecycle, the question → answer chain, item round trips and who held a post."""

import json
from datetime import date, datetime, timezone

import pytest

from parliament_helpers import fixture_bytes, store_all
from pipelines.db import upsert_record
from pipelines.parliament import days_waiting, who_held
from spiders.an_parse import closure_status, parse_an_question
from spiders.parl_items import Amendment, DatasetVersion, DebatePassage, ParliamentQuestion, ReferenceRecord

SECPA = "les structures d'exercice coordonné participatives (SEC-Pa) de Saint-Denis"


def _question(**changes) -> ParliamentQuestion:
    record = parse_an_question(json.loads(fixture_bytes("an_questions", "QANR5L17QE5268.json")), "an_questions_ecrites")
    record.update(changes)
    return ParliamentQuestion(**record, source_hash="h")


@pytest.mark.parametrize("code, label, answer, reminded, status", [
    ("REP_PUB", "Réponse publiée", True, False, "answered"),
    ("RET", "Retirée", False, False, "withdrawn"),
    ("CAD", "Caduque", False, False, "lapsed"),
    (None, "Fin de mandat", False, False, "lapsed"),
    ("TRANSFO", "Transformée en question orale", False, False, "converted"),
    (None, None, False, True, "reminded"),
    (None, None, False, False, "pending"),
    (None, None, True, False, "answered"),
])
def test_closure_status(code, label, answer, reminded, status):
    assert closure_status(code, label, answer, reminded) == status


def test_days_waiting():
    assert days_waiting("2025-03-25", "answered", "2025-06-03") == 70
    assert days_waiting("2026-02-05", "pending", today=date(2026, 4, 5)) == 59
    assert days_waiting("2026-02-05", "withdrawn", closure_date="2026-02-10") == 5
    assert days_waiting(None, "pending") is None


def test_qe_5268_metadata_is_stored_with_its_answer(db):
    assert store_all(db, [_question()]) == ["irrelevant"]  # not about the topic: no document
    row = db["questions"].get("QANR5L17QE5268")
    assert row["status"] == "answered" and row["answer_date"] == "2025-06-03" and row["days_to_answer"] == 70
    assert row["answer_text"].startswith("À la suite de la sollicitation") and row["document_id"] is None
    assert row["ministry_answering"].startswith("Ministère de l’économie")
    assert db["documents"].count == 0
    assert store_all(db, [_question()]) == ["irrelevant"] and db["questions"].get("QANR5L17QE5268")["updated_at"] == row["updated_at"]


def test_relevant_question_stores_its_answer_as_a_linked_document(db):
    item = _question(question_text=f"Mme Olivia Grégoire interroge le ministre sur {SECPA}.")
    assert store_all(db, [item]) == ["insert"]
    question, answer = db["documents"].get("QANR5L17QE5268"), db["documents"].get("QANR5L17QE5268-reponse")
    assert question["relevant"] == 1 and answer["relevant"] == 0  # the answer does not name the topic
    assert answer["url"] == question["url"] == "https://www.assemblee-nationale.fr/dyn/17/questions/QANR5L17QE5268"
    assert answer["published"] == "2025-06-03T00:00:00+02:00"
    row = db["questions"].get("QANR5L17QE5268")
    assert (row["document_id"], row["answer_document_id"]) == ("QANR5L17QE5268", "QANR5L17QE5268-reponse")


def test_a_relevant_answer_brings_its_question(db):
    item = _question(answer_text=f"Le Gouvernement soutient {SECPA}.")
    assert store_all(db, [item]) == ["insert"]
    assert {r["id"] for r in db["documents"].rows} == {"QANR5L17QE5268", "QANR5L17QE5268-reponse"}
    assert db["documents"].get("QANR5L17QE5268-reponse")["relevant"] == 1


def test_answer_arrival_updates_the_question(db):
    store_all(db, [_question(question_text=SECPA, answer_text="", answer_date=None, status="pending",
                             closure_code=None, closure_label=None, closure_date=None)])
    assert db["questions"].get("QANR5L17QE5268")["status"] == "pending"
    assert store_all(db, [_question(question_text=SECPA)]) == ["insert"]  # the answer document is new
    row = db["questions"].get("QANR5L17QE5268")
    assert row["status"] == "answered" and row["answer_document_id"] == "QANR5L17QE5268-reponse"


def test_reminder_marks_the_first_question_reminded(db):
    store_all(db, [_question(status="pending", answer_text="", answer_date=None, closure_code=None)])
    store_all(db, [_question(uid="QANR5L17QE6000", number="6000", reminder_of="QANR5L17QE5268",
                             status="pending", answer_text="", answer_date=None)])
    rows = {r["id"]: r["status"] for r in db.query("SELECT id, status FROM question_lifecycle")}
    assert rows == {"QANR5L17QE5268": "reminded", "QANR5L17QE6000": "pending"}


def test_items_round_trip_through_raw_json():
    question = _question()
    amendment = Amendment(uid="AMANR5L17PO838901B0325P0D1N001855", source="an_amendements", url="u", title="t",
                          fate_date=datetime(2024, 11, 4, 22, 13, 2, tzinfo=timezone.utc))
    passage = DebatePassage(id="p", source="an_debats", sitting_uid="s", url="u",
                            sitting_start=amendment.fate_date, text="x")
    for item in (question, amendment, passage, ReferenceRecord("an_ref", "actors", {"id": "PA1", "name": "A B"}),
                 DatasetVersion("an_ref", "https://x/y.zip", "abc")):
        data = json.loads(json.dumps(item.to_dict()))
        assert data["item_type"] == item.item_type and type(item).from_dict(data) == item


def _mandate(db, uid, actor, name, civ, organe, organe_name, kind, role, start, end=None):
    upsert_record(db, "actors", {"id": actor, "name": name, "kind": "person", "extra": {"civ": civ}})
    upsert_record(db, "organes", {"id": organe, "kind": kind, "name": organe_name})
    upsert_record(db, "mandates", {"id": uid, "actor_id": actor, "organe_id": organe, "organe_kind": kind,
                                   "role": role, "start": start, "end": end, "extra": {"role_sex": role}})


def test_who_held_reads_titles_from_the_data(db):
    _mandate(db, "M1", "A1", "Alice Un", "Mme", "O1", "Ministère de la santé et de la prévention", "MINISTERE", "Ministre", "2022-05-20", "2023-07-20")
    _mandate(db, "M2", "A2", "Bruno Deux", "M.", "O2", "Ministère de la santé et de la prévention", "MINISTERE", "Ministre délégué", "2022-05-20")
    _mandate(db, "M3", "A3", "Chloé Trois", "Mme", "O3", "Ministère du travail, de la santé et des solidarités", "MINISTERE", "Ministre", "2024-01-11")
    _mandate(db, "M4", "A4", "Denis Quatre", "M.", "O4", "Gouvernement", "GOUVERNEMENT", "Premier ministre", "2024-01-09")
    _mandate(db, "M5", "A5", "Eve Cinq", "Mme", "O5", "Ministère de l'économie", "MINISTERE", "Ministre", "2024-01-11")
    assert [r["actor_name"] for r in who_held(db, "ministre de la santé", "2023-01-01")] == ["Alice Un", "Bruno Deux"]
    assert [r["actor_name"] for r in who_held(db, "Ministre de la Santé", "2024-03-01")] == ["Chloé Trois", "Bruno Deux"]
    assert [r["actor_name"] for r in who_held(db, "Premier ministre", "2024-03-01")] == ["Denis Quatre"]
    assert who_held(db, "ministre de l'économie", "2024-03-01")[0]["actor_name"] == "Eve Cinq"
    assert who_held(db, "Premier ministre", "2023-12-31") == []
