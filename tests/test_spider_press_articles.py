"""Article pages fetched by the feed spiders in the same crawl, on the replay."""

import json
from datetime import datetime, timezone

import pytest

from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from conftest import fixture_response, run_veille, write_config
from spiders.items import fetch_record_of
from spiders.items import Document
from spiders.press_rss import PressRssSpider

LEMONDE = "https://www.lemonde.fr/societe/article/2026/02/18/les-centres-de-sante-participatifs-obtiennent-un-sursis-jusqu-a-la-fin-de-2026_6667123_3224.html"


def _spider(config_path):
    return PressRssSpider(config_path=str(config_path), sources="lemonde_sante,leprogres")


def test_feed_items_become_article_requests_with_the_feed_attached(config_path):
    spider = _spider(config_path)
    response = fixture_response("press_rss", "lemonde_sante.xml", "https://www.lemonde.fr/sante/rss_full.xml",
                                meta={"source": spider.sources[0]})
    spider.answered = lambda r: r.meta["source"]
    requests = list(spider.parse(response))
    assert len(requests) == 10
    first = requests[0]
    assert first.url == LEMONDE and first.callback == spider.parse_article
    assert first.meta["download_maxsize"] == 5 * 1024 * 1024
    assert fetch_record_of(first.meta["document"]).final_url == "https://www.lemonde.fr/sante/rss_full.xml"


def test_wants_article(config_path):
    spider = _spider(config_path)
    teaser = Document(source="lemonde_sante", url=LEMONDE, title="T", summary="Court.")
    assert spider.wants_article(teaser)
    assert not spider.wants_article(Document(source="lemonde_sante", url="https://news.google.com/rss/articles/CBMi", title="T"))
    long_off_topic = Document(source="lemonde_sante", url=LEMONDE, title="Grippe", summary="La grippe. " * 200)
    assert not spider.wants_article(long_off_topic)
    assert spider.wants_article(Document(source="lemonde_sante", url=LEMONDE, title="Les SEC-Pa", summary="La grippe. " * 200))


def test_article_callback_completes_the_document(config_path):
    spider = _spider(config_path)
    doc = Document(source="lemonde_sante", url=LEMONDE, title="Les centres de santé participatifs obtiennent un sursis",
                   summary="Après trois semaines de mobilisation...", published=datetime(2026, 2, 18, 18, 12, tzinfo=timezone.utc))
    response = fixture_response("press_articles", "lemonde_sursis_paywall.html", LEMONDE, "text/html; charset=utf-8",
                                meta={"source": spider.sources[0], "document": doc, "download_maxsize": 5 * 1024 * 1024})
    (completed,) = spider.parse_article(response)
    assert completed.access == "paywall" and "Le soulagement est réel" in completed.text
    assert completed.extra["article_problem"] == "article réservé aux abonnés : seul le début est lu"
    assert completed.author == "Camille Stromboni"
    record = fetch_record_of(completed)
    assert record.status == 200 and record.final_url == LEMONDE and record.body.startswith(b"<!DOCTYPE html>")


def _crawled_spider(config_path, sources):
    """A spider with its crawler settings, whose sources have been requested."""
    spider = PressRssSpider.from_crawler(get_crawler(PressRssSpider, {"DOWNLOAD_TIMEOUT": 20}),
                                         config_path=str(config_path), sources=sources)
    for source in spider.sources:
        spider.source_request(source)
    return spider


def _page(spider, request, name, status=200):
    """Run the article callback on a recorded page (`name`) or a bare HTTP status."""
    if name:
        response = fixture_response("press_articles", name, request.url, "text/html; charset=utf-8", status, request.meta)
    else:
        response = TextResponse(request.url, status=status, body=b"Forbidden", request=request)
    return list(spider.parse_article(response))


def _failure(spider, request, exception):
    """Run the article errback on a download failure."""
    failure = Failure(exception)
    failure.request = request
    return list(spider.article_failed(failure))


