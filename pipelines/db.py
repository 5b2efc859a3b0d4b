"""The database: schema, migrations and the only write path of veille.

Every write is an idempotent upsert on a stable id. Documents carry a content hash, so
seeing the same item again writes nothing. The schema is a public interface documented
in the README; migrations are named functions applied once, in order, at open time.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

import sqlite_utils

DOCUMENT_FIELDS = (
    "id", "url", "source", "kind", "title", "published", "text", "summary",
    "publisher", "author", "guid", "access", "extra",
)
HASHED_FIELDS = ("url", "kind", "title", "published", "text", "summary", "publisher", "author", "access", "extra")
# Documents also hash the fingerprint of the topic rules, so a rule change re-matches them.
DOCUMENT_HASHED_FIELDS = HASHED_FIELDS + ("rules",)
FTS_COLUMNS = ["title", "text", "topics"]
FTS_TOKENIZER = "unicode61 remove_diacritics 2"


def now_iso() -> str:
    """Current UTC time as ISO 8601 (seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _m001_core(db: sqlite_utils.Database) -> None:
    db["documents"].create(
        {
            "id": str, "url": str, "source": str, "kind": str, "title": str, "published": str,
            "text": str, "summary": str, "publisher": str, "author": str, "guid": str,
            "access": str, "topics": str, "relevant": int, "extra": str,
            "content_hash": str, "first_seen": str, "updated_at": str,
        },
        pk="id",
    )
    for column in ("source", "kind", "published", "publisher", "access", "relevant"):
        db["documents"].create_index([column])
    db["document_aliases"].create({"alias": str, "document_id": str}, pk="alias",
                                   foreign_keys=[("document_id", "documents", "id")])
    db["document_aliases"].create_index(["document_id"])
    db["document_sources"].create(
        {"document_id": str, "source": str, "first_seen": str}, pk=("document_id", "source"),
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["document_sources"].create_index(["source"])
    db["mentions"].create(
        {"id": str, "document_id": str, "matched": str, "rule": str, "strength": str,
         "start": int, "end": int, "snippet": str},
        pk="id", foreign_keys=[("document_id", "documents", "id")],
    )
    for column in ("document_id", "strength", "rule"):
        db["mentions"].create_index([column])
    db["actors"].create({"id": str, "name": str, "kind": str, "extra": str}, pk="id")
    db["actors"].create_index(["kind"])
    db["actor_mentions"].create(
        {"id": str, "document_id": str, "actor_id": str, "text": str, "start": int, "end": int,
         "rule": str},
        pk="id", foreign_keys=[("document_id", "documents", "id")],
    )
    for column in ("document_id", "actor_id"):
        db["actor_mentions"].create_index([column])
    db["commitments"].create(
        {"id": str, "document_id": str, "actor_id": str, "actor_text": str, "kind": str,
         "text": str, "amount_eur": float, "deadline": str, "deadline_precision": str,
         "status": str, "start": int, "end": int},
        pk="id", foreign_keys=[("document_id", "documents", "id")],
    )
    for column in ("document_id", "actor_id", "kind", "deadline", "status"):
        db["commitments"].create_index([column])
    db["sources"].create(
        {"name": str, "label": str, "kind": str, "url": str, "cadence": str, "enabled": int,
         "last_run_id": str, "last_status": str, "last_error": str, "last_items": int,
         "last_duration_s": float, "last_success": str, "consecutive_failures": int},
        pk="name",
    )
    db["runs"].create(
        {"id": str, "command": str, "started": str, "finished": str, "duration_s": float,
         "status": str, "items_seen": int, "relevant": int, "inserted": int, "updated": int,
         "unchanged": int, "failed_sources": int, "raw_path": str, "errors": str},
        pk="id",
    )
    db["runs"].create_index(["started"])
    db["run_sources"].create(
        {"id": str, "run_id": str, "source": str, "status": str, "error": str, "items": int,
         "relevant": int, "inserted": int, "updated": int, "unchanged": int,
         "duration_s": float},
        pk="id", foreign_keys=[("run_id", "runs", "id")],
    )
    for column in ("run_id", "source"):
        db["run_sources"].create_index([column])
    db["documents"].enable_fts(FTS_COLUMNS, create_triggers=True, tokenize=FTS_TOKENIZER)


def _m002_reference(db: sqlite_utils.Database) -> None:
    db["organes"].create(
        {"id": str, "kind": str, "name": str, "short_name": str, "start": str, "end": str,
         "legislature": str, "extra": str},
        pk="id",
    )
    db["organes"].create_index(["kind"])
    db["mandates"].create(
        {"id": str, "actor_id": str, "organe_id": str, "organe_kind": str, "role": str,
         "start": str, "end": str, "extra": str},
        pk="id",
    )
    for column in ("actor_id", "organe_id", "organe_kind", "role", "start", "end"):
        db["mandates"].create_index([column])
    db["mentions"].add_column("field", str)


# Named migrations, applied once each, in this order. Append new ones; never edit old ones.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("001_core", _m001_core),
    ("002_reference", _m002_reference),
]


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path`, in WAL mode, fully migrated."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    db = sqlite_utils.Database(path)
    if new:
        db.execute("PRAGMA page_size = 8192")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 10000")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not applied yet; return their names."""
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied": str}, pk="name")
    done = {row["name"] for row in db["_migrations"].rows}
    applied = []
    for name, function in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            function(db)
            db["_migrations"].insert({"name": name, "applied": now_iso()})
        applied.append(name)
    return applied


def content_hash(record: dict[str, Any], fields: Iterable[str] = HASHED_FIELDS) -> str:
    """Stable hash of the given fields of a record (used to skip unchanged rows)."""
    payload = json.dumps([record.get(f) for f in fields], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def upsert_document(
    db: sqlite_utils.Database,
    record: dict[str, Any],
    mentions: list[dict[str, Any]],
    aliases: Iterable[str] = (),
) -> str:
    """Insert or update one document with its topic mentions; return "insert", "update"
    or "noop". A document already stored from another source is only replaced by a
    longer text (so two feeds carrying one article never flip-flop)."""
    row = {f: record.get(f) for f in DOCUMENT_FIELDS}
    row["extra"] = _json(row["extra"])
    row["topics"] = record.get("topics", "")
    row["relevant"] = int(bool(record.get("relevant", True)))
    row["content_hash"] = document_hash(record)
    stamp = now_iso()
    with db.conn:
        existing = _get(db, "documents", row["id"])
        if existing is None:
            action = "insert"
            row["first_seen"] = row["updated_at"] = stamp
            db["documents"].insert(row)
            _link(db, row["id"], row["source"], [row["url"], *aliases], stamp)
        elif existing["content_hash"] == row["content_hash"] or (
            existing["source"] != row["source"]
            and (len(row["text"] or ""), row["source"]) <= (len(existing["text"] or ""), existing["source"])
        ):
            _link(db, row["id"], row["source"], [row["url"], *aliases], stamp)
            return "noop"
        else:
            action = "update"
            row["first_seen"], row["updated_at"] = existing["first_seen"], stamp
            db["documents"].update(row["id"], row)
            _link(db, row["id"], row["source"], [row["url"], *aliases], stamp)
        db.execute("DELETE FROM mentions WHERE document_id = ?", [row["id"]])
        db["mentions"].insert_all(
            {**m, "id": f"{row['id']}:{m.get('field', 'text')}:{m['start']}:{m['end']}",
             "document_id": row["id"], "field": m.get("field", "text")}
            for m in mentions
        )
    return action


def document_hash(record: dict[str, Any]) -> str:
    """Content hash of a document record (its text fields and the topic rules' fingerprint)."""
    return content_hash({**record, "extra": _json(record.get("extra"))}, DOCUMENT_HASHED_FIELDS)


def document_is_current(db: sqlite_utils.Database, record: dict[str, Any], aliases: Iterable[str] = ()) -> bool:
    """True when this exact document is already stored (same content, same rules): its
    source and aliases are linked and nothing else needs to be done (no re-matching)."""
    existing = _get(db, "documents", record["id"])
    if existing is None or existing["content_hash"] != document_hash(record):
        return False
    with db.conn:
        _link(db, record["id"], record["source"], [record["url"], *aliases], now_iso())
    return True


def _json(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, (dict, list)) else value


def _link(db: sqlite_utils.Database, document_id: str, source: str, aliases: Iterable[str], stamp: str) -> None:
    db["document_sources"].insert(
        {"document_id": document_id, "source": source, "first_seen": stamp}, ignore=True
    )
    for alias in {a for a in aliases if a}:
        db["document_aliases"].insert({"alias": alias, "document_id": document_id}, ignore=True)


def _get(db: sqlite_utils.Database, table: str, pk: Any) -> dict[str, Any] | None:
    try:
        return db[table].get(pk)
    except sqlite_utils.db.NotFoundError:
        return None


def document_id_for_alias(db: sqlite_utils.Database, alias: str) -> str | None:
    """The id of the document already stored under this URL or guid, if any."""
    row = _get(db, "document_aliases", alias)
    return row["document_id"] if row else None


def sync_sources(db: sqlite_utils.Database, sources: Iterable[Any]) -> None:
    """Record the configured sources (name, label, kind, URL, cadence, enabled)."""
    with db.conn:
        for s in sources:
            db["sources"].upsert(
                {"name": s.name, "label": s.label, "kind": s.kind, "url": s.url,
                 "cadence": s.cadence, "enabled": int(s.enabled)},
                pk="name",
            )


def start_run(db: sqlite_utils.Database, command: str, run_id: str | None = None) -> str:
    """Open a row in `runs` and return its id (a sortable UTC timestamp)."""
    run_id = run_id or datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    with db.conn:
        db["runs"].upsert({"id": run_id, "command": command, "started": now_iso(), "status": "running"}, pk="id")
    return run_id


def record_source_result(db: sqlite_utils.Database, run_id: str, result: dict[str, Any]) -> None:
    """Store what one source did in one run, and update its health in `sources`."""
    row = {
        "id": f"{run_id}:{result['source']}", "run_id": run_id, "source": result["source"],
        "status": result.get("status", "ok"), "error": result.get("error"),
        "items": result.get("items", 0), "relevant": result.get("relevant", 0),
        "inserted": result.get("inserted", 0), "updated": result.get("updated", 0),
        "unchanged": result.get("unchanged", 0), "duration_s": result.get("duration_s"),
    }
    with db.conn:
        db["run_sources"].upsert(row, pk="id")
        previous = _get(db, "sources", row["source"]) or {}
        failures = previous.get("consecutive_failures") or 0
        failed = row["status"] == "failed"
        health = {
            "name": row["source"], "last_run_id": run_id, "last_status": row["status"],
            "last_error": row["error"], "last_items": row["items"],
            "last_duration_s": row["duration_s"],
            "consecutive_failures": failures + 1 if failed else 0,
        }
        if not failed:
            health["last_success"] = now_iso()
        db["sources"].upsert(health, pk="name")


def finish_run(db: sqlite_utils.Database, run_id: str, raw_path: str | None = None, errors: list[str] | None = None) -> dict[str, Any]:
    """Close a run: totals from its sources, duration, status; return the run row."""
    totals = next(db.query(
        "SELECT coalesce(sum(items),0) items, coalesce(sum(relevant),0) relevant,"
        " coalesce(sum(inserted),0) inserted, coalesce(sum(updated),0) updated,"
        " coalesce(sum(unchanged),0) unchanged, coalesce(sum(status = 'failed'),0) failed"
        " FROM run_sources WHERE run_id = ?", [run_id]))
    run = _get(db, "runs", run_id) or {"started": now_iso()}
    finished = now_iso()
    started = datetime.fromisoformat(run["started"])
    errors = errors or []
    status = "failed" if totals["failed"] or errors else "ok"
    with db.conn:
        db["runs"].upsert({
            "id": run_id, "finished": finished,
            "duration_s": (datetime.fromisoformat(finished) - started).total_seconds(),
            "status": status, "items_seen": totals["items"], "relevant": totals["relevant"],
            "inserted": totals["inserted"], "updated": totals["updated"],
            "unchanged": totals["unchanged"], "failed_sources": totals["failed"],
            "raw_path": raw_path, "errors": json.dumps(errors, ensure_ascii=False),
        }, pk="id")
    return db["runs"].get(run_id)


# ------------------------------------------------------------------ nightly runs and digest sends (issue 7)
def _m007_nightly(db: sqlite_utils.Database) -> None:
    db["runs"].add_column("parent_id", str)
    db["runs"].add_column("steps", str)
    db["runs"].create_index(["parent_id"])
    db["digest_sends"].create(
        {"id": str, "week": str, "run_id": str, "sent_at": str, "status": str, "recipients": str,
         "error": str, "files": str},
        pk="id",
    )
    db["digest_sends"].create_index(["week"])


MIGRATIONS.append(("007_nightly", _m007_nightly))


def adopt_runs(db: sqlite_utils.Database, parent_id: str, since: str, command_prefix: str) -> list[dict[str, Any]]:
    """Mark the runs started since `since` whose command starts with `command_prefix` (and
    that have no parent yet) as children of `parent_id`; return every child run."""
    with db.conn:
        db.execute(
            "UPDATE runs SET parent_id = ? WHERE parent_id IS NULL AND id != ? AND started >= ?"
            " AND command LIKE ? || '%'", [parent_id, parent_id, since, command_prefix])
    return list(db.query("SELECT * FROM runs WHERE parent_id = ? ORDER BY started", [parent_id]))


def finish_parent_run(db: sqlite_utils.Database, run_id: str, steps: list[dict[str, Any]], errors: list[str]) -> dict[str, Any]:
    """Close a run made of child runs (`veille nightly`): totals of its children, its steps
    (JSON) and errors; status "failed" when there are errors."""
    totals = next(db.query(
        "SELECT coalesce(sum(items_seen),0) items, coalesce(sum(relevant),0) relevant,"
        " coalesce(sum(inserted),0) inserted, coalesce(sum(updated),0) updated,"
        " coalesce(sum(unchanged),0) unchanged, coalesce(sum(failed_sources),0) failed"
        " FROM runs WHERE parent_id = ?", [run_id]))
    run = db["runs"].get(run_id)
    finished = now_iso()
    with db.conn:
        db["runs"].update(run_id, {
            "finished": finished,
            "duration_s": (datetime.fromisoformat(finished) - datetime.fromisoformat(run["started"])).total_seconds(),
            "status": "failed" if errors else "ok", "items_seen": totals["items"],
            "relevant": totals["relevant"], "inserted": totals["inserted"], "updated": totals["updated"],
            "unchanged": totals["unchanged"], "failed_sources": totals["failed"],
            "steps": json.dumps(steps, ensure_ascii=False), "errors": json.dumps(errors, ensure_ascii=False),
        })
    return db["runs"].get(run_id)


def record_digest_send(db: sqlite_utils.Database, week: str, status: str, recipients: list[str],
                       error: str | None, files: list[str], run_id: str | None = None) -> str:
    """Log one attempt to mail the digest of `week` ("sent" or "failed"); return its id."""
    stamp = now_iso()
    row_id = f"{week}:{stamp}"
    with db.conn:
        db["digest_sends"].upsert({
            "id": row_id, "week": week, "run_id": run_id, "sent_at": stamp, "status": status,
            "recipients": json.dumps(recipients, ensure_ascii=False), "error": error,
            "files": json.dumps(files, ensure_ascii=False),
        }, pk="id")
    return row_id


def digest_already_sent(db: sqlite_utils.Database, week: str) -> bool:
    """True when the digest of `week` has already been mailed successfully."""
    return bool(db.execute("SELECT 1 FROM digest_sends WHERE week = ? AND status = 'sent' LIMIT 1", [week]).fetchone())


# ------------------------------------------------------------------ NLP annotations (issue 5)
def _m010_nlp(db: sqlite_utils.Database) -> None:
    db["actor_mentions"].add_column("kind", str)
    db["commitments"].add_column("actor_rule", str)
    db["commitments"].add_column("deadline_text", str)
    db["annotations"].create(
        {"document_id": str, "annotated_at": str, "model": str, "actor_mentions": int,
         "commitments": int, "notes": str},
        pk="document_id", foreign_keys=[("document_id", "documents", "id")],
    )


MIGRATIONS.append(("010_nlp", _m010_nlp))


def replace_annotations(db: sqlite_utils.Database, document_id: str, actor_mentions: list[dict[str, Any]],
                        commitments: list[dict[str, Any]], notes: list[str] = (), model: str = "") -> None:
    """Replace a document's actor mentions and commitments in one transaction (idempotent)."""
    with db.conn:
        db.execute("DELETE FROM actor_mentions WHERE document_id = ?", [document_id])
        db.execute("DELETE FROM commitments WHERE document_id = ?", [document_id])
        db["actor_mentions"].insert_all(
            {**m, "id": f"{document_id}:{m['start']}:{m['end']}", "document_id": document_id}
            for m in actor_mentions)
        db["commitments"].insert_all(
            {**c, "id": f"{document_id}:c:{c['start']}:{c['end']}", "document_id": document_id}
            for c in commitments)
        db["annotations"].upsert(
            {"document_id": document_id, "annotated_at": now_iso(), "model": model,
             "actor_mentions": len(actor_mentions), "commitments": len(commitments),
             "notes": json.dumps(list(notes), ensure_ascii=False)}, pk="document_id")


def upsert_actors(db: sqlite_utils.Database, actors: dict[str, dict[str, Any]]) -> None:
    """Add actors found by the NLP stage (canonical ids); existing rows are left as they are."""
    with db.conn:
        db["actors"].insert_all(
            ({"id": actor_id, "name": a.get("name"), "kind": a.get("kind"), "extra": None}
             for actor_id, a in actors.items()), pk="id", ignore=True)


# ------------------------------------------------------------------ parliament (issue 3)
def _m003_parliament(db: sqlite_utils.Database) -> None:
    stamps = {"content_hash": str, "first_seen": str, "updated_at": str}
    db["questions"].create(
        {"id": str, "source": str, "chamber": str, "legislature": str, "kind": str, "number": str,
         "url": str, "title": str, "rubrique": str, "tete_analyse": str, "analyses": str,
         "author_id": str, "author_name": str, "group_id": str, "group_abbr": str, "group_name": str,
         "ministry_asked_id": str, "ministry_asked": str, "ministry_answering_id": str,
         "ministry_answering": str, "published": str, "answer_date": str, "answer_ministry": str,
         "question_text": str, "answer_text": str, "status": str, "closure_code": str,
         "closure_label": str, "closure_date": str, "reminder_of": str, "reminders": int,
         "days_to_answer": int, "document_id": str, "answer_document_id": str, "source_hash": str,
         "extra": str, **stamps},
        pk="id",
    )
    for column in ("source", "chamber", "kind", "status", "published", "author_id", "group_id",
                   "ministry_answering_id", "reminder_of", "document_id"):
        db["questions"].create_index([column])
    db["amendments"].create(
        {"id": str, "document_id": str, "source": str, "legislature": str, "number": str,
         "examining_organe": str, "prefix": str, "bill_ref": str, "bill_number": str, "article": str,
         "author_type": str, "author_id": str, "government_ref": str, "group_id": str,
         "cosigners": str, "signatories": str, "filed": str, "published": str, "fate": str,
         "fate_date": str, "state": str, "sub_state": str, "url": str, **stamps},
        pk="id", foreign_keys=[("document_id", "documents", "id")],
    )
    for column in ("author_id", "group_id", "bill_ref", "fate", "filed"):
        db["amendments"].create_index([column])
    db["debate_passages"].create(
        {"id": str, "document_id": str, "source": str, "sitting_uid": str, "sitting_start": str,
         "day_label": str, "legislature": str, "point_title": str, "syceron_id": str, "order": str,
         "speaker_id": str, "speaker_name": str, "speaker_quality": str, "role": str, "url": str,
         **stamps},
        pk="id", foreign_keys=[("document_id", "documents", "id")],
    )
    for column in ("sitting_uid", "speaker_id", "sitting_start"):
        db["debate_passages"].create_index([column])
    db["datasets"].create(
        {"url": str, "source": str, "sha256": str, "size": int, "etag": str, "last_modified": str,
         "members": int, "skipped": int, **stamps},
        pk="url",
    )
    db.create_view("question_lifecycle", """
        SELECT q.id, q.chamber, q.kind, q.number, q.legislature, q.title, q.url, q.published,
               coalesce(a.name, q.author_name, q.author_id) AS author, q.author_id,
               coalesce(q.group_abbr, g.short_name) AS "group", q.group_id, q.rubrique,
               q.ministry_asked, q.ministry_answering, q.answer_date, q.answer_ministry,
               CASE WHEN q.status = 'pending' AND EXISTS (
                        SELECT 1 FROM questions r WHERE r.reminder_of = q.id) THEN 'reminded'
                    ELSE q.status END AS status,
               CAST(julianday(CASE WHEN q.status IN ('pending', 'reminded') THEN date('now')
                                   ELSE coalesce(q.answer_date, q.closure_date, date('now')) END)
                    - julianday(q.published) AS INTEGER) AS days_waiting,
               q.document_id, q.answer_document_id, q.source
        FROM questions q
        LEFT JOIN actors a ON a.id = q.author_id
        LEFT JOIN organes g ON g.id = q.group_id""")
    db.create_view("amendment_details", """
        SELECT m.id, m.number, m.bill_number, m.article, m.filed, m.published, m.fate,
               m.fate_date, m.state, m.sub_state, coalesce(a.name, m.signatories) AS author,
               m.author_id, g.short_name AS "group", g.name AS group_name, m.group_id,
               m.signatories, m.url, m.document_id
        FROM amendments m
        LEFT JOIN actors a ON a.id = m.author_id
        LEFT JOIN organes g ON g.id = m.group_id""")
    db.create_view("mandate_holders", """
        SELECT m.id, m.actor_id, a.name AS actor_name, json_extract(a.extra, '$.civ') AS civ,
               m.organe_id, m.organe_kind, o.name AS organe_name, o.short_name AS organe_short_name,
               m.role, json_extract(m.extra, '$.role_sex') AS role_sex, m.start, m."end"
        FROM mandates m
        LEFT JOIN actors a ON a.id = m.actor_id
        LEFT JOIN organes o ON o.id = m.organe_id""")


MIGRATIONS.append(("003_parliament", _m003_parliament))

_STAMPS = ("content_hash", "first_seen", "updated_at")


def upsert_record(db: sqlite_utils.Database, table: str, row: dict[str, Any], pk: str = "id") -> str:
    """Insert or update one row keyed by `pk`; return "insert", "update" or "noop".

    Dicts and lists are stored as sorted JSON. When the table has `content_hash`, a hash
    of the row decides (and `first_seen`/`updated_at` are kept); otherwise the stored
    values are compared. An unchanged row is never rewritten."""
    row = {k: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v
           for k, v in row.items()}
    hashed = "content_hash" in db[table].columns_dict
    with db.conn:
        existing = _get(db, table, row[pk])
        if hashed:
            row["content_hash"] = content_hash(row, sorted(k for k in row if k not in _STAMPS))
            if existing and existing["content_hash"] == row["content_hash"]:
                return "noop"
            stamp = now_iso()
            row["first_seen"] = existing["first_seen"] if existing else stamp
            row["updated_at"] = stamp
        elif existing and all(existing.get(k) == v for k, v in row.items()):
            return "noop"
        db[table].upsert(row, pk=pk, alter=False)
    return "update" if existing else "insert"


# ------------------------------------------------------------------ press archive, versions, stories (issue 4)
def _m004_press_articles(db: sqlite_utils.Database) -> None:
    db["archives"].create(
        {"sha256": str, "body_gz": bytes, "size": int, "compressed_size": int, "content_type": str,
         "first_fetched": str},
        pk="sha256",
    )
    db["document_versions"].create(
        {"id": str, "document_id": str, "version": int, "source": str, "fetched": str,
         "status": int, "url": str, "final_url": str, "content_type": str, "archive_sha256": str,
         "text_hash": str, "title": str, "text": str, "access": str},
        pk="id", foreign_keys=[("document_id", "documents", "id"), ("archive_sha256", "archives", "sha256")],
    )
    db["document_versions"].create_index(["document_id", "version"], unique=True)
    db["document_versions"].create_index(["archive_sha256"])
    db["document_fingerprints"].create(
        {"document_id": str, "text_hash": str, "shingles": int, "minhash": str},
        pk="document_id", foreign_keys=[("document_id", "documents", "id")],
    )
    db["stories"].create(
        {"id": str, "lead_document_id": str, "title": str, "published": str, "members": int,
         "updated_at": str},
        pk="id", foreign_keys=[("lead_document_id", "documents", "id")],
    )
    db["stories"].create_index(["published"])
    db["story_members"].create(
        {"story_id": str, "document_id": str, "role": str, "similarity": float, "published": str},
        pk=("story_id", "document_id"),
        foreign_keys=[("story_id", "stories", "id"), ("document_id", "documents", "id")],
    )
    db["story_members"].create_index(["document_id"], unique=True)


MIGRATIONS.append(("004_press_articles", _m004_press_articles))


def add_document_version(db: sqlite_utils.Database, document_id: str, fetch: dict[str, Any],
                         text: str, title: str, access: str, source: str) -> str:
    """Archive the raw response behind a stored document and record a new version when its
    text or title changed; return "insert" or "noop". `fetch` holds body (bytes), sha256,
    fetched, status, url, final_url and content_type. The body is stored gzip-compressed
    once per distinct content (keyed by its sha256)."""
    import gzip

    text_hash = hashlib.sha256(f"{title}\n{text}".encode("utf-8")).hexdigest()
    with db.conn:
        last = db.execute(
            "SELECT version, text_hash FROM document_versions WHERE document_id = ? ORDER BY version DESC LIMIT 1",
            [document_id]).fetchone()
        last = {"version": last[0], "text_hash": last[1]} if last else None
        if last and last["text_hash"] == text_hash:
            return "noop"
        body = fetch["body"]
        compressed = gzip.compress(body, mtime=0)
        db["archives"].insert(
            {"sha256": fetch["sha256"], "body_gz": compressed, "size": len(body),
             "compressed_size": len(compressed), "content_type": fetch.get("content_type", ""),
             "first_fetched": fetch["fetched"]},
            ignore=True,
        )
        version = (last["version"] + 1) if last else 1
        db["document_versions"].insert({
            "id": f"{document_id}:v{version}", "document_id": document_id, "version": version,
            "source": source, "fetched": fetch["fetched"], "status": fetch.get("status"),
            "url": fetch.get("url", ""), "final_url": fetch.get("final_url", ""),
            "content_type": fetch.get("content_type", ""), "archive_sha256": fetch["sha256"],
            "text_hash": text_hash, "title": title, "text": text, "access": access,
        })
    return "insert"


def upsert_fingerprint(db: sqlite_utils.Database, document_id: str, text_hash: str, shingles: int, minhash: list[int]) -> None:
    """Cache the MinHash signature of a document's text (used to group syndicated copies)."""
    with db.conn:
        db["document_fingerprints"].upsert(
            {"document_id": document_id, "text_hash": text_hash, "shingles": shingles,
             "minhash": json.dumps(minhash)},
            pk="document_id",
        )


def replace_stories(db: sqlite_utils.Database, stories: list[dict[str, Any]]) -> str:
    """Make `stories` (each with "members": [{document_id, role, similarity, published}])
    the stored set of stories; return "noop" when nothing changed, else "update"."""
    def snapshot(items):
        return sorted((s["id"], s["lead_document_id"], tuple(sorted(
            (m["document_id"], m["role"]) for m in s["members"]))) for s in items)

    current = []
    for row in db.query("SELECT * FROM stories"):
        members = list(db.query("SELECT document_id, role FROM story_members WHERE story_id = ?", [row["id"]]))
        current.append({**row, "members": members})
    if snapshot(current) == snapshot(stories):
        return "noop"
    stamp = now_iso()
    with db.conn:
        db.execute("DELETE FROM story_members")
        db.execute("DELETE FROM stories")
        for story in stories:
            db["stories"].insert({
                "id": story["id"], "lead_document_id": story["lead_document_id"], "title": story["title"],
                "published": story["published"], "members": len(story["members"]), "updated_at": stamp,
            })
            db["story_members"].insert_all({**m, "story_id": story["id"]} for m in story["members"])
    return "update"
