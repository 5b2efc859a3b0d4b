"""senat_reference: the Sénat's senators (ODSEN_GENERAL.csv, real file of October 2021) into
actors, organes and mandates, so that a Sénat author named in a text is an actor."""

import json
from collections import Counter

import pytest

from conftest import run_veille, write_config
from parliament_helpers import body_response, fixture_bytes, hand_in_state, store_all
from spiders.parl_items import DatasetVersion, ReferenceRecord
from spiders.senat_parse import parse_senator_row, senat_group_id, senator_rows
from spiders.senat_reference import SenatReferenceSpider

SOURCE = "senat_referentiel_senateurs"
REAL = fixture_bytes("senat_reference", "ODSEN_GENERAL.csv")
HEADER = REAL.decode("cp1252").split("Matricule,", 1)[0]


@pytest.fixture
def spider(config_path):
    return SenatReferenceSpider()


def _records(items, table):
    return [i.record for i in items if isinstance(i, ReferenceRecord) and i.table == table]


def test_the_real_file_is_cp1252_with_the_query_lines():
    with pytest.raises(UnicodeDecodeError):
        REAL.decode("utf-8")
    assert HEADER.startswith("% Requête :select senmat") and HEADER.endswith("% 1844 ligne(s) de résultat\n")
    rows = senator_rows(REAL)
    assert len(rows) == 1844 and Counter(r["État"] for r in rows) == {"ANCIEN": 1496, "ACTIF": 348}
    assert rows[0]["Matricule"] == "83008P" and rows[0]["Prénom usuel"] == "François"


def test_real_file_gives_every_senator_and_the_groups_in_office(spider):
    items = list(spider.parse(body_response(spider, SOURCE, REAL)))
    actors, organes, mandates = (_records(items, t) for t in ("actors", "organes", "mandates"))
    assert len(actors) == 1844 and not spider.skipped.get(SOURCE)
    assert Counter(a["extra"]["etat"] for a in actors) == {"ANCIEN": 1496, "ACTIF": 348}
    groups = {o["short_name"]: o for o in organes if o["kind"] == "GP"}
    members = Counter(m["extra"]["groupe"] for m in mandates if m["organe_kind"] == "GP")
    assert members == {"Les Républicains": 146, "SER": 65, "UC": 56, "RDPI": 23, "CRCE": 15, "RDSE": 15,
                       "Les Indépendants": 13, "GEST": 12, "NI": 3}
    assert set(groups) == set(members) and len(organes) == 10  # the nine groups and the Sénat
    assert groups["SER"]["name"] == "Socialiste, Écologiste et Républicain" and groups["SER"]["id"] == "SENGP-SER"
    assert groups["Les Indépendants"]["name"] == "Les Indépendants – République et Territoires"
    assert (groups["Les Républicains"]["id"], groups["GEST"]["start"], groups["GEST"]["end"]) == (
        "SENGP-LES-REPUBLICAINS", None, None)
    assert Counter(m["role"] for m in mandates) == {"Sénateur": 348, "Membre": 309, "Apparenté": 21, "Rattaché": 18}
    assert all(m["start"] is None and m["end"] is None for m in mandates)  # the file gives no dates
    assert isinstance(items[-1], DatasetVersion) and items[-1].members == 1844


def test_a_named_senator_in_office_and_a_former_one(spider):
    items = list(spider.parse(body_response(spider, SOURCE, REAL)))
    actors = {a["id"]: a for a in _records(items, "actors")}
    bonnefoy = actors["SEN08060W"]
    assert (bonnefoy["name"], bonnefoy["kind"]) == ("Nicole Bonnefoy", "person")
    assert {k: bonnefoy["extra"][k] for k in ("civ", "nom", "chamber", "etat", "circonscription", "groupe")} == {
        "civ": "Mme", "nom": "Bonnefoy", "chamber": "SN", "etat": "ACTIF", "circonscription": "Charente", "groupe": "SER"}
    mandates = {m["id"]: m for m in _records(items, "mandates") if m["actor_id"] == "SEN08060W"}
    assert mandates == {
        "SEN08060W-SN": {"id": "SEN08060W-SN", "actor_id": "SEN08060W", "organe_id": "SENAT", "organe_kind": "SENAT",
                         "role": "Sénateur", "start": None, "end": None,
                         "extra": {"role_sex": "Sénatrice", "chamber": "SN", "circonscription": "Charente"}},
        "SEN08060W-GP": {"id": "SEN08060W-GP", "actor_id": "SEN08060W", "organe_id": "SENGP-SER", "organe_kind": "GP",
                         "role": "Membre", "start": None, "end": None,
                         "extra": {"role_sex": "Membre", "chamber": "SN", "groupe": "SER"}}}
    lecornu = actors["SEN19265T"]  # a former senator: an actor, no mandate
    assert (lecornu["name"], lecornu["extra"]["etat"], lecornu["extra"]["groupe"]) == ("Sébastien Lecornu", "ANCIEN", "RDPI")
    assert not [m for m in _records(items, "mandates") if m["actor_id"] == "SEN19265T"]
    apparente = next(m for m in _records(items, "mandates") if m["role"] == "Apparenté")
    assert actors[apparente["actor_id"]]["extra"]["appartenance"] == "Apparenté"


