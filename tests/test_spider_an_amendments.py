"""an_amendments: daily publication index + per-item JSON (real PLFSS 2025 amendments), and
every record shape of the real amendments (`real_sample/`, 47 files from 75,704)."""

import json
from collections import Counter
from datetime import date, datetime, timezone

import pytest

from conftest import run_veille, write_config
from conftest import FIXTURES
from parliament_helpers import response, source_of, store_all
from spiders.an_amendments import AnAmendmentsSpider
from spiders.an_parse import BadRecord, amendment_url, parse_amendment
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
    # A commission amendment's page: its text, the committee's prefix, its number with the letters.
    assert near_miss.url == "https://www.assemblee-nationale.fr/dyn/17/amendements/0325/CION-SOC/AS1118"


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


# ------------------------------------------------------------------ every real shape (issue 16)
SAMPLE = FIXTURES / "an_amendments" / "real_sample"
SITE = "https://www.assemblee-nationale.fr/dyn/17/amendements/"


def _sample() -> dict[str, Amendment]:
    return {path.stem: Amendment(**parse_amendment(json.loads(path.read_bytes()), "an_amendements", path.stem))
            for path in sorted(SAMPLE.glob("*.json"))}


def test_real_sample_every_amendment_has_a_bill_number_and_a_public_page():
    items = _sample()
    assert len(items) == 47
    assert all(i.bill_number.isdigit() and len(i.bill_number) == 4 for i in items.values())
    assert not [uid for uid, i in items.items() if "/dyn/opendata/" in i.url]
    # The seconde délibération (D2) renumbers from 1 on the same text: its page is keyed by uid.
    by_uid = [uid for uid, i in items.items() if i.url == SITE + uid]
    assert by_uid == ["AMANR5L17PO838901B1245P0D2N000001"]
    assert Counter(("BTC" in uid, i.bill_part) for uid, i in items.items()) == {
        (False, None): 26, (False, "1"): 5, (False, "2"): 11, (True, None): 5}
    assert Counter(i.prefix for i in items.values()) == {
        "AN": 10, "CION_LOIS": 7, "CION_FIN": 6, "CION-CEDU": 4, "CION-ECO": 4, "CION-SOC": 4, "CION_AFETR": 3,
        "CION-DVP": 2, "CION_DEF": 2, "CSVIEECO": 2, "CSCYBER": 2, "CSLOFINAP": 1}


@pytest.mark.parametrize("uid, number, page", [
    ("AMANR5L17PO838901B0324P1D1N000001", "I-1", "0324A/AN/1"),                   # PLF, première partie
    ("AMANR5L17PO838901B0324P1D1N003508", "I-3508 (2ème Rect)", "0324A/AN/3508"),  # rectified
    ("AMANR5L17PO838901B0324P2D1N000001", "II-1", "0324C/AN/1"),                  # seconde partie
    ("AMANR5L17PO59048B0324P2D1N000001", "II-CF1", "0324C/CION_FIN/CF1"),
    ("AMANR5L17PO59047B0324P1D1N000001", "I-AE1", "0324A/CION_AFETR/AE1"),
    ("AMANR5L17PO838901BTC1583P0D1N000028", "28 (2ème Rect)", "1583/AN/28"),       # commission text
    ("AMANR5L17PO838901BTC1245P0D1N000005", "5 (Rect)", "1245/AN/5"),
    ("AMANR5L17PO420120B0622P0D1N000574", "AS574 (Rect)", "0622/CION-SOC/AS574"),
    ("AMANR5L17PO866672B1112P0D1N000471", "CS471 (2ème Rect)", "1112/CSCYBER/CS471"),
])
def test_real_sample_public_urls(uid, number, page):
    item = _sample()[uid]
    assert (item.number, item.url) == (number, SITE + page)


def test_plf_credit_amendment_carries_its_programmes_and_amounts():
    from nlp.quantities import amounts

    item = _sample()["AMANR5L17PO419604B0324P2D1N000001"]
    assert item.mission == "Culture" and (item.balance_ae, item.balance_cp) == (0, 0)
    moved = [(c["programme"], c["ae"], c["cp"]) for c in item.credits if c["ae"] or c["cp"]]
    assert moved == [("Transmission des savoirs et démocratisation de la culture", 500000, 500000),
                     ("Soutien aux politiques du ministère de la culture", -500000, -500000)]
    assert len(item.credits) == 4 and item.title == "Amendement n° II-AC1 (ART. 42) au texte n° 324 (seconde partie)"
    text = item.documents()[0].text
    assert text.startswith("Mission « Culture » : modification des crédits.\nProgramme « Transmission des savoirs")
    assert "crédits de paiement - 500 000 €" in text and "Exposé sommaire :" in text
    assert [a.value for a in amounts(text)][:4] == [500000.0] * 4   # what the commitment stage reads


