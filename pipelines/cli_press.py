"""Press commands: stories (syndicated copies), versions of an article, archive check."""

from __future__ import annotations

import click

from pipelines import db as database
from pipelines.cli_french import VeilleError, progress
from pipelines.config import load_config
from pipelines.labels import plural


def _db():
    return database.open_db(load_config().database)


@click.command()
@click.argument("document_id", metavar="IDENTIFIANT")
@click.option("--old", type=int, default=None, metavar="N", help="Version de départ (défaut : l'avant-dernière).")
@click.option("--new", type=int, default=None, metavar="N", help="Version d'arrivée (défaut : la dernière).")
def diff(document_id, old, new):
    """Montrer ce qui a changé entre deux versions archivées d'un article (titre et texte).

    Exemple : veille diff press-1ce0572bcb99a7bf
    """
    from pipelines.archive import version_diff

    db = _db()
    versions = list(db.query("SELECT version, fetched, source, access, final_url FROM document_versions"
                             " WHERE document_id = ? ORDER BY version", [document_id]))
    if not versions:
        raise VeilleError(f"{document_id} : aucune version archivée (identifiant inconnu ?)", 1)
    for v in versions:
        click.echo(f"version {v['version']} : {v['fetched']} ({v['source']}, accès {v['access']}) {v['final_url']}")
    if len(versions) < 2:
        click.echo("Une seule version : rien à comparer.")
        return
    click.echo(version_diff(db, document_id, old, new) or "Versions identiques.")


@click.command()
@click.option("--regroup/--no-regroup", default=True, show_default=True,
              help="Recalculer les regroupements avant d'afficher.")
def stories(regroup):
    """Lister les sujets repris par plusieurs titres (dépêche reprise) : l'article le plus
    ancien en tête, puis ses reprises.

    Exemple : veille stories
    """
    from pipelines.stories import group_stories

    db = _db()
    if regroup:
        progress("Regroupement des reprises…")
        group_stories(db)
    rows = list(db.query("SELECT * FROM stories ORDER BY published DESC"))
    if not rows:
        click.echo("Aucune reprise détectée.")
    for story in rows:
        click.echo(f"« {story['title']} » : {plural(story['members'], 'article', 'articles')} ({story['id']})")
        for m in db.query("SELECT m.role, m.similarity, d.publisher, d.published, d.url FROM story_members m"
                          " JOIN documents d ON d.id = m.document_id WHERE m.story_id = ?"
                          " ORDER BY m.role = 'pickup', d.published", [story["id"]]):
            role = "en tête" if m["role"] == "lead" else f"reprise ({m['similarity']:.0%})"
            click.echo(f"  {role:16} {(m['published'] or '')[:16]}  {m['publisher']}  {m['url']}")


@click.command()
@click.pass_context
def archive(ctx):
    """Vérifier que chaque article enregistré a une copie archivée de la page dont
    l'empreinte SHA-256 correspond ; code de sortie 1 sinon.

    Exemple : veille archive
    """
    from pipelines.archive import verify_archives

    db = _db()
    progress("Vérification des copies archivées…")
    checked, problems = verify_archives(db)
    stats = next(db.query("SELECT count(*) n, coalesce(sum(size), 0) size, coalesce(sum(compressed_size), 0) packed FROM archives"))
    click.echo(f"{plural(checked, 'document vérifié', 'documents vérifiés')}, "
               f"{plural(stats['n'], 'réponse archivée', 'réponses archivées')} "
               f"({stats['size'] / 1e6:.1f} Mo, {stats['packed'] / 1e6:.1f} Mo compressés).")
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    ctx.exit(1 if problems else 0)
