"""Feeds behind the staff login: VEILLE_FEED_TOKEN opens the Atom and ICS feeds (?jeton=),
and nothing else; staff see the addresses to subscribe to (in-process Datasette)."""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from datasette_helpers import build_database, fetch

TOKEN = "k3Hq-9vXo2mZP0aTn7wLbY4cR1sDfGhJ"  # the shape secrets.token_urlsafe(24) prints
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(config, monkeypatch):
    """The site with the staff login on and a feed token configured."""
    from pipelines.serve import FEED_TOKEN_ENV, PASSWORD_ENV, hash_password, make_datasette

    build_database(config)
    monkeypatch.setenv(PASSWORD_ENV, hash_password("bon mot de passe", iterations=1000))
    monkeypatch.setenv(FEED_TOKEN_ENV, TOKEN)
    return make_datasette(config.database)


def _refused(response) -> bool:
    return response.status_code == 302 and response.headers["location"].startswith("/-/connexion")


def _staff_cookie(site) -> dict:
    form = fetch(site, "/-/connexion")
    csrf = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
    response = asyncio.run(site.client.post(
        "/-/connexion", data={"csrftoken": csrf, "mot_de_passe": "bon mot de passe", "suite": "/"},
        cookies={"ds_csrftoken": form.cookies["ds_csrftoken"]}))
    assert response.status_code == 302
    return {"ds_actor": response.cookies["ds_actor"]}


def test_a_feed_without_the_token_goes_to_the_login_page(site):
    for path in ("/veille/flux_mentions.atom", "/veille/flux_engagements.atom", "/veille/calendrier_engagements.ics"):
        assert _refused(fetch(site, path)), path


