"""The `veille` command speaks French: Click's own messages, one « Erreur : » prefix with its
exit code, plurals, and dates written AAAA-MM-JJ or JJ/MM/AAAA."""

import ast
import re
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from pipelines import cli_french
from pipelines.cli import cli
from pipelines.cli_core import run_summary
from pipelines.cli_french import MESSAGES, VeilleError, read_day

ENGLISH = re.compile(r"Usage:|Options:|Commands:|Show this message|\[default:|\[required\]|Error:|Try '|"
                     r"Missing argument|No such option|Invalid value|is not one of|"
                     r"\b(?:INTEGER|FLOAT|TEXT|FILE|DIRECTORY|PATH|COMMAND|ARGS)\b")

# Click messages a user of `veille` can never meet: programming errors, Windows, shell
# completion, editors, prompts and features veille does not use.
UNREACHABLE = {
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Invalid start character for option ({option})",
    "Windows error: {error}",
    "Couldn't detect Bash version, shell completion is not supported.",
    "Shell completion is not supported for Bash versions older than 4.4.",
    "{editor}: Editing failed", "{editor}: Editing failed: {e}",
    "Unknown color {colour!r}", "Unknown standard stream '{name}'",
    "Choice({choices})", "d",
}


def run(*args, config_path=None):
    prefix = ["--config", str(config_path)] if config_path else []
    return CliRunner().invoke(cli, [*prefix, *args], obj={})


