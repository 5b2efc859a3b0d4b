"""Assemblée nationale debates: Syceron comptes rendus of the public sittings.

Publisher: Assemblée nationale, Licence Ouverte / Etalab 2.0. URL (XML only, lower-case
`vp`, misspelled `syseron`):
https://data.assemblee-nationale.fr/static/openData/repository/17/vp/syceronbrut/syseron.xml.zip
(~50 MB, `xml/compteRendu/CRSANR….xml`, one file per sitting). Cadence: daily. The archive
is recompressed every night, so only its SHA-256 and the content tell whether it changed.

A sitting that mentions the topic yields one document per relevant passage (a
`paragraphe` with a strong mention), with its speaker (AN actor id), debate role, sitting
date, point title and the public page of the compte rendu.
"""

from __future__ import annotations

from nlp.topic import TopicMatcher
from spiders.an_parse import parse_sitting
from spiders.opendata import OpenDataSpider
from spiders.parl_items import DebatePassage


class AnDebatesSpider(OpenDataSpider):
    """Every configured source of kind "an_debates"."""

    name = "an_debates"
    source_kinds = {"an_debates"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.matcher = TopicMatcher.from_topic(self.config.topic)

    async def start(self):
        """One request per configured archive."""
        for source in self.sources:
            yield self.archive_request(source, source.url, self.parse)

    def parse(self, response):
        """The relevant passages of every sitting of the archive, then its version."""
        yield from self.read_archive(
            response, (".xml",), lambda source, member: self.passages(source.name, parse_sitting(member.data, member.uid)))

    def passages(self, source: str, sitting: dict) -> list[DebatePassage]:
        """The passages of one parsed sitting that mention the topic."""
        return [
            DebatePassage(
                id=f"{sitting['uid']}-{p['syceron_id'] or p['order']}", source=source,
                sitting_uid=sitting["uid"], url=sitting["url"], sitting_start=sitting["started"],
                day_label=sitting["day_label"], legislature=sitting["legislature"],
                point_title=p["point_title"], syceron_id=p["syceron_id"], order=p["order"],
                speaker_id=p["speaker_id"], speaker_name=p["speaker_name"],
                speaker_quality=p["speaker_quality"], role=p["role"], text=p["text"],
            )
            for p in sitting["passages"] if self.matcher.is_relevant(self.matcher.find(p["text"]))
        ]
