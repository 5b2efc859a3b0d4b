"""One AN reader: `veille evaluate` builds the same reference as `veille tag` from the same
AN files; the committed gazetteer comes from that reader; `nlp/` stays pure; the dev set
is an option with one-line French errors."""

import ast
import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, ROOT
from nlp.gazetteer import generate, read_jsonl, reference_patterns
from nlp_fixtures import nlp_model, ref  # noqa: F401  (fixtures)
from parliament_helpers import response, store_all
from pipelines.cli_nlp import an_records, evaluate, evaluation_reference
from pipelines.tag import load_reference

AN_REFERENCE = FIXTURES / "an_reference"


def _by_id(rows):
    return sorted(rows, key=lambda r: r["id"])


def test_evaluate_builds_the_reference_tag_reads_from_a_crawled_database(config_path, db, tmp_path):
    from spiders.an_reference import AnReferenceSpider

    spider = AnReferenceSpider()
    items = list(spider.parse(response(spider, "an_referentiel_deputes", "an_reference", "AMO10_L17.json.zip")))
    items += list(spider.parse(response(spider, "an_referentiel_legislature", "an_reference", "AMO20_L17.json.zip")))
    store_all(db, items)
    crawled = load_reference(db)
    # The same real files (and the two constructed acteurs) as an evaluation folder.
    (tmp_path / "amo").mkdir()
    for folder in ("acteur", "organe", "mandat", "constructed"):
        for path in (AN_REFERENCE / folder).glob("*.json"):
            shutil.copy(path, tmp_path / "amo" / path.name)
    evaluated = evaluation_reference(tmp_path)

    assert (len(crawled.actors), len(crawled.organes), len(crawled.mandates)) == (8, 7, 130)
    assert _by_id(evaluated.actors) == _by_id(crawled.actors)
    assert _by_id(evaluated.organes) == _by_id(crawled.organes)
    assert _by_id(evaluated.mandates) == _by_id(crawled.mandates)
    assert reference_patterns(evaluated) == reference_patterns(crawled)
    short = {o["id"]: o["short_name"] for o in evaluated.organes}
    assert (short["PO845439"], short["PO873634"], short["PO420120"]) == ("EcoS", "LECORNU II", "Affaires sociales")
    assert json.loads(next(o for o in evaluated.organes if o["id"] == "PO873634")["extra"])["abbrev"] == "GVT"
    delegate = next(m for m in evaluated.mandates if m["id"] == "PM834763")
    assert (delegate["role"], delegate["organe_id"], delegate["organe_kind"]) == ("Ministre délégué", "PO834742", "MINISTERE")
    health = next(m for m in evaluated.mandates if (m["actor_id"], m["organe_id"]) == ("PA990002", "PO873673"))
    assert (health["role"], health["actor_name"], health["civ"], health["organe_name"]) == (
        "Ministre", "Stéphanie Rist", "Mme", "Ministère de la santé, des familles, de l’autonomie et des personnes handicapées")
    assert evaluated.person_by_name("Stéphanie Rist") == "PA990002" and evaluated.sex("PA990002") == "F"


def test_hand_written_records_go_through_the_same_rows(ref):
    rist = next(a for a in ref.actors if a["id"] == "PA720066")
    assert (rist["name"], rist["kind"], json.loads(rist["extra"]), rist["civ"]) == (
        "Stéphanie Rist", "person", {"civ": "Mme"}, "Mme")
    davi = [m for m in ref.mandates if m["actor_id"] == "PA793452"]
    assert len(davi) == 16 and {m["actor_name"] for m in davi} == {"Hendrik Davi"}
    patterns = reference_patterns(ref)
    assert {"id": "PA720066", "label": "PER", "pattern": "mme Rist"} in patterns
    assert {"id": "PA793452", "label": "PER", "pattern": "m. Davi"} in patterns


