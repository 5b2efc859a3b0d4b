"""`veille import`: replay raw JSONL files through the same store step as the crawl."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from nlp.topic import TopicMatcher
from pipelines import db as database
from pipelines.config import Config
from pipelines.raw import numbered_items
from pipelines.dispatch import store_item
from pipelines.store import SourceTally
from pipelines.stories import group_stories
from pipelines.transaction import BatchLost

logger = logging.getLogger(__name__)


MAX_REPORTED = 20  # error lines kept in the run (the count says how many more)


def import_files(config: Config, files: list[Path]) -> dict:
    """Store every item of the files as one run. A bad line (or an item that cannot be
    stored) is reported with its file and line number and the other lines are still
    imported; an unreadable file fails alone. Items are stored a few hundred per
    transaction (`WriteBatch`), each item whole or not at all; the stories of the
    documents it inserted or changed are grouped once, at the end."""
    db = database.open_db(config.database)
    matcher = TopicMatcher.from_topic(config.topic)
    run_id = database.start_run(db, "import")
    tally, started = SourceTally(), time.monotonic()
    errors: list[str] = []
    with database.write_batch(db) as batch:
        for path in files:
            try:
                for number, item in numbered_items(path, errors):
                    try:
                        with batch.unit():
                            action = store_item(db, matcher, item)
                    except BatchLost:
                        raise
                    except Exception as exc:  # noqa: BLE001  (one item never stops the import)
                        errors.append(f"{path}:{number}: enregistrement impossible ({type(exc).__name__}: "
                                      f"{' '.join(str(exc).split())[:120]})")
                        continue
                    tally.add(getattr(item, "source", "?"), action)
            except OSError as exc:
                errors.append(f"{path} : fichier illisible ({exc.strerror or exc})")
    if len(errors) > MAX_REPORTED:
        errors = errors[:MAX_REPORTED] + [f"… et {len(errors) - MAX_REPORTED} autres lignes en erreur"]
    try:  # once per import, for the documents it inserted or changed
        group_stories(db)
    except Exception as exc:  # noqa: BLE001  (stories are never worth the import)
        logger.error("regroupement des reprises impossible : %s", exc)
    for source in tally.counts:
        database.record_source_result(db, run_id, tally.result(source, duration_s=round(time.monotonic() - started, 3)))
    return database.finish_run(db, run_id, errors=errors)
