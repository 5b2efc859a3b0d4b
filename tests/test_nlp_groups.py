"""Parliamentary groups in the gazetteer (issue 13): AN GP organes with the variants texts
use, generated from the sourced list and in sync with the committed pattern file."""

from __future__ import annotations

import json

from nlp.extract import extract
from nlp.gazetteer import PATTERN_DIR, pattern_files, read_jsonl
from nlp.groups import group_patterns, variants
from nlp_fixtures import nlp_model, ref, topic  # noqa: F401  (fixtures)

SOURCE = PATTERN_DIR / "sources" / "parliamentary_groups.json"


def test_variants_of_a_group_name():
    found = variants("La France insoumise - Nouveau Front Populaire", "LFI-NFP", ["groupe insoumis"])
    assert {"LFI", "LFI-NFP", "La France insoumise", "groupe insoumis"} <= set(found)
    assert "Horizons et Indépendants" in variants("Horizons & Indépendants", "HOR")
    assert "Ecologiste et Social" in variants("Écologiste et Social", "ECOS")
    short = variants("Droite Républicaine", "DR")
    assert "groupe DR" in short and "DR" not in short


def test_a_surface_of_another_file_or_shared_keeps_one_owner():
    groups = [{"uid": "PO1", "libelle": "Groupe Ancien", "libelleAbrev": "GA", "debut": "2022-06-28"},
              {"uid": "PO2", "libelle": "Groupe Ancien", "libelleAbrev": "GAN", "debut": "2024-07-18"}]
    patterns = group_patterns(groups, taken=["GAN"])
    assert {p["pattern"]: p["id"] for p in patterns} == {"Groupe Ancien": "PO2", "groupe GA": "PO1"}


def test_committed_file_is_generated_from_the_sourced_list():
    taken = [p["pattern"] for f in pattern_files() if f.name != "parliamentary_groups.jsonl" for p in read_jsonl(f)
             if isinstance(p.get("pattern"), str)]
    groups = json.loads(SOURCE.read_text(encoding="utf-8"))["groups"]
    assert read_jsonl(PATTERN_DIR / "parliamentary_groups.jsonl") == group_patterns(groups, taken)
    assert len({g["uid"] for g in groups if g["legislature"] == "17"}) == 13  # the 14 GP organes but « Non inscrit »


def test_a_group_named_in_a_text_is_its_organe(nlp_model, ref, topic):
    [found] = list(extract([("Le groupe LIOT demande le maintien des SEC-Pa.", "2026-02-10", "g")], nlp_model, ref, topic))
    assert ("LIOT", "PO845485") in [(m.text, m.actor_id) for m in found.actor_mentions]
    assert [(c.kind, c.actor_id) for c in found.commitments] == [("demand", "PO845485")]
