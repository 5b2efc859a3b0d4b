"""`veille serve`: publish the database with Datasette, configured from `datasette/`.

The site is read-only: Datasette opens the file in read-only mode, the canned queries never
write and SQL is cut after `SQL_TIME_LIMIT_MS`. With VEILLE_SERVE_IMMUTABLE=1 the file is
opened immutable (no locking, counts cached), for a snapshot no crawl writes to while
it is served. An optional staff login: put a hash made by
`python -m pipelines.serve --hash-password` in VEILLE_STAFF_PASSWORD_HASH; nothing is then
visible before logging in at /-/connexion. DATASETTE_SECRET keeps logins across restarts.
Whatever the database file is called (VEILLE_DB=/srv/watch.db), the site serves it under
the name `veille`, the one its metadata, templates and links use.
Feed readers cannot log in: with VEILLE_FEED_TOKEN set (a random secret), the Atom and ICS
feeds, and only them, also open with `?jeton=<secret>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

import yaml

from pipelines.queries import DATABASE_NAME
from pipelines.resources import site_path

DATASETTE_DIR = site_path()
PASSWORD_ENV = "VEILLE_STAFF_PASSWORD_HASH"
IMMUTABLE_ENV = "VEILLE_SERVE_IMMUTABLE"
SECRET_ENV = "DATASETTE_SECRET"
FEED_TOKEN_ENV = "VEILLE_FEED_TOKEN"
FEED_TOKEN_PARAM = "jeton"
STAFF_ACTOR = {"id": "equipe", "name": "Équipe"}
FEED_ACTOR = {"id": "lecteur-de-flux", "veille_feed": True}
FEED_QUERIES = {"flux_mentions": "atom", "flux_engagements": "atom", "calendrier_engagements": "ics",
                "calendrier_agenda": "ics"}
# The feeds a reader with the token may open: the named feeds, any search, any actor.
_FEED_PATH = re.compile(r"/[^/]+/(%s)|/[^/]+/documents\.atom|/acteur/[^/]+\.atom"
                        % "|".join(rf"{re.escape(q)}\.{e}" for q, e in FEED_QUERIES.items()))
SQL_TIME_LIMIT_MS = 2000
PBKDF2_ITERATIONS = 480_000
SETTINGS = {
    "suggest_facets": "off",
    "sql_time_limit_ms": str(SQL_TIME_LIMIT_MS),
    # A facet is counted once per database version (the pages and counts are kept): the
    # first visitor of a wide search waits for it rather than seeing it missing.
    "facet_time_limit_ms": str(SQL_TIME_LIMIT_MS),
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


def local_target(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (« /\\evil.test », « //evil.test »,
    « https://… » and control characters fall back to « / »)."""
    target = target or "/"
    if (not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target
            or any(ord(c) < 32 or ord(c) == 127 for c in target)):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


class LoginThrottle:
    """Wrong passwords per client address: after `limit` failures within `window_s`
    seconds, further attempts are refused until the window has passed."""

    def __init__(self, limit: int = 5, window_s: float = 900.0, clock=time.monotonic):
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self.failures: dict[str, list[float]] = {}

    def _recent(self, client: str) -> list[float]:
        now = self.clock()
        recent = [t for t in self.failures.get(client, []) if now - t < self.window_s]
        self.failures[client] = recent
        return recent

    def blocked(self, client: str) -> bool:
        """True while `client` has used up its attempts."""
        return len(self._recent(client)) >= self.limit

    def failed(self, client: str) -> None:
        """Count one wrong password for `client`."""
        self._recent(client).append(self.clock())

    def succeeded(self, client: str) -> None:
        """Forget `client`'s failures."""
        self.failures.pop(client, None)


_THROTTLES: "WeakKeyDictionary[Any, LoginThrottle]" = WeakKeyDictionary()


