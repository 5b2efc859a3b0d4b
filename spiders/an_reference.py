"""Assemblée nationale reference data: acteurs, organes and mandats (deputies, groups,
committees, governments, ministries, with start and end dates).

Publisher: Assemblée nationale, Licence Ouverte / Etalab 2.0. URLs (17th legislature):
AMO10 deputies in office with their mandates and organes,
https://data.assemblee-nationale.fr/static/openData/repository/17/amo/deputes_actifs_mandats_actifs_organes/AMO10_deputes_actifs_mandats_actifs_organes.json.zip
and AMO20 deputies, senators and government members with every mandate of the legislature,
https://data.assemblee-nationale.fr/static/openData/repository/17/amo/deputes_senateurs_ministres_legislature/AMO20_dep_sen_min_tous_mandats_et_organes.json.zip
Cadence: weekly. Accepts split files ({"acteur"}, {"organe"}, {"mandat"}) and whole
exports ({"export": …}). Rows go to `actors`, `organes` and `mandates`; they answer
"who held post X on date D" (`pipelines.parliament.who_held`) and feed the gazetteer.
"""

from __future__ import annotations

from spiders.an_parse import load_json, parse_reference
from spiders.opendata import OpenDataSpider
from spiders.parl_items import ReferenceRecord

TABLES = {"actor": "actors", "organe": "organes", "mandate": "mandates"}


class AnReferenceSpider(OpenDataSpider):
    """Every configured source of kind "an_reference"."""

    name = "an_reference"
    source_kinds = {"an_reference"}

    async def start(self):
        """One request per configured archive."""
        for source in self.sources:
            yield self.archive_request(source, source.url, self.parse)

    def parse(self, response):
        """One item per actor, organe and mandate of the archive, then its version."""
        yield from self.read_archive(response, (".json",), self._records)

    def _records(self, source, member) -> list[ReferenceRecord]:
        return [ReferenceRecord(source=source.name, table=TABLES[kind], record=record)
                for kind, record in parse_reference(load_json(member), member.uid)]
