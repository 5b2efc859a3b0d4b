"""Whole pages remembered until the database changes (issue 17: staff pages at 200k
documents). The site only reads, so a page is a function of its address, the visitor (the
cookies and credentials sent), the site's configuration, the day and the database's version
(`site_data.database_version`, which any committed write changes): a GET answered 200 is kept
and sent again byte for byte while all of these stay the same.

Never kept: an answer that sets a cookie (a login, a CSRF token, a message read), a page
marked incomplete while it was built (a count or facet cut by its time limit, see
`mark_incomplete`: the next visit computes it again), the login and Datasette's own /-/ pages,
the pages where staff decide (/engagement/…), a traced page (?_trace=1), a large answer.
A page being built is built once: a second visitor asking for it meanwhile waits for it.

`veille serve` builds the main pages (`WARM_PAGES`) in the background as soon as it is up, and
again whenever the database changes (a nightly run): the first staff member after a write
finds them ready, with their counts and facets."""

from __future__ import annotations

import asyncio
import contextvars
import os
import re
from typing import Any, Awaitable, Callable

from pipelines.site_data import database_version, today_key

PAGES_MAX = 200
BODY_MAX = 4 * 1024 * 1024
KEPT_BYTES_MAX = 64 * 1024 * 1024  # all the kept pages together
# Datasette's own pages (login, messages, permissions…) and the staff's decision pages are
# never kept; « À propos » is a reading page like the others.
NOT_KEPT = re.compile(r"^/-/(?!a-propos$)|^/engagement/")
# What the pages read from the environment besides the request (the login, the feed token).
ENVIRONMENT = ("VEILLE_STAFF_PASSWORD_HASH", "VEILLE_FEED_TOKEN", "VEILLE_CURATION_DB")
VISITOR_HEADERS = (b"cookie", b"authorization", b"host", b"accept-language")

# The pages staff open first: built when the site starts and after each write.
WARM_PAGES = ("/", "/veille/documents", "/veille/documents?_q=secpa", "/cette-semaine", "/acteurs", "/questions",
              "/sources", "/engagements", "/veille/flux_mentions.atom", "/veille/flux_engagements.atom",
              "/veille/calendrier_engagements.ics")
_INCOMPLETE: contextvars.ContextVar[list | None] = contextvars.ContextVar("veille_page_incomplete", default=None)

App = Callable[[dict, Callable, Callable], Awaitable[None]]


def mark_incomplete() -> None:
    """Note that the page being built lacks something it should show (a count or facet cut
    by its time limit): it is sent as it is, and never kept."""
    flags = _INCOMPLETE.get()
    if flags is not None:
        flags.append(True)


def page_key(scope: dict) -> tuple | None:
    """What a kept page is looked up by, or None when the request's answer is never kept."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return None
    path = scope.get("path") or ""
    query = scope.get("query_string") or b""
    if NOT_KEPT.match(path) or b"_trace=" in query:
        return None
    headers = tuple(sorted((k, v) for k, v in scope.get("headers") or () if k in VISITOR_HEADERS))
    environment = tuple(os.environ.get(name, "") for name in ENVIRONMENT)
    return (scope.get("scheme"), scope.get("root_path", ""), path, query, headers, environment, today_key())


class PageMemory:
    """The kept pages of one site, whose database file is given by `database_path()`
    (None when it has none: nothing is kept)."""

    def __init__(self, database_path: Callable[[], str | None], size: int = PAGES_MAX):
        self.database_path = database_path
        self.size = size
        self.pages: dict[tuple, tuple[Any, int, list, bytes]] = {}
        self.building: dict[tuple, asyncio.Future] = {}
        self.last_host: bytes | None = None  # the Host of the last visitor (pages are built for it)

    def version(self) -> tuple | None:
        """The version of the served database now (None without a file)."""
        return database_version(self.database_path())

    def wrap(self, app: App) -> App:
        """The ASGI app answering kept pages itself and keeping the others it may."""

        async def remembered(scope, receive, send):
            key = page_key(scope)
            version = self.version() if key is not None else None
            if key is None or version is None:
                return await app(scope, receive, send)
            host = dict(scope.get("headers") or ()).get(b"host")
            if host and host != b"localhost":  # a visitor, not the site's own client (warm-up)
                self.last_host = host
            found = self.pages.get(key)
            if (found is None or found[0] != version) and key in self.building:
                await asyncio.shield(self.building[key])
                found = self.pages.get(key)
            if found is not None and found[0] == version:
                _, status, headers, body = found
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            future = asyncio.get_running_loop().create_future()
            self.building[key] = future
            try:
                await self._build(app, scope, receive, send, key, version)
            finally:
                self.building.pop(key, None)
                future.set_result(None)

        return remembered

    async def _build(self, app: App, scope, receive, send, key: tuple, version: tuple) -> None:
        start: dict = {}
        chunks: list[bytes] = []
        size = 0
        flags: list = []
        token = _INCOMPLETE.set(flags)

        async def keeping_send(message):
            nonlocal size
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and size <= BODY_MAX:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
            await send(message)

        try:
            await app(scope, receive, keeping_send)
        finally:
            _INCOMPLETE.reset(token)
        headers = list(start.get("headers") or [])
        self.pages.pop(key, None)
        if (start.get("status") != 200 or flags or size > BODY_MAX
                or any(name.lower() == b"set-cookie" for name, _ in headers)):
            return
        while self.pages and (len(self.pages) >= self.size
                              or sum(len(p[3]) for p in self.pages.values()) + size > KEPT_BYTES_MAX):
            self.pages.pop(next(iter(self.pages)))
        self.pages[key] = (version, 200, headers, b"".join(chunks))
