"""`veille serve`: publish the database with Datasette, configured from `datasette/`."""

from __future__ import annotations

from pathlib import Path

DATASETTE_DIR = Path(__file__).resolve().parent.parent / "datasette"


def datasette_args(database: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """Command-line arguments of `datasette serve` for this project's configuration."""
    args = [str(database), "--host", host, "--port", str(port)]
    metadata = DATASETTE_DIR / "metadata.yml"
    if metadata.exists():
        args += ["--metadata", str(metadata)]
    for option, folder in (("--template-dir", "templates"), ("--plugins-dir", "plugins")):
        path = DATASETTE_DIR / folder
        if path.is_dir() and any(p.name != ".gitkeep" for p in path.iterdir()):
            args += [option, str(path)]
    if (DATASETTE_DIR / "static").is_dir():
        args += ["--static", f"static:{DATASETTE_DIR / 'static'}"]
    args += ["--setting", "suggest_facets", "off", "--setting", "sql_time_limit_ms", "2000",
             "--setting", "default_page_size", "50"]
    return args


def serve(database: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette in the foreground until interrupted."""
    from datasette.cli import cli as datasette_cli

    datasette_cli.main(["serve", *datasette_args(database, host, port)], standalone_mode=True)
