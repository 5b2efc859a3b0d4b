"""On the demo data (the recorded sources crawled through the replay and tagged, as `make
demo` does), in Debian's headless Chromium against a real `veille serve`: a staff member
types « Rist », whose name the press releases rarely write (« la ministre de la Santé »), and
reaches her page, which lists the documents that cite her."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, VEILLE, free_port, run_veille, write_config

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_site(tmp_path, replay):
    config = write_config(tmp_path)
    crawled = run_veille(config, "crawl", "--replay", replay.url)
    assert "sur le sujet" in crawled.stdout, crawled.stderr
    tagged = run_veille(config, "tag", "--quiet")
    assert tagged.returncode == 0, tagged.stderr
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "VEILLE_STAFF_PASSWORD_HASH"}
    process = subprocess.Popen([VEILLE, "--config", str(config), "serve", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url, tmp_path / "veille.db"
    process.terminate()
    process.wait(timeout=10)


def test_typing_rist_leads_to_her_page(demo_site):
    import sqlite3

    from playwright.sync_api import sync_playwright

    url, database = demo_site
    db = sqlite3.connect(database)
    (actor_id,) = db.execute("SELECT id FROM actors WHERE name = 'Stéphanie Rist'").fetchone()
    written = db.execute("SELECT count(*) FROM documents WHERE relevant = 1 AND text LIKE '%Rist%'").fetchone()[0]
    cited = db.execute("SELECT count(DISTINCT document_id) FROM actor_mentions WHERE actor_id = ?", [actor_id]).fetchone()[0]
    assert cited > written  # most documents that cite her only name her role
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.goto(url + "/")
        page.fill("input[name=_q]", "Rist")
        page.press("input[name=_q]", "Enter")
        page.wait_for_url("**/veille/documents?_q=Rist")
        offer = page.locator("a.actor-suggestion").first
        assert offer.inner_text() == "Stéphanie Rist"
        assert page.locator("h3.result-title").count() >= min(cited, 10)
        offer.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Stéphanie Rist"
        assert "ministre" in page.locator("main").inner_text().lower()
        browser.close()
