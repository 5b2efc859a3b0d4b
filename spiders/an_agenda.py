"""Assemblée nationale agenda: every réunion of the legislature (plenary sittings with their
order of business, committee meetings with their convocation), past and coming.

Publisher: Assemblée nationale, Licence Ouverte / Etalab 2.0. URL (17th legislature):
https://data.assemblee-nationale.fr/static/openData/repository/17/vp/reunions/Agenda.json.zip
(path reported by third parties, research note §1.2: lower-case `vp`); one JSON file per
réunion, `{"reunion": {…}}`, uid `RUANR5L17S2026IDS30029` (séance), `…IDC…` (commission),
`…IDFL…`. Cadence: daily (rebuilt every night). Options: `follow` (dossier législatif or
text uids whose meetings are followed whatever their wording), `max_mb`.

Every réunion becomes an `agenda_items` row; « À venir » (named query `a_venir`) lists the
coming ones whose agenda names the topic or a followed bill.
"""

from __future__ import annotations

from spiders.an_parse import load_json, parse_reunion
from spiders.opendata import OpenDataSpider
from spiders.parl_items import AgendaItem


class AnAgendaSpider(OpenDataSpider):
    """Every configured source of kind "an_agenda"."""

    name = "an_agenda"
    source_kinds = {"an_agenda"}

    async def start(self):
        """One request per configured archive."""
        for source in self.sources:
            yield self.archive_request(source, source.url, self.parse)

    def parse(self, response):
        """One item per réunion of the archive, then the archive version."""
        yield from self.read_archive(response, (".json",), self._reunion)

    def _reunion(self, source, member) -> list[AgendaItem]:
        follow = frozenset(source.options.get("follow") or ())
        return [AgendaItem(**parse_reunion(load_json(member), source.name, member.uid, follow))]
