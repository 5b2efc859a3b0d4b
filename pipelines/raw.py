"""Raw output of every run: one JSON line per item, replayable with `veille import`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from spiders.items import Document

ITEM_TYPES: dict[str, Any] = {"document": Document}


def raw_path(raw_dir: Path, run_id: str, spider: str) -> Path:
    """Where the raw items of `spider` in run `run_id` are written."""
    return Path(raw_dir) / run_id / f"{spider}.jsonl"


def read_raw(path: Path) -> Iterator[Any]:
    """Typed items back from a raw JSONL file (a bad line raises with its line number)."""
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                yield ITEM_TYPES[data.get("item_type", "document")].from_dict(data)
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: ligne illisible ({exc})") from None


class RawItemsPipeline:
    """Scrapy step: append every item, as scraped, to the run's raw JSONL file."""

    def __init__(self, raw_dir: Path, crawler):
        self.raw_dir, self.crawler, self.file = raw_dir, crawler, None

    @classmethod
    def from_crawler(cls, crawler):
        """Raw directory from the config; the run id is the spider's (set by StorePipeline)."""
        from pipelines.config import load_config

        return cls(load_config().raw_dir, crawler)

    def _open(self):
        self.spider = self.crawler.spider
        self.run_id = self.crawler.settings.get("VEILLE_RUN_ID", "")
        run_id = self.run_id or getattr(self.spider, "run_id", "") or "adhoc"
        path = raw_path(self.raw_dir, run_id, self.spider.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.spider.raw_file = str(path)
        return open(path, "a", encoding="utf-8")

    def close_spider(self):
        """Close the raw file."""
        if self.file:
            self.file.close()

    def process_item(self, item):
        """Write the item and pass it on."""
        if hasattr(item, "to_dict"):
            self.file = self.file or self._open()
            self.file.write(json.dumps(item.to_dict(), ensure_ascii=False, default=str) + "\n")
            self.file.flush()
        return item
