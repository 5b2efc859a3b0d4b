"""Counts and slow reads remembered until the database changes: the facet counts and the row
counts of the table pages, which Datasette runs again at each visit (for the documents page,
four column facets and two counts over up to 200 000 rows, some 150 ms at each visit), and any
read that took more than SLOW_MS (the page of a search matching most documents). They are
kept per SQL, parameters and day, for as long as the database's version
(`site_data.database_version`: any committed write changes it) stays the same.

A count or facet cut by its time limit marks its page incomplete (never kept whole, see
`site_pages`) and goes on in the background, with the site's SQL time limit, so that the
next visit finds it counted (a visit meanwhile waits for it rather than counting again), cut
only after FINISH_LIMIT_MS."""

from __future__ import annotations

import asyncio
import json
import re
import time

from datasette import hookimpl
from datasette.database import QueryInterrupted, Results
from datasette.utils import sqlite_timelimit

from pipelines.site_data import database_version, site_database, today_key
from pipelines.site_pages import mark_incomplete

REMEMBERED_MAX = 256
SLOW_MS = 50
KEY_MAX = 4000  # a query carrying a long list of rowids is not kept
ROWS_MAX = 200  # rows of a remembered result, at most
FINISH_LIMIT_MS = 60_000  # a count finished in the background, cut after a minute all the same
_COUNTING = re.compile(
    r"\s*select\s+(?:\S+\s+as\s+value,\s+count\(\*\)\s+as\s+count\s+from|count\(\*\)\s+from"
    r"|p\.value,\s+max\(p\.label\)\s+as\s+label,\s+count\(distinct\s+p\.document_id\)\s+as\s+count)",
    re.IGNORECASE)


def counting(sql: str) -> bool:
    """True for the SQL of a count or a facet (the queries kept)."""
    return bool(_COUNTING.match(sql))


def remember_counts(db) -> None:
    """Make the counting queries and the slow reads of `db` (a Datasette database with a
    file) remembered."""
    if not getattr(db, "path", None) or getattr(db, "_veille_counts", None) is not None:
        return
    original = db.execute
    memory: dict[str, tuple] = {}
    finishing: dict[str, asyncio.Task] = {}
    db._veille_counts = memory

    def keep(key: str, version, sql: str, results, slow: bool) -> None:
        if (version is not None and (slow or counting(sql)) and len(key) <= KEY_MAX
                and len(results.rows) <= ROWS_MAX):
            if len(memory) >= REMEMBERED_MAX:
                memory.pop(next(iter(memory)))
            memory[key] = (version, results)

    async def finish(key: str, version, sql, params):
        def counted(conn):
            with sqlite_timelimit(conn, FINISH_LIMIT_MS):
                cursor = conn.execute(sql, params if params is not None else {})
                return Results(cursor.fetchall(), False, cursor.description)
        try:
            keep(key, version, sql, await db.execute_fn(counted), True)
        except Exception:  # still too long, or the database went away: the next visit tries again
            pass
        finally:
            finishing.pop(key, None)

    async def execute(sql, params=None, *args, **kwargs):
        if sql.lstrip()[:6].lower() != "select":
            return await original(sql, params, *args, **kwargs)
        key = json.dumps([sql, params, args, sorted(kwargs.items()), today_key()], default=str)
        version = database_version(db.path)
        if key in finishing:
            await asyncio.shield(finishing[key])
        found = memory.get(key)
        if found is not None and found[0] == version:
            return found[1]
        started = time.perf_counter()
        try:
            results = await original(sql, params, *args, **kwargs)
        except QueryInterrupted:
            mark_incomplete()
            if version is not None and counting(sql) and len(key) <= KEY_MAX and key not in finishing:
                finishing[key] = asyncio.ensure_future(finish(key, version, sql, params))
            raise
        keep(key, version, sql, results, time.perf_counter() - started > SLOW_MS / 1000)
        return results

    db.execute = execute


@hookimpl
def startup(datasette):
    """Remember the counts and slow reads of the database the site serves."""
    db = site_database(datasette)
    if db is not None:
        remember_counts(db)
