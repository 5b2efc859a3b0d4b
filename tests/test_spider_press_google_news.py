"""press_google_news: Google News search RSS, parsed from recorded responses."""

from datetime import datetime, timezone

from conftest import fixture_response
from spiders.press_google_news import PressGoogleNewsSpider


def test_google_news_items(config_path):
    spider = PressGoogleNewsSpider(articles="never")
    source = spider.sources[0]
    spider.source_request(source)
    response = fixture_response("press_google_news", "search_secpa.xml", source.url, "application/xml; charset=utf-8", meta={"source": source})
    items = list(spider.parse(response))
    assert len(items) == 5
    first = items[0]
    assert first.title == "Fin des SEC-Pa : les 26 centres de santé participatifs s'inquiètent pour leur avenir"
    assert first.publisher == "Concours pluripro"
    assert first.summary == first.title
    assert first.url.startswith("https://news.google.com/rss/articles/CBMi") and first.url.endswith("?oc=5")
    assert first.guid == first.extra["google_news_token"] and first.guid.startswith("CBMi")
    assert first.extra["publisher_site"] == "https://www.concourspluripro.fr"
    assert first.published == datetime(2026, 1, 29, 16, 20, tzinfo=timezone.utc)
    assert all(" - " not in i.title[-25:] for i in items)


def test_only_google_news_sources(config_path):
    assert [s.name for s in PressGoogleNewsSpider(articles="never").sources] == ["google_news_secpa", "google_news_secpa_long"]