def test_committed_gazetteer_agrees_with_the_one_reader():
    records = list(an_records(sorted([*AN_REFERENCE.glob("acteur/*.json"), *AN_REFERENCE.glob("organe/*.json")])))
    actors = [r for kind, r in records if kind == "actor"]
    organes = [r for kind, r in records if kind == "organe"]
    assert len(actors) == 6 and len(organes) == 7
    committed = read_jsonl(ROOT / "nlp" / "patterns" / "an_generated.jsonl")
    generated = generate(actors, organes)
    assert {"id": "PO845439", "label": "ORG", "pattern": "EcoS"} in generated
    assert {"id": "PO873673", "label": "ORG", "pattern": "Ministère de la santé, des familles, de l'autonomie "
                                                         "et des personnes handicapées"} in generated
    assert [p for p in generated if p not in committed] == []


def test_nlp_imports_no_spiders_pipelines_scrapy_or_sqlite():
    forbidden = ("spiders", "pipelines", "scrapy", "sqlite3", "sqlite_utils")
    found = []
    for path in sorted((ROOT / "nlp").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in forbidden]
    assert found == []


@pytest.mark.parametrize("content, message", [
    (None, "Erreur : jeu de développement introuvable : {path} (indiquez-le avec --devset)"),
    ('{"id": "a", "text": "x"}\n{"id": \n', "Erreur : jeu de développement illisible : {path} (ligne 2 : JSON invalide"),
    ('["x"]\n', "Erreur : jeu de développement illisible : {path} (ligne 1 : objet avec « id » et « text » attendu)"),
    (b"\xff\xfe", "Erreur : jeu de développement illisible : {path} (fichier non UTF-8)"),
])
def test_evaluate_says_in_one_line_when_the_devset_is_missing_or_unreadable(tmp_path, content, message):
    path = tmp_path / "devset.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(evaluate, ["--devset", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(message.format(path=path)) and result.output.count("\n") == 1


def test_evaluate_says_when_the_devset_is_a_folder(tmp_path):
    result = CliRunner().invoke(evaluate, ["--devset", str(tmp_path)])
    assert (result.exit_code, result.output) == (2, f"Erreur : jeu de développement illisible : {tmp_path} (c'est un dossier)\n")


def test_evaluate_says_when_the_reference_folder_is_missing(tmp_path):
    (tmp_path / "devset.jsonl").write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(evaluate, ["--devset", str(tmp_path / "devset.jsonl"), "--reference", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.output == f"Erreur : dossier de référence introuvable : {tmp_path / 'nope'} (indiquez-le avec --reference)\n"


def test_evaluate_reads_the_default_devset_of_a_checkout(nlp_model, monkeypatch):
    import nlp.pipeline

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(nlp.pipeline, "load_pipeline", lambda *a, **k: nlp_model)
    result = CliRunner().invoke(evaluate, ["--no-errors"])
    # The old set meets its targets; the real set does not yet (issue 13), hence exit code 1.
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Évaluation sur 166 phrases annotées (devset.jsonl)")
    # 0.972 (70/72) since the senators are in the gazetteer: w032 « sénatrice Émilienne Poumirol »,
    # annotated role:parlementaire_nomme when no senator was known, now resolves to the senator, as
    # the set's « députée Cyrielle Chatelain » resolves to PA794008 (gold left as annotated).
    assert "objectif roles_accuracy ≥ 0.95 : 0.972 (atteint)" in result.output
    assert "textes réels, partie dev (realset.jsonl)" in result.output
    assert result.output.index("partie dev") < result.output.index("partie test")
    assert "commitments (souple)" in result.output and "confusion des types" in result.output
    assert "objectif commitments_loose_f1 ≥ 0.85" in result.output


def test_evaluate_names_an_unreadable_reference_file(tmp_path):
    (tmp_path / "devset.jsonl").write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    (tmp_path / "amo").mkdir()
    (tmp_path / "amo" / "PO2.json").write_text('{"x": 1}', encoding="utf-8")
    result = CliRunner().invoke(evaluate, ["--devset", str(tmp_path / "devset.jsonl")])
    assert (result.exit_code, result.output) == (
        2, f"Erreur : donnée de référence illisible : {tmp_path / 'amo' / 'PO2.json'} (PO2 : ni acteur, ni organe, ni mandat)\n")
