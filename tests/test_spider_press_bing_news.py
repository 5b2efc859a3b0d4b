"""press_bing_news: Bing News search RSS, parsed from recorded responses."""

from datetime import datetime, timezone

from conftest import fixture_response
from spiders.press_bing_news import PressBingNewsSpider, unwrap_bing_url


def test_unwrap_bing_url():
    link = "http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=X&url=https%3a%2f%2fbasta.media%2fa-b%3fx%3d1&c=1&mkt=fr-fr"
    assert unwrap_bing_url(link) == "https://basta.media/a-b?x=1"
    assert unwrap_bing_url("https://www.egora.fr/x") == "https://www.egora.fr/x"


def test_bing_items(config_path):
    spider = PressBingNewsSpider(articles="never")
    (source,) = spider.sources
    spider.source_request(source)
    response = fixture_response("press_bing_news", "search_secpa.xml", source.url, meta={"source": source})
    items = list(spider.parse(response))
    assert len(items) == 4
    basta = items[0]
    assert basta.url == "https://basta.media/centres-de-sante-communautaires-la-fin-programmee-des-Sec-Pa"
    assert basta.guid == basta.url
    assert basta.publisher == "Basta!"
    assert basta.published == datetime(2026, 2, 5, 8, 0, tzinfo=timezone.utc)
    assert items[1].publisher == "Egora"
