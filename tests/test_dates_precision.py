"""Dates with their precision, end to end: read as the source gave them, stored in Paris time,
shown without an hour when the source gave none, counted in Paris calendar weeks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from datetime import date, datetime, timezone

import pytest

from conftest import FIXTURES, fixture_response, write_config
from nlp.topic import TopicMatcher
from pipelines.config import load_config
from pipelines.db import open_db
from pipelines.digest_data import _item, Links
from pipelines.labels import french_datetime
from pipelines.migrations import _paris_date
from pipelines.queries import run_query
from pipelines.store import store_document
from pipelines.weeks import Week, week_of
from spiders.add import build_document
from spiders.an_parse import parse_amendment
from spiders.dates import read_date
from spiders.items import Document
from spiders.parl_items import Amendment
from spiders.press_rss import PressRssSpider

TEXT = "Les structures d'exercice coordonné participatives (SEC-Pa) obtiennent un sursis. " * 3


@pytest.mark.parametrize("raw, stored, precision", [
    ("2026-03-03", "2026-03-03T00:00:00+01:00", "day"),
    ("03/03/2026", "2026-03-03T00:00:00+01:00", "day"),
    ("3 mars 2026", "2026-03-03T00:00:00+01:00", "day"),
    ("Le mardi 3 mars 2026", "2026-03-03T00:00:00+01:00", "day"),
    ("mars 2026", "2026-03-01T00:00:00+01:00", "month"),
    ("2026-03", "2026-03-01T00:00:00+01:00", "month"),
    # Le Monde's RFC 822 date: the time and its offset are kept, in Paris time.
    ("Wed, 18 Feb 2026 19:12:00 +0100", "2026-02-18T19:12:00+01:00", "instant"),
    ("Wed, 17 Jun 2026 09:00:00 CEST", "2026-06-17T09:00:00+02:00", "instant"),
    ("2026-02-05T08:00:00Z", "2026-02-05T09:00:00+01:00", "instant"),
    ("Publié le 18 février 2026 à 19h12", "2026-02-18T19:12:00+01:00", "instant"),
    # A CMS that prints a day as midnight in its own zone gives that day.
    ("2026-03-03T00:00:00+00:00", "2026-03-03T00:00:00+01:00", "day"),
    ("Tue, 03 Mar 2026 00:00:00 GMT", "2026-03-03T00:00:00+01:00", "day"),
])
def test_read_date_keeps_the_precision(raw, stored, precision):
    found = read_date(raw)
    assert found is not None and (found.stored(), found.precision) == (stored, precision)


@pytest.mark.parametrize("raw", ["", None, "bientôt", "31 février 2026", "2026-13-01", "Mon, 03 Foo 2026 10:00:00 GMT"])
def test_unreadable_dates(raw):
    assert read_date(raw) is None


def test_document_round_trip_and_old_raw_lines():
    day = Document(source="s", url="u", title="t", published=read_date("2026-03-03").moment, published_precision="day")
    data = day.to_dict()
    assert (data["published"], data["published_precision"]) == ("2026-03-03T00:00:00+01:00", "day")
    assert Document.from_dict(json.loads(json.dumps(data))) == day
    # A raw JSONL line written before precisions: midnight Paris in UTC, no precision key.
    old = Document.from_dict({"source": "s", "url": "u", "title": "t", "published": "2026-03-02T23:00:00+00:00",
                              "item_type": "document"})
    assert (old.published_precision, old.to_dict()["published"]) == ("day", "2026-03-03T00:00:00+01:00")
    instant = Document.from_dict({"source": "s", "url": "u", "title": "t", "published": "2026-02-18T18:12:00+00:00"})
    assert (instant.published_precision, instant.to_dict()["published"]) == ("instant", "2026-02-18T19:12:00+01:00")
    assert Document(source="s", url="u", title="t").to_dict()["published_precision"] is None


@pytest.mark.parametrize("old, new", [
    ("2026-03-02T23:00:00+00:00", ("2026-03-03T00:00:00+01:00", "day")),
    ("2026-02-18T18:12:00+00:00", ("2026-02-18T19:12:00+01:00", "instant")),
    ("2024-11-03T23:00:00+00:00", ("2024-11-04T00:00:00+01:00", "day")),
    ("2026-06-16T22:00:00+00:00", ("2026-06-17T00:00:00+02:00", "day")),
    ("2026-03-03", ("2026-03-03T00:00:00+01:00", "day")),
])
def test_migration_rewrites_stored_dates(old, new):
    assert _paris_date(old) == new


def test_migration_030_on_a_database_of_utc_dates(tmp_path):
    db = open_db(tmp_path / "v.db")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = '030_published_precision'")
    db.execute("ALTER TABLE documents DROP COLUMN published_precision")
    db.table("documents").insert_all([
        {"id": "a", "url": "u1", "source": "s", "kind": "amendement", "title": "t", "published": "2024-11-03T23:00:00+00:00"},
        {"id": "b", "url": "u2", "source": "s", "kind": "press", "title": "t", "published": "2026-02-18T18:12:00+00:00"},
        {"id": "c", "url": "u3", "source": "s", "kind": "press", "title": "t", "published": None},
    ])
    db.close()
    db = open_db(tmp_path / "v.db")
    rows = {r["id"]: (r["published"], r["published_precision"]) for r in db.query("SELECT * FROM documents")}
    assert rows == {"a": ("2024-11-04T00:00:00+01:00", "day"), "b": ("2026-02-18T19:12:00+01:00", "instant"), "c": (None, None)}


@pytest.fixture
def store(tmp_path):
    config = load_config(write_config(tmp_path))
    db = open_db(config.database)
    return db, TopicMatcher.from_topic(config.topic)


def _week_ids(db, week: Week) -> list[str]:
    return [r["document_id"] for r in run_query(db, "mentions_semaine", du=week.start.isoformat(), au=week.end.isoformat())]


def test_added_with_a_day_reads_that_day_and_counts_in_its_week(store, tmp_path):
    db, matcher = store
    path = tmp_path / "note.txt"
    path.write_text(f"Note\n{TEXT}", encoding="utf-8")
    doc = build_document(str(path), path.read_bytes(), "", path.as_uri(), title="Note SEC-Pa", published="2026-03-03",
                         source="ajout", kind="communique")
    assert (doc.to_dict()["published"], doc.published_precision) == ("2026-03-03T00:00:00+01:00", "day")
    assert store_document(db, matcher, doc) == "insert"
    row = next(db.query("SELECT published, published_precision FROM documents WHERE id = ?", [doc.id]))
    assert (row["published"], row["published_precision"]) == ("2026-03-03T00:00:00+01:00", "day")
    assert week_of(row["published"]).label == "2026-W10"
    assert _week_ids(db, Week(2026, 10)) == [doc.id] and _week_ids(db, Week(2026, 9)) == []
    # The digest's item, the site's filter and the Atom feed read « 3 mars 2026 ».
    found = run_query(db, "mentions_semaine", du="2026-03-02", au="2026-03-08")[0]
    item = _item(db, Links(type("S", (), {"site_url": ""})()), {}, found)
    assert (item["date"], item["date_label"]) == ("2026-03-03", "3 mars 2026")
    assert french_datetime(found["date"]) == "3 mars 2026"
    atom = run_query(db, "flux_mentions")[0]
    assert atom["atom_content"].startswith("3 mars 2026 · ")


def test_real_amendments_of_monday_4_november_2024_fall_in_week_45(store):
    db, matcher = store
    for name in ("AMANR5L17PO838901B0325P0D1N001855.json", "AMANR5L17PO838901B0325P0D1N002003.json"):
        data = json.loads((FIXTURES / "an_amendments" / name).read_text(encoding="utf-8"))
        (doc,) = Amendment(**parse_amendment(data, "an_amendements")).documents()
        assert (doc.to_dict()["published"], doc.published_precision) == ("2024-11-04T00:00:00+01:00", "day")
        store_document(db, matcher, doc)
    assert week_of("2024-11-04T00:00:00+01:00").label == "2024-W45"
    assert len(_week_ids(db, Week(2024, 45))) == 2 and _week_ids(db, Week(2024, 44)) == []


def test_week_bounds_are_paris_days_for_any_stored_offset(store):
    db, matcher = store
    # A row written in UTC by an older version: Sunday 23:30 UTC is Monday 00:30 in Paris.
    db.table("documents").insert({"id": "late", "url": "u", "source": "s", "kind": "press", "title": "SEC-Pa",
                                  "published": "2026-03-01T23:30:00+00:00", "relevant": 1})
    db.table("mentions").insert({"id": "late:m", "document_id": "late", "matched": "SEC-Pa", "rule": "acronym:SEC-Pa",
                                 "strength": "strong", "start": 0, "end": 6, "snippet": "SEC-Pa", "field": "title"})
    assert _week_ids(db, Week(2026, 10)) == ["late"] and _week_ids(db, Week(2026, 9)) == []
    semaine = {r["semaine"] for r in run_query(db, "mentions_par_semaine", depuis="2026-01-01")}
    assert semaine == {"2026-03-02"}


def test_unreadable_feed_date_is_kept_and_counted(config_path, tmp_path):
    body = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Flux</title>'
            b'<pubDate>Tue, 03 Mar 2026 08:00:00 +0100</pubDate>'
            b'<item><title>SEC-Pa</title><link>https://ex.fr/a</link><pubDate>mardi dernier</pubDate></item>'
            b'<item><title>Autre</title><link>https://ex.fr/b</link><pubDate>bientot</pubDate></item></channel></rss>')
    (tmp_path / "feed.xml").write_bytes(body)
    spider = PressRssSpider(articles="never")
    source = spider.sources[0]
    spider.source_request(source)
    response = fixture_response("press_rss", "lemonde_sante.xml", source.url, "application/xml", meta={"source": source})
    response = response.replace(body=body)
    items = list(spider.parse(response))
    assert [i.extra["published_raw"] for i in items] == ["mardi dernier", "bientot"]
    assert [i.extra["published_from"] for i in items] == ["flux", "flux"]
    assert items[0].to_dict()["published"] == "2026-03-03T08:00:00+01:00"
    health = spider.health[source.name]
    assert health.status == "warning" and health.error.startswith("2 dates de publication illisibles (dernière : « bientot »)")


def test_sql_week_function_is_registered_where_queries_run():
    conn = sqlite3.connect(":memory:")
    from pipelines.labels import register_sql_functions
    register_sql_functions(conn)
    assert conn.execute("select date(veille_jour('2026-03-01T23:30:00+00:00'), 'weekday 0', '-6 days')").fetchone() == ("2026-03-02",)
    assert isinstance(date.fromisoformat(conn.execute("select veille_jour('now')").fetchone()[0]), date)



def test_unreadable_date_without_a_feed_date_takes_the_fetch_time(config_path):
    body = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Flux</title>'
            b'<item><title>SEC-Pa</title><link>https://ex.fr/a</link><pubDate>32/13/2026</pubDate></item></channel></rss>')
    spider = PressRssSpider(articles="never")
    source = spider.sources[0]
    spider.source_request(source)
    response = fixture_response("press_rss", "lemonde_sante.xml", source.url, "application/xml", meta={"source": source})
    (item,) = list(spider.parse(response.replace(body=body)))
    assert (item.extra["published_raw"], item.extra["published_from"], item.published_precision) == ("32/13/2026", "collecte", "instant")
    assert item.published is not None and abs((item.published - datetime.now(timezone.utc)).total_seconds()) < 60
    assert spider.health[source.name].error.startswith("1 date de publication illisible (dernière : « 32/13/2026 »)")


def test_a_day_reads_as_that_day_on_the_site_pages(store, tmp_path):
    from datasette_helpers import fetch
    from pipelines.serve import make_datasette

    db, matcher = store
    path = tmp_path / "note.txt"
    path.write_text(f"Note\n{TEXT}", encoding="utf-8")
    doc = build_document(str(path), path.read_bytes(), "", path.as_uri(), title="Note SEC-Pa", published="2026-03-03",
                         source="ajout", kind="communique")
    assert store_document(db, matcher, doc) == "insert"
    site = make_datasette(Path(db.conn.execute("PRAGMA database_list").fetchone()[2]))
    page = fetch(site, f"/document/{doc.id}")
    assert page.status_code == 200
    assert "3 mars 2026" in page.text and "2 mars 2026" not in page.text and "23 h 00" not in page.text
    search = fetch(site, "/veille/documents?_q=secpa")
    assert search.status_code == 200 and "3 mars 2026" in search.text and "23 h 00" not in search.text
