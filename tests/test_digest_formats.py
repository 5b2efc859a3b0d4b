"""`veille digest` writes four formats; the HTML is mail-safe and renders in real Chromium."""

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

import digest_fixtures as fx
from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS



@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The four files of weeks 2026-W07 and 2026-W08, written by the real command."""
    from pipelines.cli import cli

    tmp = tmp_path_factory.mktemp("formats")
    config = fx.small_config(tmp)
    fx.build(config).close()
    runner = CliRunner()
    results = {week: runner.invoke(cli, ["--config", str(config), "digest", "--week", week, "--out", str(tmp / "out")], obj={})
               for week in ("2026-W07", "2026-W08")}
    return tmp / "out", results


def test_the_four_formats_are_written(written):
    out, results = written
    result = results["2026-W07"]
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "Résumé 2026-W07 (du 9 au 15 février 2026) : 7 documents (3 presse, 4 parlement), 2 engagements ; "
        "7 sources collectées, 1 en échec.")
    assert sorted(p.name for p in out.iterdir()) == [
        f"veille-{w}.{ext}" for w in ("2026-W07", "2026-W08") for ext in ("csv", "html", "json", "md")]


def test_json_is_the_whole_digest(written):
    out, _ = written
    data = json.loads((out / "veille-2026-W07.json").read_text(encoding="utf-8"))
    assert data["counts"]["documents"] == 7
    assert data["press"]["stories"][0]["pickups"][0]["source"] == "ladepeche"


def test_csv_has_one_row_per_item(written):
    out, _ = written
    text = (out / "veille-2026-W07.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeffsemaine;section;rubrique;date;titre")  # French Excel: semicolons and a BOM
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    sections = [r["section"] for r in rows]
    assert {s: sections.count(s) for s in dict.fromkeys(sections)} == {
        "à retenir": 3, "parlement": 4, "presse": 3, "engagements": 3, "acteurs": 3, "sources": 7}
    pickup = next(r for r in rows if r["rubrique"].startswith("reprise"))
    assert (pickup["source"], pickup["date"]) == ("La Dépêche du Midi", "2026-02-10")
    assert pickup["pourquoi"] == "SEC-Pa (sigle)"
    overdue = next(r for r in rows if r["rubrique"] == "en retard")
    assert (overdue["acteur"], overdue["montant_eur"], overdue["echeance"]) == ("DGOS", "1500000.0", "2026-01-31")


def test_markdown_reads_as_plain_text(written):
    out, _ = written
    md = (out / "veille-2026-W07.md").read_text(encoding="utf-8")
    assert md.startswith("# Veille SEC-Pa — semaine 2026-W07\n\nSemaine du 9 au 15 février 2026.")
    assert "  Pourquoi : « SECPA » (sigle), « santé communautaire » (signal faible)\n  > … Ce centre" in md
    assert "- ÉCHEC — Egora (egora) : 0 éléments par passage (habituel 25), 7 passages — HTTP 404 (introuvable)" in md
    assert "\n\n\n" not in md


def test_nothing_new_gives_a_short_digest(written):
    out, results = written
    assert "rien de nouveau" in results["2026-W08"].stdout
    md = (out / "veille-2026-W08.md").read_text(encoding="utf-8")
    assert "**Rien de nouveau cette semaine.**" in md
    assert "## Presse, par sujet" not in md and "## Acteurs les plus cités" not in md
    assert "- OK — Le Monde — Santé (lemonde_sante) : 20 éléments par passage" in md


def test_html_is_mail_safe(written):
    out, _ = written
    html = (out / "veille-2026-W07.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "<style" not in html.lower() and "<link" not in html.lower()
    assert not re.search(r"\b(src|background)=", html), "no remote image or background"
    assert not re.search(r"\bclass=", html), "styles are inline"
    assert html.count('href="http://veille.test/document/') >= 6
    assert "/veille/documents/" not in html and "/veille/commitments/" not in html  # reading pages, not raw rows
    assert 'href="https://www.lemonde.fr/sante/article/2026/02/10/sec-pa-financement-2026.html"' in html


@pytest.mark.slow
def test_html_renders_in_headless_chromium(written):
    """Render both weeks in Debian's Chromium; save screenshots in tests/artifacts/."""
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make browser` (make test does)"
    from playwright.sync_api import sync_playwright

    out, _ = written
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for week, width in (("2026-W07", 720), ("2026-W08", 720), ("2026-W07", 380)):
                page = browser.new_page(viewport={"width": width, "height": 900})
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                requests = []
                page.on("request", lambda r: requests.append(r.url))
                page.goto((out / f"veille-{week}.html").as_uri())
                name = f"digest-{week}" + ("-mobile" if width < 600 else "")
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                assert errors == [] and all(u.startswith("file://") for u in requests)
                body = page.inner_text("body")
                assert "Couverture des sources" in body
                # nothing wider than the window: the mail reads on a phone
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                if week == "2026-W07":
                    assert "Presse, par sujet" in body and "Repris par" in body
                    box = page.locator("text=Le gouvernement prolonge le financement").first.bounding_box()
                    assert box and box["height"] > 0
                else:
                    assert "Rien de nouveau cette semaine." in body
                page.close()
        finally:
            browser.close()
    assert (ARTIFACTS / "digest-2026-W07.png").stat().st_size > 50_000
