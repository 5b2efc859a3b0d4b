"""Staff curation in a real browser (issue 14, "done when"): on the demo (the replay crawled
and tagged), a real `veille serve` with the staff login, looked at through Debian's headless
Chromium. The staff logs in, rejects a false statement and corrects an amount; both survive
`veille tag --all` and a rebuild of the database from the raw files.
Screenshots go to tests/artifacts/ (gitignored)."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from contextlib import contextmanager

import pytest

from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, VEILLE, free_port, run_veille, write_config

pytestmark = pytest.mark.slow

PASSWORD = "mot de passe de l'équipe"
# Sentences of the demo that are not commitments (the NLP has found one of them so far).
FALSE_STATEMENTS = ("Objectifs que partage aussi cette proposition.",
                    "Les organisations représentatives saluent l'ambition, mais s'interrogent sur les moyens.",
                    "COMMUNIQUE DE PRESSE - Paris, le 29 janvier 2026")


@contextmanager
def serving(config, tmp_path):
    """`veille serve` with the staff login, stopped by its pid afterwards."""
    from pipelines.serve import PASSWORD_ENV, hash_password

    port = free_port()
    env = {**os.environ, "VEILLE_CONFIG": str(config), PASSWORD_ENV: hash_password(PASSWORD, iterations=1000),
           "DATASETTE_SECRET": "secret-de-test"}
    env.pop("VEILLE_CURATION_DB", None)
    env.pop("VEILLE_SERVE_IMMUTABLE", None)
    log = open(ARTIFACTS / f"serve-{port}.log", "wb")
    process = subprocess.Popen([VEILLE, "--config", str(config), "serve", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("veille serve did not start: " + (ARTIFACTS / f"serve-{port}.log").read_text(errors="replace")[-2000:])
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _log_in(page, url):
    page.goto(url + "/engagements")
    assert "/-/connexion?suite=" in page.url, page.url
    page.fill("#mot_de_passe", PASSWORD)
    page.click("text=Se connecter")
    page.wait_for_url(lambda u: u.endswith("/engagements"))


def _check_both_decisions(page, url, thread_id, false_statement):
    page.goto(f"{url}/engagement/{thread_id}")
    assert page.locator(".thread-amount").inner_text() == "14\u202f000\u202f000\u00a0€"
    assert "(valeurs de la machine remplacées par l'équipe)" in page.locator(".statement").first.inner_text()
    page.goto(url + "/engagements")
    assert false_statement not in " ".join(page.locator("table.ledger").all_inner_texts())
    assert false_statement in page.locator(".rejected").inner_text()
    row = page.locator(f'tr[data-id="{thread_id}"]')
    assert "14\u202f000\u202f000\u00a0€" in row.locator(".amount").inner_text()


def test_staff_reject_and_correct_then_both_survive_retagging_and_a_rebuild(tmp_path, replay, monkeypatch):
    from playwright.sync_api import sync_playwright

    from pipelines.db import open_db

    monkeypatch.delenv("VEILLE_CURATION_DB", raising=False)
    ARTIFACTS.mkdir(exist_ok=True)
    config = write_config(tmp_path)
    assert "sur le sujet" in run_veille(config, "crawl", "--replay", replay.url).stdout
    assert run_veille(config, "tag", "--quiet").returncode == 0
    db = open_db(tmp_path / "veille.db")
    (founder,) = db.query("SELECT thread_id, statement_key FROM commitment_statements WHERE role = 'founder'"
                          " AND text LIKE '%la ministre annonce le maintien du financement%'")
    thread_id = founder["thread_id"]
    present = [t for t in FALSE_STATEMENTS if db["commitment_statements"].count_where("text = ?", [t])]
    assert present, "none of the known false statements is in the demo any more"
    false_statement = present[0]
    db.close()

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.on("pageerror", lambda e: errors.append(str(e)))
        with serving(config, tmp_path) as url:
            _log_in(page, url)
            assert page.locator("h1").inner_text() == "Registre des engagements"
            page.screenshot(path=str(ARTIFACTS / "registre_engagements.png"), full_page=True)

            # Reject the false statement from its thread page.
            page.locator("a.thread-link").filter(has_text=false_statement[:80]).first.click()
            page.wait_for_url(lambda u: "/engagement/eng-" in u)
            reject = page.locator("form[data-action=reject]").first
            reject.locator("input[name=note]").fill("Phrase de contexte, pas un engagement")
            reject.locator("button").click()
            page.wait_for_url(lambda u: "fait=reject" in u)
            assert "Déclaration écartée" in page.locator("[role=status]").inner_text()

            # Correct the amount of the 17 February announcement.
            page.goto(f"{url}/engagement/{thread_id}")
            assert page.locator("h1").inner_text() == "maintien du financement des SEC-Pa"
            assert page.locator(".thread-amount").inner_text() == "non précisé"
            statement = page.locator(f'li.statement[data-key="{founder["statement_key"]}"]')
            statement.locator("summary").click()
            correct = statement.locator("form[data-action=correct]")
            correct.locator("select[name=champ]").select_option("amount_eur")
            correct.locator("input[name=valeur]").fill("14 000 000")
            correct.locator("button").click()
            page.wait_for_url(lambda u: "fait=correct" in u)
            assert page.locator("[role=status]").inner_text() == "Correction enregistrée."
            page.screenshot(path=str(ARTIFACTS / "engagement_corrige.png"), full_page=True)
            _check_both_decisions(page, url, thread_id, false_statement)
            page.goto(f"{url}/engagement/{thread_id}")
            assert "Équipe · correction (montant) : ∅ → 14\u202f000\u202f000\u00a0€" in page.locator(".audit").inner_text()

            # `veille tag --all` re-annotates everything: the decisions come back.
            retagged = run_veille(config, "tag", "--all", "--quiet")
            assert retagged.returncode == 0, retagged.stderr
            _check_both_decisions(page, url, thread_id, false_statement)

        # A rebuild from the raw files into a new database file.
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"veille.db{suffix}").unlink(missing_ok=True)
        raw = sorted(str(p) for p in (tmp_path / "raw").glob("*/*.jsonl"))
        imported = run_veille(config, "import", *raw)
        assert imported.returncode == 0, imported.stderr
        assert run_veille(config, "tag", "--quiet").returncode == 0
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")  # a new session
        with serving(config, tmp_path) as url:
            _log_in(page, url)
            _check_both_decisions(page, url, thread_id, false_statement)
            page.screenshot(path=str(ARTIFACTS / "registre_apres_reconstruction.png"), full_page=True)
        browser.close()
    assert errors == []