def _feed_requests(spider, name):
    source = next(s for s in spider.sources if s.name == name)
    response = fixture_response("press_articles", f"{name}_rss.xml", source.url, meta={"source": source})
    return list(spider.parse(response))


def test_unreadable_article_pages_show_in_the_source_health(config_path):
    spider = _crawled_spider(config_path, "leprogres,midilibre,sudouest,estrepublicain")
    # Le Progrès: one page read, a redirect loop, a page gone (404).
    full, loop, gone = _feed_requests(spider, "leprogres")
    assert _page(spider, full, "leprogres_afp_secpa.html")[0].access == "full"
    assert spider.health["leprogres"].status == "ok"
    loop.meta["redirect_urls"] = [loop.url, loop.url + "?redirect=1"]
    (flagged,) = _failure(spider, loop, IgnoreRequest("max redirections reached"))
    assert flagged.extra["article_problem"] == "boucle de redirections" and flagged.access == "teaser"
    _failure(spider, gone, HttpError(TextResponse(gone.url, status=404, request=gone)))
    health = spider.health["leprogres"]
    assert (health.status, health.error) == ("warning", "1 page d'articles sur 3 illisible : boucle de redirections (1) ; aussi HTTP 404 (1)")

    # Midi Libre: every page blocked or unreadable (consent wall, HTTP 403, timeout).
    consent, forbidden, slow = _feed_requests(spider, "midilibre")
    _page(spider, consent, "20minutes_consent_wall.html")
    _page(spider, forbidden, None, status=403)
    _failure(spider, slow, DownloadTimeoutError("timeout"))
    health = spider.health["midilibre"]
    assert (health.status, health.error) == (
        "warning", "toutes les pages d'articles bloquées ou illisibles (3/3) : délai dépassé (1), bloqué (2)")

    # Sud Ouest: a feed warning stays in front; paywalled and refused pages alone warn of nothing.
    spider.fail(next(s for s in spider.sources if s.name == "sudouest"), "encodage déclaré incorrect", status="warning")
    paywall, latin1, empty = _feed_requests(spider, "sudouest")
    _page(spider, paywall, "lemonde_sursis_paywall.html")
    _page(spider, latin1, "sudouest_benauge_latin1.html")
    assert spider.health["sudouest"].error == "encodage déclaré incorrect"
    _page(spider, empty, "estrepublicain_no_text.html")
    assert spider.health["sudouest"].error == (
        "encodage déclaré incorrect ; 1 page d'articles sur 3 illisible : aucun texte (1) ; aussi payant (1)")

    # L'Est Républicain: a failed feed stays failed, with its own cause.
    source = next(s for s in spider.sources if s.name == "estrepublicain")
    requests = _feed_requests(spider, "estrepublicain")
    spider.fail(source, "XML invalide, 3 entrée(s) récupérée(s) : x")
    for request in requests:
        _page(spider, request, "estrepublicain_no_text.html")
    health = spider.health["estrepublicain"]
    assert (health.status, health.error) == ("failed", "XML invalide, 3 entrée(s) récupérée(s) : x")
    assert spider.article_pages["estrepublicain"].labels == {"aucun texte": 3}


