"""End to end on the replay: the parliamentary spiders crawl twice (the second time the
archives answer 304 and nothing is written), then `veille import` rebuilds the same rows."""

import pytest

from conftest import run_veille, write_config

pytestmark = pytest.mark.slow

SPIDERS = ["an_questions", "an_amendments", "an_debates", "an_reference", "senat_questions"]


def _crawl(config, replay):
    args = ["crawl", "--replay", replay.url]
    for name in SPIDERS:
        args += ["--spider", name]
    result = run_veille(config, *args)
    assert result.returncode == 0, result.stderr
    return result


def _snapshot(db):
    return {table: sorted(map(str, db[table].rows)) for table in
            ("documents", "mentions", "questions", "amendments", "debate_passages", "actors", "organes", "mandates", "datasets")}


def test_crawl_twice_then_import(tmp_path, replay):
    from pipelines.db import open_db

    config = write_config(tmp_path)
    first = _crawl(config, replay)
    assert "Collecte" in first.stdout
    db = open_db(tmp_path / "veille.db")
    documents = {r["id"]: r for r in db["documents"].rows}
    assert sorted(documents) == [
        "AMANR5L17PO838901B0325P0D1N001855", "AMANR5L17PO838901B0325P0D1N002003",
        "AMANR5L17PO838901B0622P0D1N000453", "AMANR5L17PO838901B0622P0D1N000827",
        "CRSANR5L17S2026O1N999-9990004", "SEQ260207591"]
    davi = next(db.query("SELECT * FROM amendment_details WHERE number = '1855'"))
    assert (davi["author"], davi["group"], davi["filed"], davi["fate"]) == ("Hendrik Davi", "EcoS", "2024-10-25", "Rejeté")
    assert db["mentions"].count_where("document_id = 'AMANR5L17PO838901B0325P0D1N001855' AND strength = 'strong'") >= 2
    qe = next(db.query("SELECT * FROM question_lifecycle WHERE id = 'QANR5L17QE5268'"))
    assert (qe["status"], qe["answer_date"], qe["author"], qe["group"]) == ("answered", "2025-06-03", "Olivia Grégoire", "EPR")
    before = _snapshot(db)

    hits_before = len(replay.hits)
    second = _crawl(config, replay)
    assert ", 0 nouveau, 0 modifié" in second.stdout
    assert _snapshot(db) == before
    zips = [(method, status) for method, path, status in replay.hits[hits_before:] if path.endswith(".zip")]
    assert len(zips) == 6 and all(status == 304 for _, status in zips)
    run = next(db.query("SELECT * FROM runs ORDER BY id DESC LIMIT 1"))
    assert (run["inserted"], run["updated"], run["status"]) == (0, 0, "ok")

    (tmp_path / "again").mkdir()
    fresh = write_config(tmp_path / "again")
    raw = sorted(str(p) for p in (tmp_path / "raw").glob("*/*.jsonl"))
    imported = run_veille(fresh, "import", *raw)
    assert imported.returncode == 0, imported.stderr
    again = open_db(tmp_path / "again" / "veille.db")
    assert sorted(r["id"] for r in again["documents"].rows) == sorted(documents)
    assert again["questions"].count == db["questions"].count and again["mandates"].count == db["mandates"].count



def test_lost_http_cache_downloads_again_but_writes_nothing(tmp_path, replay):
    import shutil

    from pipelines.db import open_db

    config = write_config(tmp_path)
    args = ["crawl", "--replay", replay.url, "--spider", "an_questions"]
    assert run_veille(config, *args).returncode == 0
    db = open_db(tmp_path / "veille.db")
    row = db["datasets"].get(
        "https://data.assemblee-nationale.fr/static/openData/repository/17/questions/questions_ecrites/Questions_ecrites.json.zip")
    assert row["etag"].startswith('"') and row["last_modified"] == "Mon, 16 Feb 2026 06:00:00 GMT"
    before = _snapshot(db)
    shutil.rmtree(tmp_path / "httpcache", ignore_errors=True)  # archives leave nothing there
    hits = len(replay.hits)
    result = run_veille(config, *args)
    assert result.returncode == 0, result.stderr
    # Archive requests never go through the HTTP cache: they carry the validators of the
    # version last read (`datasets`), so losing the cache costs nothing (issue 17).
    assert [status for _, path, status in replay.hits[hits:] if path.endswith(".zip")] == [304, 304, 304]
    assert _snapshot(db) == before
