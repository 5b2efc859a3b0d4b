"""an_questions: AN QE/QG/QOSD archives, parsed from recorded zips built from real files."""

import json

import pytest

from conftest import run_veille, write_config
from parliament_helpers import body_response, fixture_bytes, hand_in_state, make_zip, response, store_all
from spiders.an_questions import AnQuestionsSpider, legislature_url
from spiders.parl_items import DatasetVersion, ParliamentQuestion

QE_URL = "https://data.assemblee-nationale.fr/static/openData/repository/17/questions/questions_ecrites/Questions_ecrites.json.zip"
QG16_URL = "https://data.assemblee-nationale.fr/static/openData/repository/16/questions/questions_gouvernement/Questions_gouvernement.json.zip"


@pytest.fixture
def spider(config_path):
    return AnQuestionsSpider()


def test_serves_the_three_l17_archives(spider):
    assert [s.name for s in spider.sources] == ["an_questions_ecrites", "an_questions_gouvernement", "an_questions_orales"]
    assert legislature_url(QE_URL, 16) == QE_URL.replace("/17/", "/16/")


def test_written_question_5268_with_its_answer(spider):
    items = list(spider.parse(response(spider, "an_questions_ecrites", "an_questions", "Questions_ecrites_L17.json.zip")))
    question, version = items
    assert isinstance(question, ParliamentQuestion) and isinstance(version, DatasetVersion)
    assert question.uid == "QANR5L17QE5268" and question.kind == "QE" and question.number == "5268"
    assert question.url == "https://www.assemblee-nationale.fr/dyn/17/questions/QANR5L17QE5268"
    assert question.author_id == "PA721764" and question.group_abbr == "EPR" and question.group_id == "PO845407"
    assert question.rubrique == "commerce et artisanat"
    assert question.analyses == ["Révision de la terminologie des diamants synthétiques"]
    assert question.ministry_asked_id == question.ministry_answering_id == "PO855083"
    assert question.published == "2025-03-25" and question.answer_date == "2025-06-03"
    assert question.status == "answered" and question.closure_code == "REP_PUB"
    assert "« laboratory-grown diamond »" in question.question_text  # <em> stripped
    assert question.answer_text.startswith("À la suite de la sollicitation")
    assert version.members == 1 and version.skipped == 0 and spider.health["an_questions_ecrites"].status == "ok"


def test_question_and_answer_documents(spider):
    items = list(spider.parse(response(spider, "an_questions_ecrites", "an_questions", "Questions_ecrites_L17.json.zip")))
    question, answer = items[0].documents()
    assert question.id == "QANR5L17QE5268" and question.kind == "question"
    assert question.title == "Question écrite n° 5268 : Révision de la terminologie des diamants synthétiques"
    assert answer.id == "QANR5L17QE5268-reponse" and answer.kind == "reponse"
    assert answer.url == question.url + "#reponse"
    assert answer.published.isoformat() == "2025-06-02T22:00:00+00:00"


def test_backfill_reads_the_16th_legislature_government_questions(config_path, monkeypatch, tmp_path):
    path = write_config(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        'name = "an_questions_gouvernement"', 'name = "an_questions_gouvernement"\nbackfill = [16]')
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("VEILLE_CONFIG", str(path))
    spider = AnQuestionsSpider()
    source = next(s for s in spider.sources if s.name == "an_questions_gouvernement")
    assert source.options["backfill"] == [16]
    items = list(spider.parse(response(spider, "an_questions_gouvernement", "an_questions",
                                       "Questions_gouvernement_L16.json.zip", url=QG16_URL)))
    questions = {i.uid: i for i in items if isinstance(i, ParliamentQuestion)}
    assert sorted(questions) == ["QANR5L16QG1", "QANR5L16QG608", "QANR5L16QG67"]
    qg = questions["QANR5L16QG67"]
    assert qg.kind == "QG" and qg.ministry_asked_id is None
    assert qg.ministry_asked.startswith("Ministère auprès du ministre de la santé")
    assert qg.question_text == "" and qg.answer_text.startswith("DÉSERTIFICATION MÉDICALE")
    document, answer = qg.documents()
    assert answer is None and document.text == qg.answer_text  # the oral exchange is one document


def test_unchanged_question_is_not_emitted_again(spider, db):
    first = list(spider.parse(response(spider, "an_questions_ecrites", "an_questions", "Questions_ecrites_L17.json.zip")))
    store_all(db, first[:1])  # the question, not the archive version
    hand_in_state(spider, db)
    again = list(spider.parse(response(spider, "an_questions_ecrites", "an_questions", "Questions_ecrites_L17.json.zip")))
    assert [type(i).__name__ for i in again] == ["DatasetVersion"]
    store_all(db, again)
    hand_in_state(spider, db)
    assert list(spider.parse(response(spider, "an_questions_ecrites", "an_questions", "Questions_ecrites_L17.json.zip"))) == []


def test_changed_question_is_emitted_again(spider, db):
    store_all(db, list(spider.parse(response(spider, "an_questions_ecrites", "an_questions", "Questions_ecrites_L17.json.zip")))[:1])
    data = json.loads(fixture_bytes("an_questions", "QANR5L17QE5268.json"))
    data["question"]["cloture"] = None
    data["question"]["textesReponse"] = None
    items = list(spider.parse(body_response(spider, "an_questions_ecrites", make_zip([("json/QANR5L17QE5268.json", json.dumps(data).encode())]))))
    assert items[0].status == "pending" and items[0].answer_text == ""


