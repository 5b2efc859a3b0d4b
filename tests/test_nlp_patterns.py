"""Fast tests: every shipped pattern file loads with validation; generated files are sorted;
the gazetteer is a pure function of the reference records."""

import json

from nlp.gazetteer import actor_patterns, dumps_jsonl, organe_patterns, pattern_files, read_jsonl, sort_patterns
from nlp.pipeline import blank_pipeline_with_patterns


def test_every_pattern_file_loads_with_validation():
    nlp = blank_pipeline_with_patterns()
    ruler = nlp.get_pipe("veille_ruler")
    assert len(ruler.patterns) > 1000
    doc = nlp("La DGOS et le collectif des 26 SEC-Pa ont rencontré Cyrielle Chatelain.")
    assert {(e.text, e.ent_id_) for e in doc.ents} >= {("DGOS", "org:dgos"), ("Cyrielle Chatelain", "PA794008"),
                                                       ("collectif des 26 SEC-Pa", "org:collectif-secpa")}


def test_pattern_files_are_sorted_and_have_ids():
    for path in pattern_files():
        patterns = read_jsonl(path)
        assert all(p.get("id") and p.get("label") for p in patterns), path
        assert path.read_text(encoding="utf-8") == dumps_jsonl(sort_patterns(patterns)), path


def test_gazetteer_from_records_drops_homonyms_and_keeps_ids():
    actors = [{"id": "PA1", "prenom": "Anne", "nom": "Martin", "civ": "Mme"},
              {"id": "PA2", "name": "Anne Martin"},
              {"id": "PA3", "prenom": "Hendrik", "nom": "Davi", "civ": "M."}]
    patterns = actor_patterns(actors)
    assert {"id": "PA3", "label": "PER", "pattern": "Hendrik Davi"} in patterns
    assert {"id": "PA3", "label": "PER", "pattern": "m. Davi"} in patterns
    assert not any(p["pattern"] == "Anne Martin" for p in patterns)
    groups = organe_patterns([{"id": "PO845439", "kind": "GP", "name": "Écologiste et Social", "short_name": "ECOS"},
                              {"id": "PO1", "kind": "ASSEMBLEE", "name": "Assemblée nationale"}])
    assert [p["pattern"] for p in groups] == ["ECOS", "Écologiste et Social"]
    assert patterns == actor_patterns(list(reversed(actors)))  # order-independent
    json.dumps(patterns)


def test_structures_of_the_config_become_organisation_patterns_in_sync_with_the_file():
    from conftest import ROOT
    from nlp.gazetteer import PATTERN_DIR, structure_patterns
    from nlp.pipeline import add_ruler
    from pipelines.config import load_config
    import spacy

    structures = [{"name": "Maison  Exemple Santé", "ville": "Lyon"}, {"name": "Atelier Témoin", "ville": "Nantes"},
                  {"name": "Atelier Témoin", "ville": "Nantes"}]
    patterns = structure_patterns(structures)
    assert patterns == [{"label": "ORG", "pattern": "Atelier Témoin", "id": "structure:atelier-temoin"},
                        {"label": "ORG", "pattern": "Maison Exemple Santé", "id": "structure:maison-exemple-sante"}]
    assert patterns == structure_patterns(list(reversed(structures)))
    doc = add_ruler(spacy.blank("fr"), patterns)("Visite à la maison exemple santé de Lyon.")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [("maison exemple santé", "ORG", "structure:maison-exemple-sante")]
    committed = read_jsonl(PATTERN_DIR / "structures.jsonl")
    assert committed == structure_patterns(load_config(ROOT / "veille.toml").topic.structures)


def test_anchored_ruler_finds_what_spacys_ruler_finds():
    import spacy

    from nlp.pipeline import RULER_CONFIG, register_components, shipped_patterns
    from nlp.ruler import expand_counts

    register_components()
    patterns = shipped_patterns()
    from conftest import ROOT

    devset = ROOT / "tests" / "fixtures" / "nlp" / "devset.jsonl"
    texts = [json.loads(line)["text"] for line in devset.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += ["ministre", "la ministre de la Santé, du Travail et des Solidarités", "Le Premier ministre et l'Élysée."]
    found = []
    for factory in ("entity_ruler", "veille_entity_ruler"):
        nlp = spacy.blank("fr")
        nlp.add_pipe(factory, config=RULER_CONFIG).add_patterns(patterns)
        found.append([[(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents] for doc in nlp.pipe(texts)])
    assert found[0] == found[1]
    assert sum(map(len, found[1])) > 150
    assert found[1][-2] == [(0, 11, "ROLE", "role:ministre_sante")]
    assert len(expand_counts([{"LOWER": "a"}, {"LOWER": "b", "OP": "{0,10}"}, {"LOWER": "c", "OP": "{1,6}"}])) == 66


def test_secpa_structures_file_is_generated_from_its_sourced_list(tmp_path):
    from click.testing import CliRunner

    from nlp.gazetteer import PATTERN_DIR
    from pipelines.cli_nlp import maintenance

    sources = PATTERN_DIR / "sources" / "secpa_structures.json"
    assert all(s["references"] and s["ville"] for s in json.loads(sources.read_text(encoding="utf-8"))["structures"])
    out = tmp_path / "structures.jsonl"
    result = CliRunner().invoke(maintenance, ["structures-reference", str(sources), str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (PATTERN_DIR / "secpa_structures.jsonl").read_text(encoding="utf-8")
    nlp = blank_pipeline_with_patterns()
    doc = nlp("Le PSIP et La Place Santé, comme le Château en santé, restent mobilisés.")
    assert {e.ent_id_ for e in doc.ents} >= {"structure:pole-de-sante-interprofessionnel-de-saint-martin-d-heres",
                                             "structure:la-place-sante", "structure:le-chateau-en-sante"}
