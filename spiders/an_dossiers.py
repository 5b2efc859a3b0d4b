"""Assemblée nationale dossiers législatifs: every bill and resolution of the legislature
with its journey (dépôt, renvoi en commission, rapport, séance, décision, navette, CMP,
promulgation), read from the open-data archive.

Publisher: Assemblée nationale, Licence Ouverte / Etalab 2.0. URL (17th legislature):
https://data.assemblee-nationale.fr/static/openData/repository/17/loi/dossiers_legislatifs/Dossiers_Legislatifs.json.zip
(research note §1.2); members `json/dossierParlementaire/DLR….json` (one dossier each,
`{"dossierParlementaire": {…}}`) next to `json/document/….json` (the texts, not read here).
Cadence: daily (rebuilt every night). Options: `follow` (dossier uids such as
"DLR5L17N52922", or text uids such as "PIONANR5L17B2504": a dossier naming one is kept
whatever its title), `max_mb`.

A dossier whose title names the topic, or that is followed, is stored with its stages
(`dossiers`, `dossier_stages`; named query `etapes_dossier`).
"""

from __future__ import annotations

from pipelines.config import Source
from spiders.an_parse import Member, load_json, parse_dossier
from spiders.opendata import OpenDataSpider
from spiders.parl_items import LegislativeDossier


class AnDossiersSpider(OpenDataSpider):
    """Every configured source of kind "an_dossiers"."""

    name = "an_dossiers"
    source_kinds = {"an_dossiers"}

    async def start(self):
        """One request per configured archive."""
        for source in self.sources:
            yield self.archive_request(source, source.url, self.parse)

    def parse(self, response):
        """One item per dossier of the archive, then the archive version."""
        yield from self.read_archive(response, (".json",), self._dossier)

    def _dossier(self, source: Source, member: Member) -> list[LegislativeDossier]:
        if "/document/" in f"/{member.name}":
            return []  # a text of the dossiers (its own record kind), not a dossier
        data = load_json(member)
        if isinstance(data, dict) and "document" in data and "dossierParlementaire" not in data:
            return []
        follow = frozenset(source.options.get("follow") or ())
        return [LegislativeDossier(**parse_dossier(data, source.name, member.uid, follow))]
