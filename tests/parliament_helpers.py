"""Helpers shared by the parliamentary tests: responses from fixtures, zips built on the
fly from real files, and storing items through the real store step."""

from __future__ import annotations

import io
import zipfile

from conftest import FIXTURES, fixture_response
from scrapy.http import Request, TextResponse


def source_of(spider, name: str):
    """The configured source `name` of a spider, with its health entry opened."""
    source = next(s for s in spider.sources if s.name == name)
    spider.source_request(source)
    return source


def response(spider, source_name: str, slug: str, file: str, url: str | None = None,
             content_type: str = "application/zip", **meta):
    """The recorded response of `file` as the spider receives it for `source_name`."""
    source = source_of(spider, source_name)
    return fixture_response(slug, file, url or source.url, content_type, meta={"source": source, **meta})


def body_response(spider, source_name: str, body: bytes, url: str | None = None, **meta):
    """A response with the given body (an archive built by the test)."""
    source = source_of(spider, source_name)
    url = url or source.url
    return TextResponse(url=url, body=body, headers={"Content-Type": "application/zip"},
                        request=Request(url, meta={"source": source, **meta}))


def make_zip(members: list[tuple[str, bytes]]) -> bytes:
    """A deflated zip held in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def fixture_bytes(slug: str, name: str) -> bytes:
    """The bytes of a fixture file."""
    return (FIXTURES / slug / name).read_bytes()


def store_all(db, items) -> list[str]:
    """Store items through the real store step; return the actions."""
    from nlp.topic import TopicMatcher
    from pipelines.config import load_config
    from pipelines.dispatch import store_item

    matcher = TopicMatcher.from_topic(load_config().topic)
    return [store_item(db, matcher, item) for item in items]



def hand_in_state(spider, db) -> None:
    """Give the spider what earlier runs stored, as the store step does when a crawl opens."""
    from pipelines.parliament import crawl_state

    spider.previous = crawl_state(db, [s.name for s in spider.sources])


def store_senators(db) -> None:
    """The real ODSEN_GENERAL.csv (October 2021, tests/fixtures/senat_reference) stored as the
    reference step stores it: senators, their mandates, the Sénat and its groups."""
    from pipelines import db as database
    from spiders.senat_parse import parse_senator_row, senat_chamber_record, senat_group_record, senator_rows

    groups = set()
    for row in senator_rows((FIXTURES / "senat_reference" / "ODSEN_GENERAL.csv").read_bytes()):
        actor, mandates = parse_senator_row(row)
        database.upsert_record(db, "actors", actor)
        for mandate in mandates:
            database.upsert_record(db, "mandates", mandate)
            groups.update([mandate["extra"]["groupe"]] if mandate["organe_kind"] == "GP" else [])
    database.upsert_record(db, "organes", senat_chamber_record())
    for label in groups:
        database.upsert_record(db, "organes", senat_group_record(label))
