"""Gazetteer from data (issue 13, item 5): the SEC-Pa structures with their towns and sources,
the parliamentary groups of the AN generated from real organe files and those of the Sénat,
role periphrases, acronyms with a footnote mark; real sentences tag the right actor."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from nlp.gazetteer import PATTERN_DIR, footnote_forms, footnote_patterns, pattern_files, read_jsonl
from nlp.groups import group_patterns, groups_from_organes
from nlp.pipeline import blank_pipeline_with_patterns
from pipelines.cli_nlp import maintenance

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(str(PATTERN_DIR)) / "sources"
FIXTURES = ROOT / "tests" / "fixtures"
REFERENCE = re.compile(r"^(https?://\S+|sources/|tests/fixtures/|AN open data|data\.senat\.fr|groupePolitiqueRef)")


def _load(name: str) -> dict:
    return json.loads((SOURCES / name).read_text(encoding="utf-8"))


def _shipped() -> dict[tuple[str, str], str]:
    """(lower-cased phrase surface) -> id, over every shipped file."""
    return {p["pattern"].lower(): p["id"] for f in pattern_files() for p in read_jsonl(f) if isinstance(p["pattern"], str)}


@pytest.fixture(scope="module")
def ruler():
    return blank_pipeline_with_patterns()


def _found(nlp, text: str) -> set[tuple[str, str]]:
    return {(e.text, e.ent_id_) for e in nlp(text).ents}


# ------------------------------------------------------------------ structures
def test_every_structure_has_a_town_and_a_real_source():
    structures = _load("secpa_structures.json")["structures"]
    assert len(structures) >= 13
    assert len({s["name"] for s in structures}) == len(structures)
    for s in structures:
        assert s["ville"].strip(), s["name"]
        assert s["references"] and all(r.startswith(("http://", "https://")) for r in s["references"]), s["name"]
    towns = {s["ville"] for s in structures}
    assert {"Saint-Denis", "Échirolles", "Saint-Martin-d'Hères", "Marseille", "Toulouse", "Rennes",
            "Vaulx-en-Velin", "Dunkerque", "Montpellier", "Strasbourg"} <= towns


def test_every_structure_name_and_alias_is_a_pattern_of_its_structure():
    shipped = _shipped()
    for s in _load("secpa_structures.json")["structures"]:
        ids = {shipped.get(n.replace("'", "'").lower()) for n in [s["name"], *s["aliases"]]}
        assert len(ids) == 1 and next(iter(ids)).startswith("structure:"), (s["name"], ids)


# ------------------------------------------------------------------ groups of the AN
def test_group_list_is_generated_from_the_real_organe_files(tmp_path):
    """`groups-reference --organes` rewrites the sourced list from the organe files and keeps
    its hand-kept fields: the committed list and patterns are its output."""
    sources = tmp_path / "parliamentary_groups.json"
    shutil.copy(SOURCES / "parliamentary_groups.json", sources)
    out = tmp_path / "parliamentary_groups.jsonl"
    result = CliRunner().invoke(maintenance, ["groups-reference", "--organes", str(SOURCES / "an_organes"),
                                              str(sources), str(out)])
    assert result.exit_code == 0, result.output
    assert sources.read_text(encoding="utf-8") == (SOURCES / "parliamentary_groups.json").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == (PATTERN_DIR / "parliamentary_groups.jsonl").read_text(encoding="utf-8")


def test_groups_from_organes_skips_non_inscrits_and_keeps_usual_names():
    organes = [{"id": "PO1", "kind": "GP", "name": "Groupe Un", "short_name": "G1", "start": "2024-07-18",
                "end": None, "legislature": "17", "extra": {"abbrev": "GUN"}},
               {"id": "PO2", "kind": "GP", "name": "Non inscrit", "short_name": "NI", "start": "2024-07-01",
                "end": None, "legislature": "17", "extra": {"abbrev": "NI"}},
               {"id": "PO3", "kind": "GP", "name": "Ancien", "short_name": "A", "start": "2012-06-26",
                "end": None, "legislature": "14", "extra": {"abbrev": "ANC"}},
               {"id": "PO4", "kind": "COMPER", "name": "Affaires sociales", "legislature": "17", "extra": {}}]
    previous = [{"uid": "PO1", "libelle": "vieux", "libelleAbrev": "X", "usual": ["groupe un"], "prefixed": True},
                {"uid": "PO9", "legislature": "17", "libelle": "Sans fichier", "libelleAbrev": "SF", "usual": []}]
    groups = groups_from_organes(organes, previous)
    assert sorted(g["uid"] for g in groups) == ["PO1", "PO9"]
    assert next(g for g in groups if g["uid"] == "PO1") == {"uid": "PO1", "legislature": "17", "libelle": "Groupe Un", "libelleAbrev": "GUN",
                              "libelleAbrege": "G1", "debut": "2024-07-18", "fin": None, "usual": ["groupe un"],
                              "prefixed": True}


def test_each_group_of_the_17th_legislature_has_its_abbreviation_and_full_name():
    shipped = _shipped()
    groups = [g for g in _load("parliamentary_groups.json")["groups"] if g["legislature"] == "17"]
    assert {g["libelleAbrev"] for g in groups if not g["fin"]} == {
        "EPR", "LFI-NFP", "RN", "SOC", "DR", "ECOS", "DEM", "HOR", "LIOT", "GDR", "UDDPLR"}
    later = {g["uid"]: {h["uid"] for h in groups if (h.get("debut") or "") > (g.get("debut") or "")} for g in groups}
    for g in groups:
        # the hand-written id of LFI-NFP is kept (organisations.jsonl); a former group's
        # names may belong to the group that followed it (UDR, 2024-2025 → UDR since 2025)
        ids = {g["uid"]} | ({"org:lfi-nfp"} if g["uid"] == "PO845413" else set()) | (later[g["uid"]] if g["fin"] else set())
        assert shipped.get(g["libelle"].lower()) in ids, (g["uid"], g["libelle"])
        for short in {g["libelleAbrev"], g.get("libelleAbrege")} - {None}:
            surface = short if len(short) > 2 or short == "RN" else f"groupe {short}"
            assert shipped.get(surface.lower()) in ids, (g["uid"], surface)


def test_groups_of_the_16th_legislature_and_party_names():
    shipped = _shipped()
    assert shipped["lfi-nupes"] == "PO800490"
    assert shipped["écologiste - nupes"] == "PO800526"
    assert shipped["horizons et apparentés"] == "PO800514"
    assert shipped["groupe renaissance"] == "PO800538"
    assert "renaissance" not in shipped and "les républicains" not in shipped  # party names alone
    assert "écologiste" not in shipped and "ecolo" not in shipped  # a word alone is no group


def test_group_patterns_prefixed_and_only():
    groups = [{"uid": "PO1", "libelle": "Renaissance", "libelleAbrev": "RE", "debut": "2022", "prefixed": True},
              {"uid": "S1", "libelle": "Les Républicains", "libelleAbrev": "LR", "only": ["groupe LR du Sénat"]}]
    assert {p["pattern"]: p["id"] for p in group_patterns(groups)} == {
        "groupe Renaissance": "PO1", "groupe RE": "PO1", "groupe LR du Sénat": "S1"}


def test_real_debate_names_the_groups_by_their_abbreviations(ruler):
    """The real compte rendu of 2 October 2025: « (Applaudissements sur les bancs du groupe EcoS) »."""
    xml = (FIXTURES / "an_debates" / "CRSANR5L17S2026O1N002.xml").read_text(encoding="utf-8")
    notes = re.findall(r"\(Applaudissements[^)]{0,200}\)", xml)
    expected = {"SOC": "PO845419", "GDR": "PO845514", "EcoS": "PO845439", "EPR": "PO845407", "Dem": "PO845454",
                "UDR": "PO872880", "RN": "PO845401", "LIOT": "PO845485", "HOR": "PO845470", "DR": "groupe DR"}
    seen = {}
    for note in notes:
        for text, actor_id in _found(ruler, note):
            seen[text] = actor_id
    assert seen.get("groupe DR") == "PO845425"
    assert {k: seen.get(k) for k in expected if k != "DR"} == {k: v for k, v in expected.items() if k != "DR"}


# ------------------------------------------------------------------ groups of the Sénat
def test_senate_groups_have_sources_and_patterns(tmp_path):
    data = _load("senate_groups.json")
    assert {g["libelleAbrev"] for g in data["groups"]} == {"LR", "SER", "UC", "RDPI", "CRCE-K", "GEST", "RDSE", "LIRT"}
    shipped = _shipped()
    for g in data["groups"]:
        assert g["references"] and all(REFERENCE.match(r) for r in g["references"]), g["uid"]
        if not g.get("only"):
            assert shipped[g["libelle"].lower()] == g["uid"]
            assert shipped[(g["libelleAbrev"] if len(g["libelleAbrev"]) > 2 else "groupe " + g["libelleAbrev"]).lower()] == g["uid"]
    out = tmp_path / "senate_groups.jsonl"
    result = CliRunner().invoke(maintenance, ["groups-reference", str(SOURCES / "senate_groups.json"), str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (PATTERN_DIR / "senate_groups.jsonl").read_text(encoding="utf-8")


def test_senate_groups_are_the_groups_of_the_senators_in_office_in_the_senats_file():
    """Every group label of an ACTIF senator in the real ODSEN_GENERAL.csv (but the
    non-inscrits) is one entry of the list, read with the Sénat reader of the spiders."""
    from spiders.senat_parse import senator_rows

    rows = senator_rows((FIXTURES / "senat_reference" / "ODSEN_GENERAL.csv").read_bytes())
    sitting = {r["Groupe politique"] for r in rows if r.get("État") == "ACTIF"} - {"NI"}
    labels = {g["label"] for g in _load("senate_groups.json")["groups"]}
    assert sitting == labels


# ------------------------------------------------------------------ footnote marks
def test_footnote_patterns_are_generated_from_the_shipped_acronyms(tmp_path):
    out = tmp_path / "footnotes.jsonl"
    result = CliRunner().invoke(maintenance, ["footnotes", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (PATTERN_DIR / "footnotes.jsonl").read_text(encoding="utf-8")
    assert {"igas[1", "igas(1", "igas[1].", "igas¹", "igas¹²."} <= set(footnote_forms("IGAS", range(1, 13)))
    shared = [{"id": "a", "label": "ORG", "pattern": "ABC"}, {"id": "b", "label": "ORG", "pattern": "ABC"},
              {"id": "c", "label": "ORG", "pattern": [{"TEXT": "HAS"}]}, {"id": "d", "label": "ORG", "pattern": "Abc"}]
    assert [p["id"] for p in footnote_patterns(shared, range(1, 3))] == ["c"]


@pytest.mark.parametrize("text, expected", [
    ("selon l'IGAS¹ et la HAS[2], la DGOS(3) dit", {("IGAS¹", "org:igas"), ("HAS[2]", "org:has"), ("DGOS(3)", "org:dgos")}),
    ("le rapport de la CNAM[3].", {("CNAM[3].", "org:cnam")}),
])
def test_acronyms_with_a_footnote_mark_still_match(ruler, text, expected):
    assert _found(ruler, text) >= expected


# ------------------------------------------------------------------ real sentences
def _real_sentences() -> list[tuple[str, list[list[str]]]]:
    rows = [json.loads(line) for line in (FIXTURES / "gazetteer" / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [(r["text"], r["expect"]) for r in rows]


@pytest.mark.parametrize("text, expected", _real_sentences())
def test_real_sentences_tag_the_right_actor(ruler, text, expected):
    found = _found(ruler, text)
    assert {tuple(e) for e in expected} <= found, found


def _realset_dev(item_id: str) -> str:
    for line in (FIXTURES / "nlp" / "realset.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line) if line.strip() else {}
        if item.get("id") == item_id:
            assert item["split"] == "dev"
            return item["text"]
    raise AssertionError(item_id)


@pytest.mark.parametrize("item_id, expected", [
    ("p42", ("centre de santé du Blosne", "structure:centre-de-sante-du-blosne")),
    ("p50", ("Santé Commune", "structure:sante-commune")),
    ("p14", ("GEST", "org:gest")),
    ("p14", ("le cabinet de la ministre de la santé", "role:ministere_sante")),
])
def test_real_dev_texts_tag_the_right_actor(ruler, item_id, expected):
    assert expected in _found(ruler, _realset_dev(item_id))


@pytest.mark.parametrize("text, role", [
    ("La locataire de Matignon a tranché.", "role:matignon"),
    ("Le cabinet du Premier ministre a reçu le collectif.", "role:matignon"),
    ("La cheffe du gouvernement a parlé.", "role:premier_ministre"),
    ("Le chef de l'État s'est exprimé.", "role:president_republique"),
    ("Le cabinet du ministre de la Santé a répondu.", "role:ministere_sante"),
    ("La ministre en charge de la santé a répondu.", "role:ministre_sante"),
    ("L'avenue de Ségur refuse.", "role:segur"),
])
def test_role_periphrases(ruler, text, role):
    assert role in {e.ent_id_ for e in ruler(text).ents}