def test_bad_members_are_skipped_with_their_uid(spider):
    good = fixture_bytes("an_questions", "QANR5L17QE5268.json")
    data = json.loads(good)
    data["question"]["uid"] = "QANR5L17QE1"
    data["question"]["auteur"] = [data["question"]["auteur"]]  # a list where an object is expected
    legacy = json.loads(good)
    legacy["question"]["uid"] = "QANR5L17QE2"
    legacy["question"]["textesQuestion"]["texteQuestion"]["infoJO"]["dateJO"] = "25/03/2025"
    legacy["question"]["cloture"] = {"@xsi:nil": "true"}
    legacy["question"]["textesReponse"] = None
    bad_date = json.loads(good)
    bad_date["question"]["uid"] = "QANR5L17QE3"
    bad_date["question"]["cloture"]["dateCloture"] = "32/13/2025"
    archive = make_zip([
        ("json/QANR5L17QE5268.json", good),
        ("json/QANR5L17QE1.json", json.dumps(data).encode()),
        ("json/QANR5L17QE2.json", json.dumps(legacy).encode()),
        ("json/QANR5L17QE3.json", json.dumps(bad_date).encode()),
        ("json/QANR5L17QE4.json", b"<html>Erreur 500</html>"),
        ("../QANR5L17QE5.json", good),
        ("json/../../QANR5L17QE6.json", good),
    ])
    items = list(spider.parse(body_response(spider, "an_questions_ecrites", archive)))
    questions = [i for i in items if isinstance(i, ParliamentQuestion)]
    assert [q.uid for q in questions] == ["QANR5L17QE5268", "QANR5L17QE2"]
    assert questions[1].published == "2025-03-25" and questions[1].status == "pending"
    skipped = dict(spider.skipped["an_questions_ecrites"])
    assert sorted(skipped) == ["QANR5L17QE1", "QANR5L17QE3", "QANR5L17QE4", "QANR5L17QE5", "QANR5L17QE6"]
    assert "forme inattendue" in skipped["QANR5L17QE1"]
    assert "date illisible '32/13/2025'" in skipped["QANR5L17QE3"]
    assert "JSON invalide" in skipped["QANR5L17QE4"]
    assert "nom de fichier dangereux" in skipped["QANR5L17QE5"] and "../" in skipped["QANR5L17QE6"]
    health = spider.health["an_questions_ecrites"]
    assert health.status == "warning" and health.error.startswith("5 élément(s) ignoré(s) : ")
    assert items[-1].skipped == 5


def test_truncated_archive_keeps_the_readable_members(spider):
    archive = fixture_bytes("an_questions", "Questions_gouvernement_L16.json.zip")
    cut = archive[: archive.index(b"PK\x03\x04", 100) + 2000]  # first member whole, second cut short
    items = list(spider.parse(body_response(spider, "an_questions_gouvernement", cut)))
    assert [i.uid for i in items if isinstance(i, ParliamentQuestion)] == ["QANR5L16QG1"]
    skipped = dict(spider.skipped["an_questions_gouvernement"])
    assert skipped["QANR5L16QG608"] == "archive tronquée : membre incomplet"
    assert spider.health["an_questions_gouvernement"].status == "warning"


def test_not_a_zip_fails_the_source(spider):
    assert list(spider.parse(body_response(spider, "an_questions_ecrites", b"<html>maintenance</html>"))) == []
    health = spider.health["an_questions_ecrites"]
    assert health.status == "failed" and health.error.startswith("pas une archive zip")


def test_without_http_cache_the_stored_validators_are_sent(spider, db):
    from scrapy.http import Request, TextResponse
    from scrapy.settings import Settings

    store_all(db, list(spider.parse(response(spider, "an_questions_ecrites", "an_questions", "Questions_ecrites_L17.json.zip")))[-1:])
    db["datasets"].update(QE_URL, {"etag": '"abc"', "last_modified": "Mon, 16 Feb 2026 06:00:00 GMT"})
    hand_in_state(spider, db)
    spider.settings = Settings({"HTTPCACHE_ENABLED": False})
    source = next(s for s in spider.sources if s.name == "an_questions_ecrites")
    request = spider.archive_request(source, QE_URL, spider.parse)
    assert request.headers[b"If-None-Match"] == b'"abc"' and request.meta["handle_httpstatus_list"] == [304]
    assert request.headers[b"If-Modified-Since"] == b"Mon, 16 Feb 2026 06:00:00 GMT"
    not_modified = TextResponse(QE_URL, status=304, body=b"", request=Request(QE_URL, meta={"source": source}))
    assert list(spider.parse(not_modified)) == []


@pytest.mark.slow
def test_crawl_on_the_replay(tmp_path, replay):
    config = write_config(tmp_path)
    result = run_veille(config, "crawl", "--replay", replay.url, "--spider", "an_questions")
    assert result.returncode == 0, result.stderr
    from pipelines.db import open_db

    db = open_db(tmp_path / "veille.db")
    row = next(db.query("SELECT * FROM question_lifecycle WHERE id = 'QANR5L17QE5268'"))
    assert row["status"] == "answered" and row["days_waiting"] == 70 and row["answer_date"] == "2025-06-03"
    assert db["documents"].count == 0  # not about the topic: metadata only


def test_question_without_indexation_is_titled_from_its_text():
    import json as _json

    from conftest import FIXTURES
    from spiders.an_parse import parse_an_question

    data = _json.loads((FIXTURES / "an_questions" / "QANR5L17QE5268.json").read_bytes())
    for empty in (None, {"@xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance", "@xsi:nil": "true"}):
        data["question"]["indexationAN"] = empty  # the real record without its indexation
        record = parse_an_question(data, "an_questions_ecrites")
        assert record["analyses"] == [] and record["rubrique"] is None
        assert record["title"] == ("Question écrite n° 5268 : Mme Olivia Grégoire interroge M. le ministre de "
                                   "l'économie, des finances et de la souveraineté…")
