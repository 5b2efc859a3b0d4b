"""The French layer of the `veille` command: Click's own messages in French, one error class
with one prefix (« Erreur : … ») and its exit code, and the date type every date option uses.

Click 8 passes every message it prints through `gettext` (each of its modules does
`from gettext import gettext as _`). `install()` binds those names, in Click's modules only,
to a `FrenchTranslations` catalogue built from the dict below; nothing else in the process
is translated. `frenchify(command)` then sets what Click does not translate: the headings'
colon (« Options : »), the usage placeholders and the metavars of plain types.
"""

from __future__ import annotations

import gettext
import importlib
import re
import sys
from datetime import date
from functools import partial
from typing import Any

import click

from pipelines.config import Config, load_config

PREFIX = "Erreur : "

# Click 8.5's messages (click/*.py), English → French. A missing entry stays in English, and
# tests/test_cli_french.py checks that every message reachable by a user is here.
MESSAGES: dict[str, str] = {
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "default: {default}": "défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "required": "obligatoire",
    "(dynamic)": "(calculé)",
    "deprecated": "obsolète",
    "Error: {message}": PREFIX + "{message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "Aborted!": "Abandon.",
    "Missing command.": "commande manquante.",
    "No such command {name!r}.": "commande inconnue : « {name} ».",
    "No such option {name!r}.": "option inconnue : « {name} ».",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Did you mean one of: {possibilities}?)": "(Vouliez-vous dire l'une de : {possibilities} ?)",
    "Missing argument": "argument manquant",
    "Missing option": "option manquante",
    "Missing parameter": "paramètre manquant",
    "Missing {param_type}": "{param_type} manquant",
    "Missing parameter: {param_name}": "paramètre manquant : {param_name}",
    "Invalid value: {message}": "valeur incorrecte : {message}",
    "Invalid value for {param_hint}: {message}": "valeur incorrecte pour {param_hint} : {message}",
    "Got unexpected extra argument ({args})": "argument en trop : {args}",
    "Got unexpected extra arguments ({args})": "arguments en trop : {args}",
    "Option {name!r} does not take a value.": "l'option « {name} » ne prend pas de valeur.",
    "Option {name!r} requires an argument.": "l'option « {name} » demande une valeur.",
    "Option {name!r} requires {nargs} arguments.": "l'option « {name} » demande {nargs} valeurs.",
    "Argument {name!r} takes {nargs} values.": "l'argument « {name} » prend {nargs} valeurs.",
    "Takes {nargs} values but 1 was given.": "{nargs} valeurs attendues, 1 donnée.",
    "Takes {nargs} values but {len} were given.": "{nargs} valeurs attendues, {len} données.",
    "Value must be an iterable.": "une liste de valeurs est attendue.",
    "Choose from:\n\t{choices}": "valeurs possibles :\n\t{choices}",
    "{value!r} is not {choice}.": "« {value} » n'est pas {choice}.",
    "{value!r} is not one of {choices}.": "« {value} » n'est pas une valeur possible ({choices}).",
    "{value!r} does not match the format {format}.": "« {value} » ne suit pas le format {format}.",
    "{value!r} does not match the formats {formats}.": "« {value} » ne suit aucun des formats {formats}.",
    "{value!r} is not a valid {number_type}.": "« {value} » : {number_type} attendu.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "« {value} » n'est pas un booléen. Valeurs reconnues : {states}",
    "{value!r} is not a valid UUID.": "« {value} » n'est pas un UUID valide.",
    "{len_type} values are required, but {len_value} was given.":
        "{len_type} valeurs attendues, {len_value} donnée.",
    "{len_type} values are required, but {len_value} were given.":
        "{len_type} valeurs attendues, {len_value} données.",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "{name} {filename!r} does not exist.": "{name} « {filename} » introuvable.",
    "{name} {filename!r} is a file.": "{name} « {filename} » : c'est un fichier.",
    "{name} {filename!r} is a directory.": "{name} « {filename} » : c'est un dossier.",
    "{name} {filename!r} is not readable.": "{name} « {filename} » : lecture interdite.",
    "{name} {filename!r} is not writable.": "{name} « {filename} » : écriture interdite.",
    "{name} {filename!r} is not executable.": "{name} « {filename} » : exécution interdite.",
    "Could not open file {filename!r}: {message}": "ouverture impossible de « {filename} » : {message}",
    "unknown error": "erreur inconnue",
    "Do you want to continue?": "Continuer ?",
    "Confirm the action without prompting.": "Confirmer sans poser la question.",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": PREFIX + "les deux valeurs saisies diffèrent.",
    "Error: invalid input": PREFIX + "saisie incorrecte",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Avertissement : la commande « {name} » est obsolète.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Avertissement : {param_type} « {name} » obsolète.{extra_message}",
}

# Names Click puts into its templates: types ("integer") and parameter kinds ("option").
WORDS = {"integer": "nombre entier", "float": "nombre", "text": "texte", "option": "option",
         "argument": "argument", "parameter": "paramètre", "boolean": "booléen"}
