"""Typed items yielded by every spider.

A `Document` is what a source says (an article, a question, an amendment...). It travels
through the item pipelines as a dataclass, is written to the raw JSONL of the run as a dict
(`to_dict`) and rebuilt from it by `veille import` (`from_dict`).

`published` is aware; `published_precision` says what the source gave: "instant", "day"
(the Paris calendar day of `published`) or "month". Left empty, it is inferred
(`spiders.dates.infer_precision`: a Paris midnight is a day), so items built from bare
dates and raw JSONL lines written before precisions were kept read as days.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from spiders.dates import PRECISIONS, infer_precision, stored_iso

_FETCH_ATTRIBUTE = "_fetch_record"
_SHARED = (str, int, float, bool, type(None), datetime)


def copied(value: Any) -> Any:
    """A copy of a JSON-like value (what `copy.deepcopy` gives: new dicts, lists and tuples,
    the same immutable leaves), built directly; any other value is deep-copied."""
    kind = type(value)
    if kind is dict:
        return {k: copied(v) for k, v in value.items()}
    if kind is list:
        return [copied(v) for v in value]
    if kind is tuple:
        return tuple(copied(v) for v in value)
    return value if kind in _SHARED else copy.deepcopy(value)


@dataclass
class Document:
    """One document from one source, before topic matching and storage."""

    source: str
    url: str
    title: str
    kind: str = "press"
    published: datetime | None = None
    summary: str = ""
    text: str = ""
    guid: str = ""
    publisher: str = ""
    author: str = ""
    access: str = "teaser"
    aliases: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    published_precision: str = ""

    def __post_init__(self) -> None:
        if self.published_precision not in PRECISIONS:
            self.published_precision = infer_precision(self.published)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (dates as ISO 8601 strings in Paris time, a day
        as its Paris midnight: see `spiders.dates.stored_iso`)."""
        # What `dataclasses.asdict` gives (the fields hold no dataclass), without its
        # recursion through every field: it cost half of storing an unchanged document.
        data = {name: getattr(self, name) for name in _DOCUMENT_FIELDS}
        data["aliases"], data["extra"] = list(self.aliases), copied(self.extra)
        data["published"] = stored_iso(self.published, self.published_precision) if self.published else None
        data["published_precision"] = self.published_precision or None
        data["item_type"] = "document"
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        """Rebuild a document from `to_dict` output; unknown keys are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        if values.get("published"):
            values["published"] = datetime.fromisoformat(values["published"])
        return cls(**values)


_DOCUMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Document))


@dataclass(frozen=True)
class FetchRecord:
    """One HTTP response as fetched."""

    body: bytes
    sha256: str
    fetched: str
    status: int
    url: str
    final_url: str
    content_type: str

    def as_dict(self) -> dict[str, Any]:
        """Fields as a dict (for `pipelines.db.add_document_version`)."""
        return dict(self.__dict__)


def attach_fetch(document: Any, record: FetchRecord | None) -> Any:
    """Attach the response behind `document` (kept out of `to_dict`)."""
    if record is not None:
        setattr(document, _FETCH_ATTRIBUTE, record)
    return document


def fetch_record_of(document: Any) -> FetchRecord | None:
    """The response attached to `document`, if any."""
    return getattr(document, _FETCH_ATTRIBUTE, None)


@dataclass
class CrawlState:
    """What earlier runs left that a spider needs, handed to it when the crawl opens
    (spiders never read the database): the archive versions already read, by URL
    ({sha256, etag, last_modified, …}), and the hashes of the questions already stored,
    by source then uid."""

    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    question_hashes: dict[str, dict[str, str]] = field(default_factory=dict)

    def dataset(self, url: str) -> dict[str, Any]:
        """The last archive version read from `url` ({} when none)."""
        return self.datasets.get(url) or {}

    def hashes(self, source: str) -> dict[str, str]:
        """uid → hash of the source record, for the questions of `source` already stored."""
        return self.question_hashes.get(source, {})
