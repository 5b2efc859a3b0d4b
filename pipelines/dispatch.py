"""Which storer stores which item type: the table written out, no registration by import."""

from __future__ import annotations

from typing import Any, Callable

import sqlite_utils

from nlp.topic import TopicMatcher
from pipelines.parliament import (
    store_agenda, store_amendment, store_dataset_version, store_dossier, store_passage, store_question,
    store_reference,
)
from pipelines.store import store_document
from spiders.items import Document
from spiders.parl_items import (
    AgendaItem, Amendment, DatasetVersion, DebatePassage, LegislativeDossier, ParliamentQuestion, ReferenceRecord,
)

Storer = Callable[[sqlite_utils.Database, TopicMatcher, Any], str]

STORERS: dict[type, Storer] = {
    Document: store_document,
    ParliamentQuestion: store_question,
    Amendment: store_amendment,
    DebatePassage: store_passage,
    ReferenceRecord: store_reference,
    DatasetVersion: store_dataset_version,
    AgendaItem: store_agenda,
    LegislativeDossier: store_dossier,
}


def store_item(db: sqlite_utils.Database, matcher: TopicMatcher, item: Any) -> str:
    """Store any item with the storer of its type; return "insert", "update", "noop" or
    "irrelevant" (the run's counters are about documents on the topic)."""
    storer = STORERS.get(type(item))
    if storer is None:
        raise TypeError(f"type d'élément inconnu : {type(item).__name__}")
    return storer(db, matcher, item)
