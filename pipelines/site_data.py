"""How the site's pages get their data: the one database the site serves (named
`DATABASE_NAME` whatever its file is called), the named queries of `metadata.yml` run on it,
and the check that the visitor may see the site. Never imports the store (`pipelines.db`)."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

from pipelines.queries import DATABASE_NAME, bind
from spiders.dates import PARIS

REMEMBERED_MAX = 64  # results of heavy named queries kept, until the database changes
_REMEMBERED: dict[tuple, tuple[tuple, list[dict[str, Any]]]] = {}


def site_database(datasette):
    """The database the site serves, or None before `veille serve` has given it one."""
    return datasette.databases.get(DATABASE_NAME)


async def table_names(db) -> set[str]:
    """The tables and views of a Datasette database (what a query's `requires` may name)."""
    return set(await db.table_names()) | set(await db.view_names())


async def named_rows(db, name: str, tables: set[str] | None = None, **params: Any) -> list[dict[str, Any]]:
    """The rows of the named query `name` (its fallback while a required table is missing),
    run on a Datasette database; parameters not given are passed as ""."""
    sql, values = bind(name, tables if tables is not None else await table_names(db), params)
    return [dict(r) for r in (await db.execute(sql, values)).rows]


def today_key() -> tuple[str, str]:
    """Today as the queries' default bounds read it: SQLite's UTC day (date('now')) and the
    Paris day (veille_jour('now')); a remembered result is for one such pair."""
    now = datetime.now(timezone.utc)
    return now.date().isoformat(), now.astimezone(PARIS).date().isoformat()


def database_version(path: str | None) -> tuple | None:
    """Something that changes whenever a transaction commits to the database file: its
    header's change counter, size and time, and, in WAL mode, the WAL's size and time and the
    WAL index header (its change counter and last frame). Not the index file's own time:
    readers write to it (their read marks) without anything being committed. None for a
    database without a file."""
    if not path:
        return None
    try:
        with open(path, "rb") as main:
            header = main.read(100)
        stat = os.stat(path)
    except OSError:
        return None
    parts: list[Any] = [header[24:28], stat.st_size, stat.st_mtime_ns]
    try:
        stat = os.stat(path + "-wal")
        parts += [stat.st_size, stat.st_mtime_ns]
    except OSError:
        parts.append(None)
    try:
        with open(path + "-shm", "rb") as shm:
            parts.append(shm.read(48))
    except OSError:
        pass
    return tuple(parts)


async def remembered_rows(db, name: str, tables: set[str] | None = None, **params: Any) -> list[dict[str, Any]]:
    """`named_rows`, remembered until the database changes (a write run) or the day changes
    (the queries' default bounds are today's): for the heavy queries every visit of a page
    asks the same (the home chart and counts, the actors' list)."""
    version = database_version(getattr(db, "path", None))
    if version is None:
        return await named_rows(db, name, tables, **params)
    key = (db.path, name, tuple(sorted((k, str(v)) for k, v in params.items())), today_key())
    found = _REMEMBERED.get(key)
    if found is not None and found[0] == version:
        return [dict(r) for r in found[1]]
    rows = await named_rows(db, name, tables, **params)
    if len(_REMEMBERED) >= REMEMBERED_MAX:
        _REMEMBERED.pop(next(iter(_REMEMBERED)))
    _REMEMBERED[key] = (version, [dict(r) for r in rows])
    return rows


async def check_view(datasette, request) -> None:
    """Refuse a reading page to a visitor who may not see the site (login required)."""
    from datasette.utils.asgi import Forbidden

    if not await datasette.permission_allowed(request.actor, "view-instance", default=True):
        raise Forbidden("Connexion requise")
