"""`veille alertes`: the saved-search alerts by mail (`pipelines.alerts`)."""

from __future__ import annotations

import click

from pipelines.cli_french import PREFIX, VeilleError, config_of


@click.command("alertes")
@click.option("--nom", "name", help="Nom de l'alerte (clé de son historique ; défaut : la recherche).")
@click.option("--requete", "query", help="Recherche, comme sur le site (ex. Rist, « santé communautaire »).")
@click.option("--a", "recipients", multiple=True, metavar="ADRESSE", help="Destinataire (répétable ; défaut : [mail] recipients).")
@click.option("--rythme", "cadence", type=click.Choice(["immediate", "daily"]), default="immediate", show_default=True,
              help="immediate : à chaque passage ; daily : un courriel par jour au plus.")
@click.option("--sans-envoi", "dry", is_flag=True, help="Compter les nouveaux documents sans rien envoyer.")
@click.pass_context
def alertes(ctx, name, query, recipients, cadence, dry):
    """Envoyer les alertes de recherche : les nouveaux documents qui correspondent, une seule
    fois chacun. Le premier passage d'une alerte ne fait que l'enregistrer ; les suivants
    envoient ce qui est arrivé depuis. Sans --requete : les alertes [[alerts]] de la configuration.

    Exemple : veille alertes --nom ministre --requete Rist --a equipe@exemple.fr
    """
    from pipelines import db as database
    from pipelines.alerts import Alert, alerts_of, run_alert

    config = config_of(ctx)
    alerts = ([Alert(name or query, query, tuple(recipients), cadence)] if query else alerts_of(config))
    if not alerts:
        click.echo("Aucune alerte : donner --requete, ou déclarer des [[alerts]] dans la configuration.")
        return
    if not dry and not config.mail.host:
        raise VeilleError("envoi impossible : [mail] host doit être renseigné dans veille.toml")
    db = database.open_db(config.database, create=False)
    failed = False
    for alert in alerts:
        outcome = run_alert(db, config, alert, send=not dry)
        if outcome["status"] == "failed":
            failed = True
            click.echo(f"{PREFIX}alerte « {alert.name} » : {outcome['error']}", err=True)
        else:
            click.echo(outcome["message"] + ".")
    if failed:
        ctx.exit(1)
