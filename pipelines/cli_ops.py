"""Operations commands: `veille digest` (weekly digest) and `veille nightly` (the night's run)."""

from __future__ import annotations

import sys

import click

from pipelines.cli_french import VeilleError, config_of
from pipelines.config import ConfigError
from pipelines.labels import plural


@click.command()
@click.option("--week", "week", metavar="AAAA-Wnn", help="Semaine ISO (défaut : la dernière semaine complète).")
@click.option("--format", "formats", multiple=True, metavar="FORMAT",
              help="html, md, csv ou json ; répétable ou séparé par des virgules (défaut : [digest] formats).")
@click.option("--out", "out", type=click.Path(file_okay=False), help="Dossier de sortie (défaut : [digest] out_dir).")
@click.option("--send", is_flag=True, help="Envoyer aussi le résumé par courriel ([mail] de veille.toml).")
@click.pass_context
def digest(ctx, week, formats, out, send):
    """Écrire le résumé hebdomadaire (HTML pour le courriel, Markdown, CSV, JSON) et,
    avec --send, l'envoyer par SMTP. Le mot de passe SMTP vient de la variable
    d'environnement VEILLE_SMTP_PASSWORD. Si l'envoi échoue, les fichiers restent écrits.

    Exemple : veille digest --week 2026-W07 --send
    """
    from pathlib import Path

    from pipelines import db as database
    from pipelines.digest import DigestError, build_digest, parse_formats, write_digest
    from pipelines.digest_data import STEPS as GATHER_STEPS
    from pipelines.weeks import WeekError, parse_week

    try:
        config = config_of(ctx)
        settings = config.digest
        the_week = parse_week(week)
        wanted = parse_formats(formats) if formats else list(settings.formats)
    except (DigestError, WeekError, ConfigError) as exc:
        raise VeilleError(str(exc)) from None
    if send and "html" not in wanted:
        wanted.append("html")
    db = database.open_db(config.database, create=False)
    out_dir = Path(out) if out else settings.out_dir
    if sys.stderr.isatty():  # a progress bar for people, nothing in logs
        with click.progressbar(length=len(GATHER_STEPS), label=f"Résumé {the_week.label}", file=sys.stderr,
                               show_eta=False, item_show_func=lambda s: s) as bar:
            data = build_digest(config, the_week, db=db, progress=lambda label: bar.update(1, label))
    else:
        data = build_digest(config, the_week, db=db)
    try:
        paths = write_digest(data, out_dir, wanted)
    except OSError as exc:
        raise VeilleError(f"--out {out_dir} : écriture impossible ({exc.strerror or exc})", 1) from None
    c = data["counts"]
    headline = ("rien de nouveau" if data["empty"] else
                f"{plural(c['documents'], 'document', 'documents')} ({c['press']} presse, {c['parliament']} parlement), "
                f"{plural(c['commitments_new'], 'engagement', 'engagements')}")
    click.echo(f"Résumé {the_week.label} ({data['period']}) : {headline} ; "
               f"{plural(c['sources_ran'], 'source collectée', 'sources collectées')}, {c['sources_failed']} en échec.")
    for fmt, path in paths.items():
        click.echo(f"  {fmt:4} {path}")
    if send:
        from pipelines.digest_send import send_digest

        outcome = send_digest(db, config, data, paths)
        if outcome["status"] != "sent":
            raise VeilleError(outcome["error"], 1)
        click.echo(f"Envoyé à {', '.join(outcome['recipients'])}.")


@click.command()
@click.option("--replay", "replay", default=None, metavar="URL",
              help="Collecter un enregistrement des sources au lieu du web : URL du serveur qui le sert.")
@click.option("--skip", "skip", multiple=True, type=click.Choice(["crawl", "tag", "publish", "alerts", "digest"]),
              help="Sauter une étape (répétable).")
@click.option("--digest/--no-digest", "force_digest", default=None,
              help="Forcer ou empêcher le résumé (défaut : le jour fixé par [digest] weekday).")
@click.option("--no-send", is_flag=True, help="Écrire le résumé sans l'envoyer.")
@click.pass_context
def nightly(ctx, replay, skip, force_digest, no_send):
    """Passage de nuit : collecter toutes les sources actives, étiqueter (acteurs,
    engagements), publier, puis, le jour prévu, écrire et envoyer le résumé de la semaine
    écoulée. Un verrou empêche deux passages simultanés. Code de sortie 1 si une étape a
    échoué ou si une source est en échec depuis [nightly] max_consecutive_failures nuits,
    3 si un autre passage est en cours.

    Exemple : veille nightly --replay http://127.0.0.1:8765 --no-send
    """
    from pipelines.nightly import EXIT_LOCKED, LockBusy, NightlyOptions, run_nightly

    try:
        config = config_of(ctx)
    except ConfigError as exc:
        raise VeilleError(str(exc)) from None
    mode = "auto" if force_digest is None else ("always" if force_digest else "never")
    options = NightlyOptions(replay=replay or "", skip=tuple(skip), digest=mode, send=not no_send)
    try:
        code = run_nightly(config, options, echo=click.echo)
    except LockBusy as exc:
        raise VeilleError(str(exc), EXIT_LOCKED) from None
    ctx.exit(code)
