"""The core commands of `veille`: init, crawl, import, add, serve, sources."""

from __future__ import annotations

import json
from pathlib import Path

import click

from nlp.topic import TopicMatcher
from pipelines import db as database
from pipelines import labels
from pipelines.cli_french import DAY, VeilleError, config_of, progress
from pipelines.config import load_config
from pipelines.labels import plural


@click.command()
@click.option("--force", is_flag=True, help="Remplacer un veille.toml existant.")
def init(force):
    """Écrire dans le dossier courant un veille.toml commenté (sujet suivi, sources avec
    leurs URL de production, stockage dans ./data), à adapter avant la première collecte.

    Exemple : mkdir veille && cd veille && veille init && veille crawl
    """
    from pipelines.config import CONFIG_NAME
    from pipelines.resources import default_config_text

    target = Path.cwd() / CONFIG_NAME
    if target.exists() and not force:
        raise VeilleError(f"{target} existe déjà (--force pour le remplacer)")
    target.write_text(default_config_text(), encoding="utf-8")
    click.echo(f"Configuration écrite : {target}")
    config = load_config(target)
    config.database.parent.mkdir(parents=True, exist_ok=True)
    database.open_db(config.database).close()
    click.echo(f"Base créée : {config.database}")


@click.command()
@click.option("--replay", "replay", default=None, metavar="URL",
              help="Lire un enregistrement des sources au lieu du web : URL du serveur qui le sert "
                   "(les URL de production y sont redirigées).")
@click.option("--spider", "spiders", multiple=True, help="Limiter à une araignée (répétable).")
@click.option("--source", "sources", multiple=True, help="Limiter à une source (répétable).")
@click.option("--timeout", type=float, default=None, help="Délai maximal par requête, en secondes.")
@click.pass_context
def crawl(ctx, replay, spiders, sources, timeout):
    """Collecter toutes les sources activées, filtrer sur le sujet et enregistrer.

    Le code de sortie vaut 1 si une source a échoué (les autres sont quand même collectées).

    Exemple : veille crawl --replay http://127.0.0.1:8765
    """
    from pipelines.crawl import run_crawl

    from pipelines.nightly import EXIT_LOCKED, LockBusy

    config = config_of(ctx)
    wanted = [s for s in config.sources if s.enabled and (not sources or s.name in sources)]
    progress(f"Collecte de {plural(len(wanted), 'source', 'sources')}… (le résumé suit à la fin)")
    try:
        run = run_crawl(config, replay or "", list(spiders), list(sources), timeout)
    except LockBusy as exc:
        raise VeilleError(str(exc), EXIT_LOCKED) from None
    except ValueError as exc:
        raise VeilleError(str(exc)) from None
    _print_run(config, run)
    ctx.exit(1 if run["status"] != "ok" else 0)


def run_summary(run: dict) -> str:
    """« Collecte … : 37 éléments lus, 37 sur le sujet, 1 nouveau, 2 modifiés, 1 inchangé (3.2 s). »"""
    return (f"Collecte {run['id']} : {plural(run['items_seen'], 'élément lu', 'éléments lus')}, "
            f"{run['relevant']} sur le sujet, {plural(run['inserted'], 'nouveau', 'nouveaux')}, "
            f"{plural(run['updated'], 'modifié', 'modifiés')}, {plural(run['unchanged'], 'inchangé', 'inchangés')} "
            f"({run['duration_s']:.1f} s).")


def _print_run(config, run: dict) -> None:
    db = database.open_db(config.database)
    click.echo(run_summary(run))
    for row in db.query("SELECT source, status, error FROM run_sources WHERE run_id = ? AND status != 'ok' ORDER BY source", [run["id"]]):
        label = "ÉCHEC" if row["status"] == "failed" else "avertissement"
        click.echo(f"  {label} {row['source']} : {row['error']}", err=True)
    for error in json.loads(run.get("errors") or "[]"):
        click.echo(f"  ÉCHEC {error}", err=True)
    click.echo(f"Base : {config.database}")


@click.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True), metavar="FICHIERS...")
@click.pass_context
def import_(ctx, files):
    """Rejouer des fichiers JSONL bruts (data/raw/<collecte>/*.jsonl) à travers le même
    filtrage et le même enregistrement que la collecte ; sans doublon.

    Exemple : veille import data/raw/20260216T060000Z/*.jsonl
    """
    from pipelines.importer import import_files

    config = config_of(ctx)
    progress(f"Lecture de {plural(len(files), 'fichier', 'fichiers')}…")
    run = import_files(config, [Path(f) for f in files])
    _print_run(config, run)
    ctx.exit(1 if run["status"] != "ok" else 0)


