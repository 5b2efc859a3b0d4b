"""Listing pages of sources without feeds: the ministry's press releases and federations."""

import json

import pytest

from conftest import fixture_response, run_veille, write_config
from spiders.press_listings import PressListingsSpider


def _parse(config_path, source_name, page):
    spider = PressListingsSpider(config_path=str(config_path), sources=source_name)
    source = spider.sources[0]
    spider.answered = lambda r: r.meta["source"]
    response = fixture_response("press_listings", page, source.url, "text/html; charset=utf-8", meta={"source": source})
    return spider, list(spider.parse(response))


def test_ministry_listing_items(config_path):
    spider, requests = _parse(config_path, "sante_gouv_communiques", "sante_gouv_communiques.html")
    docs = [r.meta["document"] for r in requests]
    assert [d.url for d in docs] == [
        "https://sante.gouv.fr/presse/communiques-de-presse/article/structures-d-exercice-coordonne-participatives-le-financement-maintenu-jusqu-au",
        "https://sante.gouv.fr/IMG/pdf/cp_fin_experimentation_secpa_29012026.pdf",
        "https://sante.gouv.fr/presse/communiques-de-presse/article/grippe-saisonniere-l-epidemie-atteint-son-pic",
    ]
    first = docs[0]
    assert first.title == "Structures d'exercice coordonné participatives : le financement maintenu jusqu'au 31 décembre 2026"
    # The listing gives a day: it stays the day 17 February (not 23:00 UTC on the 16th).
    assert (first.to_dict()["published"], first.published_precision) == ("2026-02-17T00:00:00+01:00", "day")
    assert first.summary.startswith("La ministre a reçu les représentants des SEC-Pa")
    assert (first.kind, first.source, first.publisher) == ("communique", "sante_gouv_communiques", "Ministère de la Santé — communiqués de presse")
    assert all(r.callback == spider.parse_article for r in requests)


@pytest.mark.parametrize("name, page, title, date, precision", [
    ("fncs_actualites", "fncs_actualites.html", "SEC-Pa : le financement maintenu jusqu'à fin 2026, une première victoire",
     "2026-02-18T00:00:00+01:00", "day"),
    ("avecsante_actualites", "avecsante_actualites.html", "AVECsanté soutient les SEC-Pa et demande leur pérennisation",
     "2026-02-05T10:00:00+01:00", "instant"),
    ("fecop_actualites", "fecop_actualites.html", "Le financement des SECPA maintenu pour 2026", "2026-02-18T00:00:00+01:00", "day"),
])
def test_federation_listings(config_path, name, page, title, date, precision):
    _, requests = _parse(config_path, name, page)
    doc = requests[0].meta["document"]
    assert (doc.title, doc.to_dict()["published"], doc.published_precision) == (title, date, precision)


def test_changed_listing_page_fails_the_source_only(config_path):
    spider, requests = _parse(config_path, "fncs_actualites", "avecsante_actualites.html")
    assert requests == []
    assert spider.health["fncs_actualites"].error == "aucun élément trouvé avec le sélecteur « div.views-row » (la page a changé ?)"


@pytest.mark.slow
def test_replay_crawl_of_listings(tmp_path, replay):
    config = write_config(tmp_path)
    result = run_veille(config, "crawl", "--replay", replay.url, "--spider", "press_listings")
    assert result.returncode == 0, result.stderr
    from pipelines.db import open_db

    db = open_db(tmp_path / "veille.db")
    rows = {r["title"]: r for r in db.query("SELECT * FROM documents")}
    assert sorted(r["source"] for r in rows.values()) == [
        "avecsante_actualites", "fecop_actualites", "fncs_actualites", "fncs_actualites",
        "sante_gouv_communiques", "sante_gouv_communiques"]
    pdf = rows["Article 51 : fin de l'expérimentation des structures d'exercice coordonné participatives (communiqué, PDF)"]
    assert pdf["access"] == "full" and "prendra fin le 30 avril 2026" in pdf["text"]
    assert json.loads(pdf["extra"])["article_notes"] == ["PDF servi comme page HTML"]
    assert all(r["kind"] == "communique" for r in rows.values())
    check = run_veille(config, "archive")
    assert check.returncode == 0 and check.stdout.startswith("6 documents vérifiés"), check.stdout + check.stderr
