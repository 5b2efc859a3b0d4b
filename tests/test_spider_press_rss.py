"""press_rss: generic RSS/Atom feeds, parsed from recorded responses."""

from datetime import datetime, timezone

import pytest

from conftest import fixture_response
from spiders.press_rss import PressRssSpider


@pytest.fixture
def spider(config_path):
    return PressRssSpider(articles="never")


def _parse(spider, name, url, content_type="application/rss+xml; charset=utf-8"):
    source = next(s for s in spider.sources if s.url == url)
    spider.health.clear()
    spider.source_request(source)
    response = fixture_response("press_rss", name, url, content_type, meta={"source": source})
    return list(spider.parse(response)), spider.health[source.name]


def test_serves_every_enabled_rss_source(spider):
    expected = [s.name for s in spider.config.sources if s.kind == "rss" and s.enabled]
    assert [s.name for s in spider.sources] == expected and "lemonde_sante" in expected


def test_le_monde_items(spider):
    items, health = _parse(spider, "lemonde_sante.xml", "https://www.lemonde.fr/sante/rss_full.xml")
    assert len(items) == 10 and health.status == "ok"
    secpa = next(i for i in items if "sursis" in i.title)
    assert secpa.title == "Les centres de santé participatifs obtiennent un sursis jusqu’à la fin de 2026"
    assert secpa.url.endswith("_6667123_3224.html")
    assert secpa.published == datetime(2026, 2, 18, 18, 12, tzinfo=timezone.utc)
    assert secpa.publisher == "Le Monde — Santé"
    assert secpa.source == "lemonde_sante" and secpa.kind == "press" and secpa.access == "teaser"
    assert "(SEC-Pa)" in secpa.summary


def test_full_content_is_preferred_to_the_description(spider):
    items, _ = _parse(spider, "humanite.xml", "https://www.humanite.fr/feed")
    article = next(i for i in items if "luxe" in i.title)
    assert "structures d&#8217;exercice<br />" in article.summary
    assert article.author == "Camille Martin"
    assert article.extra["categories"] == ["Santé", "Social"]


def test_french_day_and_month_names(spider):
    items, _ = _parse(spider, "ladepeche.xml", "https://www.ladepeche.fr/rss.xml")
    article = next(i for i in items if "Case de santé" in i.title)
    assert article.published == datetime(2026, 2, 10, 16, 2, tzinfo=timezone.utc)


def test_cet_zone_is_not_read_as_utc(spider):
    items, _ = _parse(spider, "quotidien_medecin.xml", "https://www.lequotidiendumedecin.fr/rss.xml")
    article = next(i for i in items if "SECPA" in i.title)
    assert article.published == datetime(2026, 1, 29, 16, 40, tzinfo=timezone.utc)


def test_spip_dc_date(spider):
    items, _ = _parse(spider, "bastamag.xml", "https://basta.media/spip.php?page=backend")
    article = next(i for i in items if "Sec-Pa" in i.title)
    assert article.published == datetime(2026, 2, 5, 8, 0, tzinfo=timezone.utc)


def test_atom_feed(spider):
    items, health = _parse(spider, "infirmiers.xml", "https://www.infirmiers.com/rss.xml", "application/atom+xml; charset=utf-8")
    assert len(items) == 6 and health.status == "ok"
    assert items[0].url.startswith("https://www.infirmiers.com/profession-ide/")
    assert items[0].author == "Rédaction Infirmiers.com"


def test_declared_latin1_is_decoded(spider):
    items, health = _parse(spider, "has_actualites.xml", "https://www.has-sante.fr/feed/Rss2.jsp?id=p_3081656", "text/xml;charset=ISO-8859-1")
    assert health.status == "ok"
    assert any("é" in i.title for i in items)


def test_undeclared_latin1_is_a_warning_and_still_readable(spider):
    items, health = _parse(spider, "senat_textes.xml", "https://www.senat.fr/rss/textes.rss", "application/rss+xml")
    assert health.status == "warning" and "encodage" in health.error
    assert items[0].summary.startswith("Texte n°") and "déposé au Sénat" in items[0].summary


def test_empty_feed_is_a_warning(spider):
    items, health = _parse(spider, "ars_occitanie.xml", "https://www.occitanie.ars.sante.fr/rss.xml")
    assert items == [] and health.status == "warning" and health.error == "flux valide mais sans aucune entrée"


@pytest.mark.parametrize("name, content_type, cause", [
    ("empty.xml", "application/rss+xml", "réponse vide (0 octet)"),
    ("error_page.html", "text/html; charset=utf-8", "page HTML au lieu d'un flux (text/html; charset=utf-8)"),
    ("not_xml.txt", "application/rss+xml", "pas un flux RSS/Atom lisible"),
])
def test_bad_content_fails_the_source_with_its_cause(spider, name, content_type, cause):
    source = spider.sources[0]
    spider.source_request(source)
    response = fixture_response("feeds_broken", name, source.url, content_type, meta={"source": source})
    assert list(spider.parse(response)) == []
    health = spider.health[source.name]
    assert health.status == "failed" and health.error.startswith(cause)


def test_truncated_xml_fails_but_keeps_what_was_read(spider):
    source = spider.sources[0]
    spider.source_request(source)
    response = fixture_response("feeds_broken", "truncated.xml", source.url, meta={"source": source})
    items = list(spider.parse(response))
    health = spider.health[source.name]
    assert health.status == "failed" and health.error.startswith("XML invalide, 1 entrée(s) récupérée(s)")
    assert [i.title for i in items] == ["Les centres de santé participatifs obtiennent un sursis jusqu’à la fin de 2026"]
