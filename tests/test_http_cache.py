"""The HTTP cache survives a crawl killed while it writes: an entry is complete or absent."""

from __future__ import annotations

import pickle
from pathlib import Path

from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from spiders.http_cache import MARKER, CrashSafeCacheStorage


def _storage(tmp_path: Path) -> tuple[CrashSafeCacheStorage, Spider]:
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(tmp_path / "httpcache")})
    spider = Spider.from_crawler(crawler, name="cache_probe")
    storage = CrashSafeCacheStorage(crawler.settings)
    storage.open_spider(spider)
    return storage, spider


def _stored(tmp_path: Path) -> tuple[CrashSafeCacheStorage, Spider, Request, Path]:
    storage, spider = _storage(tmp_path)
    request = Request("https://example.org/a")
    response = HtmlResponse(request.url, body="<p>Les SEC-Pa</p>".encode(), headers={"ETag": '"v1"'}, request=request)
    storage.store_response(spider, request, response)
    return storage, spider, request, Path(storage._get_request_path(spider, request))


def test_a_stored_entry_reads_back_whole(tmp_path):
    storage, spider, request, entry = _stored(tmp_path)
    cached = storage.retrieve_response(spider, request)
    assert cached is not None and b"SEC-Pa" in cached.body
    assert cached.headers[b"ETag"] == b'"v1"'
    assert not list(entry.glob(f".{MARKER}.*"))  # the staging file was renamed away


def test_an_entry_cut_short_by_a_kill_is_a_miss_and_is_dropped(tmp_path):
    storage, spider, request, entry = _stored(tmp_path)
    (entry / MARKER).write_bytes(b"")  # what a kill inside Scrapy's own writer left behind
    assert storage.retrieve_response(spider, request) is None
    assert not entry.exists()


def test_an_entry_whose_data_pickle_is_empty_is_a_miss(tmp_path):
    storage, spider, request, entry = _stored(tmp_path)
    (entry / "response_data").write_bytes(b"")
    assert storage.retrieve_response(spider, request) is None


def test_an_entry_without_its_marker_is_not_served_even_with_its_body(tmp_path):
    storage, spider, request, entry = _stored(tmp_path)
    (entry / MARKER).unlink()  # a write killed before its last step
    assert (entry / "response_body").exists()
    assert storage.retrieve_response(spider, request) is None


def test_the_marker_is_written_last(tmp_path):
    storage, spider, request, entry = _stored(tmp_path)
    others = [p for p in entry.iterdir() if p.name != MARKER]
    assert all(p.stat().st_mtime_ns <= (entry / MARKER).stat().st_mtime_ns for p in others)
    assert pickle.loads((entry / MARKER).read_bytes())["url"] == request.url
