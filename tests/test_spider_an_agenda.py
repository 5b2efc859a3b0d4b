"""an_agenda: the AN agenda (réunions), real records of every shape (fixtures/an_agenda)."""

import json
from datetime import datetime, timezone

import pytest

from conftest import FIXTURES
from parliament_helpers import body_response, make_zip, response, store_all
from spiders.an_agenda import AnAgendaSpider
from spiders.an_parse import BadRecord, parse_reunion
from spiders.parl_items import AgendaItem, DatasetVersion

PLFSS_2026 = "DLR5L17N52922"


@pytest.fixture
def spider(config_path):
    return AnAgendaSpider()


def _items(spider):
    return list(spider.parse(response(spider, "an_agenda", "an_agenda", "Agenda_L17.json.zip")))


def test_archive_gives_one_item_per_reunion(spider):
    items = _items(spider)
    agenda = [i for i in items if isinstance(i, AgendaItem)]
    assert len(agenda) == 13 and isinstance(items[-1], DatasetVersion) and items[-1].members == 13
    assert not spider.skipped.get("an_agenda")
    kinds = sorted(i.kind for i in agenda)
    assert kinds.count("seance") == 5 and kinds.count("commission") == 7 and kinds.count("initiative") == 1


def test_sitting_with_points_and_a_followed_bill(spider):
    item = next(i for i in _items(spider) if i.uid == "RUANR5L17S2026IDS29862")
    assert item.title == "Séance publique du 04/11/2025 (première séance) — Questions au Gouvernement"
    assert item.start == datetime(2025, 11, 4, 14, 0, tzinfo=timezone.utc) and item.day == "2025-11-04"
    assert (item.kind, item.state, item.organe_id, item.dossiers) == ("seance", "Confirmé", "PO838901", [PLFSS_2026])
    assert item.followed  # veille.toml follows the PLFSS 2026
    assert "Discussion du projet de loi de financement de la sécurité sociale pour 2026" in item.text()


def test_committee_meeting_shapes(spider):
    items = {i.uid: i for i in _items(spider) if isinstance(i, AgendaItem)}
    listed = items["RUANR5L17S2026IDC457976"]
    assert listed.kind == "commission" and listed.organe_id == "PO420120" and len(listed.agenda) == 2
    assert listed.title.startswith("Réunion de commission du 03/11/2025 — Projet de loi de finances pour 2026")
    assert not listed.followed and listed.dossiers == ["DLR5L17N52428"]
    assert items["RUANR5L16S2024IDC453089"].state == "Annulé"
    assert items["RUANR5L17S2025IDC453875"].place is None  # lieu null
    assert items["RUANR5L17S2025IDC454228"].state == "Eventuel"
    assert len(items["RUANR5L17S2024IDC453234"].dossiers) > 1  # a list of dossier references


def test_agenda_rows_and_the_upcoming_view(spider, db):
    items = [i for i in _items(spider) if isinstance(i, AgendaItem)]
    assert set(store_all(db, items)) == {"irrelevant"}  # agenda rows are not documents
    assert db["agenda_items"].count == 13
    near_miss = db["agenda_items"].get("RUANR5L17S2025IDC456247")  # "article 51" alone: a weak signal
    assert near_miss["relevant"] == 0 and near_miss["matched"] == "[]"
    upcoming = [r["id"] for r in db.query("SELECT id FROM upcoming_agenda WHERE day >= '2025-11-01' ORDER BY start")]
    assert upcoming == ["RUANR5L17S2026IDS29862", "RUANR5L17S2026IDS29874"]
    before = db.execute("SELECT total_changes()").fetchone()[0]
    store_all(db, items)
    assert db.execute("SELECT total_changes()").fetchone()[0] == before  # unchanged rows are not rewritten


def test_an_agenda_naming_the_topic_is_relevant(db):
    data = json.loads((FIXTURES / "an_agenda" / "RUANR5L17S2026IDC457976.json").read_bytes())
    data["reunion"]["ODJ"]["convocationODJ"]["item"][0] = (
        "Examen de la proposition de loi visant à la pérennisation du dispositif des structures "
        "d'exercice coordonné participatives (n° 2504)")  # wording of PPL n° 2504 (derived record)
    item = AgendaItem(**parse_reunion(data, "an_agenda"))
    store_all(db, [item])
    row = db["agenda_items"].get(item.uid)
    assert row["relevant"] == 1 and "structures d'exercice coordonné participatives" in row["matched"]


def test_bad_records_are_skipped_with_their_uid(spider):
    good = (FIXTURES / "an_agenda" / "RUANR5L17S2026IDS29874.json").read_bytes()
    no_start = json.loads(good)
    no_start["reunion"]["timeStampDebut"] = None
    archive = make_zip([("json/reunion/RUANR5L17S2026IDS29874.json", good),
                        ("json/reunion/RUANR5L17S2026IDS1.json", json.dumps(no_start).encode()),
                        ("json/reunion/RUANR5L17S2026IDS2.json", b'{"acteur": {}}')])
    items = list(spider.parse(body_response(spider, "an_agenda", archive)))
    assert [i.uid for i in items if isinstance(i, AgendaItem)] == ["RUANR5L17S2026IDS29874"]
    assert dict(spider.skipped["an_agenda"]) == {
        "RUANR5L17S2026IDS29874": "date de début absente (timeStampDebut)",
        "RUANR5L17S2026IDS2": "objet « reunion » absent"}
    with pytest.raises(BadRecord):
        parse_reunion([], "s")


def test_round_trip_through_the_raw_file(spider):
    item = next(i for i in _items(spider) if isinstance(i, AgendaItem))
    data = json.loads(json.dumps(item.to_dict()))
    assert data["item_type"] == "an_agenda_item" and AgendaItem.from_dict(data) == item
