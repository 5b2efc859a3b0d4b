"""Sénat reference data: every senator (in office or former) with his seat, committee and
political group, so that Sénat authors and speakers are actors.

Publisher: Sénat, Licence Ouverte (data.senat.fr/licence). URL:
https://data.senat.fr/data/senateurs/ODSEN_GENERAL.csv (CP1252, « % » lines quoting the
query, then a `,`-separated header; a UTF-8 copy is read too). Cadence: weekly.

Rows go to `actors` (id "SEN" + matricule, chamber "SN"), `organes` (the Sénat, kind
"SENAT", and each group of a senator in office, kind "GP", `short_name` = the file's label)
and `mandates` (for each senator in office, « Sénateur » on the Sénat and Membre /
Apparenté / Rattaché of his group; no dates, the file gives none). Former senators are
actors without mandates (their last group is in `extra.groupe`). The file is fetched with
the validators of the version last read and skipped when its SHA-256 is unchanged, like the
open-data archives; a row that cannot be read is skipped with its matricule and field.
"""

from __future__ import annotations

from spiders.an_parse import BadRecord
from spiders.opendata import OpenDataSpider
from spiders.parl_items import ReferenceRecord
from spiders.senat_parse import parse_senator_row, senat_chamber_record, senat_group_record, senator_rows


class SenatReferenceSpider(OpenDataSpider):
    """Every configured source of kind "senat_reference"."""

    name = "senat_reference"
    source_kinds = {"senat_reference"}

    async def start(self):
        """One request per configured CSV (revalidated, never through the HTTP cache)."""
        for source in self.sources:
            yield self.archive_request(source, source.url, self.parse, to_file=False)  # a small CSV, read in memory

    def parse(self, response):
        """The organes, then one actor (and his mandates) per readable row, then the version
        read; nothing when the file is the version already read."""
        source = self.answered(response)
        if not self.to_read(source, response):
            return
        try:
            rows = senator_rows(response.body)
        except ValueError as exc:
            self.fail(source, f"CSV illisible ({exc})")
            return
        people, groups = [], set()
        for row in rows:
            try:
                actor, mandates = parse_senator_row(row)
            except BadRecord as exc:
                self.skip(source, exc.uid, exc.cause)
                continue
            people.append((actor, mandates))
            groups.update(m["extra"]["groupe"] for m in mandates if m["organe_kind"] == "GP")
        if not people:
            self.fail(source, f"aucun sénateur lisible ({len(rows)} ligne(s))")
            return
        yield ReferenceRecord(source=source.name, table="organes", record=senat_chamber_record())
        for label in sorted(groups):
            yield ReferenceRecord(source=source.name, table="organes", record=senat_group_record(label))
        for actor, mandates in people:
            yield ReferenceRecord(source=source.name, table="actors", record=actor)
            for mandate in mandates:
                yield ReferenceRecord(source=source.name, table="mandates", record=mandate)
        yield self.archive_version(source, response, len(rows))
