"""Whole pages remembered until the database changes (`pipelines.site_pages`): a staff page
visited again, by the same visitor, the same day, before any write, is sent again as it was.
Under `veille serve`, the main pages are built in the background as soon as the site is up, and
again after each write to the database (checked every REFRESH_S seconds)."""

from __future__ import annotations

import asyncio
import time
from weakref import WeakKeyDictionary

from datasette import hookimpl

from pipelines.serve import STAFF_ACTOR, login_enabled, warm_up_host
from pipelines.site_data import site_database
from pipelines.site_pages import WARM_PAGES, PageMemory

REFRESH_S = 20.0
_MEMORIES: "WeakKeyDictionary[object, PageMemory]" = WeakKeyDictionary()
_WARMING: "WeakKeyDictionary[object, bool]" = WeakKeyDictionary()


def page_memory(datasette) -> PageMemory:
    """The kept pages of one site (shared by its HTTP server and its internal client)."""
    if datasette not in _MEMORIES:
        def path():
            db = site_database(datasette)
            return getattr(db, "path", None) if db is not None else None
        _MEMORIES[datasette] = PageMemory(path)
    return _MEMORIES[datasette]


async def warm_up(datasette) -> float:
    """Build the main pages (for the last visitor's Host, else the address `veille serve`
    listens on; as staff when a login is configured); the seconds it took. A page that
    fails is left for its first visitor."""
    started = time.perf_counter()
    memory = page_memory(datasette)
    headers = {}
    host = memory.last_host.decode("latin-1") if memory.last_host else warm_up_host(datasette)
    if host:
        headers["host"] = host
    cookies = {"ds_actor": datasette.sign({"a": STAFF_ACTOR}, "actor")} if login_enabled() else None
    for page in WARM_PAGES:
        try:
            await datasette.client.get(page, headers=headers, cookies=cookies)
        except Exception:  # a page that cannot be built now is built by its first visitor
            pass
    return time.perf_counter() - started


async def keep_warm(datasette) -> None:
    """Build the main pages now, and again whenever the database has changed."""
    memory = page_memory(datasette)
    db = site_database(datasette)
    try:
        if db is not None:  # the first read of a WAL database rewrites its index header (the version)
            await db.execute("select count(*) from sqlite_master")
    except Exception:  # no database yet: its pages are built after the first write
        pass
    built = memory.version()
    await warm_up(datasette)
    while True:
        await asyncio.sleep(REFRESH_S)
        version = memory.version()
        if version is not None and version != built:
            built = version
            await warm_up(datasette)


@hookimpl
def startup(datasette):
    """Under `veille serve`: the main pages built in the background as soon as the site is
    up (a visitor asking for one meanwhile waits for it), then kept ready."""
    if not warm_up_host(datasette) or _WARMING.get(datasette):
        return None
    _WARMING[datasette] = True

    async def inner():
        asyncio.ensure_future(keep_warm(datasette))

    return inner


@hookimpl
def asgi_wrapper(datasette):
    """Answer a kept page without building it again."""
    return page_memory(datasette).wrap
