"""End to end: a real crawl of the replay in a subprocess, then a real Datasette."""

import json
import subprocess
import time
import urllib.request

import pytest

from conftest import ROOT, VEILLE, free_port, run_veille, write_config

pytestmark = pytest.mark.slow

BROKEN = "".join(
    f'\n[[sources]]\nname = "{name}"\nkind = "rss"\nurl = "https://{name}.example/rss.xml"\n'
    for name in ("flux-500", "flux-404", "flux-html", "flux-pas-xml", "flux-vide", "flux-tronque", "flux-lent", "flux-charset")
)


def _db(tmp_path):
    from pipelines.db import open_db

    return open_db(tmp_path / "veille.db")


PRESS = ("--spider", "press_rss", "--spider", "press_google_news", "--spider", "press_bing_news")


def test_crawl_twice_then_search_with_datasette(tmp_path, replay):
    config = write_config(tmp_path)
    start = len(replay.hits)
    first = run_veille(config, "crawl", "--replay", replay.url, *PRESS)
    assert first.returncode == 0, first.stderr
    assert "166 éléments lus, 28 sur le sujet" in first.stdout
    db = _db(tmp_path)
    # 28 on-topic items: the same article through two feeds, or through Google News and its
    # publisher, is one document.
    assert db["documents"].count == 25
    assert db["runs"].count == 1
    raw = list((tmp_path / "raw").glob("*/*.jsonl"))
    assert sorted(p.name for p in raw) == ["press_bing_news.jsonl", "press_google_news.jsonl", "press_rss.jsonl"]
    fetched = sorted(path for _, path, status in replay.hits[start:] if status == 200 and "robots.txt" not in path)
    assert len(fetched) > 23

    middle = len(replay.hits)
    second = run_veille(config, "crawl", "--replay", replay.url, *PRESS)
    assert second.returncode == 0, second.stderr
    assert "0 nouveau, 0 modifié" in second.stdout
    assert db["documents"].count == 25 and db["runs"].count == 2
    # Conditional requests: every feed and page fetched the first time answered 304 Not
    # Modified the second time; nothing was downloaded again.
    revalidated = sorted(path for _, path, status in replay.hits[middle:] if status == 304)
    assert revalidated == fetched
    assert not [h for h in replay.hits[middle:] if h[2] == 200 and "robots.txt" not in h[1]]

    port = free_port()
    server = subprocess.Popen([VEILLE, "--config", str(config), "serve", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/veille/mentions.json?_shape=array&matched=Sepca"
        rows = _get_json(url)
        assert [r["matched"] for r in rows] == ["Sepca"]
        document = _get_json(f"http://127.0.0.1:{port}/veille/documents/{rows[0]['document_id']}.json?_shape=array")
        assert document[0]["publisher"] == "Concours pluripro"
    finally:
        server.terminate()
        server.wait(10)


def test_broken_sources_fail_alone_and_are_reported(tmp_path, replay):
    config = write_config(tmp_path, BROKEN)
    result = run_veille(config, "crawl", "--replay", replay.url, "--spider", "press_rss", "--timeout", "1")
    assert result.returncode == 1
    errors = {line.split(" : ")[0].split()[-1]: line.split(" : ", 1)[1] for line in result.stderr.splitlines() if line.startswith("  ÉCHEC")}
    assert errors["flux-500"] == "HTTP 500 (erreur du serveur)"
    assert errors["flux-404"] == "HTTP 404 (introuvable)"
    assert errors["flux-html"].startswith("page HTML au lieu d'un flux")
    assert errors["flux-pas-xml"].startswith("pas un flux RSS/Atom lisible")
    assert errors["flux-vide"] == "réponse vide (0 octet)"
    assert errors["flux-tronque"].startswith("XML invalide, 1 entrée(s) récupérée(s)")
    assert errors["flux-lent"] == "délai dépassé (pas de réponse en 1 s)"
    assert "flux-charset" not in errors
    db = _db(tmp_path)
    health = db["sources"].get("flux-charset")
    assert health["last_status"] == "warning" and health["last_items"] == 9
    assert db["sources"].get("flux-500")["consecutive_failures"] == 1
    # The other sources ran: every on-topic RSS article is there (19), and the truncated and
    # wrong-charset feeds, which repeat articles of Le Monde and Le Dauphiné, added no duplicate.
    assert db["documents"].count == 19
    assert not [r for r in db["documents"].rows if r["source"].startswith("flux-")]
    linked = {r["source"] for r in db["document_sources"].rows if r["source"].startswith("flux-")}
    assert linked == {"flux-tronque", "flux-charset"}
    assert next(db["runs"].rows)["status"] == "failed"


def _get_json(url, attempts=60):
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"no answer from {url}")


def test_added_press_release_yields_the_minister_commitment(tmp_path, replay):
    """Issue 5: `veille add` then `veille tag` resolve "la ministre de la Santé" to the
    person holding the post on the release's date, from the reference data."""
    config = write_config(tmp_path)
    reference = run_veille(config, "crawl", "--replay", replay.url, "--spider", "an_reference")
    assert reference.returncode == 0, reference.stderr
    added = run_veille(config, "add", str(ROOT / "tests" / "fixtures" / "add" / "communique_ministere.txt"),
                       "--published", "2026-02-18", "--source", "ministere-sante")
    assert added.returncode == 0, added.stderr
    tagged = run_veille(config, "tag")
    assert tagged.returncode == 0, tagged.stderr
    db = _db(tmp_path)
    (document,) = db["documents"].rows_where("source = 'ministere-sante'")
    rows = list(db.query(
        "SELECT c.kind, a.name, c.actor_text, c.amount_eur, c.deadline, c.deadline_precision, c.status"
        " FROM commitments c JOIN actors a ON a.id = c.actor_id WHERE c.document_id = ?", [document["id"]]))
    minister = [r for r in rows if r["actor_text"] == "La ministre de la Santé"]
    assert minister == [{"kind": "commitment", "name": "Stéphanie Rist", "actor_text": "La ministre de la Santé",
                         "amount_eur": 14_000_000.0, "deadline": "2026-12-31", "deadline_precision": "day",
                         "status": "open"}]