def throttle_for(site: Any) -> LoginThrottle:
    """The login throttle of one running site (each Datasette instance has its own)."""
    if site not in _THROTTLES:
        _THROTTLES[site] = LoginThrottle()
    return _THROTTLES[site]


def login_enabled() -> bool:
    """True when a staff password hash is configured: nothing is visible before logging in."""
    return bool(os.environ.get(PASSWORD_ENV))


def feed_token_accepted(path: str, supplied: str | None) -> bool:
    """True when `path` is one of the subscribable feeds (/<base>/flux_mentions.atom,
    …/flux_engagements.atom, …/calendrier_engagements.ics, …/calendrier_agenda.ics, a search /<base>/documents.atom,
    an actor /acteur/<id>.atom) and `supplied` is $VEILLE_FEED_TOKEN."""
    expected = os.environ.get(FEED_TOKEN_ENV, "").strip()
    if not expected or not supplied or not _FEED_PATH.fullmatch(path):
        return False
    return hmac.compare_digest(supplied.encode("utf-8"), expected.encode("utf-8"))


_OPEN_SQL: "WeakKeyDictionary[Any, bool]" = WeakKeyDictionary()
_WARM_UP: "WeakKeyDictionary[Any, str]" = WeakKeyDictionary()


def warm_up_host(site: Any) -> str | None:
    """For the site of `veille serve`, the address it listens on ("127.0.0.1:8001"): its main
    pages are built for it as soon as it is up, and after each write (`site_pages`); None for
    a site made by a test."""
    return _WARM_UP.get(site)


def free_sql_allowed(site: Any, actor: dict | None) -> bool:
    """Free SQL (beyond the named queries) is for logged-in staff; without a staff login it
    is open only on a site served to this machine alone (`veille serve` on 127.0.0.1)."""
    if actor and actor.get("id") == STAFF_ACTOR["id"]:
        return True
    return not login_enabled() and _OPEN_SQL.get(site, False)


def make_datasette(database: Path, immutable: bool = False, open_sql: bool = False):
    """The Datasette of `veille serve`, configured from the site package: the database file,
    whatever it is called, is served as `DATABASE_NAME` (the name the metadata, the
    templates and the links use); with `immutable` it is opened immutable; with `open_sql`
    visitors may run free SQL when no staff login is configured (a site for this machine)."""
    from datasette.app import Datasette
    from datasette.database import Database

    metadata = DATASETTE_DIR / "metadata.yml"
    settings = {k: (int(v) if v.isdigit() else v == "on") for k, v in SETTINGS.items()}
    site = Datasette(
        [], metadata=yaml.safe_load(metadata.read_text(encoding="utf-8")),
        template_dir=str(DATASETTE_DIR / "templates"), plugins_dir=str(DATASETTE_DIR / "plugins"),
        static_mounts=[("static", str(DATASETTE_DIR / "static"))], settings=settings,
        secret=os.environ.get(SECRET_ENV) or None,
    )
    site.remove_database("_memory")  # added by Datasette when it is given no file
    site.add_database(Database(site, path=str(database), is_mutable=not immutable), name=DATABASE_NAME)
    _OPEN_SQL[site] = open_sql
    return site


def immutable_requested() -> bool:
    """True when VEILLE_SERVE_IMMUTABLE asks for an immutable snapshot."""
    return os.environ.get(IMMUTABLE_ENV, "") not in ("", "0", "non", "false")


def serve(database: Path, host: str = "127.0.0.1", port: int = 8001, immutable: bool | None = None) -> None:
    """Run the site in the foreground (uvicorn, as `datasette serve` does) until interrupted."""
    import uvicorn

    immutable = immutable_requested() if immutable is None else immutable
    if immutable:
        _checkpoint(Path(database))
    local = host in ("127.0.0.1", "localhost", "::1")
    site = make_datasette(Path(database), immutable=immutable, open_sql=local)
    _WARM_UP[site] = f"{host}:{port}"
    uvicorn.run(site.app(), host=host, port=port, log_level="info", lifespan="on", workers=1)


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
