"""Archives that cost nothing when unchanged, and a raw JSONL of what was stored (issue 17):
archive requests bypass the HTTP cache and carry the stored validators, so an unchanged
archive is a 304 that writes nothing (no cache file, no row, no raw line); the raw file keeps
the stored items and those that could not be stored, never the off-topic ones turned down."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from scrapy.settings import Settings

from conftest import run_veille, write_config
from crawl_helpers import StandInCrawler
from pipelines import crawl_steps
from pipelines.config import load_config
from spiders.an_questions import AnQuestionsSpider
from spiders.items import CrawlState, Document
from spiders.parl_items import ParliamentQuestion

QE_URL = "https://data.assemblee-nationale.fr/static/openData/repository/17/questions/questions_ecrites/Questions_ecrites.json.zip"


def test_archive_requests_bypass_the_http_cache_and_carry_the_stored_validators(tmp_path):
    spider = AnQuestionsSpider(config_path=str(write_config(tmp_path)))
    spider.settings = Settings({"HTTPCACHE_ENABLED": True})
    spider.previous = CrawlState(datasets={QE_URL: {"etag": '"v1"', "last_modified": "Mon, 16 Feb 2026 06:00:00 GMT"}})
    source = next(s for s in spider.sources if s.name == "an_questions_ecrites")
    request = spider.archive_request(source, QE_URL, spider.parse)
    assert request.meta["dont_cache"] is True and request.meta["handle_httpstatus_list"] == [304]
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Mon, 16 Feb 2026 06:00:00 GMT"
    spider.previous = CrawlState()
    first = spider.archive_request(source, QE_URL, spider.parse)
    assert first.meta["dont_cache"] is True and b"If-None-Match" not in first.headers


def test_the_raw_file_keeps_what_was_stored_not_the_off_topic_items(tmp_path, monkeypatch):
    config = load_config(write_config(tmp_path))
    crawler = StandInCrawler(config)
    store, raw = crawl_steps.StorePipeline(crawler), crawl_steps.RawItemsPipeline(crawler)
    store.open_spider()
    day = datetime(2026, 2, 7, 6, 30, tzinfo=timezone.utc)
    on_topic = Document(source="presse", url="https://journal.example/secpa", title="Les SEC-Pa prolongées",
                        summary="Les SEC-Pa, structures d'exercice coordonné participatives, sont prolongées.", published=day)
    off_topic = Document(source="presse", url="https://journal.example/rugby", title="Rugby", summary="Le XV gagne.",
                         published=day)
    question = ParliamentQuestion(uid="QANR5L17QE1", source="an_questions_ecrites", chamber="AN", kind="QE", number="1",
                                  url="https://www.assemblee-nationale.fr/dyn/17/questions/QANR5L17QE1", title="Transports",
                                  question_text="Question sur les trains régionaux.", published="2026-02-01")
    broken = Document(source="presse", url="https://journal.example/casse", title="Les SEC-Pa en panne",
                      summary="Les SEC-Pa, encore.", published=day)
    for item in (on_topic, off_topic, question):
        raw.process_item(store.process_item(item))
    real_store = crawl_steps.store_item

    def failing(db, matcher, item):
        if item is broken:
            raise RuntimeError("disque plein")
        return real_store(db, matcher, item)

    monkeypatch.setattr(crawl_steps, "store_item", failing)
    with pytest.raises(Exception, match="non enregistré"):
        store.process_item(broken)
    store.context.close()
    lines = [json.loads(line) for line in (config.raw_dir / "run-essai" / "essai.jsonl").read_text().splitlines()]
    assert [line["url"] for line in lines] == [on_topic.url, question.url, broken.url]  # the question's metadata is stored whatever its subject


@pytest.mark.slow
def test_an_unchanged_archive_is_a_304_that_writes_nothing(tmp_path, replay):
    import sqlite3

    config = write_config(tmp_path)
    args = ["crawl", "--replay", replay.url, "--spider", "an_questions", "--spider", "an_amendments"]
    assert run_veille(config, *args).returncode == 0
    cache = tmp_path / "httpcache"
    cached = sorted(str(p) for p in cache.rglob("*")) if cache.exists() else []
    db = sqlite3.connect(tmp_path / "veille.db")
    datasets = db.execute("SELECT url, sha256, etag FROM datasets ORDER BY url").fetchall()
    amendments_stored = db.execute("SELECT count(*) FROM amendments").fetchone()[0]
    db.close()
    assert datasets and all(etag for _, _, etag in datasets)
    first_raw = {p.name: p.read_text().splitlines() for p in (tmp_path / "raw").glob("*/*.jsonl")}
    amendment_lines = [json.loads(line) for line in first_raw["an_amendments.jsonl"]]
    assert sum(line.get("item_type") == "an_amendment" for line in amendment_lines) == amendments_stored
    hits = len(replay.hits)
    second = run_veille(config, *args)
    assert second.returncode == 0, second.stderr
    zips = [status for _, path, status in replay.hits[hits:] if path.endswith(".zip")]
    assert zips and all(status == 304 for status in zips)
    assert (sorted(str(p) for p in cache.rglob("*")) if cache.exists() else []) == cached  # no archive body cached
    assert not any(p.endswith(".zip") for p in cached)
    db = sqlite3.connect(tmp_path / "veille.db")
    assert db.execute("SELECT url, sha256, etag FROM datasets ORDER BY url").fetchall() == datasets
    db.close()
    runs = sorted((tmp_path / "raw").iterdir())
    # Nothing read from the unchanged archive: no raw line (the daily amendment index, not an
    # archive, is fetched again and its stored amendments kept).
    assert len(runs) == 2 and not (runs[-1] / "an_questions.jsonl").exists()
