"""Assemblée nationale questions: written (QE), to the Government (QG), oral without
debate (QOSD), from the per-legislature JSON archives of data.assemblee-nationale.fr.

Publisher: Assemblée nationale, Licence Ouverte / Etalab 2.0. URLs (one source per
dataset in veille.toml, 17th legislature):
https://data.assemblee-nationale.fr/static/openData/repository/17/questions/questions_ecrites/Questions_ecrites.json.zip
(…/questions_gouvernement/Questions_gouvernement.json.zip, …/questions_orales_sans_debat/…).
Cadence: daily (archives rebuilt every night). Options: `legislature` (17) and `backfill`
(e.g. [16]) to read older legislatures' archives as well; `max_mb` (download limit).

An archive is read only when it changed (HTTP revalidation + SHA-256, see
`spiders.opendata`); then a question is emitted only when its member differs from the
version stored (`questions.source_hash`): the SHA-256 of the member's bytes (`raw_hash`),
compared before anything is decoded, so an unchanged question costs one hash and one
look-up. Databases written before (issue 17) hold a `stable_hash` of the decoded JSON: such
a question is decoded and hashed that way, and when it is the same it is not emitted (nor
rewritten); once it changes it is stored with the new hash.
"""

from __future__ import annotations

import re

from spiders.an_parse import load_json, parse_an_question, raw_hash, stable_hash
from spiders.opendata import OpenDataSpider
from spiders.parl_items import ParliamentQuestion, is_raw_hash


def legislature_url(url: str, legislature: int | str) -> str:
    """The same dataset's URL for another legislature (…/repository/{leg}/…)."""
    return re.sub(r"/repository/\d+/", f"/repository/{legislature}/", url, count=1)


class AnQuestionsSpider(OpenDataSpider):
    """Every configured source of kind "an_questions"."""

    name = "an_questions"
    source_kinds = {"an_questions"}

    async def start(self):
        """One request per source and legislature (current, then back-fill)."""
        for source in self.sources:
            legislatures = [source.options.get("legislature", 17), *source.options.get("backfill", [])]
            for legislature in dict.fromkeys(legislatures):
                yield self.archive_request(source, legislature_url(source.url, legislature), self.parse)

    def parse(self, response):
        """Emit the new or changed questions of an archive, then its version."""
        known = self.previous.hashes(response.meta["source"].name)
        yield from self.read_archive(response, (".json",), lambda source, member: self._question(source, member, known))

    def _question(self, source, member, known: dict[str, str]) -> list[ParliamentQuestion]:
        digest = raw_hash(member.data)
        if known.get(member.uid) == digest:  # the member's uid is the question's in the AN archives
            return []
        data = load_json(member)
        if _same_as_before(known.get(member.uid), data):
            return []
        record = parse_an_question(data, source.name, member.uid)
        if record["uid"] != member.uid:
            stored = known.get(record["uid"])
            if stored == digest or _same_as_before(stored, data):
                return []
        return [ParliamentQuestion(**record, source_hash=digest)]


def _same_as_before(stored: str | None, data) -> bool:
    """True when `stored` is a hash of the former scheme (`stable_hash` of the decoded JSON)
    and `data` has it: a question stored by an earlier version, unchanged."""
    return bool(stored) and not is_raw_hash(stored) and stored == stable_hash(data)
