"""CLI commands of the commitments ledger: `veille ledger` (rebuild and list the promises)
and `veille curation` (the staff's decisions: their log, what they suggest for the rules)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from pipelines.cli_french import DAY, VeilleError, progress
from pipelines.labels import plural


def _database(db_path: str | None) -> Path:
    from pipelines.config import load_config

    return Path(db_path or load_config().database)


def _fail(message: str) -> NoReturn:
    raise VeilleError(message, 1)


@click.command()
@click.option("--date", "as_of", type=DAY,
              help="Date de référence, AAAA-MM-JJ ou JJ/MM/AAAA (défaut : aujourd'hui, heure de Paris).")
@click.option("--statut", "status", help="N'afficher qu'un statut (par ex. « en retard »).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Base SQLite (défaut : celle de veille.toml).")
def ledger(as_of: date | None, status: str | None, db_path: str | None) -> None:
    """Reconstruire le registre des engagements et l'afficher : une ligne par promesse, avec
    son acteur, son objet, son échéance, son statut et sa raison, et le nombre de sources.

    Les décisions de l'équipe (fichier curation.db à côté de la base) sont réappliquées.
    « veille tag » le reconstruit aussi à chaque passage.

    Exemple : veille ledger --statut "en retard"
    """
    from pipelines import db as store
    from pipelines import ledger as book
    from pipelines.curation import CurationUnavailable
    from pipelines.labels import THREAD_STATUS_LABELS, french_amount

    today = as_of
    wanted = None
    if status:
        wanted = next((code for code, label in THREAD_STATUS_LABELS.items() if status in (code, label)), None)
        if wanted is None:
            raise VeilleError(f"--statut : statut inconnu « {status} » (possibles : "
                              f"{', '.join(THREAD_STATUS_LABELS.values())})")
    db = store.open_db(_database(db_path))
    progress("Reconstruction du registre…")
    try:
        counts = book.rebuild(db, today=today)
    except CurationUnavailable as exc:
        _fail(f"registre non reconstruit : {exc}")
    rows = list(db.query("SELECT * FROM commitment_threads ORDER BY first_seen, id"))
    shown = [r for r in rows if wanted is None or r["status"] == wanted]
    click.echo(f"Registre : {plural(counts['threads'], 'engagement', 'engagements')} pour "
               f"{plural(counts['statements'], 'déclaration', 'déclarations')}.")
    for r in shown:
        when = book.deadline_text(r["deadline"], r["deadline_precision"])
        amount = french_amount(r["amount_eur"])
        details = " · ".join(x for x in (amount, f"échéance {when}" if when else "",
                                          plural(r["sources"], "source", "sources")) if x)
        click.echo(f"[{THREAD_STATUS_LABELS.get(r['status'], r['status'])}] {r['actor_name'] or 'acteur non identifié'}"
                   f" — {r['object']} ({details}) {r['id']}")
        click.echo(f"    {r['status_reason']}")


@click.group()
def curation() -> None:
    """Les décisions de l'équipe sur le registre des engagements : leur journal, et ce
    qu'elles suggèrent pour les règles.

    Exemple : veille curation suggest --devset nouvelles-phrases.jsonl
    """


@curation.command("log")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Base SQLite (défaut : celle de veille.toml).")
def curation_log(db_path: str | None) -> None:
    """Afficher le journal des décisions : qui, quand, quoi, avant, après.

    Exemple : veille curation log
    """
    from pipelines.curation import CurationUnavailable, curation_path, read_curations
    from pipelines.labels import CURATION_ACTION_LABELS

    path = curation_path(_database(db_path))
    try:
        rows = read_curations(path)
    except CurationUnavailable as exc:
        _fail(str(exc))
    if not rows:
        click.echo(f"Aucune décision enregistrée ({path}).")
    for r in rows:
        change = f"{r['before'] or '∅'} → {r['value'] or '∅'}" if r["field"] or r["before"] else (r["value"] or "")
        click.echo(f"n° {r['id']} {r['created']} {r['author']} : {CURATION_ACTION_LABELS.get(r['action'], r['action'])}"
                   f" {r['target']}{' ' + r['field'] if r['field'] else ''} {change}{' — ' + r['note'] if r['note'] else ''}")


@curation.command("suggest")
@click.option("--devset", "devset", type=click.Path(dir_okay=False),
              help="Écrire les phrases écartées ou corrigées au format du jeu de développement (JSONL).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Base SQLite (défaut : celle de veille.toml).")
def curation_suggest(devset: str | None, db_path: str | None) -> None:
    """Lister ce que les décisions de l'équipe suggèrent pour les règles : les phrases
    écartées (« ce n'est pas un engagement ») et les documents hors sujet, candidats aux
    exclusions ; avec --devset, les phrases écartées ou corrigées au format du jeu annoté.

    Exemple : veille curation suggest --devset nouvelles-phrases.jsonl
    """
    from pipelines import db as store
    from pipelines.curation import CurationUnavailable, curation_path, suggestions

    database = _database(db_path)
    db = store.open_db(database)
    try:
        found = suggestions(db, curation_path(database))
    except CurationUnavailable as exc:
        _fail(str(exc))
    click.echo(f"Phrases écartées ({len(found['rejected'])}) :")
    for r in found["rejected"]:
        click.echo(f"  {r['document_id']} : « {r['text']} »{' — ' + r['note'] if r.get('note') else ''}")
    click.echo(f"Documents hors sujet ({len(found['documents'])}) :")
    for d in found["documents"]:
        click.echo(f"  {d['id']} : {d['title']}")
    if devset:
        Path(devset).write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in found["devset"]),
                                encoding="utf-8")
        click.echo(f"{plural(len(found['devset']), 'phrase écrite', 'phrases écrites')} dans {devset}.")
