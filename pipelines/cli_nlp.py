"""CLI commands of the NLP stage: `veille tag` and `veille evaluate` (registered by cli.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

DEVSET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "nlp" / "devset.jsonl"


def _topic(config_path):
    from nlp.topic import TopicMatcher
    from pipelines.config import ConfigError, load_config

    try:
        config = load_config(config_path)
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
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
    click.echo(f"{counts['documents']} documents annotés : {counts['actor_mentions']} mentions d'acteurs, "
               f"{counts['commitments']} engagements.")


@click.command()
@click.option("--devset", type=click.Path(exists=True, dir_okay=False), default=str(DEVSET), show_default=True,
              help="Jeu de développement annoté (JSONL).")
@click.option("--reference", "reference_dir", type=click.Path(exists=True, file_okay=False),
              help="Dossier des données de référence (défaut : celui du jeu de développement).")
@click.option("--errors/--no-errors", default=True, help="Afficher les erreurs une à une.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="Fichier de configuration.")
def evaluate(devset: str, reference_dir: str | None, errors: bool, config_path: str | None) -> None:
    """Mesurer l'étape NLP sur le jeu annoté : précision, rappel et F1 par étiquette.

    Affiche aussi l'exactitude de la résolution des rôles, les objectifs et les erreurs ;
    le code de sortie vaut 1 si un objectif n'est pas atteint.

    Exemple : veille evaluate --no-errors
    """
    from nlp.evaluate import evaluate as run, format_report, load_devset
    from nlp.gazetteer import actor_patterns
    from nlp.pipeline import load_pipeline

    logging.getLogger("nlp").setLevel(logging.WARNING)
    _, topic = _topic(config_path)
    mandates, organes, actors = reference_rows(Path(reference_dir) if reference_dir else Path(devset).parent)
    from nlp.roles import Reference

    nlp = load_pipeline(extra_patterns=actor_patterns(actors))
    report = run(load_devset(devset), nlp, Reference.join(mandates, organes, actors), topic)
    click.echo(format_report(report, show_errors=errors))
    if report.failures():
        raise SystemExit(1)


def reference_rows(directory: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """Reference data of an evaluation folder: AN files in `amo/` (PM*, PO*, PA*) plus
    `mandates_extra.json` (mandates, organes, actors written by hand)."""
    import json

    from nlp.gazetteer import an_acteur_record, an_mandat_record, an_organe_record

    def read(path: Path) -> dict:
        return json.loads(path.read_text(encoding="utf-8"))

    amo = directory / "amo"
    mandates = [an_mandat_record(read(p)) for p in sorted(amo.glob("PM*.json"))]
    organes = []
    for path in sorted(amo.glob("PO*.json")):
        record = an_organe_record(read(path))
        if record["kind"] == "GOUVERNEMENT":
            record["name"] = f"Gouvernement {read(path)['organe'].get('libelleAbrege') or ''}".strip()
        organes.append(record)
    actors = [an_acteur_record(read(p)) for p in sorted(amo.glob("PA*.json"))]
    actors = [{**a, "name": f"{a['prenom']} {a['nom']}"} for a in actors]
    extra_path = directory / "mandates_extra.json"
    if extra_path.exists():
        extra = read(extra_path)
        mandates += extra.get("mandates", [])
        organes += extra.get("organes", [])
        actors += [{**a, "kind": "person"} for a in extra.get("actors", [])]
    return mandates, organes, actors
