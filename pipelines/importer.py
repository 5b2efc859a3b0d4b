"""`veille import`: replay raw JSONL files through the same store step as the crawl."""

from __future__ import annotations

import time
from pathlib import Path

from nlp.topic import TopicMatcher
from pipelines import db as database
from pipelines.config import Config
from pipelines.raw import read_raw
from pipelines.dispatch import store_item
from pipelines.store import SourceTally


def import_files(config: Config, files: list[Path]) -> dict:
    """Store every item of the files as one run; a broken file fails alone."""
    db = database.open_db(config.database)
    matcher = TopicMatcher.from_topic(config.topic)
    run_id = database.start_run(db, "import")
    tally, errors, started = SourceTally(), [], time.monotonic()
    for path in files:
        try:
            for item in read_raw(path):
                tally.add(getattr(item, "source", "?"), store_item(db, matcher, item))
        except (OSError, ValueError) as exc:
            errors.append(str(exc))
    for source in tally.counts:
        database.record_source_result(db, run_id, tally.result(source, duration_s=round(time.monotonic() - started, 3)))
    return database.finish_run(db, run_id, errors=errors)