def test_plfr_credit_amendment_with_a_created_programme():
    item = _sample()["AMANR5L17PO59048B0538P0D1N000021"]
    created = [c for c in item.credits if c["action"] == "création"]
    assert created == [{"programme": "Nationalisation d'ATOS", "ref": created[0]["ref"], "action": "création",
                        "ae": 500000000, "cp": 500000000}]
    assert "Programme « Nationalisation d'ATOS » (création) : autorisations d'engagement + 500 000 000 €" in item.dispositif
    credit_items = [i for i in _sample().values() if i.credits]
    assert len(credit_items) == 8 and all(i.mission and i.balance_ae is not None for i in credit_items)


def test_irrecevable_and_contentless_amendments_keep_the_notice():
    items = _sample()
    irrecevable = items["AMANR5L17PO420120B0104P0D1N000012"]
    assert irrecevable.dispositif == "" and irrecevable.documents()[0].text == (
        "Cet amendement a été déclaré irrecevable au titre de l’article 40 de la Constitution.")
    assert items["AMANR5L17PO419610B1959P0D1N000019"].url == SITE + "1959/CION-ECO/CE19"  # contenuAuteur absent


def test_group_suffix_is_not_repeated_and_cosigners_of_every_form():
    items = _sample()
    assert items["AMANR5L17PO838901BTC0697P0D1N000001"].signatories == (
        "M. Muller et les membres du groupe Rassemblement National")
    assert Counter(len(i.cosigners) > 1 for i in items.values())[True] >= 1
    assert items["AMANR5L17PO59051B1105P0D1N000015"].cosigners and all(
        isinstance(c, str) for i in items.values() for c in i.cosigners)


def test_seconde_deliberation_and_unknown_forms():
    d2 = _sample()["AMANR5L17PO838901B1245P0D2N000001"]
    assert d2.title == "Amendement n° 1 (ART. 5) au texte n° 1245 (seconde délibération)"
    assert amendment_url("AMANR5L17PO838901B0325P0D1N001855", "17", "AN", "1855 (3ème Rect)") == SITE + "0325/AN/1855"
    assert amendment_url("AMANR5L17PO838901B0325P0D1N001855", "17", "AN", "n° 1855 bis") == SITE + "AMANR5L17PO838901B0325P0D1N001855"
    # Two amendments n° 1 on text 1245, first and second deliberation, get two different pages.
    first = amendment_url("AMANR5L17PO838901BTC1245P0D1N000001", "17", "AN", "1")
    second = amendment_url("AMANR5L17PO838901B1245P0D2N000001", "17", "AN", "1")
    assert first == SITE + "1245/AN/1" and second == SITE + "AMANR5L17PO838901B1245P0D2N000001"
    assert amendment_url("PAS-UN-UID", "17", "AN", "1").endswith("/dyn/opendata/PAS-UN-UID.html")
    with pytest.raises(BadRecord) as bad:
        parse_amendment({"amendement": {"uid": "AMANR5L17X"}}, "s")
    assert bad.value.uid == "AMANR5L17X" and "uid" in bad.value.cause
    broken = json.loads((SAMPLE / "AMANR5L17PO419604B0324P2D1N000001.json").read_bytes())
    broken["amendement"]["corps"]["contenuAuteur"]["dispositifAmdtCreditPLF"]["soldeAE"] = "beaucoup"
    with pytest.raises(BadRecord) as bad:
        parse_amendment(broken, "s")
    assert bad.value.uid == "AMANR5L17PO419604B0324P2D1N000001" and "soldeAE" in bad.value.cause


def test_new_columns_are_stored(spider, db):
    store_all(db, [_item(spider, DAVI)])
    row = db["amendments"].get(DAVI)
    assert (row["bill_part"], row["commission_text"], row["mission"], row["credits"], row["balance_ae"]) == (
        None, 0, None, "[]", None)
