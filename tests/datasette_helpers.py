"""Fixture database for the Datasette site tests, built through the real write path
(store step, pipelines.db functions) from tests/fixtures/datasette/corpus.json."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "datasette" / "corpus.json"


def build_database(config) -> dict:
    """Fill the config's database with the corpus; return the corpus."""
    from nlp.topic import TopicMatcher
    from pipelines import db as database
    from pipelines.store import store_document
    from spiders.items import Document

    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    db = database.open_db(config.database)
    matcher = TopicMatcher.from_topic(config.topic)
    database.sync_sources(db, config.sources)
    run_id = database.start_run(db, "test", "20260219T060000Z")
    texts = {}
    for d in corpus["documents"]:
        doc = Document(**{**d, "published": datetime.fromisoformat(d["published"])})
        store_document(db, matcher, doc)
        texts[d["id"]] = d["text"]
    database.record_source_result(db, run_id, {"source": "google_news_secpa", "status": "ok", "items": 3, "relevant": 2, "inserted": 2})
    database.record_source_result(db, run_id, {"source": "lacroix", "status": "failed", "error": "HTTP 404 (introuvable)"})
    database.finish_run(db, run_id)
    for o in corpus["organes"]:
        database.upsert_record(db, "organes", o)
    database.upsert_actors(db, corpus["actors"])
    for m in corpus["mandates"]:
        database.upsert_record(db, "mandates", m)
    for document_id, annotation in corpus["annotations"].items():
        text = texts[document_id]
        mentions = [{**a, "start": text.index(a["text"]), "end": text.index(a["text"]) + len(a["text"])}
                    for a in annotation["actors"]]
        commitments = [{**c, "status": "open", "start": text.index(c["text"]), "end": text.index(c["text"]) + len(c["text"])}
                       for c in annotation["commitments"]]
        database.replace_annotations(db, document_id, mentions, commitments)
    for q in corpus["questions"]:
        database.upsert_record(db, "questions", q)
    database.replace_stories(db, corpus["stories"])
    archive = corpus["archive"]
    body = archive["body"].encode("utf-8")
    database.add_document_version(
        db, archive["document_id"],
        {"body": body, "sha256": hashlib.sha256(body).hexdigest(), "fetched": archive["fetched"], "status": 200,
         "url": "https://www.concourspluripro.fr/article/maintien-secpa", "final_url": "", "content_type": "text/html; charset=utf-8"},
        text=texts[archive["document_id"]], title="archive", access="full", source="google_news_secpa")
    db.close()
    return corpus


def fetch(ds, path: str, **kwargs):
    """GET `path` from an in-process Datasette."""
    return asyncio.run(ds.client.get(path, **kwargs))
