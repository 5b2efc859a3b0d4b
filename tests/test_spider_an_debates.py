"""an_debates: Syceron comptes rendus; one document per relevant passage."""

from datetime import datetime, timezone

import pytest

from conftest import run_veille, write_config
from parliament_helpers import body_response, fixture_bytes, make_zip, response, store_all
from spiders.an_debates import AnDebatesSpider
from spiders.an_parse import parse_sitting
from spiders.parl_items import DatasetVersion, DebatePassage


@pytest.fixture
def spider(config_path):
    return AnDebatesSpider()


def test_real_sitting_structure():
    sitting = parse_sitting(fixture_bytes("an_debates", "CRSANR5L17S2026O1N002.xml"))
    assert sitting["uid"] == "CRSANR5L17S2026O1N002" and sitting["legislature"] == "17"
    assert sitting["started"] == datetime(2025, 10, 2, 7, 0, tzinfo=timezone.utc)  # 9 h Paris
    assert sitting["url"] == "https://www.assemblee-nationale.fr/dyn/17/comptes-rendus/seance/CRSANR5L17S2026O1N002"
    first = sitting["passages"][0]
    assert (first["speaker_id"], first["speaker_name"], first["role"], first["text"]) == (
        "PA721908", "Mme la présidente", "president", "La séance est ouverte.")
    secretaries = next(p for p in sitting["passages"] if p["syceron_id"] == "3846476")
    assert secretaries["point_title"] == "Nomination des douze secrétaires de l’Assemblée nationale"
    assert "Nombre de votants : 530\n" in secretaries["text"]


def test_only_the_relevant_passage_of_the_relevant_sitting(spider):
    items = list(spider.parse(response(spider, "an_debats", "an_debates", "syseron_L17.xml.zip")))
    passages = [i for i in items if isinstance(i, DebatePassage)]
    assert isinstance(items[-1], DatasetVersion) and items[-1].members == 2
    assert len(passages) == 1
    passage = passages[0]
    assert passage.id == "CRSANR5L17S2026O1N999-9990004" and passage.sitting_uid == "CRSANR5L17S2026O1N999"
    assert passage.speaker_id == "PA793452" and passage.speaker_name == "M. Hendrik Davi" and passage.role is None
    assert passage.point_title == "Questions au Gouvernement — Structures d’exercice coordonné participatives"
    assert passage.sitting_start == datetime(2026, 2, 3, 14, 0, tzinfo=timezone.utc)
    assert passage.url == "https://www.assemblee-nationale.fr/dyn/17/comptes-rendus/seance/CRSANR5L17S2026O1N999"
    assert "(SECPA)" in passage.text


def test_passage_document_is_stored_with_its_speaker(spider, db):
    items = list(spider.parse(response(spider, "an_debats", "an_debates", "syseron_L17.xml.zip")))
    assert store_all(db, items) == ["insert", "irrelevant"]
    document = db["documents"].get("CRSANR5L17S2026O1N999-9990004")
    assert document["kind"] == "debat" and document["author"] == "M. Hendrik Davi"
    assert document["title"] == ("Questions au Gouvernement — Structures d’exercice coordonné participatives"
                                 " — séance du 03/02/2026 — M. Hendrik Davi")
    row = db["debate_passages"].get("CRSANR5L17S2026O1N999-9990004")
    assert row["speaker_id"] == "PA793452" and row["sitting_start"].startswith("2026-02-03T14:00")


def test_broken_sitting_is_skipped_with_its_uid(spider):
    archive = make_zip([("xml/compteRendu/CRSANR5L17S2026O1N003.xml", b"<compteRendu><uid>CRSANR5L17S2026O1N003"),
                        ("xml/compteRendu/CRSANR5L17S2026O1N999.xml", fixture_bytes("an_debates", "CRSANR5L17S2026O1N999.xml"))])
    items = list(spider.parse(body_response(spider, "an_debats", archive)))
    assert [i.id for i in items if isinstance(i, DebatePassage)] == ["CRSANR5L17S2026O1N999-9990004"]
    (uid, cause), = spider.skipped["an_debats"]
    assert uid == "CRSANR5L17S2026O1N003" and cause.startswith("XML invalide")


@pytest.mark.slow
def test_crawl_on_the_replay(tmp_path, replay):
    config = write_config(tmp_path)
    result = run_veille(config, "crawl", "--replay", replay.url, "--spider", "an_debates")
    assert result.returncode == 0, result.stderr
    from pipelines.db import open_db

    db = open_db(tmp_path / "veille.db")
    assert [r["id"] for r in db.query("SELECT id FROM documents")] == ["CRSANR5L17S2026O1N999-9990004"]
