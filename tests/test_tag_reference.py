"""One person across both chambers: real AN acteur files and the real Sénat senators' file
hold the same people (Michel Barnier, a former senator and Premier ministre; Sophie
Taillé-Polian, a senator in 2021 and a deputy since 2022). Loaded side by side they must
resolve to one actor, not become homonyms that resolve to nobody."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from nlp.roles import Reference
from pipelines import db as database
from pipelines.config import load_config
from pipelines.tag import load_reference, merge_chambers
from spiders.an_parse import parse_reference

from conftest import write_config
from parliament_helpers import store_senators

FIXTURES = Path(__file__).parent / "fixtures"
BOTH = FIXTURES / "an_reference" / "real_both_chambers"


def _reference_db(tmp_path: Path) -> sqlite_utils.Database:
    db = database.open_db(load_config(write_config(tmp_path)).database)
    for path in sorted(BOTH.glob("*.json")):
        for kind, record in parse_reference(json.loads(path.read_bytes()), path.stem):
            database.upsert_record(db, {"actor": "actors", "mandate": "mandates", "organe": "organes"}[kind], record)
    store_senators(db)
    return db


def test_an_deputy_who_was_a_senator_is_one_person(tmp_path):
    db = _reference_db(tmp_path)
    actors = [a for a in db["actors"].rows if a.get("kind") in (None, "person")]
    names = [a["name"] for a in actors]
    assert names.count("Michel Barnier") == 2 and names.count("Sophie Taillé-Polian") == 2  # both files hold them
    raw = Reference.join(list(db["mandates"].rows), list(db["organes"].rows), actors)
    assert raw.person_by_name("Michel Barnier") is None  # two ids for one name: nobody
    reference = load_reference(db)
    assert reference.person_by_name("Michel Barnier") == "PA368"
    assert reference.person_by_name("Sophie Taillé-Polian") == "PA736201"
    assert reference.person_by_name("Philippe Bonnecarrère") == "PA569"
    # Her Sénat group mandate (2021) now belongs to the AN id.
    groups = [m for m in reference.mandates if m["actor_id"] == "PA736201" and m.get("organe_kind") == "GP"]
    assert any((m.get("organe_id") or "").startswith("SENGP-") for m in groups)
    assert not [m for m in reference.mandates if m["actor_id"] == "SEN19689Q"]


def test_homonyms_born_on_different_days_stay_two_people():
    an = {"id": "PA1", "name": "Jean Martin", "kind": "person", "extra": {"chamber": "AN", "born": "1950-01-01"}}
    sn = {"id": "SEN1", "name": "Jean Martin", "kind": "person", "extra": {"chamber": "SN", "born": "1960-02-02"}}
    mandate = {"id": "M1", "actor_id": "SEN1", "organe_id": "SENGP-UC", "organe_kind": "GP"}
    actors, mandates = merge_chambers([an, sn], [mandate])
    assert [a["id"] for a in actors] == ["PA1", "SEN1"] and mandates[0]["actor_id"] == "SEN1"
    unknown = {**an, "extra": {"chamber": "AN"}}  # no birth date: never merged on the name alone
    assert [a["id"] for a in merge_chambers([unknown, sn], [mandate])[0]] == ["PA1", "SEN1"]
