"""Reference data never go back in time (issue 16, « Bad input »): an archive whose
Last-Modified is earlier than the version last read is refused with a French warning in the
source's health, and nothing of it is read; a newer one is read as usual."""

from __future__ import annotations

import io
import zipfile

from scrapy import Request
from scrapy.http import Response

from conftest import write_config
from spiders.an_questions import AnQuestionsSpider
from spiders.base import SourceHealth
from spiders.items import CrawlState

QE_URL = "https://data.assemblee-nationale.fr/static/openData/repository/17/questions/questions_ecrites/Questions_ecrites.json.zip"
READ = "Mon, 16 Feb 2026 06:00:00 GMT"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("json/QANR5L17QE1.json", "{}")
    return buffer.getvalue()


def _answer(tmp_path, last_modified: str | None):
    spider = AnQuestionsSpider(config_path=str(write_config(tmp_path)))
    spider.previous = CrawlState(datasets={QE_URL: {"etag": '"v1"', "last_modified": READ, "sha256": "autre"}})
    source = next(s for s in spider.sources if s.name == "an_questions_ecrites")
    spider.health[source.name] = SourceHealth(source.name)
    headers = {"Last-Modified": last_modified} if last_modified else {}
    response = Response(QE_URL, body=_zip(), headers=headers, request=Request(QE_URL, meta={"source": source}))
    return spider, source, spider.archive_members(source, response, (".json",))


def test_an_archive_older_than_the_version_read_is_refused_in_one_french_line(tmp_path):
    spider, source, members = _answer(tmp_path, "Sun, 01 Feb 2026 06:00:00 GMT")
    assert members is None
    health = spider.health[source.name]
    assert health.status == "warning"
    assert "plus ancienne que la version déjà lue" in health.error and "01/02/2026" in health.error
    assert "16/02/2026" in health.error


def test_a_newer_archive_or_one_without_a_date_is_read(tmp_path):
    for index, header in enumerate(("Tue, 17 Feb 2026 06:00:00 GMT", READ, None, "pas une date")):
        (tmp_path / str(index)).mkdir()
        spider, source, members = _answer(tmp_path / str(index), header)
        assert members is not None and [m.name for m in members] == ["json/QANR5L17QE1.json"]
        assert spider.health[source.name].status != "warning"
