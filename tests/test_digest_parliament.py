"""The digest's « À venir » on the parliament (issue 16): the agenda of the coming week, the
stages of the followed bills in the week (« Parcours des textes ») and the written questions
past their two-month deadline, by ministry, each once, linked to the site's public pages."""

from __future__ import annotations

import pytest

import digest_fixtures as fx
from pipelines.digest import build_digest
from pipelines.digest_render import render_html, render_markdown
from pipelines.weeks import Week

DOSSIER = "DLR5L17NPPL2504"


def _add_parliament(db) -> None:
    from pipelines import db as database

    database.upsert_record(db, "dossiers", {
        "id": DOSSIER, "source": "an_dossiers", "url": f"https://www.assemblee-nationale.fr/dyn/17/dossiers/{DOSSIER}",
        "title": "Proposition de loi visant à la pérennisation des SEC-Pa", "texts": ["PIONANR5L17B2504"],
        "filed": "2026-02-10", "status": "en cours", "followed": 1, "relevant": 1, "document_id": DOSSIER})
    for position, (code, label, day) in enumerate([
            ("AN1-DEPOT", "1er dépôt d'une initiative.", "2026-02-10"),
            ("AN1-COM-FOND-SAISIE", "Renvoi en commission au fond", "2026-02-12"),
            ("AN1-COM-FOND-RAPPORT", "Rapport de la commission", "2026-02-20")], start=1):
        database.upsert_record(db, "dossier_stages", {
            "id": f"{DOSSIER}/{position}", "dossier_id": DOSSIER, "position": position, "code": code,
            "phase": "1ère lecture", "label": label, "date": day})
    for uid, day, state in (("RUANR5L17S2026IDC1", "2026-02-17", "Confirmé"),
                            ("RUANR5L17S2026IDC2", "2026-02-19", "Annulé"),
                            ("RUANR5L17S2026IDC3", "2026-02-25", "Confirmé")):
        database.upsert_record(db, "agenda_items", {
            "id": uid, "source": "an_agenda", "kind": "commission", "title": f"Examen de la PPL n° 2504 ({uid})",
            "url": f"https://www.assemblee-nationale.fr/dyn/opendata/{uid}.html", "start": f"{day}T08:00:00+00:00",
            "day": day, "state": state, "dossiers": [DOSSIER], "followed": 1, "relevant": 1})
    for uid, number, ministry, published, deadline, reminder in (
            ("QANR5L17QE4001", "4001", "Ministère de la santé", "2025-11-04", "2026-01-04", None),
            ("QANR5L17QE4001R", "4001", "Ministère de la santé", "2025-11-04", "2026-01-04", "QANR5L17QE4001"),
            ("QANR5L17QE4002", "4002", "Ministère de la santé", "2025-12-01", "2026-02-01", None),
            ("QANR5L17QE4003", "4003", "Ministère du travail", "2025-10-01", "2025-12-01", None),
            ("QANR5L17QE4004", "4004", "Ministère du travail", "2026-01-20", "2026-03-20", None)):
        database.upsert_record(db, "questions", {
            "id": uid, "source": "an_questions_ecrites", "chamber": "AN", "kind": "QE", "number": number,
            "title": f"Question écrite n° {number} : SEC-Pa", "author_name": "Hendrik Davi",
            "ministry_answering": ministry, "published": published, "answer_deadline": deadline, "status": "pending",
            "document_id": uid, "reminder_of": reminder})


@pytest.fixture(scope="module")
def w07(tmp_path_factory):
    from pipelines.config import load_config

    path = fx.small_config(tmp_path_factory.mktemp("digest_parliament"))
    db = fx.build(path)
    _add_parliament(db)
    digest = build_digest(load_config(path), Week(2026, 7), db=db)
    db.close()
    return digest


def test_agenda_of_the_coming_week(w07):
    coming = w07["coming"]
    assert (coming["agenda_from"], coming["agenda_to"]) == ("2026-02-16", "2026-02-22")
    assert [a["id"] for a in coming["agenda"]] == ["RUANR5L17S2026IDC1"]  # cancelled and later ones left out
    item = coming["agenda"][0]
    assert item["when"] == "17 février 2026 à 9 h 00"
    assert item["datasette_url"] == f"{fx.SITE}/dossier/{DOSSIER}"
    assert item["url"] == "https://www.assemblee-nationale.fr/dyn/opendata/RUANR5L17S2026IDC1.html"


def test_stages_of_the_week_per_bill(w07):
    (bill,) = w07["coming"]["bills"]
    assert bill["datasette_url"] == f"{fx.SITE}/dossier/{DOSSIER}"
    assert [(s["date_label"], s["label"]) for s in bill["stages"]] == [
        ("10 février 2026", "1er dépôt d'une initiative."), ("12 février 2026", "Renvoi en commission au fond")]


def test_overdue_questions_by_ministry_each_once(w07):
    overdue = w07["coming"]["overdue"]
    assert [(m["ministry"], m["count"]) for m in overdue] == [("Ministère de la santé", 2), ("Ministère du travail", 1)]
    health = overdue[0]["questions"]
    assert [q["number"] for q in health] == ["4001", "4002"]  # the reminder is the same question: once
    assert health[0]["days_late"] == 43 and health[0]["days_waiting"] == 104  # at 16 February 2026
    assert health[0]["datasette_url"] == f"{fx.SITE}/document/QANR5L17QE4001"
    assert w07["coming"]["overdue_total"] == 3


def test_rendered_in_both_formats(w07):
    md, html = render_markdown(w07), render_html(w07)
    for text in (md, html):
        assert "À venir" in text and "Parcours des textes" in text and "Questions hors délai" in text
        assert "Examen de la PPL n° 2504 (RUANR5L17S2026IDC1)" in text
        assert "RUANR5L17S2026IDC2)" not in text
        assert text.count("AN n° 4001") == 1
    assert f"{fx.SITE}/dossier/{DOSSIER}" in md and f'href="{fx.SITE}/dossier/{DOSSIER}"' in html
    assert "3 questions écrites sans réponse au-delà du délai de deux mois" in md


def test_no_links_without_a_public_address(tmp_path):
    from pipelines.config import load_config

    path = fx.small_config(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(f'site_url = "{fx.SITE}"', 'site_url = ""'), encoding="utf-8")
    db = fx.build(path)
    _add_parliament(db)
    digest = build_digest(load_config(path), Week(2026, 7), db=db)
    db.close()
    coming = digest["coming"]
    assert coming["bills"][0]["datasette_url"] is None and coming["agenda"][0]["datasette_url"] is None
    assert coming["agenda"][0]["url"].startswith("https://www.assemblee-nationale.fr/")
    assert "/dossier/" not in render_markdown(digest)
