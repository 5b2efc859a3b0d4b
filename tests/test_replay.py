"""The replay server and the middleware that points Scrapy at it."""

import urllib.error
import urllib.request

import pytest
from scrapy.http import Request, TextResponse

from replay_server import load_routes, production_url
from spiders.replay import ReplayMiddleware, replay_url

FEED = "https://www.lemonde.fr/sante/rss_full.xml"


def test_url_mapping_round_trip():
    mapped = replay_url("http://127.0.0.1:9", "https://news.google.com/rss/search?q=a+b&hl=fr")
    assert mapped == "http://127.0.0.1:9/https/news.google.com/rss/search?q=a+b&hl=fr"
    assert production_url(mapped[len("http://127.0.0.1:9"):]) == "https://news.google.com/rss/search?q=a+b&hl=fr"


def test_every_route_points_to_an_existing_file():
    routes = load_routes()
    assert len(routes) >= 30
    for url, route in routes.items():
        assert url.startswith(("http://", "https://"))
        assert "path" not in route or route["path"].is_file(), url


def test_server_serves_recorded_bytes_and_honours_conditional_requests(replay):
    with urllib.request.urlopen(replay_url(replay.url, FEED)) as response:
        body, etag = response.read(), response.headers["ETag"]
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rss')
    request = urllib.request.Request(replay_url(replay.url, FEED), headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(request)
    assert not_modified.value.code == 304
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(replay.url + "/https/www.lemonde.fr/robots.txt")
    assert missing.value.code == 404


def test_middleware_rewrites_and_restores_the_production_url():
    middleware = ReplayMiddleware("http://127.0.0.1:9")
    rewritten = middleware.process_request(Request(FEED))
    assert rewritten.url == "http://127.0.0.1:9/https/www.lemonde.fr/sante/rss_full.xml"
    assert rewritten.meta["download_slot"] == "www.lemonde.fr"
    assert middleware.process_request(rewritten) is None
    response = middleware.process_response(rewritten, TextResponse(rewritten.url, body=b"x", request=rewritten))
    assert response.url == FEED
    assert ReplayMiddleware("").process_request(Request(FEED)) is None


def test_every_article_linked_by_a_recorded_feed_is_recorded():
    """The replay is complete: a crawl of it never hits an unrecorded page, so no spider
    needs to know whether it reads the replay or the web."""
    import feedparser

    from conftest import FIXTURES
    from spiders.press_bing_news import unwrap_bing_url

    routes = load_routes()
    feeds = [r["path"] for r in routes.values() if "path" in r and r["path"].suffix == ".xml"]
    links = {unwrap_bing_url(e.get("link", "")) for f in feeds for e in feedparser.parse(f.read_bytes()).entries}
    links = {l for l in links if l.startswith("http") and "news.google.com" not in l}
    assert len(links) > 150
    assert sorted(links - set(routes)) == []
