"""Written-question deadline: two months after publication (RAN art. 135, RS art. 75), stored
with the question, back-filled by migration 022, and the overdue view and named query."""

from datetime import date

import sqlite_utils

from parliament_helpers import store_all
from pipelines.queries import run_query
from pipelines.schema_dossiers import add_answer_deadline
from spiders.parl_items import ParliamentQuestion, answer_deadline


def test_two_calendar_months_month_ends_kept():
    assert answer_deadline("QE", "2026-02-05") == "2026-04-05"
    assert answer_deadline("QE", "2025-12-31") == "2026-02-28"  # no 31 February
    assert answer_deadline("QE", "2023-12-30T00:00:00+01:00") == "2024-02-29"
    assert answer_deadline("QG", "2026-02-05") is None and answer_deadline("QOSD", "2026-02-05") is None
    assert answer_deadline("QE", None) is None and answer_deadline("QE", "05/02/2026") is None


def _question(uid, published, **fields):
    text = "Sur la fin de l'expérimentation des structures d'exercice coordonné participatives (SEC-Pa)."
    return ParliamentQuestion(uid=uid, source="senat_questions", chamber="Sénat", kind="QE", number=uid[-5:],
                              url=f"https://www.senat.fr/questions/base/2026/q{uid}.html", title=f"Question {uid}",
                              published=published, question_text=text,
                              ministry_answering="Santé, familles, autonomie et personnes handicapées", **fields)


def test_overdue_questions_per_ministry(db):
    today = date.today()
    old = date(today.year - 1, today.month, 1).isoformat()
    store_all(db, [_question("SEQ00000001", old), _question("SEQ00000002", today.isoformat()),
                   _question("SEQ00000003", old, status="answered", answer_date=old, answer_text="Réponse.")])
    assert db["questions"].get("SEQ00000001")["answer_deadline"] == answer_deadline("QE", old)
    rows = run_query(db, "questions_hors_delai")
    assert [r["numero"] for r in rows] == ["00001"]  # not the recent one, not the answered one
    late = rows[0]
    assert late["ministere"] == "Santé, familles, autonomie et personnes handicapées"
    assert late["jours_de_retard"] == (today - date.fromisoformat(late["date_limite"])).days > 0
    assert run_query(db, "questions_hors_delai", ministere="intérieur") == []
    assert len(run_query(db, "questions_hors_delai", ministere="Santé")) == 1


def test_migration_fills_the_deadline_of_stored_rows(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    db["questions"].insert_all([{"id": "A", "kind": "QE", "published": "2026-02-05", "status": "pending",
                                 "answer_date": None, "chamber": "Sénat"},
                                {"id": "B", "kind": "QG", "published": "2026-02-05", "status": "pending",
                                 "answer_date": None, "chamber": "AN"}], pk="id")
    for column in ("number", "title", "author_id", "author_name", "group_abbr", "group_name", "ministry_answering",
                   "ministry_asked", "reminders", "document_id", "url"):
        db["questions"].add_column(column, str)
    add_answer_deadline(db)
    assert db["questions"].get("A")["answer_deadline"] == "2026-04-05"
    assert db["questions"].get("B")["answer_deadline"] is None
    assert "overdue_questions" in db.view_names()


def test_real_an_written_question_gets_its_deadline():
    import json

    from conftest import FIXTURES
    from spiders.an_parse import parse_an_question

    data = json.loads((FIXTURES / "an_questions" / "QANR5L17QE5268.json").read_bytes())
    item = ParliamentQuestion(**parse_an_question(data, "an_questions"))
    assert (item.published, item.answer_deadline, item.answer_date) == ("2025-03-25", "2025-05-25", "2025-06-03")
