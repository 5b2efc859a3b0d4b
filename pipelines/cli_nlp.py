"""CLI commands of the NLP stage: `veille tag` and `veille evaluate` (registered by cli.py),
and the maintainer commands that regenerate the committed pattern files:

    python -m pipelines.cli_nlp gazetteer AN_DIR NOSDEPUTES_JSON nlp/patterns/an_generated.jsonl
    python -m pipelines.cli_nlp structures veille.toml nlp/patterns/structures.jsonl
    python -m pipelines.cli_nlp groups-reference --organes nlp/patterns/sources/an_organes \
        nlp/patterns/sources/parliamentary_groups.json nlp/patterns/parliamentary_groups.jsonl
    python -m pipelines.cli_nlp groups-reference nlp/patterns/sources/senate_groups.json \
        nlp/patterns/senate_groups.jsonl
    python -m pipelines.cli_nlp structures-reference nlp/patterns/sources/secpa_structures.json \
        nlp/patterns/secpa_structures.jsonl
    python -m pipelines.cli_nlp footnotes nlp/patterns/footnotes.jsonl   (last: it reads the others)

This module is an entrance: it reads the files (AN reference data through
`spiders.an_parse.parse_reference`, the one AN reader; the config; the dev set) and hands
plain values to `nlp`, which never reads them itself.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NoReturn

import click

from pipelines.cli_french import VeilleError
from pipelines.labels import plural

if TYPE_CHECKING:
    from nlp.roles import Reference

# Relative to the current folder: the defaults work from a checkout of veille.
DEVSET = Path("tests") / "fixtures" / "nlp" / "devset.jsonl"
REALSET = Path("tests") / "fixtures" / "nlp" / "realset.jsonl"
NEARBY = Path("tests") / "fixtures" / "nlp" / "realset_nearby.jsonl"


def _fail(message: str) -> NoReturn:
    """Stop with one French line (« Erreur : … ») and exit code 2."""
    raise VeilleError(message)


def _topic(config_path):
    from nlp.topic import TopicMatcher
    from pipelines.config import ConfigError, load_config

    try:
        config = load_config(config_path)
    except ConfigError as error:
        raise VeilleError(str(error)) from error
    return config, TopicMatcher.from_topic(config.topic)


@click.command()
@click.option("--all", "everything", is_flag=True, help="Ré-annoter tous les documents pertinents (après un changement de règles).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Base SQLite (défaut : celle de veille.toml).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="Fichier de configuration.")
@click.option("--quiet", is_flag=True, help="Sans barre de progression.")
def tag(everything: bool, db_path: str | None, config_path: str | None, quiet: bool) -> None:
    """Annoter les documents pertinents : acteurs, rôles résolus, engagements.

    Seuls les documents pertinents sans annotations sont traités (ou tous avec --all ;
    les annotations d'un document sont alors remplacées).

    Exemple : veille tag --all
    """
    from pipelines import db as store
    from pipelines.tag import stderr_progress
    from pipelines.tag import tag as run_tag

    config, topic = _topic(config_path)
    db = store.open_db(db_path or config.database)
    counts = run_tag(db, topic, everything=everything, progress=None if quiet else stderr_progress())
    mentions = plural(counts["actor_mentions"], "mention d'acteur", "mentions d'acteurs")
    click.echo(f"{plural(counts['documents'], 'document annoté', 'documents annotés')} : {mentions}, "
               f"{plural(counts['commitments'], 'engagement', 'engagements')}.")


@click.command()
@click.option("--devset", "devsets", multiple=True, default=[str(DEVSET), str(REALSET), str(NEARBY)], show_default=True,
              help="Jeu annoté (JSONL), à répéter ; un jeu dont les éléments portent « split » est évalué "
                   "partie par partie (dev, test). Les défauts valent depuis un dépôt veille.")
@click.option("--reference", "reference_dir",
              help="Dossier des données de référence : amo/*.json (AN) et mandates_extra.json "
                   "(défaut : celui du premier jeu).")
@click.option("--errors/--no-errors", default=True, help="Afficher les erreurs une à une.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="Fichier de configuration.")
def evaluate(devsets: tuple[str, ...], reference_dir: str | None, errors: bool, config_path: str | None) -> None:
    """Mesurer l'étape NLP sur les jeux annotés : précision, rappel et F1 par étiquette.

    Par défaut : l'ancien jeu écrit (contrôle de non-régression), le jeu de textes réels,
    partie dev (réglages) et partie test (mesure seulement), puis les textes réels proches du
    sujet qui ne le nomment pas, lus sans filtre de sujet (mesure des règles seules). Affiche les engagements stricts
    et souples, la confusion des types, l'exactitude des acteurs, montants et échéances,
    les objectifs et les erreurs (jamais celles de la partie test) ; le code de sortie vaut 1 si un objectif n'est pas atteint.
    La référence est construite comme celle de « veille tag » : les fichiers de référence
    passent par une base SQLite temporaire.

    Exemple : veille evaluate --no-errors --devset tests/fixtures/nlp/realset.jsonl
    """
    from nlp.evaluate import REAL_TARGETS, TARGETS, format_report, load_devset
    from nlp.evaluate import evaluate as run
    from nlp.gazetteer import reference_patterns
    from nlp.pipeline import load_pipeline

    logging.getLogger("nlp").setLevel(logging.WARNING)
    sets = []
    for devset in devsets:
        try:
            sets.append((devset, load_devset(devset)))
        except FileNotFoundError:
            _fail(f"jeu de développement introuvable : {devset} (indiquez-le avec --devset)")
        except (OSError, ValueError) as exc:
            _fail(f"jeu de développement illisible : {devset} ({_reason(exc)})")
    directory = Path(reference_dir) if reference_dir else Path(devsets[0]).parent
    if not directory.is_dir():
        _fail(f"dossier de référence introuvable : {directory} (indiquez-le avec --reference)")
    _, topic = _topic(config_path)
    reference = evaluation_reference(directory)
    nlp = load_pipeline(extra_patterns=reference_patterns(reference))
    failed = False
    for number, (devset, items) in enumerate(sets):
        for part, chosen in _parts(items):
            real = part is not None
            report = run(chosen, nlp, reference, topic, targets=REAL_TARGETS if real else TARGETS)
            ungated = " sans filtre de sujet" if any(i.get("topic_gate") is False for i in chosen) else ""
            title = (f"textes réels{ungated}, partie {part} ({Path(devset).name})" if real
                     else f"phrases annotées ({Path(devset).name})")
            if number or part not in (None, "dev"):
                click.echo("\n" + "=" * 78 + "\n")
            # The test part is only reported: its errors are never shown, so nobody tunes on them.
            click.echo(format_report(report, show_errors=errors and part != "test", title=title))
            failed = failed or bool(report.failures())
    if failed:
        raise SystemExit(1)


def _parts(items: list[dict[str, Any]]) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """The items as one part, or as their `split` parts (dev first) when they have one."""
    splits = sorted({str(i["split"]) for i in items if "split" in i}, key=lambda s: (s != "dev", s))
    if not splits:
        return [(None, items)]
    return [(split, [i for i in items if i.get("split") == split]) for split in splits]


def _reason(exc: Exception) -> str:
    """Why a file could not be read, in French when the system says it in English."""
    if isinstance(exc, IsADirectoryError):
        return "c'est un dossier"
    if isinstance(exc, PermissionError):
        return "accès refusé"
    if isinstance(exc, UnicodeDecodeError):
        return "fichier non UTF-8"
    if isinstance(exc, json.JSONDecodeError):
        return f"JSON invalide, ligne {exc.lineno}"
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


# ------------------------------------------------------------------ reference data of an evaluation
def evaluation_reference(directory: Path) -> Reference:
    """The `Reference` that `veille tag` would build from a database holding the reference
    data of `directory`: its rows are written to a temporary database through the write
    path of `pipelines.db`, then read back with `pipelines.tag.load_reference`."""
    from pipelines import db as store
    from pipelines.tag import load_reference

    with tempfile.TemporaryDirectory(prefix="veille-evaluate-") as tmp:
        db = store.open_db(Path(tmp) / "reference.db")
        try:
            for table, record in reference_records(directory):
                store.upsert_record(db, table, _table_row(db, table, record))
            return load_reference(db)
        finally:
            db.close()


def reference_records(directory: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, record) of an evaluation folder: every AN file of `amo/` (acteurs with their
    mandates, organes, mandats) read by `spiders.an_parse.parse_reference`, then the
    hand-written `mandates_extra.json` ({"actors", "organes", "mandates"} lists)."""
    from spiders.an_parse import REFERENCE_TABLES

    for kind, record in an_records(sorted((directory / "amo").glob("*.json"))):
        yield REFERENCE_TABLES[kind], record
    extra_path = directory / "mandates_extra.json"
    if extra_path.exists():
        extra = _read_json(extra_path)
        for table in ("organes", "actors", "mandates"):
            for record in extra.get(table, []):
                yield table, ({"kind": "person", **record} if table == "actors" else record)


def an_records(paths: Iterable[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """("actor" | "organe" | "mandate", record) of AN reference JSON files, through the one
    AN reader; an unreadable file stops with one French line."""
    from spiders.an_parse import BadRecord, parse_reference

    for path in paths:
        try:
            yield from parse_reference(_read_json(path), path.stem)
        except BadRecord as exc:
            _fail(f"donnée de référence illisible : {path} ({exc})")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        _fail(f"fichier illisible : {path} ({_reason(exc)})")


def _table_row(db, table: str, record: dict[str, Any]) -> dict[str, Any]:
    """A record as a row of `table`: keys that are not columns go into `extra` (the
    hand-written records put `civ` at the top, where the AN reader puts it in `extra`)."""
    from nlp.roles import row_extra

    columns = set(db[table].columns_dict)
    row = {k: v for k, v in record.items() if k in columns}
    rest = {k: v for k, v in record.items() if k not in columns}
    if rest:
        row["extra"] = {**row_extra(row), **rest}
    return row


# ------------------------------------------------------------------ committed pattern files
def nosdeputes_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """NosDéputés `deputes/json` export to `actors` rows with AN ids (`PA` + id_an)."""
    rows = []
    for item in data.get("deputes", []):
        d = item.get("depute", item)
        if d.get("id_an"):
            rows.append({"id": f"PA{d['id_an']}", "kind": "person", "name": d.get("nom"),
                         "extra": {"prenom": d.get("prenom"), "nom": d.get("nom_de_famille"), "sex": d.get("sexe")}})
    return rows


@click.group()
def maintenance() -> None:
    """Régénérer les fichiers de motifs livrés dans nlp/patterns (pour les mainteneurs)."""


@maintenance.command("gazetteer")
@click.argument("an_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("nosdeputes", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
def gazetteer_command(an_dir: str, nosdeputes: str, out: str) -> None:
    """Régénérer les motifs des députés, groupes, commissions et ministères.

    AN_DIR contient des fichiers AN (acteurs, organes) lus comme par la collecte ;
    NOSDEPUTES est l'export deputes/json de NosDéputés ; les acteurs AN l'emportent.

    Exemple : python -m pipelines.cli_nlp gazetteer ../shared/data/real/assemblee_nationale/amo
    ../shared/data/real/nosdeputes/nosdeputes_deputes_json_16e.json nlp/patterns/an_generated.jsonl
    """
    from nlp.gazetteer import dumps_jsonl, generate

    actors = {row["id"]: row for row in nosdeputes_rows(_read_json(Path(nosdeputes)))}
    organes = []
    for kind, record in an_records(sorted(Path(an_dir).rglob("*.json"))):
        if kind == "actor":
            actors[record["id"]] = record
        elif kind == "organe":
            organes.append(record)
    patterns = generate(actors.values(), organes)
    Path(out).write_text(dumps_jsonl(patterns), encoding="utf-8")
    click.echo(f"{len(patterns)} motifs écrits dans {out}")


@maintenance.command("structures")
@click.argument("config_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
def structures_command(config_path: str, out: str) -> None:
    """Régénérer les motifs des structures de l'expérimentation ([topic] structures).

    Exemple : python -m pipelines.cli_nlp structures veille.toml nlp/patterns/structures.jsonl
    """
    config, _ = _topic(config_path)
    _write_structures(config.topic.structures, out)


@maintenance.command("structures-reference")
@click.argument("sources", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
def structures_reference_command(sources: str, out: str) -> None:
    """Régénérer les motifs des structures nommées dans des textes publics (liste sourcée).

    Exemple : python -m pipelines.cli_nlp structures-reference nlp/patterns/sources/secpa_structures.json
    nlp/patterns/secpa_structures.jsonl
    """
    _write_structures(_read_json(Path(sources)).get("structures", []), out)


def _write_structures(structures: Iterable[Any], out: str) -> None:
    from nlp.gazetteer import dumps_jsonl, structure_patterns

    patterns = structure_patterns(structures)
    Path(out).write_text(dumps_jsonl(patterns), encoding="utf-8")
    click.echo(f"{len(patterns)} motifs de structures écrits dans {out}")


@maintenance.command("groups-reference")
@click.argument("sources", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--organes", "organes_dir", type=click.Path(exists=True, file_okay=False),
              help="Dossier de fichiers organe AN : régénère d'abord la liste sourcée (groupes des 16e et 17e législatures).")
def groups_reference_command(sources: str, out: str, organes_dir: str | None) -> None:
    """Régénérer les motifs des groupes parlementaires (organes GP de l'AN, groupes du Sénat : liste sourcée).

    Avec --organes, la liste sourcée est d'abord réécrite depuis les fichiers organe de l'AN
    (lus comme par la collecte) ; les noms usuels qu'elle donne sont gardés.

    Exemple : python -m pipelines.cli_nlp groups-reference --organes nlp/patterns/sources/an_organes
    nlp/patterns/sources/parliamentary_groups.json nlp/patterns/parliamentary_groups.jsonl
    """
    from nlp.gazetteer import dumps_jsonl, pattern_files, read_jsonl
    from nlp.groups import group_patterns, groups_from_organes

    data = _read_json(Path(sources))
    if organes_dir:
        organes = [record for kind, record in an_records(sorted(Path(organes_dir).glob("*.json"))) if kind == "organe"]
        data["groups"] = groups_from_organes(organes, data.get("groups", []))
        Path(sources).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        click.echo(f"{len(data['groups'])} groupes écrits dans {sources}")
    # The shipped file of that name is the one being regenerated (`out` may be a copy elsewhere).
    taken = [p["pattern"] for f in pattern_files() if f.name != Path(out).name for p in read_jsonl(f)
             if isinstance(p.get("pattern"), str)]
    patterns = group_patterns(data.get("groups", []), taken)
    Path(out).write_text(dumps_jsonl(patterns), encoding="utf-8")
    click.echo(f"{len(patterns)} motifs de groupes écrits dans {out}")


@maintenance.command("footnotes")
@click.argument("out", type=click.Path(dir_okay=False))
def footnotes_command(out: str) -> None:
    """Régénérer les motifs des sigles suivis d'un appel de note (« IGAS[1] », « DGOS(3) », « HAS² »).

    Les sigles viennent des autres fichiers de motifs livrés ; à relancer après chacun d'eux.

    Exemple : python -m pipelines.cli_nlp footnotes nlp/patterns/footnotes.jsonl
    """
    from nlp.gazetteer import dumps_jsonl, footnote_patterns, pattern_files, read_jsonl

    shipped = [p for f in pattern_files() if f.name != Path(out).name for p in read_jsonl(f)]
    patterns = footnote_patterns(shipped)
    Path(out).write_text(dumps_jsonl(patterns), encoding="utf-8")
    click.echo(f"{len(patterns)} motifs de sigles avec appel de note écrits dans {out}")

if __name__ == "__main__":
    maintenance(prog_name="python -m pipelines.cli_nlp")
