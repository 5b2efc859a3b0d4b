"""Assemblée nationale amendments: the daily publication index plus one JSON per new or
updated amendment; the full archive for a back-fill.

Publisher: Assemblée nationale, Licence Ouverte / Etalab 2.0. URLs:
https://www.assemblee-nationale.fr/dyn/opendata/list-publication/publication_j.csv (today;
`publication_YYYY-MM-DD.csv` for earlier days, 404 on days without publications), lines
`timestamp;url` without header; per item
https://www.assemblee-nationale.fr/dyn/opendata/{UID}.json. Back-fill (mode "zip"):
https://data.assemblee-nationale.fr/static/openData/repository/17/loi/amendements_div_legis/Amendements.json.zip
(~300 MB). Cadence: daily (the index is updated about hourly). Options: `mode` ("index" or
"zip"), `days_back` (earlier daily indexes to read, default 1), `legislature` (17).

Only amendments about the topic are stored (documents + `amendments` rows).
"""

from __future__ import annotations

from datetime import date, timedelta

from spiders.an_parse import BadRecord, load_json, parse_amendment, publication_index_uids, Member
from spiders.opendata import OpenDataSpider
from spiders.parl_items import Amendment


class AnAmendmentsSpider(OpenDataSpider):
    """Every configured source of kind "an_amendments"."""

    name = "an_amendments"
    source_kinds = {"an_amendments"}

    async def start(self):
        """Index mode: today's index and the previous `days_back` days; zip mode: the archive."""
        for source in self.sources:
            if source.options.get("mode", "index") == "zip":
                yield self.archive_request(source, source.url, self.parse_archive)
                continue
            for url in self.index_urls(source, date.today()):
                request = self.source_request(source, url, callback=self.parse_index)
                request.meta["handle_httpstatus_list"] = [404]
                yield request

    @staticmethod
    def index_urls(source, today: date) -> list[str]:
        """Daily index URLs: `publication_j` (today) then the dated ones before it."""
        days = int(source.options.get("days_back", 1))
        dated = [source.url.replace("publication_j", f"publication_{(today - timedelta(days=n)).isoformat()}")
                 for n in range(1, days + 1)]
        return [source.url, *dated]

    def parse_index(self, response):
        """Request the JSON of every amendment of the legislature listed in the index."""
        source = self.answered(response)
        if response.status == 404:
            self.logger.info("source %s : pas de publication (%s)", source.name, response.url)
            return
        prefix = f"AMANR5L{source.options.get('legislature', 17)}"
        for uid in publication_index_uids(response.text):
            if uid.startswith(prefix):
                request = self.source_request(source, response.urljoin(f"../{uid}.json"),
                                              callback=self.parse_item, uid=uid)
                request.meta["handle_httpstatus_list"] = [404]
                yield request

    def parse_item(self, response):
        """One amendment from its per-item JSON."""
        source = self.answered(response)
        uid = response.meta["uid"]
        if response.status == 404:
            self.skip(source, uid, "JSON introuvable (HTTP 404)")
            return
        item = self._amendment(source, Member(response.url, uid, response.body))
        if item:
            yield item

    def parse_archive(self, response):
        """Back-fill: every amendment of the archive, then the archive version."""
        yield from self.read_archive(response, (".json",), lambda source, member: [self._parse_amendment(source, member)])

    def _amendment(self, source, member: Member) -> Amendment | None:
        try:
            return self._parse_amendment(source, member)
        except BadRecord as exc:
            self.skip(source, exc.uid, exc.cause)
            return None

    def _parse_amendment(self, source, member: Member) -> Amendment:
        return Amendment(**parse_amendment(load_json(member), source.name, member.uid))
