"""The site as staff use it, in Debian's headless Chromium against a real `veille serve`:
a name typed in the search box leads to the person's page although the texts only name her
role; every page the menu reaches reads in French and passes axe-core (no serious or critical
violation); on a phone the first result is in the first screen; a feed opened in the browser
is a French page. Screenshots go to tests/artifacts/ (gitignored)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT
from test_datasette_browser import server  # noqa: F401  (the `veille serve` fixture)

pytestmark = pytest.mark.slow

AXE = ROOT / "tests" / "vendor" / "axe.min.js"
MENU = ["Documents", "Cette semaine", "Engagements", "Acteurs", "Questions", "Sources"]
# Words staff must never meet on a page the menu reaches: English values, column names, raw codes.
ENGLISH = re.compile(r"\b(open|warning|failed|answered|pending|reminded|actor_id|ministry_asked|group_abbr|"
                     r"document_id|published|sorted by|descending|rows?|glob|is null|contains|press|person|"
                     r"organisation_id|true|false|null|None)\b")


def _visible_text(page) -> str:
    return page.evaluate("document.querySelector('main') ? document.querySelector('main').innerText : document.body.innerText")


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_a_name_leads_to_the_person_and_every_menu_page_reads_in_french(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    errors, problems = [], {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.on("pageerror", lambda e: errors.append(str(e)))

        # « Dubois » is never written in the texts: they say « la ministre de la Santé ».
        page.goto(server + "/")
        page.fill("input[name=_q]", "Dubois")
        page.press("input[name=_q]", "Enter")
        page.wait_for_url("**/veille/documents?_q=Dubois")
        offer = page.locator("a.actor-suggestion").first
        assert offer.inner_text() == "Claire Dubois"
        first_result = page.locator("h3.result-title").first.bounding_box()
        assert offer.bounding_box()["y"] < first_result["y"]  # the person is offered before the documents
        assert page.locator("h3.result-title a").all_inner_texts()[0].startswith("Santé communautaire")
        assert page.locator(".snippet mark.hl-actor").first.inner_text() == "La ministre de la Santé"
        page.screenshot(path=str(ARTIFACTS / "recherche_nom.png"), full_page=True)
        offer.click()
        page.wait_for_url("**/acteur/PA900002")
        assert page.locator("h1").inner_text() == "Claire Dubois"

        # Every page the menu reaches: French words only, and axe finds nothing serious.
        pages = [("Accueil", server + "/")]
        page.goto(server + "/")
        for label in MENU:
            pages.append((label, server + page.locator(f".site-nav a:text-is('{label}')").get_attribute("href")))
        pages += [("Recherche", server + "/veille/documents?_q=secpa"), ("Acteur", server + "/acteur/PA900002"),
                  ("Document", server + "/document/press-ministre"), ("À propos", server + "/-/a-propos"),
                  ("Semaine du 16 février", server + "/cette-semaine?du=2026-02-16&au=2026-02-22")]
        for label, url in pages:
            page.goto(url)
            text = _visible_text(page)
            english = sorted(set(ENGLISH.findall(text)))
            serious = _axe(page)
            if english or serious:
                problems[label] = {"anglais": english, "axe": serious}
            page.screenshot(path=str(ARTIFACTS / f"menu_{re.sub(r'[^a-z]+', '_', label.lower())}.png"), full_page=True)
        browser.close()
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
    assert errors == []


def test_on_a_phone_the_first_result_is_in_the_first_screen(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 400, "height": 800}, locale="fr-FR", is_mobile=True)
        page.goto(server + "/veille/documents?_q=secpa")
        box = page.locator("h3.result-title").first.bounding_box()
        assert box is not None and box["y"] + box["height"] < 800, box
        assert page.evaluate("document.documentElement.scrollWidth") <= 400  # nothing overflows sideways
        assert page.locator("details.facets-details").get_attribute("open") is None  # filters folded
        page.screenshot(path=str(ARTIFACTS / "recherche_telephone.png"), full_page=False)
        page.goto(server + "/")
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('svg.chart text.axis')).fontSize)"
                             " * document.querySelector('svg.chart').getBoundingClientRect().width"
                             " / document.querySelector('svg.chart').viewBox.baseVal.width")
        assert size >= 11, size  # chart labels stay readable (the review measured 5 px)
        page.screenshot(path=str(ARTIFACTS / "accueil_telephone.png"), full_page=True)
        browser.close()


def test_a_feed_opened_in_the_browser_is_a_french_page(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.goto(server + "/veille/documents.atom?_q=Dubois")
        assert "Ceci est un flux Atom" in page.locator("body").inner_text()
        assert page.locator("h1").inner_text() == "Veille SEC-Pa : recherche « Dubois »"
        assert page.locator("ol.results li").count() == 2
        hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
        assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
        page.screenshot(path=str(ARTIFACTS / "flux_navigateur.png"), full_page=True)
        browser.close()
