"""The press stage on real third-party captures of French pages and feeds
(tests/fixtures/press_real/, provenance in its SOURCES.md): text, author, date and time,
access flag for 27 pages of 27 outlets; summaries of a real Le Monde feed; the outlets of a
real Google News story cluster; Le Monde's and Le Figaro's paywall banners as they read."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import fixture_response
from nlp.text import fold
from pipelines.labels import french_datetime
from spiders.articles import CONSENT_PHRASES, JS_PROBLEM, _is_paywalled, apply_article, extract_article
from spiders.items import Document
from spiders.press_google_news import PressGoogleNewsSpider
from spiders.press_rss import PressRssSpider

REAL = Path(__file__).parent / "fixtures" / "press_real"
TODAY = datetime(2026, 12, 1, tzinfo=timezone.utc)

# file, production URL, access, author, stored date (Paris time), precision, where the date was
# read, a sentence of the article (trafilatura's evaldata "with" snippet where it lists the page).
PAGES = [
    ("20minutes.fr-Ciaran.html", "https://www.20minutes.fr/societe/4060503-20231102-tempete-ciaran-pluie-rafales-vent-quoi-attendre-nouvelle-aquitaine",
     "full", "Elsa Provenzano", "2023-11-02T16:33:38+01:00", "instant", "json-ld", "Nouvelle-Aquitaine"),
    ("blog.mondediplo.net.turpitude.html", "https://blog.mondediplo.net/turpitude-et-architecture",
     "full", "", "2018-06-21T00:00:00+02:00", "day", "meta", "malgré tout l’amitié et l’entraide occupent une grande place"),
    ("bondyblog.fr.paris-8.html", "https://www.bondyblog.fr/societe/a-paris-8-un-peu-de-tension-beaucoup-d-actions/",
     "full", "Kab Niang", "2020-02-17T13:31:49+01:00", "instant", "json-ld", "Marie-Pierre ne fait plus de cours"),
    ("cric-grenoble.info.radio.html", "https://cric-grenoble.info/infos-locales/article/putsh-en-cours-a-radio-kaleidoscope-1145",
     "full", "", "2019-06-09T00:00:00+02:00", "day", "htmldate", "radio Kaléidoscope"),
    ("dalloz-actualite.fr.raoult.html", "https://www.dalloz-actualite.fr/node/libre-cours-raoult-nazis-et-moi",
     "full", "", "2020-05-07T00:00:00+02:00", "day", "htmldate", "C’est la guerre. Et pourtant"),
    ("france.attc.org-privatisations.html", "https://france.attac.org/actus-et-medias/dans-les-medias/article/les-privatisations-sont-au-profit-d-interets-prives-financiers-des",
     "full", "Par Attac France", "2019-06-13T00:00:00+02:00", "day", "htmldate", "Aurélie Trouvé"),
    ("franceculture.fr.idees.html", "https://www.franceculture.fr/emissions/le-journal-des-idees/le-journal-des-idees-emission-du-mardi-14-janvier-2020",
     "full", "Jacques Munier", "2020-01-14T00:00:00+01:00", "day", "json-ld", "Convention citoyenne"),
    ("gala.fr.surnom.html", "https://www.gala.fr/l_actu/news_de_stars/jean-paul-delevoye-monsieur-retraites-du-gouvernement-jacques-chirac-lui-donnait-un-surnom-peu-flatteur_439447",
     "full", "Prisma Média; Marie Merlet", "2019-12-09T09:08:21+01:00", "instant", "json-ld", "Chargé de porter la réforme des retraites"),
    ("infocomcgt.fr.caisse.html", "https://www.infocomcgt.fr/caisse-de-solidarite-financiere/",
     "full", "Romain Altmann", "2020-01-08T00:30:16+01:00", "instant", "json-ld", "1 545 500 EUROS"),
    ("la-bas.org.porte.html", "https://la-bas.org/la-bas-magazine/chroniques/Didier-Porte-souhaite-la-Sante-a-Balkany",
     "full", "", "2019-06-28T00:00:00+02:00", "day", "htmldate", "Balkany"),
    ("laviedesidees.fr.evaluation.html", "https://laviedesidees.fr/L-evaluation-et-les-listes-de.html",
     "full", "Florence Audier", "2009-09-15T00:00:00+02:00", "day", "htmldate", "publications"),
    ("lemonde.fr-Striking.html", "https://www.lemonde.fr/en/economy/article/2023/10/29/striking-us-auto-union-reaches-tentative-deal-with-stellantis_6211625_19.html",
     "full", "Le Monde", "2023-10-29T04:28:52+01:00", "instant", "json-ld", "Stellantis and the striking United Auto Workers union"),
    ("leparisien.fr-Ciaran.html", "https://www.leparisien.fr/meteo/tempete-ciaran-des-records-de-vent-ont-ils-ete-enregistres-pres-de-chez-vous-02-11-2023-XVZ4H2T3AZGRZAUUQLK7XEX2ZE.php",
     "full", "Thomas Lecomte", "2023-11-02T16:17:04+01:00", "instant", "json-ld", "records de vent"),
    ("lepoint.fr-terrorisme.html", "https://www.lepoint.fr/societe/apologie-du-terrorisme-un-imam-de-beaucaire-condamne-a-de-la-prison-avec-sursis-02-11-2023-2541683_23.php",
     "full", "Henri Frasque", "2023-11-02T15:57:00+01:00", "instant", "json-ld", "Beaucaire"),
    ("lesechos.fr-Macron.html", "https://www.lesechos.fr/politique-societe/emmanuel-macron-president/sondage-exclusif-emmanuel-macron-continue-de-patir-dune-forte-impopularite-2026486",
     "paywall", "Stéphane Dupont", "2023-11-02T16:00:53+01:00", "instant", "json-ld", "impopularité"),
    ("liberation.fr-Gaza.html", "https://www.liberation.fr/international/moyen-orient/gaza-le-monde-arabe-indigne-par-les-frappes-israeliennes-contre-un-camp-de-refugies-de-jabalia-20231101_AZMTTO7OZBCI3IG7LKHAZVLEQQ/",
     "full", "Samuel Ravier-Regnat", "2023-11-01T21:02:45.316000+01:00", "instant", "json-ld", "Jabalia"),
    ("lopinion.fr.glyphosate.html", "https://www.lopinion.fr/edition/economie/glyphosate-radiographie-d-intoxication-collective-186859",
     "full", "L'Opinion", "2019-05-15T06:00:01+02:00", "instant", "json-ld", "Un jugement ne fait pas une vérité scientifique"),
    ("madame.lefigaro.fr.dintestin.html", "https://madame.lefigaro.fr/bien-etre/problemes-dintestin-quoi-manger-pour-aller-bien-110417-130897",
     "full", "Ophélie Ostermann", "2017-04-12T18:33:59+02:00", "instant", "meta", "Car oui, avec ses 200 millions de neurones"),
    ("mediapart.fr.violences.html", "https://blogs.mediapart.fr/elba/blog/260619/violences-policieres-bombe-retardement-mediatique",
     "full", "Elba", "2019-06-27T00:00:00+02:00", "day", "htmldate", "bombe à retardement médiatique"),
    ("ouest-france.fr-gaza.html", "https://www.ouest-france.fr/monde/gaza/temoignage-a-gaza-les-nuits-terrifiantes-et-les-jours-epuisants-de-la-famille-shehab-7cc38a5c-7974-11ee-b7ba-95ef9cb6f5e8",
     "full", "Recueilli par Patrick ANGEVIN", "2023-11-02T14:49:33+01:00", "instant", "json-ld", "famille Shehab"),
    ("paris-luttes.info.html", "https://paris-luttes.info/quand-on-comprend-que-les-grenades-12355",
     "full", "", "2019-06-29T00:00:00+02:00", "day", "htmldate", "Rémi Fraisse"),
    # htmldate's ground truth is 30 September 2018: the page declares no date, the heuristic errs.
    ("regards.fr.enquetes.html", "http://www.regards.fr/politique/article/deux-ans-et-demi-en-macronie-9-mises-en-examen-10-enquetes-en-cours-et-2",
     "full", "Loïc Le Clerc", "2018-09-11T00:00:00+02:00", "day", "htmldate", "Le 6 août 2019, le député"),
    ("revolutionpermanente.fr.antonin.html", "https://www.revolutionpermanente.fr/Antonin-Bernanos-en-prison-depuis-pres-de-deux-mois-en-raison-de-son-militantisme",
     "full", "Courant Communiste Revolutionnaire", "2019-06-13T00:00:00+02:00", "day", "htmldate", "Antonin Bernanos"),
    # JSON-LD says part of the article is not free (hasPart isAccessibleForFree False).
    ("sciencesetavenir.fr.rumeur.html", "https://www.sciencesetavenir.fr/sante/covid-19-et-infox-comment-une-rumeur-devient-realite_147359",
     "paywall", "Nicolas Gutierrez C", "2020-09-14T11:46:33+02:00", "instant", "json-ld", "Aussi contagieuses que le virus ?"),
    ("soundofscience.fr.1927.html", "https://www.soundofscience.fr/1927",
     "full", "Martin Clavey", "2020-01-20T00:00:00+01:00", "day", "htmldate", "conseiller recherche d’Emmanuel Macron"),
    ("sports.fr.lorient.html", "https://www.sports.fr/direct-foot/50918/177512/lorient-olympique-lyonnais.html",
     "full", "", "2020-09-27T18:45:00+02:00", "instant", "json-ld", "terminé au Moustoir ! Lorient a tenu"),
]


def _article(name: str, url: str):
    return extract_article((REAL / name).read_bytes(), url, "text/html; charset=utf-8", today=TODAY)


@pytest.mark.parametrize("name, url, access, author, published, precision, origin, sentence", PAGES,
                         ids=[p[0] for p in PAGES])
def test_real_page(name, url, access, author, published, precision, origin, sentence):
    article = _article(name, url)
    assert article.access == access, article.problem
    assert article.author == author
    assert article.published is not None and article.published.isoformat() == published
    assert (article.published_precision, article.published_from) == (precision, origin)
    assert sentence in article.text
    assert len(article.text) > 1000
    # No consent manager's wording ever reaches the text kept.
    assert not [p for p in CONSENT_PHRASES if p in fold(article.text)][:1] or access == "paywall"


def test_the_real_set_covers_twenty_pages_of_twelve_outlets():
    hosts = {url.split("/")[2].removeprefix("www.").removeprefix("blog.").removeprefix("blogs.") for _, url, *_ in PAGES}
    assert len(PAGES) >= 20 and len(hosts) >= 12
    assert {p.name for p in REAL.glob("*.html")} == {p[0] for p in PAGES} | {"lanouvellerepublique.fr.martin.html"}
    sources = (REAL / "SOURCES.md").read_text()
    assert all(f"`{p.name}`" in sources for p in REAL.iterdir() if p.name != "SOURCES.md")


def test_page_times_are_kept_and_shown_in_paris_time():
    lemonde = _article(*PAGES[11][:2])
    assert french_datetime(lemonde.published, lemonde.published_precision) == "29 octobre 2023 à 4 h 28"
    regional = _article(*PAGES[19][:2])  # Ouest-France, JSON-LD "2023-11-02T13:49:33Z"-like instant
    assert french_datetime(regional.published, regional.published_precision) == "2 novembre 2023 à 14 h 49"
    day_only = _article(*PAGES[4][:2])  # Dalloz: a day, never an hour
    assert french_datetime(day_only.published, day_only.published_precision) == "7 mai 2020"


def test_javascript_template_page_is_a_teaser():
    # La Nouvelle République served by Rubedo before Angular ran: {{rubedo.current.page.title}}.
    url = "https://www.lanouvellerepublique.fr/indre-et-loire/commune/saint-martin-le-beau/family-park-la-derniere-saison-a-saint-martin-le-beau"
    article = _article("lanouvellerepublique.fr.martin.html", url)
    assert (article.access, article.text) == ("teaser", "")
    # Its title, once the parser reads it, is the CMS editor's « Modification de page en cours ».
    assert article.problem == JS_PROBLEM + " (titre « Modification de page en cours »)"
    doc = apply_article(Document(source="s", url=url, title="Family Park", summary="Dernière saison"), article, url)
    assert (doc.access, doc.text, doc.extra["article_problem"][:27]) == ("teaser", "", JS_PROBLEM)


def test_page_date_refines_a_listing_day_on_the_same_day():
    url = PAGES[2][1]
    article = _article("bondyblog.fr.paris-8.html", url)
    listed = Document(source="s", url=url, title="t", published=datetime(2020, 2, 16, 23, 0, tzinfo=timezone.utc))
    assert listed.published_precision == "day"  # midnight Paris: a day
    doc = apply_article(listed, article, url)
    assert (doc.to_dict()["published"], doc.published_precision) == ("2020-02-17T13:31:49+01:00", "instant")
    other_day = Document(source="s", url=url, title="t", published=datetime(2020, 2, 19, 23, 0, tzinfo=timezone.utc))
    assert apply_article(other_day, article, url).to_dict()["published"] == "2020-02-20T00:00:00+01:00"


@pytest.mark.parametrize("line", [
    # Le Monde, with decimals (audit of lemonde.fr, 27/03/2026, in a public repository's notes).
    "Il vous reste 82.23% de cet article à lire. La suite est réservée aux abonnés.",
    "Il vous reste 78 % de cet article à lire.",
    # Le Figaro (Ophirofox's Le Figaro adapter quotes it so).
    "Cet article est réservé aux abonnés. Il vous reste 85\u00a0% à découvrir.",
])
def test_paywall_banners_as_real_outlets_write_them(line):
    assert _is_paywalled("<p>x</p>", fold(line))


def test_paywall_banner_about_another_service_is_not_a_paywall():
    # Le Point shows « Ce service est réservé aux abonnés » next to its bookmarks button.
    assert _article(*PAGES[13][:2]).access == "full"


# ------------------------------------------------------------------ real feeds
def _feed_items(spider, slug_file: str, url: str):
    source = spider.sources[0]
    spider.source_request(source)
    response = fixture_response("press_real", slug_file, url, "application/xml; charset=utf-8", meta={"source": source})
    return list(spider.parse(response))


def test_le_monde_summaries_are_descriptions_never_photo_captions(config_path):
    items = _feed_items(PressRssSpider(articles="never"), "lemonde_international_rss.xml",
                        "https://www.lemonde.fr/international/rss_full.xml")
    assert len(items) == 20
    first, eighteenth = items[0], items[18]
    assert first.summary.strip().startswith("Deux chercheurs américains ont montré que les soldats envoyés")
    assert "George Washington" not in first.summary and "Bridgeman" not in first.summary
    assert eighteenth.title.strip().startswith("Un député flamand d’extrême droite")
    assert all("media" not in i.summary and "AFP" != i.summary.strip() for i in items)
    assert not [i for i in items if "REUTERS" in i.summary or "/ AFP" in i.summary]
    # « Wed, 27 Mar 2024 09:00:14 +0100 »: an instant, kept in Paris time.
    assert (first.to_dict()["published"], first.published_precision) == ("2024-03-27T09:00:14+01:00", "instant")
    assert french_datetime(first.to_dict()["published"]) == "27 mars 2024 à 9 h 00"


def test_google_news_cluster_keeps_the_other_outlets(config_path):
    items = _feed_items(PressGoogleNewsSpider(articles="never"), "google_news_top_stories_fr_be.xml",
                        "https://news.google.com/rss?hl=fr&gl=BE&ceid=BE:fr")
    assert len(items) == 1
    story = items[0]
    assert (story.publisher, story.title) == ("RTBF", "Coronavirus en Belgique: 200 cas détectés au total, un nombre limité de tests effectués par manque de réactifs")
    assert [o["publisher"] for o in story.extra["also_covered_by"]] == ["Sudinfo.be", "dh.be", "Le Soir", "Notélé"]
    assert story.extra["also_covered_by"][2]["title"] == "Coronavirus en Belgique: 31 nouvelles infections, 200 cas recensés"
    assert story.extra["also_covered_by_label"] == "également couvert par Sudinfo.be, dh.be, Le Soir et Notélé"
    assert story.extra["google_news_story"].startswith("https://news.google.com/stories/")
    json.dumps(story.to_dict())  # the raw JSONL line stays writable
