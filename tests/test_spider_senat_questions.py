"""senat_questions: the rolling CSV (CP1252) and the question pages."""

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings

from conftest import FIXTURES, run_veille, write_config
from parliament_helpers import fixture_bytes, hand_in_state, response, store_all, store_senators
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


# ------------------------------------------------------------------ authors linked to senators
def _csv_items(rows=None):
    """The questions of the replay CSV (4 real rows + QE 07591) as the spider yields them,
    without their pages."""
    from spiders.an_parse import stable_hash
    from spiders.parl_items import ParliamentQuestion

    rows = rows if rows is not None else senat_rows(fixture_bytes("senat_questions", "questions-depuis-un-an.csv"))
    return [ParliamentQuestion(**parse_senat_row(row, "senat_questions"), source_hash=stable_hash(row)) for row in rows]


def test_group_id_is_the_senators_group_organe_and_the_name_stays_as_given():
    from spiders.senat_parse import senat_group_id

    rows = senat_rows(fixture_bytes("senat_questions", "questions-depuis-un-an.csv"))
    records = [parse_senat_row(row, "senat_questions") for row in rows]
    assert [r["group_id"] for r in records] == [
        "SENGP-LES-REPUBLICAINS", "SENGP-SER", "SENGP-LES-REPUBLICAINS", "SENGP-UC", "SENGP-GEST"]
    assert all(r["group_id"] == senat_group_id(row["Groupe"]) for r, row in zip(records, rows))
    assert [r["author_name"] for r in records] == [
        "Mme Vivette Lopez", "Mme Nicole Bonnefoy", "Mme Pauline Martin", "M. Jean Hingray", "Mme Anne Souyris"]
    assert all(r["author_id"] is None for r in records)  # the parse reads no reference data
    no_group = parse_senat_row({**rows[0], "Groupe": ""}, "senat_questions")
    assert no_group["group_id"] is None and no_group["group_abbr"] is None


def test_authors_in_the_senators_file_get_their_sen_id(db):
    store_senators(db)
    store_all(db, _csv_items())
    linked = {r["id"]: (r["author_id"], r["group_id"]) for r in db.query("SELECT id, author_id, group_id FROM questions")}
    # 3 of the 5 rows (3 of the 4 real ones): the 2021 file has no Pauline Martin nor Anne Souyris.
    assert linked == {
        "SEQ250705636": ("SEN14059S", "SENGP-LES-REPUBLICAINS"),  # Mme Vivette Lopez
        "SEQ250705637": ("SEN08060W", "SENGP-SER"),  # Mme Nicole Bonnefoy
        "SEQ250705638": (None, "SENGP-LES-REPUBLICAINS"),  # Mme Pauline Martin: not in the file
        "SEQ250705639": ("SEN20048C", "SENGP-UC"),  # M. Jean Hingray
        "SEQ260207591": (None, "SENGP-GEST"),  # Mme Anne Souyris: elected in 2023
    }
    shown = {r["id"]: (r["author"], r["group"]) for r in db.query('SELECT id, author, "group" FROM question_lifecycle')}
    assert shown["SEQ250705636"] == ("Vivette Lopez", "Les Républicains")  # the senator's name
    assert shown["SEQ250705638"] == ("Mme Pauline Martin", "Les Républicains")  # the CSV's
    groups = {r["id"] for r in db.query("SELECT id FROM organes WHERE id LIKE 'SENGP-%'")}
    assert {"SENGP-LES-REPUBLICAINS", "SENGP-SER", "SENGP-UC", "SENGP-GEST"} <= groups


def test_name_is_compared_folded_and_unknown_names_stay_empty(db):
    store_senators(db)
    rows = senat_rows(fixture_bytes("senat_questions", "questions-depuis-un-an.csv"))
    variants = [{**rows[0], "Référence": "SEQX1", "Nom": "LÓPEZ", "Prénom": "vivette"},
                {**rows[0], "Référence": "SEQX2", "Nom": "Lopez", "Prénom": "Vivianne"},
                {**rows[0], "Référence": "SEQX3", "Nom": "Lopez Vivette", "Prénom": "", "Civilité": ""}]
    store_all(db, _csv_items(variants))
    assert {r["id"]: r["author_id"] for r in db.query("SELECT id, author_id FROM questions")} == {
        "SEQX1": "SEN14059S", "SEQX2": None, "SEQX3": None}


def test_homonyms_and_other_chambers_are_never_guessed(db):
    from pipelines import db as database

    store_senators(db)
    # Two senators « Jean Boyer » in the real file (matricules 01052R and 83018R).
    assert {r["id"] for r in db.query("SELECT id FROM actors WHERE name = 'Jean Boyer'")} == {"SEN01052R", "SEN83018R"}
    database.upsert_record(db, "actors", {"id": "PA999999", "name": "Pauline Martin", "kind": "person",
                                          "extra": {"chamber": "AN"}})
    rows = senat_rows(fixture_bytes("senat_questions", "questions-depuis-un-an.csv"))
    store_all(db, _csv_items([{**rows[3], "Référence": "SEQX4", "Nom": "Boyer", "Prénom": "Jean"}, rows[2]]))
    assert {r["id"]: r["author_id"] for r in db.query("SELECT id, author_id FROM questions")} == {
        "SEQX4": None, "SEQ250705638": None}


def test_an_author_id_is_kept_and_an_questions_are_not_looked_up(db):
    store_senators(db)
    rows = senat_rows(fixture_bytes("senat_questions", "questions-depuis-un-an.csv"))
    given, an = _csv_items(rows[:2])
    given.author_id = "SEN08060W"
    an.chamber = "AN"
    store_all(db, [given, an])
    assert {r["id"]: r["author_id"] for r in db.query("SELECT id, author_id FROM questions")} == {
        "SEQ250705636": "SEN08060W", "SEQ250705637": None}


def test_without_reference_data_authors_stay_empty(db):
    store_all(db, _csv_items())
    assert [r["author_id"] for r in db.query("SELECT author_id FROM questions")] == [None] * 5


def test_questions_stored_before_the_senators_are_linked_by_the_next_tag(db):
    from pipelines.parliament import link_senat_authors

    store_all(db, _csv_items())
    assert link_senat_authors(db) == 0  # no senators yet: nothing to link, nothing written
    store_senators(db)
    assert link_senat_authors(db) == 3
    linked = {r["id"]: r["author_id"] for r in db.query("SELECT id, author_id FROM questions")}
    assert linked["SEQ250705636"] == "SEN14059S" and linked["SEQ250705638"] is None
    assert link_senat_authors(db) == 0  # the others still match nobody: a second pass changes nothing
