"""« À venir » on the home page and the page of a bill (issue 16), on the site's fixture
database with a followed bill, its stages, agenda items and an overdue written question
written through the real write path (`pipelines.db`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from datasette_helpers import build_database, fetch
from pipelines.labels import stage_chamber, stage_step

DOSSIER = "DLR5L17NPPL2504"
SOON = date.today() + timedelta(days=10)


def add_parliament(config) -> None:
    from pipelines import db as database

    db = database.open_db(config.database)
    database.upsert_record(db, "dossiers", {
        "id": DOSSIER, "source": "an_dossiers", "url": f"https://www.assemblee-nationale.fr/dyn/17/dossiers/{DOSSIER}",
        "title": "Proposition de loi visant à la pérennisation des SEC-Pa", "legislature": "17",
        "procedure": "Proposition de loi ordinaire", "texts": ["PIONANR5L17B2504"], "filed": "2026-02-17",
        "current_stage": "Renvoi en commission au fond", "current_stage_date": "2026-02-17", "status": "en cours",
        "followed": 1, "relevant": 1, "document_id": DOSSIER, "stages_count": 3})
    for position, (code, label, day) in enumerate([
            ("AN1-DEPOT", "1er dépôt d'une initiative.", "2026-02-17"),
            ("AN1-COM-FOND-SAISIE", "Renvoi en commission au fond", "2026-02-17"),
            ("AN1-DEBATS-SEANCE", "Discussion en séance publique", None)], start=1):
        database.upsert_record(db, "dossier_stages", {
            "id": f"{DOSSIER}/{position}", "dossier_id": DOSSIER, "position": position, "code": code,
            "phase": "1ère lecture (1ère assemblée saisie)", "label": label, "date": day,
            "text_ref": "PIONANR5L17B2504" if position == 1 else None, "votes": []})
    database.upsert_record(db, "agenda_items", {
        "id": "RUANR5L17S2026IDC999001", "source": "an_agenda", "kind": "commission",
        "url": "https://www.assemblee-nationale.fr/dyn/opendata/RUANR5L17S2026IDC999001.html",
        "title": "Examen de la proposition de loi n° 2504 (SEC-Pa)", "start": f"{SOON.isoformat()}T07:30:00+00:00",
        "day": SOON.isoformat(), "state": "Confirmé", "dossiers": [DOSSIER], "followed": 1, "relevant": 1})
    database.upsert_record(db, "agenda_items", {
        "id": "RUANR5L17S2026IDC999002", "source": "an_agenda", "kind": "commission", "url": "",
        "title": "Réunion annulée sur les SEC-Pa", "start": f"{SOON.isoformat()}T09:00:00+00:00",
        "day": SOON.isoformat(), "state": "Annulé", "dossiers": [], "followed": 0, "relevant": 1})
    database.upsert_record(db, "amendments", {
        "id": "AMANR5L17PO420120B2504P0D1N000001", "document_id": "press-script", "source": "an_amendements",
        "number": "1", "bill_ref": "PIONANR5L17B2504", "bill_number": "2504"})
    database.upsert_record(db, "questions", {
        "id": "QANR5L17QE4001", "source": "an_questions", "chamber": "AN", "legislature": "17", "kind": "QE",
        "number": "4001", "title": "Question écrite n° 4001 : financement des SEC-Pa", "author_name": "Claire Dubois",
        "ministry_answering": "Ministère de la Santé", "published": "2025-06-03", "answer_deadline": "2025-08-03",
        "status": "pending", "document_id": "QANR5L17QE9001"})
    db.close()


@pytest.fixture
def site(config):
    from pipelines.serve import make_datasette

    build_database(config)
    add_parliament(config)
    return make_datasette(config.database)


def test_home_shows_what_is_coming(site):
    page = fetch(site, "/")
    assert page.status_code == 200
    html = page.text
    section = html[html.index('id="a-venir"'):html.index('chart-panel')]
    assert "<h2>À venir</h2>" in section
    # the agenda item on the followed bill, in Paris time, linked to the AN and to the bill's page
    assert "Examen de la proposition de loi n° 2504 (SEC-Pa)" in section
    paris = datetime(SOON.year, SOON.month, SOON.day, 7, 30, tzinfo=timezone.utc).astimezone(ZoneInfo("Europe/Paris"))
    assert f"à {paris.hour} h 30" in section and "réunion de commission" in section
    assert 'href="https://www.assemblee-nationale.fr/dyn/opendata/RUANR5L17S2026IDC999001.html"' in section
    assert f'href="/dossier/{DOSSIER}">parcours du texte' in section
    assert "Réunion annulée" not in section
    # the followed bill, the overdue written question with its days late
    assert f'<a href="/dossier/{DOSSIER}">n° 2504 — Proposition de loi' in section
    assert 'href="/document/QANR5L17QE9001">Question écrite n° 4001' in section
    assert "Ministère de la Santé" in section and "après le délai de deux mois" in section


def test_bill_page_shows_its_stages_as_a_timeline(site):
    page = fetch(site, f"/dossier/{DOSSIER}")
    assert page.status_code == 200
    html = page.text
    assert "Proposition de loi visant à la pérennisation des SEC-Pa" in html and "texte n° 2504" in html
    timeline = html[html.index('<ol class="timeline">'):html.index("</ol>")]
    assert timeline.index("1er dépôt") < timeline.index("Renvoi en commission") < timeline.index("Discussion en séance")
    assert '<time datetime="2026-02-17">17 février 2026</time>' in timeline
    assert "date à venir" in timeline and 'class="stage step-seance undated"' in timeline
    assert "Examen de la proposition de loi n° 2504" in html  # its coming agenda item


def test_bill_addresses_by_number_and_text_and_unknown(site):
    for path in ("/loi/2504", "/loi/02504", "/dossier/PIONANR5L17B2504", "/dossier/2504"):
        moved = fetch(site, path)
        assert moved.status_code == 302 and moved.headers["location"] == f"/dossier/{DOSSIER}", path
    assert fetch(site, "/loi/2368").status_code == 404
    assert fetch(site, "/dossier/DLR5L17N00000").status_code == 404


def test_a_document_of_the_bill_links_to_its_page(site):
    linked = fetch(site, "/document/press-script").text
    assert f'<a href="/dossier/{DOSSIER}">Proposition de loi visant' in linked
    assert "/dossier/" not in fetch(site, "/document/press-dauphine").text


def test_home_before_parliament_data(config):
    from pipelines.serve import make_datasette

    build_database(config)
    html = fetch(make_datasette(config.database), "/").text
    assert "<h2>À venir</h2>" in html
    assert "Aucune séance ni réunion de commission annoncée" in html


def test_stage_codes_in_words():
    assert [stage_step(c) for c in ("AN1-DEPOT", "AN1-COM-FOND-SAISIE", "AN1-COM-FOND-RAPPORT", "AN1-DEBATS-SEANCE",
                                    "SN1-DEBATS-DEC", "CMP-SAISIE", "PROM-PUB", "AN1-ETI", None)] == [
        "depot", "commission", "rapport", "seance", "decision", "cmp", "promulgation", "autre", "autre"]
    assert (stage_chamber("SN2-DEPOT"), stage_chamber("ANLUNI-DEPOT"), stage_chamber("XX")) == (
        "Sénat", "Assemblée nationale", "")


def test_the_agenda_calendar_has_each_coming_meeting_at_its_time(site):
    page = fetch(site, "/veille/calendrier_agenda.ics")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/calendar")
    body = page.text
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.rstrip().endswith("END:VCALENDAR")
    events = body.split("BEGIN:VEVENT")[1:]
    assert len(events) == 1  # the cancelled meeting is left out
    event = events[0]
    assert f"DTSTART:{SOON:%Y%m%d}T073000Z\r\n" in event and f"DTEND:{SOON:%Y%m%d}T083000Z\r\n" in event
    assert "UID:veille-agenda-RUANR5L17S2026IDC999001@" in event and "DTSTAMP:" in event
    assert "Examen de la proposition de loi n° 2504 (SEC-Pa)" in event.replace("\r\n ", "")
    assert "Calendrier de l'ordre du jour (ICS)" in fetch(site, "/").text


def test_a_timed_event_is_written_in_utc_whatever_the_season():
    from pipelines.site_feeds import ics_calendar, ics_instant

    summer, winter = ics_instant("2026-07-01T15:00:00+02:00"), ics_instant("2026-01-15T15:00:00+01:00")
    body = ics_calendar("essai", [{"uid": "a", "summary": "été", "start": summer},
                                  {"uid": "b", "summary": "hiver", "start": winter,
                                   "end": ics_instant("2026-01-15T17:30:00+01:00")},
                                  {"uid": "c", "summary": "sans heure", "start": ics_instant("2026-01-15T15:00:00"),
                                   "day": date(2026, 1, 15)}])
    assert "DTSTART:20260701T130000Z\r\nDTEND:20260701T140000Z" in body
    assert "DTSTART:20260115T140000Z\r\nDTEND:20260115T163000Z" in body
    assert "DTSTART;VALUE=DATE:20260115" in body  # an instant without offset is never guessed: all-day