def click_messages() -> set[str]:
    """Every literal message Click passes to gettext or ngettext."""
    found: set[str] = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                found.update(arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
    return found


def test_every_click_message_a_user_can_meet_has_a_french_translation():
    messages = click_messages()
    assert "Show this message and exit." in messages and "Error: {message}" in messages  # the scan works
    missing = sorted(messages - set(MESSAGES) - UNREACHABLE)
    assert missing == []


def test_the_translations_use_the_placeholders_click_fills():
    for english, french in MESSAGES.items():
        given = {field.split("!")[0] for field in _placeholders(english)}
        assert {field.split("!")[0] for field in _placeholders(french)} == given, english


def _placeholders(text: str) -> set[str]:
    import string

    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_help_pages_are_french_everywhere():
    pages = {"": run("--help")}
    for name, command in cli.commands.items():
        pages[name] = run(name, "--help")
        for sub in getattr(command, "commands", {}):
            pages[f"{name} {sub}"] = run(name, sub, "--help")
    assert len(pages) > 18
    for name, result in pages.items():
        assert result.exit_code == 0, (name, result.output)
        assert "Afficher cette aide et quitter." in result.output, name
        assert result.output.startswith(f"Utilisation : veille {name}".rstrip()), name
        assert not ENGLISH.search(result.output), (name, ENGLISH.search(result.output))
    assert "Options :" in pages["crawl"].output and "Commandes :" in pages[""].output
    assert "--timeout NOMBRE" in pages["crawl"].output and "--port ENTIER" in pages["serve"].output
    assert "[défaut : 8001]" in pages["serve"].output
    assert "Utilisation : veille who [OPTIONS] POSTE [DATE]" in pages["who"].output
    assert "Utilisation : veille [OPTIONS] COMMANDE [ARGUMENTS]..." in pages[""].output


@pytest.mark.parametrize("args, error", [
    (["crawl", "--sourec", "x"], "Erreur : option inconnue : « --sourec ». Vouliez-vous dire « --source » ?"),
    (["crawl", "--hepl"], "Erreur : option inconnue : « --hepl ». (Vouliez-vous dire l'une de : « --help », « --replay » ?)"),
    (["stroies"], "Erreur : commande inconnue : « stroies ». Vouliez-vous dire « stories » ?"),
    (["who"], "Erreur : argument manquant « POSTE »."),
    (["import"], "Erreur : argument manquant « FICHIERS... »."),
    (["nightly", "--skip", "tout"], "Erreur : valeur incorrecte pour « --skip » : « tout » n'est pas une valeur "
                                    "possible (« crawl », « tag », « publish », « alerts », « digest »)."),
    (["serve", "--port", "huit"], "Erreur : valeur incorrecte pour « --port » : « huit » : nombre entier attendu."),
    (["crawl", "--timeout", "long"], "Erreur : valeur incorrecte pour « --timeout » : « long » : nombre attendu."),
    (["import", "/nulle/part.jsonl"], "Erreur : valeur incorrecte pour « FICHIERS... » : chemin « /nulle/part.jsonl » introuvable."),
    (["diff", "a", "b"], "Erreur : argument en trop : b"),
    (["who", "ministre", "hier"], "Erreur : valeur incorrecte pour « [DATE] » : date AAAA-MM-JJ ou JJ/MM/AAAA attendue, pas « hier »"),
])
def test_usage_errors_are_french_with_the_help_hint(args, error):
    result = run(*args)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    command = " ".join(["veille", *args[:1]]) if args[0] in cli.commands else "veille"
    assert lines[0].startswith(f"Utilisation : {command} [OPTIONS]")
    assert lines[1] == f"Essayez « {command} --help » pour l'aide."
    assert lines[-1] == error


def test_an_option_without_its_value_is_one_french_line():
    result = run("crawl", "--timeout")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Erreur : l'option « --timeout » demande une valeur."


def test_errors_have_one_prefix_and_their_exit_code(config_path, tmp_path):
    cases = [
        (["digest", "--week", "W08"], 2),                    # bad input
        (["diff", "press-inconnu"], 1),                      # the work failed: nothing to compare
        (["ledger", "--statut", "perdu", "--db", str(tmp_path / "l.db")], 2),
        (["add", str(tmp_path / "absent.eml")], 1),
        (["add", str(FIXTURES / "add" / "communique_ars.txt"), "--url", "ftp://x"], 2),
    ]
    for args, code in cases:
        result = run(*args, config_path=config_path)
        assert result.exit_code == code, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Erreur : ") and not lines[0].startswith("Erreur : Erreur"), lines
    init_again = CliRunner().invoke(cli, ["init"], obj={})  # a ClickException of any command is French too
    assert "Error" not in init_again.output


def test_veille_error_keeps_its_exit_code_and_prints_one_line(capsys):
    error = VeilleError("verrou tenu par un autre passage", 3)
    assert error.exit_code == 3 and VeilleError("x").exit_code == 2
    error.show()
    assert capsys.readouterr().err == "Erreur : verrou tenu par un autre passage\n"


def test_run_summary_agrees_in_number():
    run_row = {"id": "20260219T060000Z", "items_seen": 1, "relevant": 1, "inserted": 1, "updated": 2,
               "unchanged": 0, "duration_s": 3.2}
    assert run_summary(run_row) == ("Collecte 20260219T060000Z : 1 élément lu, 1 sur le sujet, 1 nouveau, "
                                    "2 modifiés, 0 inchangé (3.2 s).")
    many = dict(run_row, items_seen=37, inserted=37, updated=0, unchanged=5)
    assert "37 éléments lus, 1 sur le sujet, 37 nouveaux, 0 modifié, 5 inchangés" in run_summary(many)


def test_archive_counts_agree_in_number(config_path):
    from pipelines.config import load_config
    from pipelines.db import open_db

    open_db(load_config(config_path).database).close()
    result = run("archive", config_path=config_path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 document vérifié, 0 réponse archivée (0.0 Mo")


@pytest.mark.parametrize("text, day", [
    ("2026-03-05", date(2026, 3, 5)), ("05/03/2026", date(2026, 3, 5)), ("5/3/2026", date(2026, 3, 5)),
    ("05.03.2026", date(2026, 3, 5)), (" 29/02/2028 ", date(2028, 2, 29)),
    ("31/02/2026", None), ("2026-02-30", None), ("03/2026", None), ("demain", None), ("2026-3-5", None),
    ("05/03/26", None), ("", None),
])
def test_read_day(text, day):
    assert read_day(text) == day


def test_add_published_accepts_the_french_date(config_path, config):
    from pipelines.db import open_db

    result = run("add", str(FIXTURES / "add" / "communique_ars.txt"), "--published", "05/03/2026", config_path=config_path)
    assert result.exit_code == 0, result.output
    (doc,) = open_db(config.database)["documents"].rows
    assert (doc["published"], doc["published_precision"]) == ("2026-03-05T00:00:00+01:00", "day")


def test_who_accepts_both_date_forms(config_path, config):
    from pipelines.db import open_db

    open_db(config.database).close()
    for day in ("03/02/2026", "2026-02-03"):
        result = run("who", "ministre de la santé", day, config_path=config_path)
        assert result.exit_code == 1, result.output  # an empty reference: no holder, said in French
        assert "Aucun titulaire connu pour « ministre de la santé » le 03/02/2026" in result.output
        assert "Erreur" not in result.output and "Error" not in result.output


def test_ledger_date_accepts_the_french_form(tmp_path, monkeypatch):
    from pipelines import ledger as book

    seen = []
    monkeypatch.setattr(book, "rebuild", lambda db, today=None: seen.append(today) or {"threads": 1, "statements": 1})
    result = CliRunner().invoke(cli, ["ledger", "--date", "31/12/2026", "--db", str(tmp_path / "l.db")], obj={})
    assert result.exit_code == 0, result.output
    assert seen == [date(2026, 12, 31)]
    assert result.output.startswith("Registre : 1 engagement pour 1 déclaration.")
    bad = CliRunner().invoke(cli, ["ledger", "--date", "31/13/2026", "--db", str(tmp_path / "l.db")], obj={})
    assert bad.exit_code == 2 and bad.output.splitlines()[-1] == (
        "Erreur : valeur incorrecte pour « --date » : date AAAA-MM-JJ ou JJ/MM/AAAA attendue, pas « 31/13/2026 »")
    assert seen == [date(2026, 12, 31)]  # nothing rebuilt for a bad date


def test_french_quotes():
    assert cli_french.french_quotes("'--week' / '-w'") == "« --week » / « -w »"
    assert cli_french.french_quotes('"l\'ARS"') == "« l'ARS »"


def test_progress_lines_only_at_a_terminal(monkeypatch, capsys):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    cli_french.progress("Collecte de 3 sources…")
    assert terminal.getvalue() == "Collecte de 3 sources…\n"
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    cli_french.progress("rien")
    assert pipe.getvalue() == ""
