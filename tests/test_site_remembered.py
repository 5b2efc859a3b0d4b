"""What the site remembers between visits (issue 17: staff pages at 200k documents) is
forgotten as soon as the database changes: the home page's counts and chart, the facet and
row counts of the documents page, a search's matches and the feeds show a document written
after the first visit (in-process Datasette, fixture database, a write through the store)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from datasette_helpers import build_database, fetch


@pytest.fixture
def site(config):
    from pipelines.serve import make_datasette

    build_database(config)
    return make_datasette(config.database)


def _store_one(config, n: int) -> None:
    from nlp.topic import TopicMatcher
    from pipelines import db as database
    from pipelines.store import store_document
    from spiders.items import Document

    db = database.open_db(config.database)
    store_document(db, TopicMatcher.from_topic(config.topic), Document(
        source="lacroix", url=f"https://www.la-croix.com/secpa-{n}", title=f"Les SEC-Pa et la zèbritude {n}",
        summary="Les SEC-Pa, structures d'exercice coordonné participatives, attendent leur financement.",
        published=datetime(2026, 2, 19, 9, n, tzinfo=timezone.utc)))
    db.close()


def _home_documents(html: str) -> int:
    return int(re.search(r"<strong>(\d+)</strong> documents", html).group(1))


def test_a_write_shows_on_every_remembered_page(site, config):
    home = fetch(site, "/").text
    table = fetch(site, "/veille/documents?_q=secpa").text
    assert "zèbritude 1" not in fetch(site, "/veille/documents?_q=z%C3%A8britude").text
    feed = fetch(site, "/veille/flux_mentions.atom").text
    assert fetch(site, "/").text == home  # remembered: the same page
    _store_one(config, 1)
    assert _home_documents(fetch(site, "/").text) == _home_documents(home) + 1
    after = fetch(site, "/veille/documents?_q=secpa").text
    assert re.search(r"(\d+) documents", after).group(1) == str(int(re.search(r"(\d+) documents", table).group(1)) + 1)
    assert "zèbritude 1" in fetch(site, "/veille/documents?_q=z%C3%A8britude").text
    assert "zèbritude 1" in fetch(site, "/veille/flux_mentions.atom").text and "zèbritude" not in feed
    _store_one(config, 2)  # and again: each write is seen
    assert _home_documents(fetch(site, "/").text) == _home_documents(home) + 2


def test_the_database_version_changes_with_each_commit(config):
    from pipelines.site_data import database_version

    build_database(config)
    before = database_version(str(config.database))
    assert before is not None and database_version(str(config.database)) == before
    _store_one(config, 3)
    assert database_version(str(config.database)) != before
    assert database_version(None) is None and database_version(str(config.database) + ".absent") is None
