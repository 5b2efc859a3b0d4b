"""`veille tag`: annotate stored documents with actors, roles and commitments.

Selects the relevant documents not annotated yet (or all with `everything=True`), loads the
reference data (actors, organes, mandates) from the database, runs `nlp.extract.extract` in
batches and writes through `pipelines.db` (one transaction per document: idempotent).
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import asdict
from typing import Any, Callable, Iterator

import sqlite_utils

from nlp.extract import Annotations, extract
from nlp.gazetteer import reference_patterns
from nlp.pipeline import DEFAULT_MODEL, load_pipeline
from nlp.roles import Reference, row_extra
from nlp.text import fold
from nlp.topic import TopicMatcher
from pipelines import db as store
from pipelines import ledger
from pipelines.parliament import link_senat_authors

log = logging.getLogger(__name__)


def load_reference(db: sqlite_utils.Database) -> Reference:
    """Mandates joined with actor and organe names, from the reference tables (what
    `veille tag` resolves roles with; `veille evaluate` builds its reference here too)."""
    tables = set(db.table_names())
    mandates = list(db["mandates"].rows) if "mandates" in tables else []
    organes = list(db["organes"].rows) if "organes" in tables else []
    actors = [a for a in db["actors"].rows if a.get("kind") in (None, "person")] if "actors" in tables else []
    actors, mandates = merge_chambers(actors, mandates)
    return Reference.join(mandates, organes, actors)


def merge_chambers(actors: list[dict[str, Any]], mandates: list[dict[str, Any]]
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One person, not two homonyms, when the AN and the Sénat reference data both hold
    them (a senator who became a minister or a deputy): a Sénat actor with the name and
    birth date of an AN actor is dropped and their mandates move to the AN id. Without
    this, the shared name would be ambiguous and resolve to nobody."""
    def key(actor: dict[str, Any]) -> tuple[str, str] | None:
        extra = row_extra(actor)
        born = extra.get("born")
        return (fold(" ".join((actor.get("name") or "").split())), born) if born else None

    an_ids: dict[tuple[str, str], str] = {}
    for actor in actors:
        found = key(actor)
        if row_extra(actor).get("chamber") != "SN" and found:
            an_ids.setdefault(found, actor["id"])
    same: dict[str, str] = {}
    for actor in actors:
        found = key(actor)
        if row_extra(actor).get("chamber") == "SN" and found in an_ids:
            same[actor["id"]] = an_ids[found]
    if not same:
        return actors, mandates
    kept = [a for a in actors if a["id"] not in same]
    moved = [{**m, "actor_id": same.get(m.get("actor_id") or "", m.get("actor_id"))} for m in mandates]
    return kept, moved


def pending(db: sqlite_utils.Database, everything: bool = False) -> list[dict[str, Any]]:
    """Relevant documents to annotate: not annotated yet, or all of them."""
    sql = "SELECT id, published, text FROM documents WHERE relevant = 1"
    if not everything:
        sql += " AND id NOT IN (SELECT document_id FROM annotations)"
    return list(db.query(sql + " ORDER BY published, id"))


def _rows(annotations: Annotations) -> tuple[list[dict], list[dict]]:
    mentions = [{"actor_id": m.actor_id, "text": m.text, "start": m.start, "end": m.end, "rule": m.rule,
                 "kind": m.kind} for m in annotations.actor_mentions]
    commitments = []
    for c in annotations.commitments:
        row = asdict(c)
        commitments.append(row)
    return mentions, commitments


def tag(db: sqlite_utils.Database, topic: TopicMatcher, everything: bool = False, model: str = DEFAULT_MODEL,
        progress: Callable[[int, int], None] | None = None, nlp=None) -> dict[str, int]:
    """Annotate pending documents; return counts (documents, actor_mentions, commitments).
    First, Sénat questions stored before their author's reference data get their author."""
    link_senat_authors(db)
    documents = pending(db, everything)
    counts = {"documents": 0, "actor_mentions": 0, "commitments": 0}
    if not documents:
        ledger.after_tag(db)  # the ledger's statuses follow the calendar even on a quiet night
        return counts
    reference = load_reference(db)
    nlp = nlp or load_pipeline(model, extra_patterns=reference_patterns(reference))
    triples: Iterator = ((d["text"] or "", d["published"], d["id"]) for d in documents)
    for found in extract(triples, nlp, reference, topic):
        mentions, commitments = _rows(found)
        store.upsert_actors(db, found.actors())
        store.replace_annotations(db, found.doc_id, mentions, commitments, found.notes, model)
        counts["documents"] += 1
        counts["actor_mentions"] += len(mentions)
        counts["commitments"] += len(commitments)
        if progress:
            progress(counts["documents"], len(documents))
    ledger.after_tag(db)  # rebuild the commitments ledger and re-apply the staff's decisions
    return counts


def stderr_progress(every: int = 25) -> Callable[[int, int], None]:
    """A simple counter on stderr, every `every` documents and at the end."""
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        if done % every == 0 or done == total:
            rate = done / max(time.perf_counter() - started, 1e-9)
            print(f"\r{done}/{total} documents annotés ({rate:.1f} doc/s)", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)

    return report