def test_the_right_token_opens_the_atom_and_ics_feeds(site):
    mentions = fetch(site, f"/veille/flux_mentions.atom?jeton={TOKEN}")
    assert mentions.status_code == 200, mentions.text[:300]
    assert mentions.headers["content-type"].startswith("application/xml")
    feed = ET.fromstring(mentions.content)
    assert feed.tag == f"{ATOM}feed"
    ids = [e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")]
    assert sorted(ids) == sorted(f"veille:document:{d}" for d in ("press-ministre", "press-script", "QANR5L17QE9001", "press-dauphine"))
    commitments = fetch(site, f"/veille/flux_engagements.atom?jeton={TOKEN}")
    assert commitments.status_code == 200 and ET.fromstring(commitments.content).tag == f"{ATOM}feed"
    calendar = fetch(site, f"/veille/calendrier_engagements.ics?jeton={TOKEN}")
    assert calendar.status_code == 200 and calendar.text.startswith("BEGIN:VCALENDAR")


def test_the_token_opens_the_feed_of_a_search_and_of_an_actor(site):
    assert _refused(fetch(site, "/veille/documents.atom?_q=Dubois"))
    search = fetch(site, f"/veille/documents.atom?_q=Dubois&jeton={TOKEN}")
    assert search.status_code == 200, search.text[:300]
    ids = [e.findtext(f"{ATOM}id") for e in ET.fromstring(search.content).iter(f"{ATOM}entry")]
    assert ids == ["veille:document:press-ministre", "veille:document:QANR5L17QE9001"]
    actor = fetch(site, f"/acteur/PA900002.atom?jeton={TOKEN}")
    assert actor.status_code == 200 and ET.fromstring(actor.content).findtext(f"{ATOM}title") == "Veille SEC-Pa : Claire Dubois"


@pytest.mark.parametrize("path", [
    "/", "/veille", "/veille/documents", "/veille/flux_mentions", "/veille/flux_mentions.json",
    "/veille/documents.json", "/veille/actors.atom", "/acteur/PA900002", "/document/press-ministre", "/veille.json?sql=" + quote("select 1"),
])
def test_the_token_opens_nothing_but_the_feeds(site, path):
    joined = "&" if "?" in path else "?"
    assert _refused(fetch(site, f"{path}{joined}jeton={TOKEN}")), path


@pytest.mark.parametrize("token", ["", "mauvais", TOKEN[:-1], TOKEN + "x", TOKEN.lower()])
def test_a_wrong_token_is_refused(site, token):
    assert _refused(fetch(site, f"/veille/flux_mentions.atom?jeton={quote(token)}"))


def test_no_token_configured_means_no_feed_without_login(site, monkeypatch):
    from pipelines.serve import FEED_TOKEN_ENV

    monkeypatch.delenv(FEED_TOKEN_ENV)
    assert _refused(fetch(site, f"/veille/flux_mentions.atom?jeton={TOKEN}"))
    about = fetch(site, "/-/a-propos", cookies=_staff_cookie(site)).text
    assert "VEILLE_FEED_TOKEN" in about and "jeton=" not in about


def test_staff_see_the_addresses_to_subscribe_to_and_nobody_else(site):
    anonymous = fetch(site, "/-/a-propos").text
    assert TOKEN not in anonymous and "S'abonner aux flux" not in anonymous
    about = fetch(site, "/-/a-propos", cookies=_staff_cookie(site)).text
    urls = re.findall(r"<code>(http://[^<]+)</code>", about)
    assert urls == [f"http://localhost/veille/{name}?jeton={TOKEN}" for name in
                    ("flux_mentions.atom", "flux_engagements.atom", "calendrier_engagements.ics",
                     "calendrier_agenda.ics")]
    for url in urls:  # the address shown is the one that works, without the login cookie
        assert fetch(site, url.removeprefix("http://localhost")).status_code == 200


def test_without_login_the_feeds_stay_public_and_the_token_is_not_needed(config, monkeypatch):
    from pipelines.serve import FEED_TOKEN_ENV, PASSWORD_ENV, make_datasette

    build_database(config)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.setenv(FEED_TOKEN_ENV, TOKEN)
    site = make_datasette(config.database)
    assert fetch(site, "/veille/flux_mentions.atom").status_code == 200
    about = fetch(site, "/-/a-propos").text
    assert "http://localhost/veille/flux_mentions.atom</code>" in about and TOKEN not in about


@pytest.mark.parametrize("target", ["/\\evil.test/", "//evil.test/", "https://evil.test/", "/\\/evil.test",
                                    "javascript:alert(1)", "/%0d%0aSet-Cookie:x", "\n/x"])
def test_after_login_only_a_path_of_this_site(site, target):
    from pipelines.serve import local_target

    assert local_target(target) in ("/", "/%0d%0aSet-Cookie:x")  # an encoded path stays a local path
    form = fetch(site, "/-/connexion")
    csrf = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
    response = asyncio.run(site.client.post(
        "/-/connexion", data={"csrftoken": csrf, "mot_de_passe": "bon mot de passe", "suite": target},
        cookies={"ds_csrftoken": form.cookies["ds_csrftoken"]}))
    assert response.status_code == 302 and response.headers["location"].startswith("/")
    assert not response.headers["location"].startswith(("//", "/\\"))
    assert local_target("/veille/documents?_q=secpa") == "/veille/documents?_q=secpa"


def test_wrong_passwords_are_throttled(site):
    from pipelines.serve import LoginThrottle

    def attempt(password):
        form = fetch(site, "/-/connexion")
        csrf = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
        return asyncio.run(site.client.post(
            "/-/connexion", data={"csrftoken": csrf, "mot_de_passe": password, "suite": "/"},
            cookies={"ds_csrftoken": form.cookies["ds_csrftoken"]}))

    assert all(attempt("mauvais").status_code == 403 for _ in range(5))
    blocked = attempt("bon mot de passe")
    assert blocked.status_code == 429 and "Trop de mots de passe incorrects" in blocked.text
    throttle = LoginThrottle(limit=2, window_s=10, clock=lambda: now[0])
    now = [0.0]
    throttle.failed("a"), throttle.failed("a")
    assert throttle.blocked("a") and not throttle.blocked("b")
    now[0] = 11.0
    assert not throttle.blocked("a")  # the window has passed


def test_logged_in_staff_may_run_free_sql(site):
    cookie = _staff_cookie(site)
    response = fetch(site, "/veille.json?sql=" + quote("select count(*) as n from documents"), cookies=cookie)
    assert response.status_code == 200 and response.json()["rows"][0][0] > 0
