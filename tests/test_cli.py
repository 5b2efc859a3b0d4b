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
    assert doc["source"] == "ars-ara" and doc["kind"] == "communique" and doc["published"].startswith("2026-02-19")
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
    assert missing.exit_code == 1 and missing.output.strip() == f"Erreur : {tmp_path / 'absent.txt'} : fichier introuvable"
    empty = tmp_path / "vide.txt"
    empty.write_text("  \n")
    assert invoke(config_path, "add", str(empty)).output.strip().endswith("aucun texte lisible")
    bad_date = CliRunner().invoke(cli, ["--config", str(config_path), "add", str(FIXTURES / "add" / "communique_ars.txt"),
                                        "--published", "demain"], obj={})
    assert bad_date.exit_code == 2
    assert bad_date.output.splitlines()[-1] == ("Erreur : valeur incorrecte pour « --published » : "
                                                "date AAAA-MM-JJ ou JJ/MM/AAAA attendue, pas « demain »")


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
    assert "0 nouveau, 0 modifié, 3 inchangés" in second.output
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


def test_a_bad_jsonl_line_is_reported_with_its_number_and_the_others_are_imported(config_path, config, tmp_path):
    from pipelines.db import open_db

    raw = tmp_path / "mixed.jsonl"
    docs = [Document(source="lemonde_sante", url=f"https://www.lemonde.fr/{i}.html", title=f"Les SEC-Pa {i}") for i in range(2)]
    lines = [json.dumps(docs[0].to_dict()), "{pas du json", json.dumps(docs[1].to_dict()), '{"item_type": "inconnu"}']
    raw.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe pas de l'UTF-8\n")
    result = invoke(config_path, "import", str(raw))
    assert result.exit_code == 1
    assert "2 éléments lus, 2 sur le sujet, 2 nouveaux" in result.output
    lines = [line.strip() for line in result.output.splitlines() if "ligne illisible" in line]
    assert [line.split(": ligne")[0].rsplit(":", 1)[1] for line in lines] == ["2", "4", "5"]
    assert open_db(config.database)["documents"].count == 2


def test_a_mistyped_database_path_is_an_error_not_a_new_database(config_path, tmp_path, monkeypatch):
    typo = tmp_path / "typo" / "veile.db"
    monkeypatch.setenv("VEILLE_DB", str(typo))
    result = CliRunner().invoke(cli, ["--config", str(config_path), "digest", "--week", "2026-W07"], obj={})
    assert result.exit_code == 2
    assert result.output.strip().startswith("Erreur : base de données") and str(typo) in result.output
    assert not typo.exists() and not typo.parent.exists()
    # A database that does not exist in an existing folder is not created by a reader either.
    monkeypatch.setenv("VEILLE_DB", str(tmp_path / "veile.db"))
    result = CliRunner().invoke(cli, ["--config", str(config_path), "digest", "--week", "2026-W07"], obj={})
    assert result.exit_code == 2 and "introuvable" in result.output and not (tmp_path / "veile.db").exists()
    # A folder, or a file that is not SQLite: one line each.
    monkeypatch.setenv("VEILLE_DB", str(tmp_path))
    result = CliRunner().invoke(cli, ["--config", str(config_path), "sources"], obj={})
    assert result.exit_code == 2 and "c'est un dossier" in result.output and len(result.output.splitlines()) == 1
    text = tmp_path / "notes.txt"
    text.write_text("pas une base\n", encoding="utf-8")
    monkeypatch.setenv("VEILLE_DB", str(text))
    result = CliRunner().invoke(cli, ["--config", str(config_path), "import", str(text)], obj={})
    assert result.exit_code == 2 and "n'est pas une base SQLite" in result.output


@pytest.mark.parametrize("args, expected", [
    (["--timeout", "-1"], "--timeout : nombre de secondes strictement positif attendu, pas -1"),
    (["--timeout", "nan"], "--timeout : nombre de secondes strictement positif attendu"),
    (["--replay", "pas-une-url"], "--replay : URL http(s) attendue"),
    (["--source", "nope"], "--source : source inconnue nope"),
    (["--spider", "nope"], "araignée inconnue : nope"),
])
def test_bad_crawl_options_are_one_french_line_and_no_run(config_path, config, args, expected):
    result = CliRunner().invoke(cli, ["--config", str(config_path), "crawl", *args], obj={})
    assert result.exit_code == 2, result.output
    assert result.output.strip().startswith(f"Erreur : {expected}"), result.output
    assert len(result.output.strip().splitlines()) == 1
    if config.database.exists():
        from pipelines.db import open_db

        assert open_db(config.database)["runs"].count == 0


def test_init_writes_the_config_and_creates_the_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VEILLE_CONFIG", raising=False)
    monkeypatch.delenv("VEILLE_DB", raising=False)
    result = CliRunner().invoke(cli, ["init"], obj={})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "veille.toml").exists() and (tmp_path / "data" / "veille.db").exists()
    assert "Base créée" in result.output


def test_add_refuses_binaries_huge_files_and_non_http_urls(config_path, config, tmp_path):
    import os

    from spiders import add as add_module

    binary = tmp_path / "setup.exe"
    binary.write_bytes(b"MZ\x90\x00" + os.urandom(4096))
    noise = tmp_path / "bruit.txt"
    noise.write_bytes(os.urandom(100_000).replace(b"\x00", b"a"))
    for path in (binary, noise):
        result = CliRunner().invoke(cli, ["--config", str(config_path), "add", str(path)], obj={})
        assert result.exit_code == 1 and result.output.strip() == f"Erreur : {path} : fichier binaire (ni texte, ni HTML, ni PDF, ni courriel), refusé"
    big = tmp_path / "gros.txt"
    with open(big, "wb") as handle:  # sparse: the size counts, not the disk
        handle.truncate(add_module.MAX_BYTES + 1)
    result = CliRunner().invoke(cli, ["--config", str(config_path), "add", str(big)], obj={})
    assert result.exit_code == 1 and "fichier trop gros (50 Mo, limite 50 Mo), refusé" in result.output
    text = FIXTURES / "add" / "communique_ars.txt"
    result = CliRunner().invoke(cli, ["--config", str(config_path), "add", str(text), "--url", "javascript:alert(1)"], obj={})
    assert result.exit_code == 2 and "--url : adresse http(s) attendue" in result.output
    assert not config.database.exists() or sqlite_count(config.database) == 0


def sqlite_count(path):
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def test_sources_lists_states_in_french_and_unverified_listings(config_path):
    from pipelines import db as database
    from pipelines.config import load_config

    config = load_config(config_path)
    db = database.open_db(config.database)
    database.sync_sources(db, config.sources)
    run_id = database.start_run(db, "crawl")
    database.record_source_result(db, run_id, {"source": "lemonde_sante", "status": "ok", "items": 4})
    db.close()
    result = CliRunner().invoke(cli, ["--config", str(config_path), "sources"], obj={})
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:] if line.strip()}
    assert "en service" in lines["lemonde_sante"] and " à " in lines["lemonde_sante"]  # a Paris date and time
    listings = [s.name for s in config.sources if s.kind == "listing" and s.options.get("verified") is False]
    assert listings and all(lines[name].rstrip().endswith("non vérifiée") for name in listings)
