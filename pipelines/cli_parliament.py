"""CLI command of the parliamentary reference data: `veille who` (registered by cli.py)."""

from __future__ import annotations

from datetime import date

import click

from pipelines.cli_french import DAY, config_of


def _french(day: str | None) -> str:
    return date.fromisoformat(day[:10]).strftime("%d/%m/%Y") if day else "?"


@click.command()
@click.argument("post", metavar="POSTE")
@click.argument("on", metavar="[DATE]", required=False, type=DAY)
@click.pass_context
def who(ctx, post: str, on: date | None) -> None:
    """Dire qui occupait un poste gouvernemental à une date (AAAA-MM-JJ ou JJ/MM/AAAA,
    défaut : aujourd'hui), d'après le référentiel de l'Assemblée nationale (mandats des membres du
    Gouvernement). Le titre est cherché dans les données, jamais écrit en dur ; un député
    « en mission » auprès d'un ministre n'est pas titulaire du poste. Quand le référentiel
    s'arrête avant la date, ou n'a aucun mandat dans le gouvernement de ce jour, la commande
    le dit au lieu de nommer le dernier titulaire connu.

    Exemple : veille who "ministre de la santé" 2026-02-03
    """
    from pipelines import db as database
    from pipelines.parliament import who_answer

    day = (on or date.today()).isoformat()
    config = config_of(ctx)
    references = [s.name for s in config.sources if s.kind == "an_reference"]
    answer = who_answer(database.open_db(config.database), post, day, references)
    if answer.unknown:
        hint = " (référentiel chargé ? `veille crawl --spider an_reference`)" if answer.freshness is None else ""
        click.echo(f"Aucun titulaire connu pour « {post} » le {_french(day)} : {answer.unknown}{hint}.", err=True)
        ctx.exit(1)  # an answer, not an error: no « Erreur : » prefix
    best, *others = answer.holders
    click.echo(f"Le {_french(day)}, {post} : {_line(best)}")
    for row in others:
        click.echo(f"  autre correspondance : {_line(row)}")
    click.echo(f"(référentiel à jour au {_french(answer.freshness)})")


def _line(row: dict) -> str:
    role = row["role_sex"] if row["civ"] == "Mme" and row["role_sex"] else row["role"]
    return (f"{row['actor_name'] or row['actor_id']} — {role}, {row['organe_name'] or row['organe_id']}"
            f" (depuis le {_french(row['start'])}" + (f", jusqu'au {_french(row['end'])})" if row["end"] else ")"))
