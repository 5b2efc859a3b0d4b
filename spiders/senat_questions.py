"""Sénat questions: the rolling CSV of the last twelve months, then each new or changed
question's page for its text and answer.

Publisher: Sénat, Licence Ouverte (data.senat.fr/licence). URLs:
https://data.senat.fr/data/questions/questions-depuis-un-an.csv (`;`, CP1252, 21 columns,
no question text) and the page of each question, e.g.
https://www.senat.fr/questions/base/2026/qSEQ260207591.html (the CSV gives http:// links,
rewritten to https). Questions d'actualité: https://data.senat.fr/data/questions/qg.csv
(same reader; its columns were not seen). Cadence: daily.

Authors: the CSV's name is kept as given (« Mme Vivette Lopez »), and `group_id` is the
organe of its « Groupe » label (`senat_group_id`, as for the senators' file: "SENGP-SER");
the spider reads no database, so `author_id` is filled by the store step
(`pipelines.parliament.senator_id`: the one senator of that name, else empty).

A page that cannot be fetched leaves the question stored from the CSV alone (and its page
is asked again at the next run).
"""

from __future__ import annotations

from spiders.base import describe_failure
from spiders.an_parse import BadRecord, stable_hash
from spiders.senat_parse import parse_senat_page_details, parse_senat_row, senat_rows
from spiders.opendata import OpenDataSpider
from spiders.parl_items import ParliamentQuestion, answer_deadline


class SenatQuestionsSpider(OpenDataSpider):
    """Every configured source of kind "senat_questions"."""

    name = "senat_questions"
    source_kinds = {"senat_questions"}

    async def start(self):
        """One request per configured CSV."""
        for source in self.sources:
            yield self.source_request(source, source.url, callback=self.parse)

    def parse(self, response):
        """Ask for the page of every new or changed row."""
        source = self.answered(response)
        try:
            rows = senat_rows(response.body)
        except ValueError as exc:
            self.fail(source, f"CSV illisible ({exc})")
            return
        known = self.previous.hashes(source.name)
        for row in rows:
            try:
                record = parse_senat_row(row, source.name)
            except BadRecord as exc:
                self.skip(source, exc.uid, exc.cause)
                continue
            digest = stable_hash(row)
            if known.get(record["uid"]) == digest:
                continue
            item = ParliamentQuestion(**record, source_hash=digest)
            if not item.url:
                yield item
                continue
            request = self.source_request(source, item.url, callback=self.parse_page, item=item)
            yield request.replace(errback=self.page_failed)

    def parse_page(self, response):
        """Complete the question with the text and answer of its page."""
        source = self.answered(response)
        item: ParliamentQuestion = response.meta["item"]
        try:
            details = parse_senat_page_details(response.text)
            item.question_text, item.answer_text = details["question_text"], details["answer_text"]
            # The CSV is authoritative; the page fills what it leaves empty.
            item.published = item.published or details["published"]
            if item.answer_text:
                item.answer_date = item.answer_date or details["answer_date"]
                item.answer_ministry = item.answer_ministry or details["answer_ministry"]
                if item.status in ("pending", "reminded"):
                    item.status = "answered"
            item.answer_deadline = answer_deadline(item.kind, item.published)
        except (ValueError, AttributeError) as exc:
            self.skip(source, item.uid, f"page illisible ({exc}), question gardée sans texte")
            item.source_hash = ""
        if not item.question_text:
            self.skip(source, item.uid, "texte de la question absent de la page")
            item.source_hash = ""
        yield item

    def page_failed(self, failure):
        """The page could not be fetched: keep the CSV facts, retry the page next run."""
        item: ParliamentQuestion = failure.request.meta["item"]
        source = failure.request.meta["source"]
        self.skip(source, item.uid, f"page indisponible ({describe_failure(failure, self.settings.getfloat('DOWNLOAD_TIMEOUT'))})")
        item.source_hash = ""
        yield item