@pytest.mark.slow
def test_replay_crawl_articles_stories_archive(tmp_path, replay):
    config = write_config(tmp_path)
    result = run_veille(config, "crawl", "--replay", replay.url, "--spider", "press_rss",
                        "--spider", "press_google_news", "--spider", "press_bing_news")
    assert result.returncode == 0, result.stderr
    from pipelines.db import open_db

    db = open_db(tmp_path / "veille.db")
    docs = {r["url"]: r for r in db.query("SELECT * FROM documents")}

    # The syndicated AFP dispatch: one story, the earliest copy (Le Progrès) as lead.
    stories = list(db.query("SELECT * FROM stories"))
    assert len(stories) == 1
    members = list(db.query("SELECT d.source, m.role FROM story_members m JOIN documents d ON d.id = m.document_id"
                            " ORDER BY d.published"))
    assert members == [{"source": "leprogres", "role": "lead"}, {"source": "midilibre", "role": "pickup"},
                       {"source": "sudouest", "role": "pickup"}, {"source": "estrepublicain", "role": "pickup"}]

    # Paywall: flagged, only the teaser kept.
    lemonde = docs[LEMONDE]
    assert lemonde["access"] == "paywall" and "Le soulagement est réel" in lemonde["text"]
    assert "Il vous reste" not in lemonde["text"] and len(lemonde["text"]) < 1000

    # Consent wall: no page text, only Bing's own description; flagged.
    consent = next(r for r in docs.values() if r["url"].startswith("https://www.20minutes.fr/"))
    assert consent["access"] == "blocked" and "cookies" not in consent["text"].lower()
    assert json.loads(consent["extra"])["article_problem"] == "mur de consentement aux cookies : aucun texte enregistré"

    # Bad input: flagged with its cause, stored with the feed's teaser.
    problems = {r["source"]: json.loads(r["extra"]).get("article_problem") for r in docs.values()
                if json.loads(r["extra"]).get("article_problem")}
    assert problems["leprogres"] == "boucle de redirections"
    assert problems["midilibre"] == "page trop lourde (plus de 5 Mo), téléchargement interrompu"
    assert problems["estrepublicain"] == "aucun texte d'article dans la page (52 caractères seulement)"

    # ... and counted in their source's health (pages missing from the recording are not).
    warnings = {r["source"]: r["error"] for r in db.query("SELECT * FROM run_sources WHERE status = 'warning'")}
    assert warnings == {
        "leprogres": "1 page d'articles sur 3 illisible : boucle de redirections (1)",
        "midilibre": "1 page d'articles sur 3 illisible : page trop lourde (1)",
        "estrepublicain": "1 page d'articles sur 3 illisible : aucun texte (1)",
        "ars_occitanie": "flux valide mais sans aucune entrée",
        "senat_textes": "encodage déclaré incorrect, lu en windows-1252 (CharacterEncodingOverride)",
    }
    assert "  avertissement leprogres : 1 page d'articles sur 3 illisible : boucle de redirections (1)" in result.stderr.splitlines()
    notes = {r["source"]: json.loads(r["extra"]).get("article_notes") for r in docs.values()}
    assert notes["ladepeche"] == ["charset déclaré utf-8 incorrect, contenu lu en windows-1252"]
    assert "Place Arnaud-Bernard, la Case de santé ne désemplit pas." in next(
        r["text"] for r in docs.values() if r["source"] == "ladepeche")

    # A teaser that did not match the topic, whose page does: stored from the article text.
    assert docs["https://www.egora.fr/actus-pro/les-structures-d-exercice-coordonne-au-cur-de-la-strategie-d-acces-aux"]["access"] == "full"

    # Google News item matched to Le Dauphiné's own item: one document with aliases.
    dauphine = [r for r in docs.values() if "ledauphine.com" in r["url"] or "Échirolles" in r["title"]]
    assert len(dauphine) == 1 and dauphine[0]["source"] == "ledauphine"
    sources = {r["source"] for r in db.query("SELECT source FROM document_sources WHERE document_id = ?", [dauphine[0]["id"]])}
    assert sources == {"ledauphine", "google_news_secpa"}
    assert not any(r["url"].startswith("https://consent.google.com") for r in docs.values())

    # Every stored press document has an archived copy whose hash matches.
    check = run_veille(config, "archive")
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"{len(docs)} documents vérifiés")

    # A second crawl changes nothing and adds no version.
    versions = db["document_versions"].count
    again = run_veille(config, "crawl", "--replay", replay.url, "--spider", "press_rss",
                       "--spider", "press_google_news", "--spider", "press_bing_news")
    assert again.returncode == 0 and "0 nouveau, 0 modifié" in again.stdout, again.stdout
    assert db["document_versions"].count == versions and db["stories"].count == 1
