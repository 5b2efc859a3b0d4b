"""Typed items yielded by every spider.

A `Document` is what a source says (an article, a question, an amendment...). It travels
through the item pipelines as a dataclass, is written to the raw JSONL of the run as a dict
(`to_dict`) and rebuilt from it by `veille import` (`from_dict`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (dates as ISO 8601 strings)."""
        data = dataclasses.asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
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
