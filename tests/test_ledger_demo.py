"""The ledger on the demo (issue 14, "done when"): the recorded sources crawled through the
replay and tagged as `make demo` does; the 17 February announcement is one promise with all
its outlets, a promise whose deadline passed without evidence reads `en retard` with its
reason, and the 29 January end of the experiment is abandoned."""

from __future__ import annotations

import re

import pytest

from conftest import run_veille, write_config

pytestmark = pytest.mark.slow

# The outlets and publishers that reported the funding maintained until 31 December 2026.
FEBRUARY_17 = {"sante_gouv_communiques", "leprogres", "midilibre", "sudouest", "estrepublicain", "lemonde_sante",
               "bing_news_secpa", "fncs_actualites", "fecop_actualites", "ars_idf"}


@pytest.fixture
def demo(tmp_path, replay, monkeypatch):
    monkeypatch.delenv("VEILLE_CURATION_DB", raising=False)
    config = write_config(tmp_path)
    crawled = run_veille(config, "crawl", "--replay", replay.url)
    assert "sur le sujet" in crawled.stdout, crawled.stderr
    tagged = run_veille(config, "tag", "--quiet")
    assert tagged.returncode == 0, tagged.stderr
    return config


def test_the_17_february_announcement_is_one_thread_with_all_its_sources(demo, tmp_path):
    from pipelines.db import open_db

    shown = run_veille(demo, "ledger", "--date", "2026-03-01")
    assert shown.returncode == 0, shown.stderr
    db = open_db(tmp_path / "veille.db")
    funding = list(db.query(
        "SELECT s.thread_id, s.source FROM commitment_statements s WHERE s.kind IN ('commitment', 'announcement')"
        " AND s.text LIKE '%financ%' AND (s.text LIKE '%31 décembre 2026%' OR s.text LIKE '%année 2026%')"))
    assert {r["source"] for r in funding} == FEBRUARY_17
    (thread_id,) = {r["thread_id"] for r in funding}
    thread = db["commitment_threads"].get(thread_id)
    assert thread["object"] == "maintien du financement des SEC-Pa" and thread["actor_name"] == "Stéphanie Rist"
    assert thread["first_seen"] == "2026-02-17" and thread["sources"] == len(FEBRUARY_17)
    assert (thread["deadline"], thread["deadline_precision"]) == ("2026-12-31", "day")
    assert thread["status"] == "in_progress"
    assert thread["status_reason"].startswith("Le 19 février 2026, ARS Île-de-France rend compte de sa mise en œuvre")
    line = next(l for l in shown.stdout.splitlines() if thread_id in l)
    assert line.startswith("[en cours] Stéphanie Rist — maintien du financement des SEC-Pa (échéance 31 décembre 2026"
                           f" · {len(FEBRUARY_17)} sources)")
    # Before: one row per sentence (14 rows for this announcement); now one thread.
    assert len(funding) >= 14
    figures = re.match(r"Registre : (\d+) engagements pour (\d+) déclarations\.", shown.stdout)
    assert figures and int(figures[1]) < int(figures[2])
    # The end of the experiment announced on 29 January was reversed on 17 February.
    ended = list(db.query("SELECT * FROM commitment_threads WHERE object_key = 'end_of_experiment'"
                          " AND kind IN ('commitment', 'announcement') AND deadline = '2026-04-30'"))
    assert [t["status"] for t in ended] == ["abandoned"]
    assert ended[0]["status_reason"].startswith("Le 17 février 2026, Stéphanie Rist annonce le contraire")


def test_a_deadline_passed_without_evidence_reads_late_with_its_reason(demo):
    shown = run_veille(demo, "ledger", "--date", "2026-12-01", "--statut", "en retard")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "[en retard] acteur non identifié — ouverture d'une concertation (échéance mars 2026 · 1 source)" in \
        " ".join(lines)
    reasons = [l.strip() for l in lines if l.startswith("    ")]
    assert "Échéance de mars 2026 dépassée depuis 245 jours, sans document qui rende compte de la réalisation." in reasons
    assert all(not l.startswith("[") or l.startswith("[en retard]") for l in lines[1:])


def test_the_digest_links_each_promise_to_its_page(demo, tmp_path):
    from pipelines.config import load_config
    from pipelines.digest import build_digest
    from pipelines.weeks import Week

    config = load_config(demo)
    digest = build_digest(config, Week(2026, 8))
    items = [*digest["commitments"]["new"], *digest["commitments"]["upcoming"], *digest["commitments"]["overdue"]]
    linked = [i for i in items if i.get("thread_url")]
    assert linked, items[:2]
    from pipelines.db import open_db

    db = open_db(tmp_path / "veille.db")
    for item in linked:
        thread_id = item["thread_url"].rsplit("/engagement/", 1)[1]
        assert db["commitment_threads"].get(thread_id)["id"] == thread_id
