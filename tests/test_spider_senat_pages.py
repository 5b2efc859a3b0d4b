"""Sénat question pages: text, answer, dates and ministry read from the page's labels, in
two layouts (constructed pages: no real 2026 senat.fr question page was found, see
fixtures/senat_questions/SOURCES.md), and the written-question deadline."""

from conftest import FIXTURES, fixture_response
from parliament_helpers import source_of
from spiders.parl_items import ParliamentQuestion
from spiders.senat_parse import parse_senat_page, parse_senat_page_details
from spiders.senat_questions import SenatQuestionsSpider

PAGES = FIXTURES / "senat_questions"


def test_modern_layout_with_an_answer():
    details = parse_senat_page_details((PAGES / "constructed_page_labels_answered.html").read_text(encoding="utf-8"))
    assert details["question_text"] == ("M. Jean Exemple attire l'attention de Mme la ministre sur l'accès aux soins "
                                        "de premier recours.\nIl lui demande quelles mesures sont envisagées.")
    assert details["answer_text"] == "Le Gouvernement a engagé plusieurs mesures.\nElles seront évaluées en 2026."
    assert (details["published"], details["answer_date"]) == ("2025-07-03", "2025-09-18")
    assert details["answer_ministry"] == "Ministère de la santé et de l'accès aux soins"
    assert details["pending"] is None
    assert "Partager" not in details["answer_text"] and "Transmise" not in details["question_text"]


def test_legacy_latin1_xhtml_layout_without_answer():
    raw = (PAGES / "constructed_page_legacy_latin1.html").read_bytes()
    details = parse_senat_page_details(raw.decode("iso-8859-1"))  # as Scrapy decodes it (XML declaration kept)
    assert details["question_text"] == ("Mme Marie Exemple interroge M. le ministre sur les délais de réponse.\n"
                                        "Elle souhaite connaître ses intentions.")
    assert details["answer_text"] == "" and details["published"] == "2016-02-04"
    assert details["pending"] == "En attente de réponse du Ministère de l'intérieur"
    assert parse_senat_page(raw)[0].startswith("Mme Marie Exemple interroge")  # bytes read with their charset


def test_existing_fixture_page_still_reads():
    question, answer = parse_senat_page((PAGES / "qSEQ260207591.html").read_text(encoding="utf-8"))
    assert question.startswith("Mme Anne Souyris attire l'attention") and "SECPA" in question and answer == ""


def test_a_page_without_labels_gives_no_text():
    assert parse_senat_page("<html><body><h1>Page introuvable</h1><p>Erreur 404</p></body></html>") == ("", "")


def test_spider_fills_the_answer_from_the_page(config_path):
    spider = SenatQuestionsSpider()
    source = source_of(spider, "senat_questions")
    item = ParliamentQuestion(uid="SEQ25079990", source=source.name, chamber="Sénat", kind="QE", number="99901",
                              url="https://www.senat.fr/questions/base/2025/qSEQ250799901.html", title="Question écrite n° 99901",
                              published="2025-07-03")
    assert item.answer_deadline == "2025-09-03"
    page = fixture_response("senat_questions", "constructed_page_labels_answered.html", item.url,
                            "text/html; charset=utf-8", meta={"source": source, "item": item})
    [done] = list(spider.parse_page(page))
    assert done.status == "answered" and done.answer_date == "2025-09-18"
    assert done.answer_ministry == "Ministère de la santé et de l'accès aux soins"
    assert done.answer_deadline == "2025-09-03"  # answered 15 days late
    assert not spider.skipped.get(source.name)


def test_latin1_page_through_the_spider(config_path):
    spider = SenatQuestionsSpider()
    source = source_of(spider, "senat_questions")
    item = ParliamentQuestion(uid="SEQ16029990", source=source.name, chamber="Sénat", kind="QE", number="99902",
                              url="https://www.senat.fr/questions/base/2016/qSEQ160299902.html", title="Question écrite n° 99902")
    page = fixture_response("senat_questions", "constructed_page_legacy_latin1.html", item.url,
                            "text/html; charset=iso-8859-1", meta={"source": source, "item": item})
    [done] = list(spider.parse_page(page))
    assert done.question_text.startswith("Mme Marie Exemple interroge") and done.status == "pending"
    assert (done.published, done.answer_deadline) == ("2016-02-04", "2016-04-04")  # taken from the page
