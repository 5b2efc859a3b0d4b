"""A real `veille serve` (subprocess) looked at through Debian's headless Chromium: home page,
search "secpa", a document page, an actor page; the hostile <script> title never runs.
Screenshots go to tests/artifacts/ (gitignored)."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request

import pytest

from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, VEILLE, free_port
from datasette_helpers import build_database


# No skip: without Debian's Chromium these tests fail (`make test` installs it with `make browser`).
pytestmark = pytest.mark.slow


@pytest.fixture
def server(config, config_path):
    """`veille serve` on a free port, stopped by its pid afterwards."""
    build_database(config)
    port = free_port()
    env = {**os.environ, "VEILLE_CONFIG": str(config_path)}
    env.pop("VEILLE_STAFF_PASSWORD_HASH", None)
    process = subprocess.Popen([VEILLE, "--config", str(config_path), "serve", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("veille serve did not start: " + process.stdout.read().decode(errors="replace")[-2000:])
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_a_person_searches_reads_and_subscribes(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    dialogs, errors, requests = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))

        page.goto(server + "/")
        assert page.locator("h1").inner_text() == "Veille presse et parlementaire sur les SEC-Pa"
        assert page.locator("svg.chart rect").count() >= 3
        feed = page.locator('link[type="application/atom+xml"]').get_attribute("href")
        page.screenshot(path=str(ARTIFACTS / "accueil.png"), full_page=True)

        page.fill("input[name=_q]", "secpa")
        page.press("input[name=_q]", "Enter")
        page.wait_for_url("**/veille/documents?_q=secpa")
        titles = page.locator("h3.result-title a").all_inner_texts()
        assert len(titles) == 4
        assert "<script>window.__pwned = 1</script>Les SECPA obtiennent un sursis" in titles
        assert page.locator(".snippet mark").count() >= 4
        assert page.locator("#facet-acteur").inner_text().startswith("Acteur")
        page.screenshot(path=str(ARTIFACTS / "recherche_secpa.png"), full_page=True)

        page.click("text=Santé communautaire : le gouvernement maintient le financement des Sepca jusqu'à fin 2026")
        page.wait_for_url("**/document/press-ministre")
        text = page.locator(".doc-text")
        assert text.locator("mark.hl-topic").first.inner_text() == "SEC-Pa"
        assert text.locator("mark.hl-actor").all_inner_texts() == ["La ministre de la Santé", "DGOS"]
        assert text.locator("mark.hl-commitment").count() >= 3
        assert "sigle « SEC-Pa »" in page.locator(".why").inner_text()
        assert page.locator("a.button-link", has_text="Copie archivée").count() == 1
        page.screenshot(path=str(ARTIFACTS / "document.png"), full_page=True)

        page.click(".doc-text a.mark-link >> nth=0")
        page.wait_for_url("**/acteur/PA900002")
        assert page.locator("h1").inner_text() == "Claire Dubois"
        assert page.locator("ol.results li").count() == 2
        page.screenshot(path=str(ARTIFACTS / "acteur.png"), full_page=True)

        page.goto(server + "/document/press-script")
        assert page.locator("h1.doc-title").inner_text().startswith("<script>")
        page.screenshot(path=str(ARTIFACTS / "document_script.png"), full_page=True)
        assert page.evaluate("window.__pwned === undefined")
        page.goto(server + "/veille/engagements?date_ref=2026-03-10")
        assert page.locator("table.rows-and-columns tbody tr").count() == 2
        page.screenshot(path=str(ARTIFACTS / "engagements.png"), full_page=True)
        browser.close()

    assert dialogs == [] and errors == []
    assert all(u.startswith(server) or u.startswith("data:") for u in requests), "no request leaves the site"
    body = urllib.request.urlopen(server + feed).read().decode()
    assert body.count("<entry>") == 4 and "veille:document:press-ministre" in body
