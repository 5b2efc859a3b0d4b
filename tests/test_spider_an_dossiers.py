"""an_dossiers: AN dossiers législatifs and their journey, real L17 records (fixtures/an_dossiers)
plus the constructed dossier of PPL n° 2504 (its real file was not found: see SOURCES.md)."""

import json

import pytest

from conftest import FIXTURES
from parliament_helpers import body_response, fixture_bytes, make_zip, response, store_all
from pipelines.queries import run_query
from pipelines.raw import raw_line, read_raw
from spiders.an_dossiers import AnDossiersSpider
from spiders.an_parse import BadRecord, parse_dossier
from spiders.parl_items import DatasetVersion, LegislativeDossier

PPL_2504 = "DLR5L17NPPL2504"


@pytest.fixture
def spider(config_path):
    return AnDossiersSpider()


def _items(spider):
    return list(spider.parse(response(spider, "an_dossiers", "an_dossiers", "Dossiers_Legislatifs_L17.json.zip")))


def _dossiers(spider):
    return {i.uid: i for i in _items(spider) if isinstance(i, LegislativeDossier)}


def _load(name: str):
    return json.loads((FIXTURES / "an_dossiers" / name).read_bytes())


def test_archive_gives_one_item_per_dossier_and_skips_texts(spider):
    items = _items(spider)
    dossiers = [i for i in items if isinstance(i, LegislativeDossier)]
    assert len(dossiers) == 9  # the document member is not a dossier, and not an error
    assert isinstance(items[-1], DatasetVersion) and items[-1].members == 10
    assert not spider.skipped.get("an_dossiers")
    assert sorted(d.status for d in dossiers).count("promulguée") == 2


def test_ppl_2504_is_followed_through_its_text(spider):
    ppl = _dossiers(spider)[PPL_2504]
    assert ppl.followed  # veille.toml follows PIONANR5L17B2504
    assert ppl.texts == ["PIONANR5L17B2504"] and ppl.filed == "2026-02-17" and ppl.initiators == []
    assert [(s["code"], s["date"], s["label"]) for s in ppl.stages] == [
        ("AN1-DEPOT", "2026-02-17", "1er dépôt d'une initiative."),
        ("AN1-COM-FOND-SAISIE", "2026-02-17", "Renvoi en commission au fond")]
    assert ppl.current_stage == "1ère lecture (1ère assemblée saisie) — Renvoi en commission au fond"
    assert ppl.url == "https://www.assemblee-nationale.fr/dyn/17/dossiers/DLR5L17NPPL2504"


def test_a_whole_journey_with_navette_cmp_and_votes(spider):
    bill = _dossiers(spider)["DLR5L17N54085"]
    assert (bill.procedure, bill.kind, len(bill.stages)) == ("Projet de loi ordinaire", "DossierLegislatif_Type", 51)
    assert bill.senate_url == "https://www.senat.fr/dossier-legislatif/pjl25-689.html"
    assert bill.initiators == ["PA643210", "PA605991"] and not bill.followed
    by_code = {s["code"]: s for s in bill.stages}
    assert by_code["AN1-DEBATS-DEC"]["decision"] == "adopté" and by_code["AN1-DEBATS-DEC"]["votes"] == ["VTANR5L17V7259"]
    assert by_code["AN1-COM-FOND-NOMIN"]["rapporteurs"] == ["PA719472", "PA712015"]
    assert by_code["SN1-DEPOT"]["provenance"] == "PO838901"  # transmitted to the Sénat
    assert by_code["SN1-DEBATS-DEC"]["decision"] == "modifié" and by_code["CMP-DEC"]["decision"] == "Accord"
    assert by_code["CMP-DEBATS-AN"]["date"] is None  # scheduled, not yet held
    assert by_code["AN1-COM-AVIS-SAISIE"]["path"] == ("1ère lecture (1ère assemblée saisie) › Travaux des commissions"
                                                      " › Travaux d'une commission saisie pour avis")
    assert sum(s["code"] == "AN1-DEBATS-SEANCE" for s in bill.stages) == 19
    assert "PRJLANR5L17BTA0295" in bill.texts and "PRJLANR5L17BTC2765" in bill.texts
    assert (bill.current_stage, bill.current_stage_date) == ("Commission Mixte Paritaire — Décision de la CMP : Accord",
                                                             "2026-07-17")


def test_promulgated_laws_and_resolutions(spider):
    dossiers = _dossiers(spider)
    law = dossiers["DLR5L17N51352"]
    assert (law.status, law.law_code, law.stages[-1]["code"]) == ("promulguée", "2025-1225", "PROM-PUB")
    assert dossiers["DLR5L17N51485"].stages[0]["code"] == "SN1-DEPOT"  # started in the Sénat
    assert dossiers["DLR5L17N51485"].law_code == "2025-336"
    resolution = dossiers["DLR5L17N54623"]
    assert (resolution.kind, resolution.procedure, resolution.status) == (
        "DossierResolutionAN", "Résolution Article 34-1", "en cours")
    assert [s["phase"] for s in resolution.stages] == ["Lecture unique"]


