"""senat_questions: the rolling CSV (CP1252) and the question pages."""

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings

from conftest import FIXTURES, run_veille, write_config
from parliament_helpers import fixture_bytes, hand_in_state, response, store_all
from spiders.senat_parse import parse_senat_row, senat_rows
from spiders.senat_questions import SenatQuestionsSpider

CSV = "https://data.senat.fr/data/questions/questions-depuis-un-an.csv"
PAGE = "https://www.senat.fr/questions/base/2026/qSEQ260207591.html"


@pytest.fixture
def spider(config_path):
    return SenatQuestionsSpider()


def test_replay_copy_is_cp1252_and_reads_like_the_real_utf8_excerpt():
    body = fixture_bytes("senat_questions", "questions-depuis-un-an.csv")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    real = senat_rows(fixture_bytes("senat_questions", "questions-depuis-un-an_excerpt_utf8.csv"))
    replay = senat_rows(body)
    assert replay[:4] == real and len(replay) == 5
    assert replay[2]["Titre"] == "Diminution des plafonds de la remise sur les médicaments génériques"


def test_row_fields():
    rows = senat_rows(fixture_bytes("senat_questions", "questions-depuis-un-an.csv"))
    transmitted = parse_senat_row(rows[1], "senat_questions")
    assert transmitted["uid"] == "SEQ250705637" and transmitted["status"] == "answered"
    assert transmitted["ministry_asked"] == "Économie, finances, souveraineté industrielle et numérique"
    assert transmitted["ministry_answering"] == transmitted["answer_ministry"] == "Action et comptes publics"
    assert transmitted["answer_date"] == "2026-03-26" and transmitted["author_name"] == "Mme Nicole Bonnefoy"
    assert transmitted["url"] == "https://www.senat.fr/questions/base/2025/qSEQ250705637.html"
    pending = parse_senat_row(rows[2], "senat_questions")
    assert pending["status"] == "pending" and pending["ministry_answering"] == "Santé, familles, autonomie et personnes handicapées"


def test_csv_asks_for_the_pages(spider):
    requests = list(spider.parse(response(spider, "senat_questions", "senat_questions", "questions-depuis-un-an.csv",
                                          url=CSV, content_type="text/csv")))
    assert [r.url.rsplit("/", 1)[-1] for r in requests] == [
        "qSEQ250705636.html", "qSEQ250705637.html", "qSEQ250705638.html", "qSEQ250705639.html", "qSEQ260207591.html"]
    assert requests[-1].meta["item"].title == ("Question écrite n° 07591 : Fin de l'expérimentation des structures"
                                               " d'exercice coordonné participatives")


def _souyris(spider):
    requests = list(spider.parse(response(spider, "senat_questions", "senat_questions", "questions-depuis-un-an.csv",
                                          url=CSV, content_type="text/csv")))
    request = requests[-1]
    page = HtmlResponse(PAGE, body=(FIXTURES / "senat_questions" / "qSEQ260207591.html").read_bytes(),
                        headers={"Content-Type": "text/html; charset=utf-8"}, request=Request(PAGE, meta=request.meta))
    return next(iter(spider.parse_page(page)))


def test_souyris_question_is_stored_with_its_text(spider, db):
    item = _souyris(spider)
    assert item.question_text.startswith("Mme Anne Souyris attire l'attention")
    assert "(SECPA)" in item.question_text and item.answer_text == ""
    assert item.author_name == "Mme Anne Souyris" and item.group_abbr == "GEST" and item.published == "2026-02-05"
    assert store_all(db, [item]) == ["insert"]
    document = db["documents"].get("SEQ260207591")
    assert document["kind"] == "question" and document["publisher"] == "Sénat"
    assert document["url"] == PAGE and document["author"] == "Mme Anne Souyris"
    assert db["questions"].get("SEQ260207591")["document_id"] == "SEQ260207591"
    row = next(db.query("SELECT status, days_waiting FROM question_lifecycle WHERE id = 'SEQ260207591'"))
    assert row["status"] == "pending" and row["days_waiting"] > 0


def test_unchanged_rows_ask_for_nothing(spider, db):
    store_all(db, [_souyris(spider)])
    hand_in_state(spider, db)
    requests = list(spider.parse(response(spider, "senat_questions", "senat_questions", "questions-depuis-un-an.csv",
                                          url=CSV, content_type="text/csv")))
    assert len(requests) == 4  # only the four rows not stored yet


def test_unreachable_page_keeps_the_csv_facts(spider):
    from scrapy.spidermiddlewares.httperror import HttpError
    from scrapy.http import TextResponse
    from twisted.python.failure import Failure

    request = list(spider.parse(response(spider, "senat_questions", "senat_questions", "questions-depuis-un-an.csv",
                                         url=CSV, content_type="text/csv")))[-1]
    failure = Failure(HttpError(TextResponse(PAGE, status=503, request=request)))
    failure.request = request
    spider.settings = Settings({"DOWNLOAD_TIMEOUT": 30})
    item, = list(spider.page_failed(failure))
    assert item.uid == "SEQ260207591" and item.source_hash == "" and item.question_text == ""
    assert spider.skipped["senat_questions"] == [("SEQ260207591", "page indisponible (HTTP 503 (erreur du serveur))")]


@pytest.mark.slow
def test_crawl_on_the_replay(tmp_path, replay):
    config = write_config(tmp_path)
    result = run_veille(config, "crawl", "--replay", replay.url, "--spider", "senat_questions")
    assert result.returncode == 0, result.stderr
    from pipelines.db import open_db

    db = open_db(tmp_path / "veille.db")
    assert [r["id"] for r in db.query("SELECT id FROM documents")] == ["SEQ260207591"]
    assert db["questions"].count == 5