def test_bad_rows_are_skipped_with_their_matricule_and_field(spider):
    rows = [
        "99001A,Mme,,Jeanne,ACTIF,1960-01-01 00:00:00.0,,UC,,commission des lois,Paris,,,,,",
        "99002B,M.,Durand,Paul,EN SURSIS,1960-01-01 00:00:00.0,,UC,,commission des lois,Paris,,,,,",
        "99003C,M.,Dupont,Jean,ACTIF,1960-13-01 00:00:00.0,,UC,,commission des lois,Paris,,,,,",
        "99004D,M.,Petit,Luc,ACTIF,1960-01-01 00:00:00.0,,UC,Invité,commission des lois,Paris,,,,,",
        "9A,M.,Grand,Marc,ACTIF,1960-01-01 00:00:00.0,,UC,,commission des lois,Paris,,,,,",
    ]
    body = REAL + ("\n".join(rows) + "\n").encode("cp1252")
    items = list(spider.parse(body_response(spider, SOURCE, body)))
    assert dict(spider.skipped[SOURCE]) == {
        "99001A": "« Nom usuel » absent", "99002B": "« État » inconnu ('EN SURSIS')",
        "99003C": "« Date naissance » illisible ('1960-13-01 00:00:00.0')",
        "99004D": "« Type d'app au grp politique » inconnu ('Invité')", "9A": "« Matricule » illisible ('9A')"}
    assert len(_records(items, "actors")) == 1844
    health = spider.health[SOURCE]
    assert health.status == "warning" and health.error.startswith("5 élément(s) ignoré(s) : 99001A (« Nom usuel » absent)")


def test_utf8_copy_and_semicolons_read_the_same(spider):
    cp1252 = senator_rows(REAL)
    assert senator_rows(REAL.decode("cp1252").encode("utf-8")) == cp1252
    assert senator_rows(REAL.decode("cp1252").encode("utf-8-sig")) == cp1252
    semicolons = "Matricule;Qualité;Nom usuel;Prénom usuel;État\n08060W;Mme;Bonnefoy;Nicole;ACTIF\n".encode("latin-1")
    actor, mandates = parse_senator_row(senator_rows(semicolons)[0])
    assert (actor["id"], actor["name"], [m["role"] for m in mandates]) == ("SEN08060W", "Nicole Bonnefoy", ["Sénateur"])
    assert senat_group_id("Les Républicains") == "SENGP-LES-REPUBLICAINS" and senat_group_id("CRCE-K") == "SENGP-CRCE-K"


def test_not_the_senators_csv_fails_the_source(spider):
    assert list(spider.parse(body_response(spider, SOURCE, b"Sort;Nature;R\xe9f\xe9rence\n"))) == []
    health = spider.health[SOURCE]
    assert health.status == "failed" and health.error.startswith("CSV illisible (en-tête inattendu")


def test_stored_rows_and_an_unchanged_file_is_not_read_again(spider, db):
    store_all(db, list(spider.parse(body_response(spider, SOURCE, REAL))))
    assert (db["actors"].count, db["organes"].count, db["mandates"].count) == (1844, 10, 696)
    assert json.loads(db["actors"].get("SEN08060W")["extra"])["groupe"] == "SER"
    again = SenatReferenceSpider()
    hand_in_state(again, db)
    assert list(again.parse(body_response(again, SOURCE, REAL))) == []


@pytest.mark.slow
def test_crawl_then_a_senator_named_in_a_text_is_his_actor(tmp_path, replay):
    from nlp.extract import extract
    from nlp.gazetteer import reference_patterns
    from nlp.pipeline import load_pipeline
    from nlp.topic import TopicMatcher
    from pipelines.config import load_config
    from pipelines.db import open_db
    from pipelines.tag import load_reference

    config = write_config(tmp_path)
    result = run_veille(config, "crawl", "--replay", replay.url, "--spider", "senat_reference")
    assert result.returncode == 0, result.stderr
    db = open_db(tmp_path / "veille.db")
    assert db["actors"].count_where("id LIKE 'SEN%' AND json_extract(extra, '$.etat') = 'ACTIF'") == 348
    assert db["organes"].get("SENGP-UC")["name"] == "Union Centriste"
    sources = run_veille(config, "sources")
    assert "senat_referentiel_senateurs" in sources.stdout
    hits = len(replay.hits)
    again = run_veille(config, "crawl", "--replay", replay.url, "--spider", "senat_reference")
    assert again.returncode == 0, again.stderr
    assert [status for _, path, status in replay.hits[hits:] if path.endswith("ODSEN_GENERAL.csv")] == [304]

    reference = load_reference(db)
    assert reference.person_by_name("Jean Hingray") == "SEN20048C"
    nlp = load_pipeline(extra_patterns=reference_patterns(reference))
    topic = TopicMatcher.from_topic(load_config(config).topic)
    text = ("Mme Vivette Lopez attire l'attention de M. le ministre des solidarités et de la santé sur "
            "l'avenir des centres de santé participatifs. M. Jean Hingray soutient sa demande.")
    [found] = list(extract([(text, "2026-02-05", "q")], nlp, reference, topic))
    people = {m.text: m.actor_id for m in found.actor_mentions if m.kind == "person"}
    assert people.get("Vivette Lopez") == "SEN14059S" and people.get("Jean Hingray") == "SEN20048C"