def test_stored_journey_and_the_named_query(spider, db):
    items = list(_dossiers(spider).values())
    actions = store_all(db, items)
    assert actions.count("insert") == 1  # PPL n° 2504 only: followed (the others are off-topic)
    assert db["dossiers"].count == 1 and db["dossier_stages"].count == 2
    row = db["dossiers"].get(PPL_2504)
    assert row["followed"] == 1 and row["relevant"] == 1 and row["document_id"] == PPL_2504
    assert db["documents"].get(PPL_2504)["kind"] == "dossier"
    for key in (PPL_2504, "PIONANR5L17B2504", "2504", "02504"):
        stages = run_query(db, "etapes_dossier", dossier=key)
        assert [s["etape"] for s in stages] == ["1er dépôt d'une initiative.", "Renvoi en commission au fond"], key
    assert run_query(db, "etapes_dossier", dossier="2368") == []
    before = db.execute("SELECT total_changes()").fetchone()[0]
    assert set(store_all(db, items)) == {"noop", "irrelevant"}
    assert db.execute("SELECT total_changes()").fetchone()[0] == before  # unchanged rows are not rewritten


def test_a_new_stage_updates_the_dossier(spider, db):
    ppl = _dossiers(spider)[PPL_2504]
    store_all(db, [ppl])
    data = _load("constructed_PPL2504.json")
    acts = data["dossierParlementaire"]["actesLegislatifs"]["acteLegislatif"]["actesLegislatifs"]["acteLegislatif"]
    acts.append({"@xsi:type": "DiscussionSeancePublique_Type", "uid": "L17-PPL2504SEANCE", "codeActe": "AN1-DEBATS-SEANCE",
                 "libelleActe": {"nomCanonique": "Discussion en séance publique"}, "organeRef": "PO838901",
                 "dateActe": "2026-04-09T00:00:00.000+02:00", "actesLegislatifs": None})  # derived record
    later = LegislativeDossier(**parse_dossier(data, "an_dossiers", follow={"PIONANR5L17B2504"}))
    assert store_all(db, [later]) == ["update"]
    assert db["dossier_stages"].count == 3
    assert db["dossiers"].get(PPL_2504)["current_stage_date"] == "2026-04-09"


def test_a_dossier_whose_title_names_the_topic_is_kept_unfollowed(db):
    item = LegislativeDossier(**parse_dossier(_load("constructed_PPL2504.json"), "an_dossiers"))
    assert not item.followed
    assert store_all(db, [item]) == ["insert"]
    assert db["dossiers"].get(PPL_2504)["followed"] == 0


def test_round_trip_through_raw_jsonl(spider, tmp_path):
    item = _dossiers(spider)["DLR5L17N54085"]
    path = tmp_path / "raw.jsonl"
    path.write_text(raw_line(item), encoding="utf-8")
    [back] = list(read_raw(path))
    assert back == item


def test_bad_records_are_skipped_with_their_uid(spider):
    broken = _load("DLR5L17N52201.json")
    broken["dossierParlementaire"]["titreDossier"] = {"titre": None}
    odd = _load("DLR5L17N53637.json")
    odd["dossierParlementaire"]["actesLegislatifs"]["acteLegislatif"] = ["AN1"]  # a string, not an act
    body = make_zip([("json/dossierParlementaire/DLR5L17N52201.json", json.dumps(broken).encode()),
                     ("json/dossierParlementaire/DLR5L17N53637.json", json.dumps(odd).encode()),
                     ("json/dossierParlementaire/DLR5L17N00001.json", b"{not json"),
                     ("json/dossierParlementaire/DLR5L17N54623.json", fixture_bytes("an_dossiers", "DLR5L17N54623.json"))])
    items = list(spider.parse(body_response(spider, "an_dossiers", body)))
    assert [i.uid for i in items if isinstance(i, LegislativeDossier)] == ["DLR5L17N54623"]
    skipped = dict(spider.skipped["an_dossiers"])
    assert skipped["DLR5L17N52201"] == "titre absent (titreDossier.titre)"
    assert skipped["DLR5L17N53637"].startswith("forme inattendue")
    assert skipped["DLR5L17N00001"].startswith("JSON invalide")
    assert spider.health["an_dossiers"].status == "warning"


def test_not_a_dossier_object():
    with pytest.raises(BadRecord) as raised:
        parse_dossier({"reunion": {}}, "an_dossiers", "X1")
    assert raised.value.uid == "X1" and "dossierParlementaire" in raised.value.cause
