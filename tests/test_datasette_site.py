"""The site a person uses: search, facets, document and actor pages, escaping, read-only
SQL, time limit and the optional staff login (in-process Datasette, fixture database)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from datasette import hookimpl

from datasette_helpers import build_database, fetch
from pipelines.site_markup import fts_expression, highlight


@pytest.fixture
def site(config):
    from pipelines.serve import make_datasette

    build_database(config)
    return make_datasette(config.database)


def _result_ids(html: str) -> list[str]:
    return re.findall(r'<h3 class="result-title"><a href="/document/([^"]+)"', html)


def test_secpa_finds_every_spelling(site):
    page = fetch(site, "/veille/documents?_q=secpa")
    assert page.status_code == 200
    # SEC-Pa, Sepca, SECPA, "SEC Pa", long forms: every relevant document; never the off-topic one.
    assert sorted(_result_ids(page.text)) == sorted(["press-script", "press-ministre", "QANR5L17QE9001", "press-dauphine"])
    assert "4 documents" in page.text
    assert "<mark>SEC-Pa</mark>" in page.text or "<mark>SECPA</mark>" in page.text


def test_search_is_diacritic_insensitive_with_phrases_and_prefixes(site):
    assert _result_ids(fetch(site, "/veille/documents?_q=echirolles").text) == ["press-dauphine"]
    assert sorted(_result_ids(fetch(site, "/veille/documents?_q=" + quote('"sante participatif*"')).text)) == [
        "press-dauphine", "press-script"]
    assert _result_ids(fetch(site, "/veille/documents?_q=" + quote("pérennis*")).text) == ["press-script", "QANR5L17QE9001"]
    assert _result_ids(fetch(site, "/veille/documents?_q=" + quote("perennis")).text) == []
    snippet = fetch(site, "/veille/documents?_q=ministre").text
    assert "<mark>ministre</mark>" in snippet
    broken = fetch(site, "/veille/documents?_q=" + quote('SEC-Pa "unbalanced (* OR'))
    assert broken.status_code == 200


def test_fts_expression():
    fts = fts_expression
    assert fts("SEC-Pa") == '"SEC Pa"'
    assert fts('santé "centre de santé" financ*') == '"santé" "centre de santé" "financ" *'
    assert fts("ars OU cnam") == '"ars" OR "cnam"'
    assert fts("OR ( ) *") == ""


def test_highlight_escapes_and_nests():
    text = "<b>La ministre</b> promet"
    html = str(highlight(text, [{"start": 3, "end": 14, "cls": "hl-actor", "title": "Acteur", "href": "/acteur/x"},
                                {"start": 0, "end": 25, "cls": "hl-commitment", "title": "<engagement>"},
                                {"start": 50, "end": 60, "cls": "hl-topic", "title": "hors texte"}]))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<a class="mark-link" href="/acteur/x"><mark class="hl-actor hl-commitment"' in html
    assert "&lt;engagement&gt;" in html and "hors texte" not in html


def test_facets_actor_group_ministry_month(site):
    page = fetch(site, "/veille/documents.json?_q=secpa&_extra=facet_results").json()
    facets = page["facet_results"]
    values = {name: {v["label"]: v["count"] for v in f["results"]} for name, f in facets.items()}
    assert values["acteur"] == {"Claire Dubois": 2, "Alice Martin": 1, "DGOS": 1}
    assert values["groupe"] == {"EcoS": 1}
    assert values["ministere"] == {"Ministère de la Santé": 2}
    assert values["mois"] == {"février 2026": 3, "janvier 2026": 1}
    assert values["source"] == {"google_news_secpa": 1, "lacroix": 1, "an_questions": 1, "ledauphine": 1}
    assert set(values) >= {"kind", "publisher", "access"}
    narrowed = fetch(site, "/veille/documents?_q=secpa&_groupe=PO845401").text
    assert _result_ids(narrowed) == ["QANR5L17QE9001"]
    by_month = fetch(site, "/veille/documents?_mois=2026-01").text
    assert _result_ids(by_month) == ["press-dauphine"]


def test_document_page_highlights_mentions_actors_commitments(site):
    page = fetch(site, "/document/press-ministre")
    assert page.status_code == 200
    html = page.text
    assert '<mark class="hl-topic"' in html and ">SEC-Pa</mark>" in html
    assert re.search(r'<a class="mark-link" href="/acteur/PA900002"><mark class="hl-actor hl-commitment"[^>]*>La ministre de la Santé</mark>', html)
    assert '<a class="mark-link" href="/acteur/org%3Adgos"><mark class="hl-actor hl-announcement hl-commitment"' in html
    assert "Pourquoi ce document ?" in html and "sigle « SEC-Pa »" in html
    assert 'href="https://www.concourspluripro.fr/article/maintien-secpa"' in html
    archive = re.search(r'href="(/archive/[0-9a-f]{64})"', html)
    assert archive and "Copie archivée du 18 février 2026" in html
    copy = fetch(site, archive.group(1))
    assert copy.status_code == 200 and "SEC-Pa maintenues" in copy.text
    assert "sandbox" in copy.headers["content-security-policy"]
    assert "Échéance : 31 décembre 2026" in html and "1 500 000 €" in html
    assert fetch(site, "/document/inconnu").status_code == 404


def test_hostile_title_and_link_are_inert(site):
    for path in ("/document/press-script", "/veille/documents?_q=secpa", "/", "/veille/mentions_semaine?du=2026-02-16&au=2026-02-22",
                 "/veille/documents/press-script"):
        html = fetch(site, path).text
        assert "<script>window.__pwned" not in html, path
        assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", ""), path
    page = fetch(site, "/document/press-script").text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "javascript:" not in page  # the scraped javascript: URL never becomes a link


def test_actor_page(site):
    page = fetch(site, "/acteur/PA900002")
    assert page.status_code == 200
    html = page.text
    assert "<h1" in html and "Claire Dubois" in html
    assert "Documents qui le citent (2)" in html
    assert "Ministre — Ministère de la Santé" in html
    assert 'class="badge commitment-commitment">engagement</span>' in html
    assert "<svg" in html
    author = fetch(site, "/acteur/PA900001").text
    assert "Avenir des structures" in author and "sans réponse" in author
    assert fetch(site, "/acteur/personne").status_code == 404


def test_home_page_has_search_chart_and_feed(site):
    html = fetch(site, "/").text
    assert 'name="_q"' in html and 'action="/veille/documents"' in html
    assert '<svg class="chart"' in html and "<rect" in html
    assert 'type="application/atom+xml"' in html and "/veille/flux_mentions.atom" in html
    assert "Pages utiles" in html and 'href="/questions"' in html


def test_home_chart_keeps_empty_weeks_and_shows_years():
    from pipelines.site_chart import continuous_periods, tick_labels, weekly_chart_svg

    rows = [{"semaine": "2025-12-22", "type": "press", "documents": 2},
            {"semaine": "2026-01-26", "type": "press", "documents": 1},
            {"semaine": "2026-02-16", "type": "question", "documents": 3}]
    weeks = continuous_periods([r["semaine"] for r in rows])
    assert weeks[0] == "2025-12-22" and weeks[-1] == "2026-02-16" and len(weeks) == 9  # no week skipped
    labels = tick_labels(weeks)
    assert labels[0] == "22 déc. 2025" and labels[2] == "5 janv. 2026" and labels[3] == "12 janv."
    svg = str(weekly_chart_svg(rows, first="2025-12-01"))
    assert svg.count("<rect") == 3 + 2  # three bars and two legend keys
    assert "1 déc. 2025" in svg and "Semaine du 16 février 2026 : 3 question" in svg


def test_sql_is_read_only_and_time_limited(config):
    from pipelines.serve import make_datasette

    build_database(config)
    site = make_datasette(config.database, open_sql=True)  # `veille serve` on 127.0.0.1, no login
    write = fetch(site, "/veille.json?sql=" + quote("delete from documents"))
    assert write.status_code == 400
    slow = fetch(site, "/veille.json?sql=" + quote(
        "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"))
    assert slow.status_code == 400 and "interrupted" in slow.text.lower()
    assert site.setting("sql_time_limit_ms") == 2000
    assert fetch(site, "/veille.db").status_code in (403, 404)


def test_staff_login(site, monkeypatch):
    from pipelines.serve import PASSWORD_ENV, hash_password, verify_password

    stored = hash_password("bon mot de passe")
    assert verify_password("bon mot de passe", stored) and not verify_password("autre", stored)
    monkeypatch.setenv(PASSWORD_ENV, stored)
    closed = fetch(site, "/veille/documents")
    assert closed.status_code == 302 and closed.headers["location"].startswith("/-/connexion")
    assert fetch(site, "/document/press-ministre").status_code == 302
    form = fetch(site, "/-/connexion")
    assert form.status_code == 200 and 'type="password"' in form.text
    token = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
    cookies = {"ds_csrftoken": form.cookies["ds_csrftoken"]}
    import asyncio

    wrong = asyncio.run(site.client.post("/-/connexion", data={"csrftoken": token, "mot_de_passe": "non", "suite": "/"}, cookies=cookies))
    assert wrong.status_code == 403 and "Mot de passe incorrect" in wrong.text
    right = asyncio.run(site.client.post("/-/connexion", data={"csrftoken": token, "mot_de_passe": "bon mot de passe", "suite": "/veille/documents"}, cookies=cookies))
    assert right.status_code == 302 and right.headers["location"] == "/veille/documents"
    opened = fetch(site, "/veille/documents", cookies={"ds_actor": right.cookies["ds_actor"]})
    assert opened.status_code == 200 and "Équipe" in opened.text


def test_site_settings_and_immutable_snapshot(config, monkeypatch):
    from pipelines.serve import IMMUTABLE_ENV, immutable_requested, make_datasette

    build_database(config)
    site = make_datasette(config.database)
    assert site.setting("suggest_facets") is False and site.setting("sql_time_limit_ms") == 2000
    assert [name for name in site.databases if name != "_internal"] == ["veille"]
    assert site.databases["veille"].is_mutable
    frozen = make_datasette(config.database, immutable=True)
    assert not frozen.databases["veille"].is_mutable
    assert fetch(frozen, "/document/press-ministre").status_code == 200
    monkeypatch.delenv(IMMUTABLE_ENV, raising=False)
    assert not immutable_requested()
    monkeypatch.setenv(IMMUTABLE_ENV, "1")
    assert immutable_requested()


def test_feeds_are_styled_in_french_and_carry_no_unsafe_link(site):
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    for path in ("/veille/flux_mentions.atom", "/veille/documents.atom?_q=secpa", "/veille/flux_engagements.atom"):
        response = fetch(site, path)
        assert response.status_code == 200, path
        assert '<?xml-stylesheet type="text/xsl" href="/static/atom.xsl"?>' in response.text
        assert "javascript:" not in response.text and "data:" not in response.text, path
        ET.fromstring(response.content)  # well-formed whatever the titles hold
    feed = ET.fromstring(fetch(site, "/veille/flux_mentions.atom").content)
    hostile = next(e for e in feed.iter(f"{atom}entry") if e.findtext(f"{atom}id") == "veille:document:press-script")
    assert [link.get("rel") for link in hostile.findall(f"{atom}link")] == ["alternate"]  # no related javascript: link
    assert hostile.find(f"{atom}link").get("href").endswith("/document/press-script")
    assert "<script>window.__pwned = 1</script>" in hostile.findtext(f"{atom}title")  # text, escaped by the writer
    xsl = fetch(site, "/static/atom.xsl")
    assert xsl.status_code == 200 and "Ceci est un <strong>flux Atom</strong>" in xsl.text
    assert "disable-output-escaping" not in xsl.text


def test_calendar_has_dtstamp_and_all_day_deadlines(site):
    ics = fetch(site, "/veille/calendrier_engagements.ics").text
    events = ics.count("BEGIN:VEVENT")
    assert events >= 2
    assert ics.count("DTSTAMP:") == events and ics.count("DTSTART;VALUE=DATE:") == events
    assert "DTSTART;VALUE=DATE:20260315\r\nDTEND;VALUE=DATE:20260316" in ics
    assert "T000000Z" not in ics and all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert "javascript:" not in ics


def test_feed_helpers_refuse_unsafe_links_and_fold_lines():
    from datetime import date, datetime, timezone

    from pipelines.site_feeds import ics_calendar, ics_day, safe_link

    assert safe_link("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", "data:text/html,<script>", "file:///etc/passwd", " JaVaScRiPt:x", "https://a b"):
        assert safe_link(bad) == "", bad
    assert ics_day("2026") == date(2026, 12, 31) and ics_day("2026-03") == date(2026, 3, 1) and ics_day("x") is None
    ics = ics_calendar("Agenda", [
        {"uid": "a", "summary": "Échéance, très ; longue " * 5, "day": date(2026, 3, 15),
         "description": "Voir javascript:alert(1)", "url": "javascript:alert(1)"},
        {"uid": "b", "summary": "Échéance, très ; longue " * 5, "day": date(2026, 3, 15)}],
        now=datetime(2026, 3, 1, 12, tzinfo=timezone.utc))
    assert ics.count("BEGIN:VEVENT") == 1  # the same deadline repeated by two outlets is one event
    assert "DTSTAMP:20260301T120000Z" in ics and "\\," in ics and "\\;" in ics
    assert "javascript" not in ics and "URL:" not in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_actor_pages_are_paginated_and_say_what_parliamentarians_did(site):
    rows = fetch(site, "/veille/acteur_chronologie.json?acteur=PA900002&limite=1&_shape=array").json()
    assert len(rows) == 1  # the page reads one bounded slice
    first = fetch(site, "/acteur/PA900002").text
    assert "cité dans 2 documents" in first and 'href="/acteur/PA900002.atom"' in first
    assert "Plus rien sur cette page." in fetch(site, "/acteur/PA900002?page=2").text
    tilde = fetch(site, "/acteur/org~3Adgos")  # where Datasette redirects /acteur/org%3Adgos
    assert tilde.status_code == 200 and "<h1 class=\"page-title\">DGOS</h1>" in tilde.text
    author = fetch(site, "/acteur/PA900001").text
    assert "A posé 1 question" in author and "Membre — Écologiste et Social (groupe politique)" in author


def test_about_page_tells_what_is_stored(site):
    html = fetch(site, "/-/a-propos").text
    assert "texte intégral" in html and "Seuls le titre, un court extrait et le lien sont conservés" not in html
    assert "document sur" in html or "documents sur" in html


def test_free_sql_is_for_staff_and_named_queries_stay_public(config, monkeypatch):
    from pipelines.serve import PASSWORD_ENV, hash_password, make_datasette

    build_database(config)
    public = make_datasette(config.database)  # served beyond this machine, no login configured
    stall = "/veille.json?sql=" + quote("select length(randomblob(1000000000))")
    assert fetch(public, stall).status_code == 403
    assert fetch(public, "/veille.json?sql=" + quote("select 1")).status_code == 403
    assert fetch(public, "/veille/mentions_semaine.json").status_code == 200  # a named query
    assert fetch(public, "/veille/documents.json?_q=secpa").status_code == 200
    local = make_datasette(config.database, open_sql=True)
    assert fetch(local, "/veille.json?sql=" + quote("select 1")).status_code == 200
    monkeypatch.setenv(PASSWORD_ENV, hash_password("bon mot de passe", iterations=1000))
    assert fetch(local, "/veille.json?sql=" + quote("select 1")).status_code in (302, 403)  # login now required


def test_a_renamed_document_keeps_its_old_address(config):
    from pipelines import db as database
    from pipelines.serve import make_datasette

    build_database(config)
    db = database.open_db(config.database)
    database.rename_document(db, "press-ministre", "press-ministre-nouveau")
    db.close()
    site = make_datasette(config.database)
    old = fetch(site, "/document/press-ministre")
    assert old.status_code == 301 and old.headers["location"] == "/document/press-ministre-nouveau"
    assert fetch(site, "/document/press-ministre-nouveau").status_code == 200
    assert fetch(site, "/document/jamais-vu").status_code == 404


def _search_plugin():
    from datasette.plugins import pm

    return next(p for p in pm.get_plugins() if getattr(p, "__name__", "") == "veille_search.py")


class _StatementLog:
    """A plugin recording every SQL statement the site's connections run, once `on`."""

    __name__ = "test_statement_log"

    def __init__(self):
        self.on, self.statements = False, []

    @hookimpl
    def prepare_connection(self, conn):
        """Trace the new connection."""
        conn.set_trace_callback(lambda sql: self.statements.append(sql) if self.on else None)


