"""Article extraction and access flags on recorded French pages (spiders.articles)."""

import gzip
import json
from datetime import datetime, timezone

import pytest

from conftest import FIXTURES
from spiders.articles import apply_article, decode_html, extract_article
from spiders.items import Document

PAGES = FIXTURES / "press_articles"
ROUTES = {r["file"]: r for r in json.loads((PAGES / "routes.json").read_text()) if "file" in r}
TODAY = datetime(2026, 2, 20, tzinfo=timezone.utc)


def page(name):
    route = ROUTES[name]
    body = (PAGES / name).read_bytes()
    if route.get("headers", {}).get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return extract_article(body, route["url"], route["content_type"], today=TODAY)


def test_full_article_without_boilerplate_or_comments():
    article = page("liberation_quartiers.html")
    assert article.access == "full" and article.problem == ""
    assert article.text.startswith("Dans la salle d’attente du centre de santé communautaire de Saint-Denis")
    assert article.text.endswith("éloignés du système de soins.")
    for boilerplate in ("Accepter et fermer", "À lire aussi", "Grippe : l'épidémie", "Mentions légales",
                        "Partager sur Facebook", "On attend des engagements écrits", "Nous et nos partenaires"):
        assert boilerplate not in article.text
    assert article.author == "Nathalie Raulin"
    assert article.published == datetime(2026, 2, 3, 17, 45, tzinfo=timezone.utc)


def test_paywalled_page_keeps_only_its_teaser():
    article = page("lemonde_sursis_paywall.html")
    assert article.access == "paywall"
    assert article.problem == "article réservé aux abonnés : seul le début est lu"
    assert "qui redoutait de devoir licencier ses médiatrices en santé." in article.text
    for hidden in ("Il vous reste", "réservée aux abonnés", "S'abonner", "Déjà abonné"):
        assert hidden not in article.text
    assert len(article.text) < 1000


def test_consent_wall_is_blocked_and_gives_no_text():
    article = page("20minutes_consent_wall.html")
    assert (article.access, article.text) == ("blocked", "")
    assert article.problem == "mur de consentement aux cookies : aucun texte enregistré"


def test_cookie_banner_on_a_short_article_is_not_a_consent_wall():
    body = (FIXTURES / "press_listings" / "femasco_ag_2026.html").read_bytes()
    article = extract_article(body, "https://www.femasco-bfc.fr/2026/02/10/assemblee-generale-2026/", "text/html", today=TODAY)
    assert article.access == "full" and "26 mars à Dijon" in article.text


def test_google_pages_are_never_used():
    body = b"<html><body><h1>Before you continue to Google</h1><p>We use cookies and data to deliver services.</p></body></html>"
    for url in ("https://consent.google.com/ml?continue=https://news.google.com/rss/articles/CBMi", "https://news.google.com/rss/articles/CBMi?oc=5"):
        article = extract_article(body, url, "text/html", today=TODAY)
        assert (article.access, article.text) == ("blocked", "")
        assert article.problem.startswith("page Google")


def test_anti_bot_page_is_blocked():
    body = b"<html><head><title>Just a moment...</title></head><body><p>Checking your browser before accessing lemonde.fr.</p></body></html>"
    article = extract_article(body, "https://www.lemonde.fr/x.html", "text/html", today=TODAY)
    assert (article.access, article.text) == ("blocked", "")
    assert extract_article(b"<html>Forbidden</html>", "https://www.lemonde.fr/x.html", "text/html", 403).access == "blocked"


def test_declared_utf8_served_as_windows_1252_is_read_correctly_and_noted():
    article = page("ladepeche_case_de_sante_cp1252.html")
    assert article.access == "full"
    assert "Place Arnaud-Bernard, la Case de santé ne désemplit pas." in article.text
    assert "\ufffd" not in article.text
    assert article.notes == ["charset déclaré utf-8 incorrect, contenu lu en windows-1252"]


def test_undeclared_charset_latin1():
    article = page("sudouest_benauge_latin1.html")
    assert "À la Benauge, sur la rive droite de Bordeaux" in article.text
    assert article.notes == ["charset non déclaré, contenu lu en windows-1252"]
    assert decode_html("é".encode("utf-8"), "iso-8859-1") == ("é", ["charset déclaré iso-8859-1, contenu lu en utf-8"])


