"""Raw output of every run: one JSON line per item, replayable with `veille import`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from spiders.items import Document
from spiders.parl_items import (
    AgendaItem, Amendment, DatasetVersion, DebatePassage, LegislativeDossier, ParliamentQuestion, ReferenceRecord,
)

ITEM_TYPES: dict[str, Any] = {
    "document": Document,
    **{cls.item_type: cls for cls in (ParliamentQuestion, Amendment, DebatePassage, ReferenceRecord, DatasetVersion, AgendaItem,
                                           LegislativeDossier)},
}


def raw_path(raw_dir: Path, run_id: str, spider: str) -> Path:
    """Where the raw items of `spider` in run `run_id` are written."""
    return Path(raw_dir) / run_id / f"{spider}.jsonl"


def read_raw(path: Path) -> Iterator[Any]:
    """Typed items back from a raw JSONL file (a bad line raises with its line number)."""
    for _, item in numbered_items(path):
        yield item


def numbered_items(path: Path, errors: list[str] | None = None) -> Iterator[tuple[int, Any]]:
    """(line number, typed item) of each line of a raw JSONL file. A bad line raises
    ValueError naming the file and the line; with `errors`, its French line is appended
    there instead and the next lines are still read."""
    with open(path, "rb") as lines:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw.decode("utf-8"))
                yield number, ITEM_TYPES[data.get("item_type", "document")].from_dict(data)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                problem = f"{path}:{number}: ligne illisible ({type(exc).__name__}: {' '.join(str(exc).split())[:120]})"
                if errors is None:
                    raise ValueError(problem) from None
                errors.append(problem)


def raw_line(item: Any) -> str:
    """One JSON line for the raw file of a run (what `read_raw` reads back)."""
    return json.dumps(item.to_dict(), ensure_ascii=False, default=str) + "\n"