@pytest.mark.parametrize("short_list_max", [20000, 0])
def test_a_search_page_matches_the_texts_once_whatever_the_number_found(config, monkeypatch, short_list_max):
    # With 0, every list of matched rowids is a "long" one (tested by a scan, as at 200k
    # documents): the page must show the same results and facets, and match once either way.
    from datasette.plugins import pm

    from pipelines.serve import make_datasette

    log = _StatementLog()
    pm.register(log, name="test_statement_log")
    try:
        build_database(config)
        site = make_datasette(config.database)
        plugin = _search_plugin()
        path = "/veille/documents.json?_q=ministre&_extra=facet_results,count"
        reference = fetch(site, path).json()
        monkeypatch.setattr(plugin, "SHORT_LIST_MAX", short_list_max)
        monkeypatch.setattr(plugin, "_MATCHED", {})
        log.on = True
        # Another visitor (a kept page is sent again without any query): the page is built.
        page = fetch(site, path, headers={"accept-language": f"fr-x-{short_list_max}"}).json()
    finally:
        pm.unregister(name="test_statement_log")
    matches = [s for s in log.statements if "documents_fts match" in s]
    assert len(matches) == 1, matches
    assert "json_group_array" in matches[0]
    assert page["filtered_table_rows_count"] == reference["filtered_table_rows_count"] > 1
    assert page["rows"] == reference["rows"]
    assert page["facet_results"] == reference["facet_results"]
    scanned = any("+rowid in (select value from json_each" in s for s in log.statements)
    assert scanned == (short_list_max == 0)
