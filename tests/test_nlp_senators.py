"""Senators in the gazetteer (issue 13): `nlp/patterns/senators.jsonl`, generated from the
Sénat's own lists (`nlp/patterns/sources/senators.json`, provenance in its `_sources` and in
`nlp/patterns/sources/SOURCES.md`), checked on real dev passages of the real set (item ids
with each case, provenance in tests/fixtures/nlp/SOURCES.md). Test-part items are never used."""

from __future__ import annotations

import json
from importlib.resources import files

from nlp.evaluate import norm
from nlp.extract import extract
from nlp.gazetteer import (SENATORS_FILE, capitals_form, dumps_jsonl, generate_senators, pattern_files, read_jsonl,
                           senator_id)
from nlp_fixtures import FIXTURES, nlp_model, ref, topic  # noqa: F401  (fixtures)

SOURCE = files("nlp") / "patterns" / "sources" / "senators.json"
ITEMS = {item["id"]: item for item in map(json.loads, (FIXTURES / "realset.jsonl").read_text(encoding="utf-8").splitlines())
         if item["split"] == "dev"}


def _mentions(text, date, nlp_model, ref, topic):
    [found] = list(extract([(text, date, "t", None)], nlp_model, ref, topic))
    return [(m.text, m.actor_id) for m in found.actor_mentions]


def test_the_committed_senators_file_is_generated_from_the_sourced_list():
    source = json.loads(SOURCE.read_text(encoding="utf-8"))
    assert set(source["_sources"]) == {r["from"] for r in source["senators"]}
    assert sum(r["from"] == "api-senat" for r in source["senators"]) == 348  # the seats of the Sénat
    shipped = [p for f in pattern_files() if f.name != SENATORS_FILE for p in read_jsonl(f)]
    committed = (files("nlp") / "patterns" / SENATORS_FILE).read_text(encoding="utf-8")
    assert dumps_jsonl(generate_senators(source, shipped)) == committed


def test_forms_and_homonyms():
    assert capitals_form("de Marco") == "de MARCO" and capitals_form("Poncet Monge") == "PONCET MONGE"
    assert senator_id("Raymonde", "Poncet Monge") == "person:raymonde-poncet-monge"
    patterns = [p for p in read_jsonl(files("nlp") / "patterns" / SENATORS_FILE)]
    by_id: dict[str, set[str]] = {}
    for p in patterns:
        by_id.setdefault(p["id"], set()).add(json.dumps(p["pattern"], ensure_ascii=False))
    assert {'"Anne Souyris"', '"SOUYRIS Anne"', '"mme Souyris"', '[{"TEXT": "SOUYRIS"}]'} <= by_id["person:anne-souyris"]
    # Daniel Salmon shares « M. Salmon » with the deputy Emeric Salmon (PA794954): no surname pattern.
    assert by_id["person:daniel-salmon"] == {'"Daniel Salmon"', '"SALMON Daniel"', '"m. SALMON Daniel"'}
    # Sophie Taillé-Polian, senator in 2021, is a deputy of the AN files since: their id.
    assert "PA736201" in by_id and "person:sophie-taille-polian" not in by_id


def test_signatories_of_a_senate_amendment_are_the_senators(nlp_model, ref, topic):
    # p94, https://www.senat.fr/enseance/2025-2026/122/Amdt_1402.html
    item = ITEMS["p94"]
    line = next(x for x in item["text"].splitlines() if x.startswith("Mmes SOUYRIS"))
    found = _mentions(line, item["date"], nlp_model, ref, topic)
    expected = [a for a in item["actors"] if a[1] != "person:daniel-salmon"]  # « M. SALMON »: see above
    assert [(norm(t), i) for t, i in found if i.startswith("person:")] == [(norm(t), i) for t, i in expected]
    assert ("M. SALMON", "PA794954") in found


def test_senate_question_header_names_its_author(nlp_model, ref, topic):
    # p14, https://www.senat.fr/questions/base/2026/qSEQ260207591.html
    item = ITEMS["p14"]
    found = _mentions(item["text"], item["date"], nlp_model, ref, topic)
    assert ("Mme SOUYRIS Anne", "person:anne-souyris") in found and ("Anne Souyris", "person:anne-souyris") in found


def test_a_surname_in_capitals_needs_a_civility_on_its_line(nlp_model, ref, topic):
    # Constructed: a headline in capitals holding senators' surnames (« JADOT », « GONTARD »).
    found = _mentions("LE PLAN DE JADOT ET GONTARD POUR LA SANTÉ\n\nM. JADOT et M. GONTARD ont déposé un texte.",
                      "2026-02-10", nlp_model, ref, topic)
    assert found == [("M. JADOT", "person:yannick-jadot"), ("M. GONTARD", "person:guillaume-gontard")]


def test_civility_and_a_senators_surname_that_is_a_first_name(nlp_model, ref, topic):
    # p122, https://www.assemblee-nationale.fr/dyn/17/questions/QANR5L17QE13027: « M. Paul
    # Christophle » is no « M. Paul » (the senator Philippe Paul).
    item = next(json.loads(x) for x in (FIXTURES / "realset.jsonl").read_text(encoding="utf-8").splitlines()
                if json.loads(x)["id"] == "p122")
    assert item["split"] == "dev"
    found = _mentions(item["text"], item["date"], nlp_model, ref, topic)
    assert ("Paul Christophle", "person:paul-christophle") in found
    assert not any(actor_id == "person:philippe-paul" for _, actor_id in found)


def test_a_senator_of_the_reference_data_takes_its_id_on_every_shipped_form():
    # The Sénat reference source (spiders/senat_reference.py) names Vivette Lopez SEN14059S;
    # the shipped file can only call her person:vivette-lopez. Once the reference gives one of
    # her forms, every shipped form (« Mme Lopez », « LOPEZ ») resolves to the reference id.
    from nlp.pipeline import shipped_patterns, with_reference_ids

    reference = [{"id": "SEN14059S", "label": "PER", "pattern": "Vivette Lopez"}]
    merged = with_reference_ids(shipped_patterns(), reference)
    ids = {p["id"] for p in merged if p["pattern"] in ("mme Lopez", [{"TEXT": "LOPEZ"}], "Vivette Lopez")}
    assert ids == {"SEN14059S"}
    assert sum(p["pattern"] == "Vivette Lopez" for p in merged) == 1
    assert {p["id"] for p in merged if p["pattern"] == "Jean Hingray"} == {"person:jean-hingray"}  # not in the reference