METAVARS = {"text": "TEXTE", "integer": "ENTIER", "float": "NOMBRE", "boolean": "BOOLÉEN"}
PATH_NAMES = {(True, False): "fichier", (False, True): "dossier"}

_QUOTED = re.compile(r"""'([^']*)'|"([^"]*)\"""")
_REQUOTED = ("param_hint", "possibility", "possibilities", "choice", "choices", "args")


def french_quotes(text: str) -> str:
    """Click quotes names the Python way ('--week', "l'x"); French quotes are « --week »."""
    return _QUOTED.sub(lambda m: f"« {m.group(1) if m.group(1) is not None else m.group(2)} »", text)


class Template(str):
    """A translated template: `format` puts Click's quoted names in French quotes and its type
    words in French."""

    def format(self, *args: Any, **kwargs: Any) -> str:
        for key, value in kwargs.items():
            if key in _REQUOTED and isinstance(value, str):
                kwargs[key] = french_quotes(value)
            elif key in ("number_type", "param_type") and isinstance(value, str):
                kwargs[key] = WORDS.get(value, value)
            elif key == "name" and value in ("Fichier", "Dossier", "Chemin"):  # Click capitalises path kinds
                kwargs[key] = value.lower()
        return str.format(self, *args, **kwargs)


class FrenchTranslations(gettext.NullTranslations):
    """The catalogue of Click's messages in French (`MESSAGES`)."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        found = self.messages.get(message)
        return Template(found) if found is not None else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)


CATALOGUE = FrenchTranslations(MESSAGES)
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils",
                 "shell_completion", "_termui_impl")


def install() -> None:
    """Give Click's modules the French catalogue instead of the process's gettext."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            setattr(module, "_", CATALOGUE.gettext)
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", CATALOGUE.ngettext)


class FrenchHelpFormatter(click.HelpFormatter):
    """Headings with the French space before the colon: « Options : »."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading} :\n")


class FrenchContext(click.Context):
    formatter_class = FrenchHelpFormatter


def _french_hint(param: click.Parameter, ctx: click.Context | None) -> str:
    return french_quotes(type(param).get_error_hint(param, ctx))


def frenchify(command: click.Command) -> None:
    """Set, on `command` and its subcommands, what Click does not pass through gettext: the
    heading format, the usage placeholders, the metavars of plain types and path types, and
    the quotes around a parameter's name in an error (« --week », « POSTE »)."""
    command.context_class = FrenchContext
    for param in command.params:
        setattr(param, "get_error_hint", partial(_french_hint, param))  # per parameter, not Click's class
        kind = param.type
        if isinstance(kind, click.Path):
            kind.name = PATH_NAMES.get((kind.file_okay, kind.dir_okay), "chemin")
        if isinstance(param, click.Option) and param.metavar is None and kind.name in METAVARS \
                and not param.is_flag:
            param.metavar = METAVARS[kind.name]
        elif isinstance(param, click.Option) and param.metavar is None and isinstance(kind, click.Path):
            param.metavar = kind.name.upper()
    if isinstance(command, click.Group):
        if command.subcommand_metavar == "COMMAND [ARGS]...":
            command.subcommand_metavar = "COMMANDE [ARGUMENTS]..."
        for sub in command.commands.values():
            frenchify(sub)


class VeilleError(click.ClickException):
    """The one way a command stops on an error: « Erreur : <message> » on stderr, then
    `exit_code` (2 by default: bad input or configuration; 1: the work failed; 3: locked)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        setattr(self, "exit_code", exit_code)  # ClickException declares it as a ClassVar

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(PREFIX + self.format_message(), err=True, file=file)


def progress(message: str) -> None:
    """A line on stderr for a person waiting at a terminal (« Collecte de 38 sources… »);
    nothing in logs, pipes or tests."""
    if sys.stderr.isatty():
        click.echo(message, err=True)


# Dates typed by people: ISO (2026-03-05) or French (05/03/2026, also 5/3/2026 and 05.03.2026).
_DAY_FR = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_DAY_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def read_day(text: str) -> date | None:
    """The calendar day written AAAA-MM-JJ or JJ/MM/AAAA; None when unreadable or impossible."""
    value = text.strip()
    try:
        if found := _DAY_ISO.match(value):
            return date(int(found[1]), int(found[2]), int(found[3]))
        if found := _DAY_FR.match(value):
            return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None
    return None


class Day(click.ParamType):
    """A date option or argument: AAAA-MM-JJ or JJ/MM/AAAA, converted to a `date`."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        day = read_day(str(value))
        if day is None:
            self.fail(f"date AAAA-MM-JJ ou JJ/MM/AAAA attendue, pas « {value} »", param, ctx)
        return day


DAY = Day()


def config_of(ctx: click.Context) -> Config:
    """The configuration the command line names (--config, else $VEILLE_CONFIG, else ./veille.toml)."""
    return load_config((ctx.obj or {}).get("config"))
