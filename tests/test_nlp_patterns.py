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
