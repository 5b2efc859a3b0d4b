"""The commitments ledger (issue 14): statements grouped into promises across outlets,
stable ids, a status computed from dated evidence, events with their date and document.
Databases are built through the real write path (tests/digest_fixtures.py)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from freezegun import freeze_time

from digest_fixtures import build, small_config
from pipelines import db as store
from pipelines import ledger

TODAY = date(2026, 2, 16)
FUNDING = "La ministre chargée de la Santé s'engage à maintenir le financement des SEC-Pa jusqu'au 31 décembre 2026."


@pytest.fixture
def fixture_db(tmp_path, monkeypatch):
    monkeypatch.delenv("VEILLE_CURATION_DB", raising=False)
    db = build(small_config(tmp_path))
    yield db
    db.close()


def _thread_of(db, text_part: str) -> dict:
    (row,) = db.query("SELECT t.* FROM commitment_threads t WHERE t.id IN (SELECT thread_id FROM commitment_statements"
                      " WHERE text LIKE ?) ", [f"%{text_part}%"])
    return row


def _add(db, matcher, url: str, published: str, title: str, text: str, commitments: list[dict]) -> str:
    from pipelines.store import store_document
    from spiders.items import Document

    moment = datetime.fromisoformat(published).astimezone(timezone.utc)
    with freeze_time(moment):
        store_document(db, matcher, Document(source="lemonde_sante", kind="press", url=url, title=title, text=text,
                                             published=moment, publisher="Le Figaro"))
    (doc,) = db.query("SELECT id FROM documents WHERE url = ?", [url])
    rows = [{"kind": "commitment", "actor_id": None, "actor_text": None, "amount_eur": None, "deadline": None,
             "deadline_precision": None, "status": "open", **c, "start": text.index(c["text"]),
             "end": text.index(c["text"]) + len(c["text"])} for c in commitments]
    store.replace_annotations(db, doc["id"], [], rows)
    return doc["id"]


@pytest.fixture
def matcher(tmp_path):
    from nlp.topic import TopicMatcher
    from pipelines.config import load_config

    return TopicMatcher.from_topic(load_config(tmp_path / "veille.toml").topic)


def test_the_same_promise_in_two_outlets_is_one_thread_with_both_sources(fixture_db):
    counts = ledger.rebuild(fixture_db, today=TODAY)
    assert counts["threads"] == 3 and counts["statements"] == 4
    thread = _thread_of(fixture_db, "maintenir le financement")
    assert thread["statements"] == 2 and thread["documents"] == 2 and thread["sources"] == 2
    assert thread["object"] == "maintien du financement des SEC-Pa"
    assert thread["actor_id"] == "role:ministre_sante" and thread["actor_name"] == "Ministre chargée de la Santé"
    assert (thread["deadline"], thread["deadline_precision"]) == ("2026-12-31", "day")
    assert thread["first_seen"] == "2026-02-10" and thread["status"] == "announced"
    assert thread["status_reason"] == ("Annoncé le 10 février 2026 par Ministre chargée de la Santé "
                                       "(presse, Le Monde).")
    roles = sorted(r["role"] for r in fixture_db.query(
        "SELECT role FROM commitment_statements WHERE thread_id = ?", [thread["id"]]))
    assert roles == ["founder", "source"]


def test_a_passed_deadline_without_evidence_is_late_with_its_reason(fixture_db):
    ledger.rebuild(fixture_db, today=TODAY)
    late = _thread_of(fixture_db, "cahier des charges")
    assert late["status"] == "late" and late["amount_eur"] == 1_500_000.0
    assert late["status_reason"] == ("Échéance du 31 janvier 2026 dépassée depuis 16 jours, sans document qui "
                                     "rende compte de la réalisation.")
    events = list(fixture_db.query("SELECT date, status, previous_status, document_id FROM commitment_events"
                                   " WHERE thread_id = ? ORDER BY seq", [late["id"]]))
    assert [(e["date"], e["status"], e["previous_status"]) for e in events] == [
        ("2026-01-29", "announced", None), ("2026-01-29", "due_soon", "announced"), ("2026-02-01", "late", "due_soon")]
    assert events[0]["document_id"] is not None and events[2]["document_id"] is None
    soon = _thread_of(fixture_db, "groupe de travail")
    assert soon["status"] == "due_soon"
    assert soon["status_reason"] == ("Échéance : 1er mars 2026, dans 13 jours ; aucun document ne dit encore la "
                                     "promesse tenue.")


def test_the_status_follows_the_calendar_day_by_day(fixture_db):
    ledger.rebuild(fixture_db, today=date(2026, 1, 30))
    assert _thread_of(fixture_db, "cahier des charges")["status"] == "due_soon"
    ledger.rebuild(fixture_db, today=date(2026, 2, 1))
    late = _thread_of(fixture_db, "cahier des charges")
    assert late["status"] == "late" and "depuis 1 jour," in late["status_reason"]


def test_a_rebuild_is_stable_and_writes_nothing_when_nothing_changed(fixture_db):
    ledger.rebuild(fixture_db, today=TODAY)
    before = {r["id"]: r for r in fixture_db.query("SELECT * FROM commitment_threads")}
    again = ledger.rebuild(fixture_db, today=TODAY)
    assert again["changed"] == 0
    assert {r["id"]: r for r in fixture_db.query("SELECT * FROM commitment_threads")} == before


def test_a_thread_keeps_its_id_when_new_evidence_arrives_even_an_earlier_one(fixture_db, matcher):
    ledger.rebuild(fixture_db, today=TODAY)
    thread = _thread_of(fixture_db, "maintenir le financement")
    later = "Les SEC-Pa continueront d'être financées jusqu'au 31 décembre 2026, a confirmé le ministère."
    _add(fixture_db, matcher, "https://www.lefigaro.fr/sante/secpa-financees.html", "2026-02-14T10:00:00+01:00",
         "SEC-Pa : le financement est confirmé", later, [{"text": later, "actor_id": "role:ministre_sante",
                                                          "deadline": "2026-12-31", "deadline_precision": "day"}])
    ledger.rebuild(fixture_db, today=TODAY)
    grown = _thread_of(fixture_db, "continueront")
    assert grown["id"] == thread["id"] and grown["statements"] == 3 and grown["last_evidence"] == "2026-02-14"
    # A document older than the founder, found later, joins the thread without renaming it.
    earlier = "Le financement des SEC-Pa sera maintenu jusqu'à la fin de l'année 2026, selon le ministère."
    _add(fixture_db, matcher, "https://www.lefigaro.fr/sante/secpa-avant.html", "2026-02-09T10:00:00+01:00",
         "SEC-Pa : vers un maintien du financement", earlier,
         [{"text": earlier, "deadline": "2026-12-31", "deadline_precision": "year"}])
    ledger.rebuild(fixture_db, today=TODAY)
    backfilled = _thread_of(fixture_db, "sera maintenu")
    assert backfilled["id"] == thread["id"] and backfilled["statements"] == 4
    assert backfilled["first_seen"] == "2026-02-09"
    # The confirmation is evidence that the promise is under way.
    history = [r["status"] for r in fixture_db.query(
        "SELECT status FROM commitment_events WHERE thread_id = ? ORDER BY seq", [thread["id"]])]
    assert history == ["announced", "in_progress"]


def test_delivery_reported_after_the_deadline_marks_the_promise_kept(fixture_db, matcher):
    done = "La DGOS a publié le cahier des charges : il a été publié au Journal officiel le 3 février."
    doc = _add(fixture_db, matcher, "https://www.lefigaro.fr/sante/cahier-des-charges.html",
               "2026-02-05T10:00:00+01:00", "SEC-Pa : le cahier des charges est paru", done, [])
    ledger.rebuild(fixture_db, today=TODAY)
    kept = _thread_of(fixture_db, "cahier des charges avant")
    assert kept["status"] == "kept" and kept["last_evidence"] == "2026-02-05"
    assert kept["status_reason"].startswith("Le 5 février 2026, Le Figaro rapporte que c'est fait : « La DGOS a publié")
    events = list(fixture_db.query("SELECT status, document_id FROM commitment_events WHERE thread_id = ? ORDER BY seq",
                                   [kept["id"]]))
    assert [(e["status"], e["document_id"]) for e in events][1:] == [("due_soon", None), ("late", None), ("kept", doc)]


def test_the_opposite_announcement_abandons_and_a_new_deadline_replaces(fixture_db, matcher):
    end = "Le ministère de la Santé annonce la fin de l'expérimentation des SEC-Pa au 30 avril 2026."
    _add(fixture_db, matcher, "https://www.lefigaro.fr/sante/fin-secpa.html", "2026-01-20T10:00:00+01:00",
         "Fin des SEC-Pa", end, [{"text": end, "kind": "announcement", "actor_id": "role:ministere",
                                  "deadline": "2026-04-30", "deadline_precision": "day"}])
    longer = "La ministre chargée de la Santé prolonge le financement des SEC-Pa jusqu'au 30 juin 2027."
    _add(fixture_db, matcher, "https://www.lefigaro.fr/sante/secpa-2027.html", "2026-02-15T10:00:00+01:00",
         "SEC-Pa : jusqu'en 2027", longer, [{"text": longer, "actor_id": "role:ministre_sante",
                                             "deadline": "2027-06-30", "deadline_precision": "day"}])
    ledger.rebuild(fixture_db, today=TODAY)
    abandoned = _thread_of(fixture_db, "fin de l'expérimentation des SEC-Pa au 30 avril")
    assert abandoned["status"] == "abandoned"
    assert abandoned["status_reason"] == ("Le 10 février 2026, Ministre chargée de la Santé annonce le contraire "
                                          "(« maintien du financement des SEC-Pa », presse, Le Monde).")
    replaced = _thread_of(fixture_db, "maintenir le financement")
    assert replaced["status"] == "replaced"
    assert replaced["status_reason"] == ("Le 15 février 2026, Ministre chargée de la Santé fait une nouvelle promesse "
                                         "sur le même objet (échéance : 30 juin 2027).")
    assert _thread_of(fixture_db, "30 juin 2027")["status"] == "announced"


@pytest.mark.parametrize(("deadline", "precision", "period", "text"), [
    ("2026-12-31", "year", (date(2026, 1, 1), date(2026, 12, 31)), "2026"),
    ("2026-03-31", "month", (date(2026, 3, 1), date(2026, 3, 31)), "mars 2026"),
    ("2026-06-30", "quarter", (date(2026, 4, 1), date(2026, 6, 30)), "avril 2026 – juin 2026"),
    ("2026-03-01", "day", (date(2026, 3, 1), date(2026, 3, 1)), "1er mars 2026"),
    ("2026-02", None, (date(2026, 2, 1), date(2026, 2, 28)), "février 2026"),
])
def test_deadline_periods_and_their_french_wording(deadline, precision, period, text):
    assert ledger.deadline_period(deadline, precision) == period
    assert ledger.deadline_text(deadline, precision) == text


def test_paris_dates_amounts_and_objects():
    assert ledger.paris_date("2026-02-16T23:00:00+00:00") == "2026-02-17"
    assert ledger.paris_date("2026-02-18T19:12:00+01:00") == "2026-02-18"
    assert ledger.paris_date("2026-02-05") == "2026-02-05"
    assert ledger.amounts_agree(14_000_000, 14_050_000) and not ledger.amounts_agree(14e6, 15e6)
    assert ledger.amounts_agree(None, 3.0)
    assert ledger.find_object(FUNDING).key == "funding_maintained"
    assert ledger.find_object("Le gouvernement a annoncé le maintien jusqu'au 31 décembre 2026 du financement des "
                              "structures dont l'expérimentation devait s'arrêter le 30 avril.").key == "funding_maintained"
    assert ledger.find_object("Depuis l'annonce de la fin de l'expérimentation au 30 avril").key == "end_of_experiment"
    assert ledger.find_object("Un texte sans objet connu.") is None
    assert ledger.statement_key("d1", "La ministre  s'engage.") == ledger.statement_key("d1", "la ministre s'engage")
    assert ledger.statement_key("d1", "La ministre s'engage.") != ledger.statement_key("d2", "La ministre s'engage.")


def test_the_tag_hook_rebuilds_the_ledger_and_never_raises(fixture_db, monkeypatch):
    ledger.after_tag(fixture_db)
    assert fixture_db["commitment_threads"].count == 3

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ledger, "compute", broken)
    ledger.after_tag(fixture_db)  # logged, not raised
    assert fixture_db["commitment_threads"].count == 3
