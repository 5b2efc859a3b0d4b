"""an_reference: AN acteurs, organes and mandats into actors, organes and mandates."""

import json

import pytest

from conftest import run_veille, write_config
from parliament_helpers import body_response, fixture_bytes, make_zip, response, store_all
from spiders.an_parse import parse_reference
from spiders.an_reference import AnReferenceSpider
from spiders.parl_items import ReferenceRecord


@pytest.fixture
def spider(config_path):
    return AnReferenceSpider()


def test_acteur_with_embedded_mandates():
    records = list(parse_reference(json.loads(fixture_bytes("an_reference", "acteur/PA793452.json"))))
    kind, actor = records[0]
    assert kind == "actor" and actor["id"] == "PA793452" and actor["name"] == "Hendrik Davi"
    assert actor["extra"]["civ"] == "M." and actor["extra"]["nom"] == "Davi"
    mandates = {r["id"]: r for k, r in records[1:]}
    assert len(mandates) == 16
    assert mandates["PM846029"] == {
        "id": "PM846029", "actor_id": "PA793452", "organe_id": "PO845439", "organe_kind": "GP",
        "role": "Membre du", "start": "2024-07-19", "end": None,
        "extra": {"role_sex": "Membre du", "legislature": "17", "published": "2024-07-19",
                  "organes": ["PO845439"], "principal": "1"}}


def test_organe_and_split_mandate():
    (_, organe), = parse_reference(json.loads(fixture_bytes("an_reference", "organe/PO873673.json")))
    assert organe["kind"] == "MINISTERE" and organe["start"] == "2025-10-13" and organe["end"] is None
    assert organe["name"] == "Ministère de la santé, des familles, de l’autonomie et des personnes handicapées"
    assert organe["extra"]["parent"] == "PO873634"
    (_, mandate), = parse_reference(json.loads(fixture_bytes("an_reference", "mandat/PM834763.json")))
    assert (mandate["actor_id"], mandate["organe_kind"], mandate["role"], mandate["extra"]["role_sex"]) == (
        "PA759832", "MINISTERE", "Ministre délégué", "Ministre déléguée")


def test_archives_fill_the_reference_tables(spider, db):
    items = list(spider.parse(response(spider, "an_referentiel_deputes", "an_reference", "AMO10_L17.json.zip")))
    items += list(spider.parse(response(spider, "an_referentiel_legislature", "an_reference", "AMO20_L17.json.zip")))
    store_all(db, items)
    assert db["actors"].count == 8 and db["organes"].count == 7 and db["mandates"].count == 125 + 2 + 3
    assert db["organes"].get("PO845439")["short_name"] == "EcoS"
    before = db.execute("SELECT total_changes()").fetchone()[0]
    store_all(db, [i for i in items if isinstance(i, ReferenceRecord)])
    assert db.execute("SELECT total_changes()").fetchone()[0] == before  # unchanged rows are not rewritten


def test_export_form_and_bad_records(spider):
    export = {"export": {"organes": {"organe": json.loads(fixture_bytes("an_reference", "organe/PO845407.json"))["organe"]},
                         "acteurs": {"acteur": [json.loads(fixture_bytes("an_reference", "acteur/PA720614.json"))["acteur"]]}}}
    broken = json.loads(fixture_bytes("an_reference", "acteur/PA721764.json"))
    broken["acteur"]["mandats"]["mandat"][0]["dateDebut"] = "2024-13-45"
    archive = make_zip([("AMO30.json", json.dumps(export).encode()), ("json/acteur/PA721764.json", json.dumps(broken).encode()),
                        ("json/acteur/PA1.json", b"[]")])
    items = list(spider.parse(body_response(spider, "an_referentiel_deputes", archive)))
    assert [(i.table, i.record["id"]) for i in items if isinstance(i, ReferenceRecord)][:2] == [
        ("organes", "PO845407"), ("actors", "PA720614")]
    assert dict(spider.skipped["an_referentiel_deputes"]) == {
        "PA721764": "forme inattendue (date illisible '2024-13-45')", "PA1": "objet JSON attendu"}


@pytest.mark.slow
def test_crawl_then_who_held_the_posts(tmp_path, replay):
    config = write_config(tmp_path)
    result = run_veille(config, "crawl", "--replay", replay.url, "--spider", "an_reference")
    assert result.returncode == 0, result.stderr
    health = run_veille(config, "who", "ministre de la santé", "2026-02-03")
    assert health.returncode == 0, health.stderr
    assert health.stdout.startswith("Le 03/02/2026, ministre de la santé : Stéphanie Rist — Ministre, "
                                    "Ministère de la santé, des familles")
    prime = run_veille(config, "who", "Premier ministre", "2026-02-03")
    assert "Sébastien Lecornu — Premier ministre, Gouvernement (depuis le 11/10/2025)" in prime.stdout
    before = run_veille(config, "who", "ministre de la santé", "2025-09-01")
    assert before.returncode == 1 and "Aucun titulaire" in before.stderr
