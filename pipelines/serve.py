"""`veille serve`: publish the database with Datasette, configured from `datasette/`.

The site is read-only: Datasette opens the file in read-only mode, the canned queries never
write and SQL is cut after `SQL_TIME_LIMIT_MS`. With VEILLE_SERVE_IMMUTABLE=1 the file is
opened immutable (`-i`: no locking, counts cached), for a snapshot no crawl writes to while
it is served. An optional staff login: put a hash made by
`python -m pipelines.serve --hash-password` in VEILLE_STAFF_PASSWORD_HASH; nothing is then
visible before logging in at /-/connexion. DATASETTE_SECRET keeps logins across restarts.
Feed readers cannot log in: with VEILLE_FEED_TOKEN set (a random secret), the Atom and ICS
feeds, and only them, also open with `?jeton=<secret>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import tempfile
from pathlib import Path

import yaml

from pipelines.resources import site_path

DATASETTE_DIR = site_path()
PASSWORD_ENV = "VEILLE_STAFF_PASSWORD_HASH"
IMMUTABLE_ENV = "VEILLE_SERVE_IMMUTABLE"
FEED_TOKEN_ENV = "VEILLE_FEED_TOKEN"
FEED_TOKEN_PARAM = "jeton"
FEED_QUERIES = {"flux_mentions": "atom", "flux_engagements": "atom", "calendrier_engagements": "ics"}
_FEED_PATH = re.compile(r"/[^/]+/(%s)" % "|".join(rf"{re.escape(q)}\.{e}" for q, e in FEED_QUERIES.items()))
DATABASE_NAME = "veille"
SQL_TIME_LIMIT_MS = 2000
PBKDF2_ITERATIONS = 480_000
SETTINGS = {
    "suggest_facets": "off",
    "sql_time_limit_ms": str(SQL_TIME_LIMIT_MS),
    "facet_time_limit_ms": "500",
    "default_page_size": "50",
    "max_returned_rows": "1000",
    "allow_download": "off",
}


def hash_password(password: str, salt: str | None = None, iterations: int = PBKDF2_ITERATIONS) -> str:
    """A salted PBKDF2-SHA256 hash: "pbkdf2_sha256$<iterations>$<salt>$<base64 hash>"."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("utf-8"), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${base64.b64encode(digest).decode('ascii')}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches a hash made by `hash_password` (constant-time)."""
    try:
        algorithm, iterations, salt, _ = stored.strip().split("$", 3)
    except ValueError:
        return False
    if algorithm != "pbkdf2_sha256" or not iterations.isdigit():
        return False
    return hmac.compare_digest(hash_password(password, salt, int(iterations)), stored.strip())


def feed_token_accepted(path: str, supplied: str | None) -> bool:
    """True when `path` is one of the subscribable feeds (/<base>/flux_mentions.atom,
    …/flux_engagements.atom, …/calendrier_engagements.ics) and `supplied` is $VEILLE_FEED_TOKEN."""
    expected = os.environ.get(FEED_TOKEN_ENV, "").strip()
    if not expected or not supplied or not _FEED_PATH.fullmatch(path):
        return False
    return hmac.compare_digest(supplied.encode("utf-8"), expected.encode("utf-8"))


def metadata_path(database: Path) -> Path | None:
    """The metadata file to serve `database` with. The metadata is keyed by database name
    ("veille", from data/veille.db); another file name gets a renamed copy."""
    metadata = DATASETTE_DIR / "metadata.yml"
    if not metadata.exists():
        return None
    name = Path(database).stem
    if name == DATABASE_NAME:
        return metadata
    content = yaml.safe_load(metadata.read_text(encoding="utf-8"))
    databases = content.get("databases") or {}
    if DATABASE_NAME in databases:
        databases[name] = databases.pop(DATABASE_NAME)
    target = Path(tempfile.gettempdir()) / f"veille-metadata-{name}.json"
    target.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return target


def datasette_args(database: Path, host: str = "127.0.0.1", port: int = 8001,
                   immutable: bool | None = None) -> list[str]:
    """Command-line arguments of `datasette serve` for this project's configuration."""
    if immutable is None:
        immutable = os.environ.get(IMMUTABLE_ENV, "") not in ("", "0", "non", "false")
    args = (["-i", str(database)] if immutable else [str(database)]) + ["--host", host, "--port", str(port)]
    metadata = metadata_path(Path(database))
    if metadata:
        args += ["--metadata", str(metadata)]
    for option, folder in (("--template-dir", "templates"), ("--plugins-dir", "plugins")):
        path = DATASETTE_DIR / folder
        if path.is_dir() and any(p.name != ".gitkeep" for p in path.iterdir()):
            args += [option, str(path)]
    if (DATASETTE_DIR / "static").is_dir():
        args += ["--static", f"static:{DATASETTE_DIR / 'static'}"]
    for key, value in SETTINGS.items():
        args += ["--setting", key, value]
    return args


def make_datasette(database: Path, immutable: bool = False):
    """An in-process Datasette configured like `veille serve` (used by tests and scripts)."""
    from datasette.app import Datasette

    metadata = metadata_path(Path(database))
    settings = {k: (int(v) if v.isdigit() else v == "on") for k, v in SETTINGS.items()}
    return Datasette(
        [] if immutable else [str(database)], immutables=[str(database)] if immutable else [],
        metadata=yaml.safe_load(metadata.read_text(encoding="utf-8")) if metadata else None,
        template_dir=str(DATASETTE_DIR / "templates"), plugins_dir=str(DATASETTE_DIR / "plugins"),
        static_mounts=[("static", str(DATASETTE_DIR / "static"))], settings=settings,
    )


def serve(database: Path, host: str = "127.0.0.1", port: int = 8001, immutable: bool | None = None) -> None:
    """Run Datasette in the foreground until interrupted."""
    from datasette.cli import cli as datasette_cli

    if immutable or (immutable is None and os.environ.get(IMMUTABLE_ENV, "") not in ("", "0", "non", "false")):
        _checkpoint(Path(database))
    datasette_cli.main(["serve", *datasette_args(database, host, port, immutable)], standalone_mode=True)


def _checkpoint(database: Path) -> None:
    """Fold the WAL into the main file: an immutable reader never looks at the WAL."""
    import sqlite3

    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _main(argv: list[str]) -> int:
    if argv[:1] == ["--hash-password"]:
        import getpass

        password = argv[1] if len(argv) > 1 else getpass.getpass("Mot de passe de l'équipe : ")
        print(hash_password(password))
        print(f"À placer dans la variable d'environnement {PASSWORD_ENV}.", file=sys.stderr)
        return 0
    print("Usage : python -m pipelines.serve --hash-password [mot de passe]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