@click.command()
@click.argument("location", metavar="FICHIER_OU_URL")
@click.option("--title", help="Titre (défaut : titre du document, objet du courriel ou première ligne).")
@click.option("--published", type=DAY,
              help="Date de publication, AAAA-MM-JJ ou JJ/MM/AAAA (défaut : date du courriel, sinon maintenant).")
@click.option("--source", default="ajout-manuel", show_default=True, help="Nom de la source.")
@click.option("--kind", default="communique", show_default=True, help="Type de document.")
@click.option("--url", help="URL publique du document, si elle existe.")
@click.pass_context
def add(ctx, location, title, published, source, kind, url):
    """Ajouter à la main un document (texte, HTML, PDF ou courriel .eml ; fichier ou URL),
    par exemple un communiqué reçu par courriel. Il est enregistré même s'il ne cite pas le
    sujet. D'un courriel, on garde l'objet (titre), la date d'envoi et le texte décodé, ou le
    PDF joint quand le message n'est qu'un mot d'accompagnement ; jamais les adresses.
    Lancer ensuite « veille tag » pour les acteurs et les engagements.

    Exemple : veille add communique.eml --source ars-idf
    """
    from spiders.add import AddError, build_document, fetch
    from pipelines.store import store_document

    config = config_of(ctx)
    if url and not url.startswith(("http://", "https://")):
        raise VeilleError(f"--url : adresse http(s) attendue, pas « {url[:80]} »")
    try:
        body, content_type, found_url = fetch(location, config.user_agent, config.download_timeout)
        doc = build_document(location, body, content_type, url or found_url, title=title,
                             published=published.isoformat() if published else None, source=source, kind=kind)
    except AddError as exc:
        raise VeilleError(str(exc), 1) from None
    db = database.open_db(config.database)
    matcher = TopicMatcher.from_topic(config.topic)
    action = store_document(db, matcher, doc, keep_irrelevant=True)
    mentions = list(db.query("SELECT matched, start, [end], rule FROM mentions WHERE document_id = ? ORDER BY start", [doc.id]))
    verb = {"insert": "ajouté", "update": "mis à jour", "noop": "déjà présent, inchangé"}[action]
    stored = db["documents"].get(doc.id)
    click.echo(f"Document {doc.id} {verb} : « {stored['title']} »")
    if doc.extra.get("email"):
        click.echo(f"  courriel du {labels.french_datetime(stored['published'])} ; lu : {doc.extra['email']}")
    strong = [m for m in mentions if not m["rule"].startswith("weak:")]
    if not strong:
        click.echo("Attention : aucune mention du sujet dans ce document.", err=True)
    else:
        names = sorted({m["matched"] for m in strong})
        click.echo(f"  {plural(len(strong), 'mention', 'mentions')} du sujet : {', '.join(f'« {n} »' for n in names)}")
    if action != "noop":
        click.echo("Étape suivante : veille tag (acteurs, rôles et engagements de ce document).")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.pass_context
def serve(ctx, host, port):
    """Publier la base avec Datasette (configuration du dossier datasette/).

    Exemple : veille serve --port 8001
    """
    from pipelines.serve import serve as run_datasette

    config = config_of(ctx)
    database.open_db(config.database, create=False).close()
    click.echo(f"Datasette : http://{host}:{port}/")
    run_datasette(config.database, host, port)


@click.command()
@click.pass_context
def sources(ctx):
    """Afficher l'état des sources : dernier passage, éléments, échecs consécutifs.

    Exemple : veille sources
    """
    config = config_of(ctx)
    db = database.open_db(config.database)
    database.sync_sources(db, config.sources)
    rows = list(db.query("SELECT * FROM sources ORDER BY consecutive_failures DESC, name"))
    options = {s.name: s.options for s in config.sources}
    click.echo(f"{'source':28} {'état':13} {'éléments':>8} {'échecs':>6}  {'dernière réussite (Paris)':27}  erreur")
    for r in rows:
        state = "inactive" if not r["enabled"] else labels.label_of(labels.SOURCE_STATUS_LABELS, r["last_status"]) or "jamais"
        success = labels.french_datetime(r["last_success"]) if r["last_success"] else "-"
        note = r["last_error"] or labels.source_verification_label(options.get(r["name"], {}))
        click.echo(f"{r['name'][:28]:28} {state:13} {r['last_items'] or 0:>8} {r['consecutive_failures'] or 0:>6}  "
                   f"{success:27}  {note}")
