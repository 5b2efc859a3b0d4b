"""The `veille` command: one test per command, in process where the command allows it."""

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, ROOT
from pipelines.cli import cli
from spiders.items import Document


def invoke(config_path, *args):
    return CliRunner().invoke(cli, ["--config", str(config_path), *args], obj={}, catch_exceptions=False)


def test_add_text_press_release_stores_mentions_with_correct_offsets(config_path, config):
    from pipelines.db import open_db

    path = FIXTURES / "add" / "communique_ars.txt"
    result = invoke(config_path, "add", str(path), "--published", "2026-02-19", "--source", "ars-ara")
    assert result.exit_code == 0, result.output
    assert "ajouté" in result.output
    db = open_db(config.database)
    (doc,) = db["documents"].rows
    assert doc["title"] == "COMMUNIQUÉ DE PRESSE — Agence régionale de santé Auvergne-Rhône-Alpes"
    assert doc["source"] == "ars-ara" and doc["kind"] == "communique" and doc["published"] == "2026-02-18T23:00:00+00:00"
    mentions = list(db["mentions"].rows_where("strength = 'strong'", order_by="start"))
    assert [m["matched"] for m in mentions] == [
        "structures d’exercice coordonné participatives", "SEC-Pa", "centres de santé participatifs", "SECPA"]
    for m in db["mentions"].rows:
        assert doc["text"][m["start"]:m["end"]] == m["matched"]
    again = invoke(config_path, "add", str(path), "--published", "2026-02-19", "--source", "ars-ara")
    assert "déjà présent, inchangé" in again.output
    assert db["documents"].count == 1


@pytest.mark.parametrize("name, title, first", [
    ("communique_fncs.html", "SEC-Pa : la FNCS salue un premier recul du gouvernement", "SEC-Pa"),
    ("communique_an.pdf", "Communique SEC-Pa", "structures d'exercice coordonné participatives"),
])
def test_add_html_and_pdf(config_path, config, name, title, first):
    from pipelines.db import open_db

    result = invoke(config_path, "add", str(FIXTURES / "add" / name))
    assert result.exit_code == 0, result.output
    db = open_db(config.database)
    (doc,) = db["documents"].rows
    assert doc["title"] == title
    assert "Accueil" not in doc["text"] and "Mentions légales" not in doc["text"]
    assert next(db["mentions"].rows_where("strength = 'strong'", order_by="start"))["matched"] == first


def test_add_errors_are_one_line(config_path, tmp_path):
    missing = invoke(config_path, "add", str(tmp_path / "absent.txt"))
    assert missing.exit_code == 1 and missing.output.strip() == f"Error: {tmp_path / 'absent.txt'} : fichier introuvable"
    empty = tmp_path / "vide.txt"
    empty.write_text("  \n")
    assert invoke(config_path, "add", str(empty)).output.strip().endswith("aucun texte lisible")
    bad_date = invoke(config_path, "add", str(FIXTURES / "add" / "communique_ars.txt"), "--published", "demain")
    assert "date illisible" in bad_date.output


def test_add_warns_when_the_topic_is_absent(config_path, tmp_path):
    path = tmp_path / "autre.txt"
    path.write_text("La grippe progresse en France.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config_path), "add", str(path)], obj={})
    assert result.exit_code == 0 and "aucune mention du sujet" in result.output


def test_import_replays_raw_items_without_duplicates(config_path, config, tmp_path):
    from pipelines.db import open_db

    raw = tmp_path / "press_rss.jsonl"
    docs = [Document(source="lemonde_sante", url=f"https://www.lemonde.fr/{i}.html", title=f"Les SEC-Pa {i}") for i in range(3)]
    docs.append(Document(source="lemonde_sante", url="https://www.lemonde.fr/grippe.html", title="Grippe"))
    raw.write_text("".join(json.dumps(d.to_dict()) + "\n" for d in docs), encoding="utf-8")
    first = invoke(config_path, "import", str(raw))
    assert first.exit_code == 0, first.output
    assert "4 éléments lus, 3 sur le sujet, 3 nouveaux" in first.output
    second = invoke(config_path, "import", str(raw))
    assert "0 nouveaux, 0 modifiés, 3 inchangés" in second.output
    assert open_db(config.database)["documents"].count == 3
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"item_type": "document", "source": "x"\n', encoding="utf-8")
    failed = invoke(config_path, "import", str(broken))
    assert failed.exit_code == 1 and "broken.jsonl:1: ligne illisible" in failed.output


def test_sources_prints_the_health_table(config_path):
    result = invoke(config_path, "sources")
    assert result.exit_code == 0
    assert re.search(r"^lemonde_sante\s+jamais\s+0\s+0", result.output, re.M)


def test_malformed_config_is_one_line_with_exit_code_2(tmp_path):
    bad = tmp_path / "veille.toml"
    bad.write_text("[topic]\nname = 3\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(bad), "sources"], obj={})
    assert result.exit_code == 2
    assert result.output.strip() == f"Erreur : {bad}: topic.name: texte non vide attendu"


@pytest.mark.slow
def test_replay_server_runs_a_command_against_the_recording(tmp_path):
    fetch = ("import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen("
             "sys.argv[1] + '/https/www.lemonde.fr/sante/rss_full.xml', timeout=10).read())")
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "replay_server.py"), "--",
                             sys.executable, "-c", fetch, "{url}"], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Les centres de santé participatifs".encode() in result.stdout
    assert b"Enregistrement servi sur http://127.0.0.1:" in result.stderr
    missing = subprocess.run([sys.executable, str(ROOT / "tests" / "replay_server.py"), "--",
                              sys.executable, "-c", "raise SystemExit(3)"], capture_output=True, timeout=60)
    assert missing.returncode == 3  # the command's exit code comes back


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"veille {name}" in readme, name
        assert "Exemple" in (command.help or ""), name


def test_help_of_every_command():
    for name in cli.commands:
        result = CliRunner().invoke(cli, [name, "--help"], obj={})
        assert result.exit_code == 0 and "Exemple" in result.output
