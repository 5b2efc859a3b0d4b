"""an_amendments: daily publication index + per-item JSON (real PLFSS 2025 amendments)."""

from datetime import date, datetime, timezone

import pytest

from conftest import run_veille, write_config
from parliament_helpers import response, source_of, store_all
from spiders.an_amendments import AnAmendmentsSpider
from spiders.parl_items import Amendment

INDEX = "https://www.assemblee-nationale.fr/dyn/opendata/list-publication/publication_j.csv"
ITEM = "https://www.assemblee-nationale.fr/dyn/opendata/{}.json"
DAVI = "AMANR5L17PO838901B0325P0D1N001855"
NEAR_MISS = "AMANR5L17PO420120B0325P0D1N001118"
POSITIVES = [DAVI, "AMANR5L17PO838901B0325P0D1N002003", "AMANR5L17PO838901B0622P0D1N000453",
             "AMANR5L17PO838901B0622P0D1N000827"]


@pytest.fixture
def spider(config_path):
    return AnAmendmentsSpider()


def _item(spider, uid):
    items = list(spider.parse_item(response(spider, "an_amendements", "an_amendments", f"{uid}.json",
                                            url=ITEM.format(uid), content_type="application/json", uid=uid)))
    return items[0] if items else None


def test_index_urls_today_then_earlier_days(spider):
    source = source_of(spider, "an_amendements")
    assert spider.index_urls(source, date(2026, 2, 17)) == [
        INDEX, INDEX.replace("publication_j", "publication_2026-02-16")]


def test_index_lists_the_per_item_json(spider):
    requests = list(spider.parse_index(response(spider, "an_amendements", "an_amendments", "publication_j.csv",
                                                url=INDEX, content_type="text/csv")))
    assert [r.url for r in requests] == [ITEM.format(u) for u in [NEAR_MISS, *POSITIVES]]
    assert requests[1].meta["uid"] == DAVI


def test_index_404_means_no_publication(spider):
    from scrapy.http import Request, TextResponse

    source = source_of(spider, "an_amendements")
    missing = TextResponse(INDEX, status=404, body=b"", request=Request(INDEX, meta={"source": source}))
    assert list(spider.parse_index(missing)) == []
    assert spider.health["an_amendements"].status == "ok"


def test_davi_amendment_fields(spider):
    item = _item(spider, DAVI)
    assert isinstance(item, Amendment)
    assert item.number == "1855" and item.bill_number == "0325" and item.article == "APRÈS ART. 15"
    assert item.author_id == "PA793452" and item.group_id == "PO845439" and item.author_type == "Député"
    assert item.first_signatory == "M. Davi" and len(item.cosigners) == 35
    assert item.filed == "2024-10-25" and item.published == "2024-11-04"
    assert item.fate == "Rejeté" and item.fate_date == datetime(2024, 11, 4, 22, 13, 2, tzinfo=timezone.utc)
    assert item.url == "https://www.assemblee-nationale.fr/dyn/17/amendements/0325/AN/1855"
    assert "Structures d'Exercice Coordonné Participatives" in item.expose.replace("’", "'")  # entities decoded


def test_nil_fate_and_commission_url(spider):
    pending = _item(spider, "AMANR5L17PO838901B0622P0D1N000453")
    assert pending.fate is None and pending.fate_date is None and pending.state == "En traitement"
    near_miss = _item(spider, NEAR_MISS)
    assert near_miss.number == "AS1118" and near_miss.fate == "Tombé"
    assert near_miss.url == f"https://www.assemblee-nationale.fr/dyn/opendata/{NEAR_MISS}.html"


def test_positives_are_stored_and_the_near_miss_is_not(spider, db):
    items = [_item(spider, uid) for uid in [NEAR_MISS, *POSITIVES]]
    assert store_all(db, items) == ["irrelevant", "insert", "insert", "insert", "insert"]
    assert sorted(r["id"] for r in db["documents"].rows) == sorted(POSITIVES)
    assert db["amendments"].count == 4
    davi = db["documents"].get(DAVI)
    assert davi["kind"] == "amendement" and davi["author"] == "M. Davi"
    assert davi["url"] == "https://www.assemblee-nationale.fr/dyn/17/amendements/0325/AN/1855"
    matched = [m["matched"] for m in db.query("SELECT matched FROM mentions WHERE document_id = ? AND strength = 'strong'", [DAVI])]
    assert "SECPA" in matched and any(m.lower().startswith("structures d") for m in matched)
    row = db["amendments"].get(DAVI)
    assert (row["author_id"], row["group_id"], row["filed"], row["fate"]) == ("PA793452", "PO845439", "2024-10-25", "Rejeté")
    assert store_all(db, items) == ["irrelevant", "noop", "noop", "noop", "noop"]


def test_missing_item_is_skipped_with_its_uid(spider):
    from scrapy.http import Request, TextResponse

    source = source_of(spider, "an_amendements")
    url = ITEM.format("AMANR5L17PO838901B0325P0D1N009999")
    missing = TextResponse(url, status=404, body=b"", request=Request(url, meta={"source": source, "uid": "AMANR5L17PO838901B0325P0D1N009999"}))
    assert list(spider.parse_item(missing)) == []
    assert spider.skipped["an_amendements"] == [("AMANR5L17PO838901B0325P0D1N009999", "JSON introuvable (HTTP 404)")]


def test_backfill_archive(spider, config_path):
    source = next(s for s in spider.config.sources if s.name == "an_amendements_archive")
    spider.sources.append(source)
    items = list(spider.parse_archive(response(spider, "an_amendements_archive", "an_amendments", "Amendements_L17.json.zip")))
    assert sorted(i.uid for i in items if isinstance(i, Amendment)) == sorted([NEAR_MISS, *POSITIVES])
    assert items[-1].members == 5


@pytest.mark.slow
def test_crawl_on_the_replay(tmp_path, replay):
    config = write_config(tmp_path)
    result = run_veille(config, "crawl", "--replay", replay.url, "--spider", "an_amendments")
    assert result.returncode == 0, result.stderr
    from pipelines.db import open_db

    db = open_db(tmp_path / "veille.db")
    assert sorted(r["id"] for r in db.query("SELECT id FROM documents WHERE kind = 'amendement'")) == sorted(POSITIVES)
    run = next(db.query("SELECT * FROM run_sources WHERE source = 'an_amendements'"))
    assert (run["status"], run["items"], run["inserted"]) == ("ok", 5, 4)
