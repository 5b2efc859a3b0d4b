"""The `veille` command: a thin layer over the library functions of `pipelines/`. Each
stage's commands live in their own `cli_<area>.py`; this module is the group and its table."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from pipelines import cli_french

cli_french.install()  # before the commands below are built: Click's words in French

from pipelines import cli_alerts, cli_core, cli_ledger, cli_nlp, cli_ops, cli_parliament, cli_press  # noqa: E402
from pipelines.cli_french import VeilleError  # noqa: E402
from pipelines.config import ConfigError  # noqa: E402


class VeilleGroup(click.Group):
    """Command group that turns configuration errors into one-line messages."""

    def invoke(self, ctx):
        """Run the command; a ConfigError is one « Erreur : » line with exit code 2."""
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise VeilleError(str(exc)) from None


@click.group(cls=VeilleGroup, name="veille")
@click.option("--config", "config", type=click.Path(dir_okay=False), envvar="VEILLE_CONFIG",
              help="Fichier de configuration (défaut : ./veille.toml).")
@click.option("-v", "--verbose", is_flag=True, help="Journal détaillé.")
@click.pass_context
def cli(ctx: click.Context, config: str | None, verbose: bool) -> None:
    """veille : veille presse et parlementaire sur les SEC-Pa.

    Exemple : veille crawl && veille serve
    """
    ctx.ensure_object(dict)
    if config:
        os.environ["VEILLE_CONFIG"] = str(Path(config).resolve())
    ctx.obj["config"] = config
    if verbose:
        os.environ["VEILLE_LOG_LEVEL"] = "INFO"
        logging.getLogger().setLevel(logging.INFO)


COMMANDS = (
    cli_core.init, cli_core.crawl, cli_core.import_, cli_core.add, cli_nlp.tag, cli_nlp.evaluate,
    cli_ops.digest, cli_ops.nightly, cli_press.stories, cli_press.diff, cli_press.archive,
    cli_parliament.who, cli_core.sources, cli_core.serve,
    cli_ledger.ledger, cli_ledger.curation,
    cli_alerts.alertes,
)
for _command in COMMANDS:
    cli.add_command(_command)
cli_french.frenchify(cli)


def main() -> None:
    """Entry point of the `veille` console script."""
    cli(obj={})
