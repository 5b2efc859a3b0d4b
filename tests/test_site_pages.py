"""Whole pages kept until the database changes (issue 17, `pipelines.site_pages`): a page
visited again is the same page without a query run; a write, another visitor, a login being
configured or an incomplete page are never answered from the kept pages; `veille serve`'s
site builds its main pages before its first answer (in-process Datasette on the fixture
database, writes through the store)."""

from __future__ import annotations

import asyncio

import pytest

from datasette_helpers import build_database, fetch


@pytest.fixture
def site(config):
    from pipelines.serve import make_datasette

    build_database(config)
    return make_datasette(config.database)


def _counting_queries(site) -> list[str]:
    """Every SQL the site's database runs from now on."""
    from pipelines.site_data import site_database

    db = site_database(site)
    seen: list[str] = []
    original = db.execute

    async def execute(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return await original(sql, params, *args, **kwargs)

    db.execute = execute
    return seen


def test_a_page_visited_again_runs_no_query_until_a_write(site, config):
    from test_site_remembered import _store_one

    fetch(site, "/sources")  # the first read of the WAL database rewrites its index (its version)
    first = fetch(site, "/veille/documents?_q=secpa")
    seen = _counting_queries(site)
    again = fetch(site, "/veille/documents?_q=secpa")
    assert again.status_code == 200 and again.text == first.text and seen == []
    fetch(site, "/veille/documents?_q=secpa", headers={"host": "autre.example"})
    assert seen, "another Host (the pages' absolute links) is another page"
    seen.clear()
    _store_one(config, 7)
    after = fetch(site, "/veille/documents?_q=secpa")
    assert seen and "zèbritude 7" in after.text and after.text != first.text


def test_a_login_configured_meanwhile_is_never_bypassed(site, monkeypatch):
    from pipelines.serve import hash_password

    assert fetch(site, "/acteurs").status_code == fetch(site, "/acteurs").status_code == 200
    monkeypatch.setenv("VEILLE_STAFF_PASSWORD_HASH", hash_password("secret", iterations=1000))
    refused = fetch(site, "/acteurs", follow_redirects=False)
    assert refused.status_code == 302 and "/-/connexion" in refused.headers["location"]


def test_pages_that_set_a_cookie_or_are_incomplete_are_not_kept():
    from pipelines.site_pages import PageMemory, mark_incomplete

    calls = []

    async def app(scope, receive, send):
        calls.append(scope["path"])
        headers = [(b"content-type", b"text/html")]
        if scope["path"] == "/cookie":
            headers.append((b"set-cookie", b"ds_csrftoken=x"))
        if scope["path"] == "/incomplete":
            mark_incomplete()
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    def database_path():
        return __file__  # any file: its version does not change during the test

    wrapped = PageMemory(database_path).wrap(app)

    async def get(path: str) -> bytes:
        sent: list[dict] = []

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": [(b"host", b"h")]}
        await wrapped(scope, None, send)
        return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")

    for path in ("/kept", "/cookie", "/incomplete", "/-/connexion"):
        assert asyncio.run(get(path)) == asyncio.run(get(path)) == path.encode()
    assert calls == ["/kept", "/cookie", "/cookie", "/incomplete", "/incomplete", "/-/connexion", "/-/connexion"]


def test_veille_serve_builds_its_main_pages_as_soon_as_it_is_up(site):
    from datasette.plugins import pm

    from pipelines import serve
    from pipelines.site_pages import WARM_PAGES

    (plugin,) = [p for p in pm.get_plugins() if getattr(p, "__name__", "") == "veille_pages.py"]
    memory = plugin.page_memory(site)
    serve._WARM_UP[site] = "127.0.0.1:8001"

    async def started() -> list:
        await site.invoke_startup()
        for _ in range(600):  # the warm-up runs in the background
            if len(memory.pages) >= len(WARM_PAGES):
                break
            await asyncio.sleep(0.1)
        seen = _counting_queries(site)
        for page in ("/", "/veille/documents?_q=secpa", "/acteurs"):
            assert (await site.client.get(page, headers={"host": "127.0.0.1:8001"})).status_code == 200
        return seen

    assert "/veille/documents?_q=secpa" in WARM_PAGES
    assert asyncio.run(started()) == []