def test_page_without_text_is_flagged():
    article = page("estrepublicain_no_text.html")
    assert (article.access, article.text) == ("teaser", "")
    assert article.problem == "aucun texte d'article dans la page (52 caractères seulement)"


def test_twenty_megabyte_page_is_refused_without_parsing():
    article = page("midilibre_direct_20mb.html.gz")
    assert article.access == "teaser"
    assert article.problem == "page trop lourde (21.0 Mo, limite 5 Mo)"


def test_pdf_served_as_html_is_read_as_pdf():
    body = (FIXTURES / "press_listings" / "sante_gouv_cp_fin_secpa_pdf_as_html.bin").read_bytes()
    article = extract_article(body, "https://sante.gouv.fr/IMG/pdf/cp_fin_experimentation_secpa_29012026.pdf", "text/html; charset=utf-8")
    assert article.access == "full" and article.notes == ["PDF servi comme page HTML"]
    assert "prendra fin le 30 avril 2026" in article.text
    broken = extract_article(b"%PDF-1.4 garbage", "https://sante.gouv.fr/x.pdf", "text/html")
    assert broken.access == "teaser" and broken.problem.startswith("PDF servi comme page HTML, ")


def test_future_dates_in_scripts_are_ignored():
    # Every page carries "publishedAt": "2027-01-01..." in a dataLayer script.
    assert page("humanite_pas_un_luxe.html").published == datetime(2026, 2, 4, 5, 30, tzinfo=timezone.utc)
    html = b"<html><head><script>var d='2027-05-01T10:00:00+02:00'</script></head><body><article><p>" + b"Texte de l'article. " * 30 + b"</p><p>Publie le 3 fevrier 2026</p></article></body></html>"
    published = extract_article(html, "https://ex.fr/a", "text/html", today=TODAY).published
    assert published is None or published <= TODAY


@pytest.mark.parametrize("name, access, text", [
    ("20minutes_consent_wall.html", "blocked", ""),
    ("lemonde_sursis_paywall.html", "paywall", "Le soulagement est réel"),
])
def test_apply_article_never_keeps_blocked_text(name, access, text):
    doc = Document(source="s", url=ROUTES[name]["url"], title="T", summary="Le résumé du flux.",
                   published=datetime(2026, 2, 18, tzinfo=timezone.utc))
    completed = apply_article(doc, page(name), ROUTES[name]["url"])
    assert completed.access == access
    assert (text in completed.text) if text else completed.text == ""
    assert completed.summary == "Le résumé du flux."
    assert completed.published == doc.published


def test_page_labels_and_the_source_health_line():
    from spiders.press_articles import PageTally, page_label

    assert page_label("full", "") is None
    assert page_label("teaser", page("midilibre_direct_20mb.html.gz").problem) == "page trop lourde"
    assert page_label("teaser", page("estrepublicain_no_text.html").problem) == "aucun texte"
    assert page_label("blocked", page("20minutes_consent_wall.html").problem) == "bloqué"
    assert page_label("paywall", page("lemonde_sursis_paywall.html").problem) == "payant"
    assert page_label("", "HTTP 404 (introuvable)") == "HTTP 404"
    assert page_label("", "délai dépassé (pas de réponse en 20 s)") == "délai dépassé"
    assert page_label("", "nom de domaine introuvable (DNS)") == "connexion impossible"

    tally = PageTally()
    for label in [None] * 9 + ["aucun texte", "page trop lourde", "boucle de redirections"]:
        tally.add(label)
    assert tally.message() == ("3 pages d'articles sur 12 illisibles : boucle de redirections (1), "
                               "page trop lourde (1), aucun texte (1)")
    refused = PageTally()
    for label in ["bloqué", "payant", None]:
        refused.add(label)
    assert refused.message() is None
    blocked = PageTally()
    for label in ["bloqué"] * 10 + ["HTTP 404", "aucun texte"]:
        blocked.add(label)
    assert blocked.message() == "toutes les pages d'articles bloquées ou illisibles (12/12) : aucun texte (1), bloqué (10), HTTP 404 (1)"
    two = PageTally()
    two.add("bloqué"), two.add("bloqué")
    assert two.message() is None  # fewer than 3 pages: not enough to call the source blocked


def test_author_with_an_apostrophe_is_not_cut():
    article = page("estrepublicain_afp_secpa.html")
    assert article.author == "L'Est Républicain (AFP)"
