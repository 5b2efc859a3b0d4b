"""The database: opening it (migrated) and the only write path of veille.

Every write is an idempotent upsert on a stable id. Documents carry a content hash, so
seeing the same item again writes nothing. Each function's writes are one transaction
(`pipelines.transaction.write_unit`). The schema is a public interface documented in the
README; it is built by the migrations of `pipelines.migrations`, applied at open time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import operator
import os
import sqlite3
import time
import weakref
from itertools import chain
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

from pipelines import migrations
from pipelines.config import ConfigError
from pipelines.schema_core import FTS_COLUMNS, FTS_TOKENIZER  # noqa: F401  (public names)
from spiders.processes import process_start, run_alive
from pipelines.transaction import BATCH_SECONDS, BATCH_SIZE, WriteBatch, write_unit

logger = logging.getLogger(__name__)

DOCUMENT_FIELDS = (
    "id", "url", "source", "kind", "title", "published", "published_precision", "text", "summary",
    "publisher", "author", "guid", "access", "extra",
)
HASHED_FIELDS = ("url", "kind", "title", "published", "text", "summary", "publisher", "author", "access", "extra")
# Documents also hash the fingerprint of the topic rules, so a rule change re-matches them.
DOCUMENT_HASHED_FIELDS = HASHED_FIELDS + ("published_precision", "rules")


_LAST_STAMP: list[Any] = [None, ""]  # (whole second, its ISO text): written rows share their second


def now_iso() -> str:
    """Current UTC time as ISO 8601 (seconds)."""
    second = int(time.time())
    if _LAST_STAMP[0] != second:
        _LAST_STAMP[:] = [second, datetime.fromtimestamp(second, timezone.utc).isoformat()]
    return _LAST_STAMP[1]


CACHE_KIB = 65536  # page cache of a connection (SQLite's default: 2 MiB)


class DatabasePathError(ConfigError):
    """The database path names no usable database (missing, a folder, not SQLite); the
    message is one French line naming the path."""


def check_database_path(path: Path, create: bool = True) -> None:
    """Raise `DatabasePathError` unless `path` is a SQLite file, or (with `create`) a new
    file in a folder that exists. A missing folder is a mistyped path, never created here
    (`veille init` creates the data folder)."""
    hint = "vérifiez [storage] database ou VEILLE_DB, ou créez-la avec « veille init »"
    if str(path) in ("", "."):
        raise DatabasePathError(f"base de données : chemin vide ({hint})")
    if path.is_dir():
        raise DatabasePathError(f"base de données {path} : c'est un dossier, pas un fichier SQLite")
    if path.exists():
        with open(path, "rb") as handle:
            start = handle.read(16)
        if start and start != b"SQLite format 3\x00":
            raise DatabasePathError(f"base de données {path} : ce fichier n'est pas une base SQLite")
        return
    if not create:
        raise DatabasePathError(f"base de données introuvable : {path} ({hint})")
    if not path.parent.is_dir():
        raise DatabasePathError(f"base de données {path} : le dossier {path.parent} n'existe pas ({hint})")


def open_db(path: str | Path, create: bool = True) -> sqlite_utils.Database:
    """Open the database at `path`, in WAL mode, fully migrated; a new one is created
    only with `create` and in a folder that exists (`DatabasePathError` otherwise)."""
    path = Path(path)
    check_database_path(path, create)
    new = not path.exists() or path.stat().st_size == 0
    try:
        db = sqlite_utils.Database(path)
        # First, so that every later statement waits for a lock held by another process.
        db.execute("PRAGMA busy_timeout = 10000")
    except sqlite3.Error as exc:
        raise DatabasePathError(f"base de données {path} : ouverture impossible ({exc})") from None
    if new:
        db.execute("PRAGMA page_size = 8192")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    # A write unit is a savepoint: SQLite copies each page it changes first to a statement
    # journal, which past 64 KiB spills to a temporary file (half the CPU of a batch of
    # documents went to those writes). In memory it is never read after a crash (the WAL
    # is what recovery reads). A larger page cache keeps the documents' indexes in memory.
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not applied yet (atomically; see `pipelines.migrations`); return
    their names."""
    applied = migrations.migrate(db)
    _LAYOUTS.pop(db, None)  # the tables may have changed
    _COLUMN_SETS.pop(db, None)
    return applied


# ------------------------------------------------------------------ batched writes (issue 17)
# FTS5 flushes its pending terms at every statement that writes to it: indexing the documents
# of a batch one row at a time (the insert trigger) costs 6 to 8 times one INSERT … SELECT.
SEARCH_INSERT_TRIGGER = "documents_ai"
_DEFERRED: "weakref.WeakKeyDictionary[sqlite_utils.Database, tuple[int, str]]" = weakref.WeakKeyDictionary()


def write_batch(db: sqlite_utils.Database, size: int = BATCH_SIZE, seconds: float = BATCH_SECONDS) -> WriteBatch:
    """A `WriteBatch` for back-fills and imports whose documents are indexed for search once
    per transaction: in each batch transaction the insert trigger of the search index is
    dropped, and the documents inserted are indexed together, and the trigger created again,
    just before COMMIT. Both happen in the transaction: a crash leaves the trigger and the
    index as they were."""
    batch = WriteBatch(db, size, seconds)
    batch.on_begin.append(lambda: defer_search_index(db))
    batch.before_commit.append(lambda: restore_search_index(db))
    return batch


def defer_search_index(db: sqlite_utils.Database) -> None:
    """In the open transaction: stop indexing inserted documents one by one (until
    `restore_search_index`); the documents there now are all indexed."""
    row = db.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                          [SEARCH_INSERT_TRIGGER]).fetchone()
    if row is None:  # no search index (or already deferred)
        return
    start = db.conn.execute("SELECT coalesce(max(rowid), 0) FROM documents").fetchone()[0]
    db.conn.execute(f"DROP TRIGGER [{SEARCH_INSERT_TRIGGER}]")
    _DEFERRED[db] = (start, row[0])


def flush_search_index(db: sqlite_utils.Database) -> None:
    """Index the documents inserted since `defer_search_index` and not indexed yet (before a
    document is updated or renamed: the update trigger removes what the index holds)."""
    if db in _DEFERRED and db.conn.in_transaction:
        start = _DEFERRED[db][0]
        db.conn.execute(
            "INSERT INTO documents_fts (rowid, title, text, topics) SELECT rowid, title, text, topics FROM documents"
            " WHERE rowid > ?1 AND rowid NOT IN (SELECT id FROM documents_fts_docsize WHERE id > ?1)", [start])


def restore_search_index(db: sqlite_utils.Database) -> None:
    """Index the documents inserted meanwhile and create the insert trigger again (in the
    open transaction, before it commits)."""
    if db not in _DEFERRED:
        return
    flush_search_index(db)
    _, sql = _DEFERRED.pop(db)
    exists = db.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                             [SEARCH_INSERT_TRIGGER]).fetchone()
    if not exists:
        db.conn.execute(sql)


# One encoder for every content hash: what `json.dumps(value, ensure_ascii=False, sort_keys=True,
# default=str)` builds at each call, built once.
_HASH_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def content_hash(record: dict[str, Any], fields: Iterable[str] = HASHED_FIELDS) -> str:
    """Stable hash of the given fields of a record (used to skip unchanged rows)."""
    payload = _HASH_ENCODER.encode([record.get(f) for f in fields])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# The statements of a document's write, built once (every column, in one order).
_DOCUMENT_COLUMNS = DOCUMENT_FIELDS + ("topics", "relevant", "content_hash", "first_seen", "updated_at")
_INSERT_DOCUMENT = (f"INSERT INTO documents ({', '.join(f'[{c}]' for c in _DOCUMENT_COLUMNS)})"
                    f" VALUES ({', '.join('?' * len(_DOCUMENT_COLUMNS))})")
_UPDATE_DOCUMENT = f"UPDATE documents SET {', '.join(f'[{c}] = ?' for c in _DOCUMENT_COLUMNS[1:])} WHERE id = ?"
_EXTRA_INDEX = DOCUMENT_FIELDS.index("extra")
_MENTION_COLUMNS = ("id", "document_id", "matched", "rule", "strength", "start", "end", "snippet", "field")
_MENTION_GETTER = operator.itemgetter(*_MENTION_COLUMNS[2:])
_INSERT_MENTIONS = (f"INSERT INTO mentions ({', '.join(f'[{c}]' for c in _MENTION_COLUMNS)})"
                    f" VALUES ({', '.join('?' * len(_MENTION_COLUMNS))})")


def upsert_document(
    db: sqlite_utils.Database,
    record: dict[str, Any],
    mentions: list[dict[str, Any]],
    aliases: Iterable[str] = (),
) -> str:
    """Insert or update one document with its topic mentions; return "insert", "update"
    or "noop". A document already stored from another source is only replaced by a
    longer text (so two feeds carrying one article never flip-flop)."""
    with write_unit(db):
        return write_document(db, record, mentions, aliases)


def write_document(
    db: sqlite_utils.Database,
    record: dict[str, Any],
    mentions: list[dict[str, Any]],
    aliases: Iterable[str] = (),
    new: bool = False,
) -> str:
    """`upsert_document` inside the caller's open write unit (`write_unit`, a batch's unit),
    which rolls back whole when this raises: no savepoint of its own. Each row is one
    statement built once: the document, its source, its addresses, its mentions
    (`executemany`). `new`: the caller found no document under this id in this transaction
    (its look-up is not repeated; an id stored after all fails the INSERT)."""
    extra = _json(record.get("extra"))
    values = [_value(record.get(f)) for f in DOCUMENT_FIELDS]
    values[_EXTRA_INDEX] = _value(extra)
    digest = _document_digest(record, extra)
    values += [_value(record.get("topics", "")), int(bool(record.get("relevant", True))), digest]
    document_id, text = values[0], record.get("text")
    source: Any = record.get("source")
    stamp = now_iso()
    links: list[Any] = [record.get("url"), *aliases]
    conn = db.conn
    existing = None if new else conn.execute("SELECT content_hash, source, first_seen FROM documents WHERE id = ?",
                                             [document_id]).fetchone()
    if existing is None:
        action = "insert"
        conn.execute(_INSERT_DOCUMENT, values + [stamp, stamp])
    elif existing[0] == digest or (existing[1] != source and (len(text or ""), source) <= (
            len(conn.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()[0] or ""),
            existing[1])):
        _link(db, document_id, source, links, stamp)
        return "noop"
    else:
        action = "update"
        flush_search_index(db)
        conn.execute(_UPDATE_DOCUMENT, values[1:] + [existing[2], stamp, document_id])
    _link(db, document_id, source, links, stamp)
    if existing is not None:
        conn.execute("DELETE FROM mentions WHERE document_id = ?", [document_id])
    if mentions:
        conn.executemany(_INSERT_MENTIONS, _mention_values(document_id, mentions))
    return action


def _mention_values(document_id: str, mentions: list[dict[str, Any]]) -> list[tuple]:
    """Mention rows (`pipelines.match.mention_rows`) as values in `_MENTION_COLUMNS` order, each
    id built from the document's (stored as sqlite-utils stores them, like `insert_rows`)."""
    rows = [(f"{document_id}:{field}:{start}:{end}", document_id, matched, rule, strength, start, end, snippet, field)
            for matched, rule, strength, start, end, snippet, field in map(_MENTION_GETTER, mentions)]
    if not _STORED_AS_IS.issuperset(map(type, chain.from_iterable(rows))):
        rows = [tuple(_value(v) for v in row) for row in rows]
    return rows


def document_hash(record: dict[str, Any]) -> str:
    """Content hash of a document record (its text fields and the topic rules' fingerprint)."""
    return _document_digest(record, _json(record.get("extra")))


def _document_digest(record: dict[str, Any], extra: Any) -> str:
    """`document_hash` with the record's `extra` given as stored (JSON text)."""
    payload = _HASH_ENCODER.encode([extra if f == "extra" else record.get(f) for f in DOCUMENT_HASHED_FIELDS])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def document_is_stored(db: sqlite_utils.Database, record: dict[str, Any]) -> bool:
    """True when this exact document is already stored (same id, same content, same topic
    rules), so it needs no re-matching. Reads only."""
    existing = _get(db, "documents", record["id"])
    return existing is not None and existing["content_hash"] == document_hash(record)


def has_document(db: sqlite_utils.Database, document_id: str) -> bool:
    """True when a document is stored under this id (one primary-key probe)."""
    return db.conn.execute("SELECT 1 FROM documents WHERE id = ?", [document_id]).fetchone() is not None


def link_document(db: sqlite_utils.Database, record: dict[str, Any], aliases: Iterable[str] = ()) -> None:
    """Link a stored document to the source that brought it and to its URL and aliases
    (what is already linked is left as it is)."""
    with write_unit(db):
        _link(db, record["id"], record["source"], [record["url"], *aliases], now_iso())


def _json(value: Any) -> Any:
    if not value and type(value) is dict:  # most documents' `extra`
        return "{}"
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, (dict, list)) else value


def _link(db: sqlite_utils.Database, document_id: str, source: str, aliases: Iterable[str], stamp: str) -> None:
    conn = db.conn
    conn.execute("INSERT OR IGNORE INTO document_sources (document_id, source, first_seen) VALUES (?, ?, ?)",
                 [document_id, source, stamp])
    links = [a for a in dict.fromkeys(aliases) if a]
    if len(links) == 1:  # most documents: their URL alone
        conn.execute(_INSERT_ALIAS, [links[0], document_id])
    elif links:
        conn.executemany(_INSERT_ALIAS, [(alias, document_id) for alias in links])


_INSERT_ALIAS = "INSERT OR IGNORE INTO document_aliases (alias, document_id) VALUES (?, ?)"


def document_unchanged(db: sqlite_utils.Database, record: dict[str, Any], aliases: Iterable[str],
                       identity: Iterable[str] | None) -> bool:
    """True when storing `record` (linked to its source, its URL and `aliases`) would write
    nothing: the same content is stored under its id, already linked, and every address of
    `identity` that is stored names this document (at least one does); `identity` None
    skips that check (a document that keeps its own id). Reads only: one hash comparison
    and two index look-ups."""
    row = db.conn.execute(
        "SELECT content_hash, EXISTS (SELECT 1 FROM document_sources WHERE document_id = ?1 AND source = ?2)"
        " FROM documents WHERE id = ?1", [record["id"], record["source"]]).fetchone()
    if row is None or not row[1] or row[0] != document_hash(record):
        return False
    links = {a for a in (record["url"], *aliases) if a}
    wanted = links | set(identity or ())
    found = dict(db.conn.execute(
        f"SELECT alias, document_id FROM document_aliases WHERE alias IN ({', '.join('?' * len(wanted))})",
        sorted(wanted)).fetchall()) if wanted else {}
    if not links <= found.keys():
        return False
    if identity is None:
        return True
    mine = [found[a] for a in identity if a in found]
    return bool(mine) and all(found_id == record["id"] for found_id in mine)


def _value(value: Any) -> Any:
    """A Python value as sqlite-utils would store it (JSON for dicts and lists, ISO dates)."""
    return value if value is None or type(value) in _PLAIN else sqlite_utils.db.jsonify_if_needed(value)


_PLAIN = (str, int, float, bytes, bool)
_STORED_AS_IS = frozenset((*_PLAIN, type(None)))


def upsert_rows(db: sqlite_utils.Database, table: str, rows: Iterable[dict[str, Any]], pk: str) -> None:
    """Insert rows, or update the given columns of the rows already there (keyed by `pk`),
    as sqlite-utils' `upsert` does, with `executemany`."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    for columns, same in groups.items():
        update = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != pk)
        insert_rows(db, table, same, conflict=f"ON CONFLICT ([{pk}]) DO " + (f"UPDATE SET {update}" if update else "NOTHING"))


_SQL: "weakref.WeakKeyDictionary[sqlite_utils.Database, dict[tuple, str]]" = weakref.WeakKeyDictionary()


def insert_rows(db: sqlite_utils.Database, table: str, rows: Iterable[dict[str, Any]], verb: str = "INSERT",
                conflict: str = "") -> None:
    """Insert rows into an existing table with `executemany` (one statement per set of
    columns, no schema look-up); `verb` "INSERT OR IGNORE" skips rows already there, and
    `conflict` "ON CONFLICT ..." is appended as given. Values are stored as sqlite-utils
    stores them."""
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append([_value(v) for v in row.values()])
    statements = _SQL.setdefault(db, {})
    for columns, values in groups.items():
        key = (verb, table, columns, conflict)
        if key not in statements:
            statements[key] = (f"{verb} INTO [{table}] ({', '.join(f'[{c}]' for c in columns)})"
                               f" VALUES ({', '.join('?' * len(columns))}) {conflict}")
        db.conn.executemany(statements[key], values)


# Table layouts read once per connection (the schema only changes when migrations run, at
# open): sqlite-utils' own look-ups cost a dozen schema queries per written row.
_LAYOUTS: "weakref.WeakKeyDictionary[sqlite_utils.Database, dict[str, tuple[list[str], list[str]]]]" = \
    weakref.WeakKeyDictionary()


def _layout(db: sqlite_utils.Database, table: str) -> tuple[list[str], list[str]]:
    """(column names, primary key columns) of `table`, cached for the connection."""
    layouts = _LAYOUTS.setdefault(db, {})
    if table not in layouts:
        info = db.execute(f"PRAGMA table_info([{table}])").fetchall()
        if not info:
            raise sqlite_utils.db.NotFoundError(f"table {table} introuvable")
        keys = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])] or ["rowid"]
        layouts[table] = ([row[1] for row in info], keys)
    return layouts[table]


_COLUMN_SETS: "weakref.WeakKeyDictionary[sqlite_utils.Database, dict[str, frozenset[str]]]" = weakref.WeakKeyDictionary()


def _column_set(db: sqlite_utils.Database, table: str) -> frozenset[str]:
    """The column names of `table`, as a set (cached with `_layout`)."""
    sets = _COLUMN_SETS.setdefault(db, {})
    if table not in sets:
        sets[table] = frozenset(_layout(db, table)[0])
    return sets[table]


def _get(db: sqlite_utils.Database, table: str, pk: Any) -> dict[str, Any] | None:
    """The row of `table` whose primary key is `pk` (a tuple for a compound key), or None."""
    columns, keys = _layout(db, table)
    values = list(pk) if isinstance(pk, (list, tuple)) else [pk]
    where = " AND ".join(f"[{k}] = ?" for k in keys)
    cursor = db.execute(f"SELECT * FROM [{table}] WHERE {where}", values)
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row is not None else None


def document_id_for_alias(db: sqlite_utils.Database, alias: str) -> str | None:
    """The id of the document already stored under this URL or guid, if any."""
    row = db.conn.execute("SELECT document_id FROM document_aliases WHERE alias = ?", [alias]).fetchone()
    return row[0] if row else None


def document_ids_for_aliases(db: sqlite_utils.Database, aliases: Iterable[str]) -> dict[str, str]:
    """{alias: document id} of the given URLs or guids that are stored (one query; reads only)."""
    wanted = list(dict.fromkeys(aliases))
    if not wanted:
        return {}
    if len(wanted) == 1:
        found = document_id_for_alias(db, wanted[0])
        return {wanted[0]: found} if found else {}
    return dict(db.conn.execute(
        f"SELECT alias, document_id FROM document_aliases WHERE alias IN ({', '.join('?' * len(wanted))})",
        wanted).fetchall())


# Columns that hold a document id, in any table (other features' tables included).
DOCUMENT_REFERENCES = ("document_id", "lead_document_id", "answer_document_id")


def rename_document(db: sqlite_utils.Database, old: str, new: str) -> None:
    """Give the stored document `old` the id `new` (a better identity of the same article
    arrived), everywhere it is referenced: aliases, sources, mentions, versions, annotations,
    stories... Row ids built from the document id (`<id>:...`) follow. The old id stays an
    alias, so it still finds the document. One transaction; `new` must not be stored yet."""
    with write_unit(db):
        if _get(db, "documents", new) is not None:
            raise ValueError(f"document {new} déjà présent : {old} ne peut pas être renommé")
        # Children are updated before their parent row: check the references at commit.
        db.execute("PRAGMA defer_foreign_keys = ON")
        flush_search_index(db)
        views = set(db.view_names())
        for name in db.table_names():
            if name in views or name.startswith(("documents_fts", "_")):
                continue
            columns = set(db.table(name).columns_dict)
            if "document_id" in columns and "id" in columns and name != "documents":
                db.execute(f"UPDATE [{name}] SET id = ? || substr(id, ?) WHERE document_id = ? AND substr(id, 1, ?) = ?",
                           [new, len(old) + 1, old, len(old) + 1, f"{old}:"])
            for column in DOCUMENT_REFERENCES:
                if column in columns:
                    db.execute(f"UPDATE [{name}] SET [{column}] = ? WHERE [{column}] = ?", [new, old])
        db.execute("UPDATE documents SET id = ? WHERE id = ?", [new, old])
        db.table("document_aliases").insert({"alias": old, "document_id": new}, ignore=True)
        # Its story is named after its lead's id: placed again by the next grouping.
        db.execute("UPDATE story_documents SET content_hash = NULL WHERE document_id = ?", [new])


def sync_sources(db: sqlite_utils.Database, sources: Iterable[Any]) -> None:
    """Record the configured sources (name, label, kind, URL, cadence, enabled)."""
    with write_unit(db):
        for s in sources:
            db.table("sources").upsert(
                {"name": s.name, "label": s.label, "kind": s.kind, "url": s.url,
                 "cadence": s.cadence, "enabled": int(s.enabled)},
                pk="name",
            )


def mark_interrupted(db: sqlite_utils.Database) -> list[str]:
    """Mark "interrupted" the runs still "running" whose process is gone (killed, crashed,
    machine stopped); return their ids. Runs of live processes are left alone."""
    stale = [row["id"] for row in db.query("SELECT id, pid, pid_start FROM runs WHERE status = 'running'")
             if not run_alive(row["pid"], row["pid_start"])]
    if stale:
        with write_unit(db):
            for run_id in stale:
                db.execute("UPDATE runs SET status = 'interrupted', finished = coalesce(finished, ?),"
                           " errors = ? WHERE id = ? AND status = 'running'",
                           [now_iso(), json.dumps(["interrompue : le processus s'est arrêté avant la fin"],
                                                  ensure_ascii=False), run_id])
    return stale


def start_run(db: sqlite_utils.Database, command: str, run_id: str | None = None) -> str:
    """Open a row in `runs` (with this process's pid) and return its id (a sortable UTC
    timestamp). Runs left "running" by a process that is gone are marked "interrupted" first."""
    mark_interrupted(db)
    run_id = run_id or datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    pid = os.getpid()
    with write_unit(db):
        db.table("runs").upsert({"id": run_id, "command": command, "started": now_iso(), "status": "running",
                                 "pid": pid, "pid_start": process_start(pid)}, pk="id")
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
    with write_unit(db):
        db.table("run_sources").upsert(row, pk="id")
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
        db.table("sources").upsert(health, pk="name")


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
    with write_unit(db):
        db.table("runs").upsert({
            "id": run_id, "finished": finished,
            "duration_s": (datetime.fromisoformat(finished) - started).total_seconds(),
            "status": status, "items_seen": totals["items"], "relevant": totals["relevant"],
            "inserted": totals["inserted"], "updated": totals["updated"],
            "unchanged": totals["unchanged"], "failed_sources": totals["failed"],
            "raw_path": raw_path, "errors": json.dumps(errors, ensure_ascii=False),
        }, pk="id")
    optimize(db)
    return db.table("runs").get(run_id)


ANALYSIS_LIMIT = 1000  # rows sampled per index by ANALYZE: milliseconds at 200k documents


def optimize(db: sqlite_utils.Database) -> str:
    """Keep the query planner's statistics fresh after a write run: a full `ANALYZE` (rows
    sampled, `PRAGMA analysis_limit`) when the database has never been analysed or its
    documents have more than doubled since, else `PRAGMA optimize`; return which ran. Without
    statistics SQLite picks 2-value indexes and the digest takes minutes at 200k documents.
    A busy database is left for the next run (logged, never fatal)."""
    try:
        db.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        analysed = None
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            row = db.execute("SELECT max(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl = 'documents'").fetchone()
            analysed = row[0] if row else None
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        if analysed is None or documents > 2 * analysed + 100:
            db.execute("ANALYZE")
            return "analyze"
        db.execute("PRAGMA optimize")
        return "optimize"
    except sqlite3.OperationalError as exc:
        logger.warning("statistiques de la base non mises à jour : %s", exc)
        return "skipped"


# ------------------------------------------------------------------ nightly runs and digest sends (issue 7)
def adopt_runs(db: sqlite_utils.Database, parent_id: str, since: str, command_prefix: str) -> list[dict[str, Any]]:
    """Mark the runs started since `since` whose command starts with `command_prefix` (and
    that have no parent yet) as children of `parent_id`; return every child run."""
    with write_unit(db):
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
    run = db.table("runs").get(run_id)
    finished = now_iso()
    with write_unit(db):
        db.table("runs").update(run_id, {
            "finished": finished,
            "duration_s": (datetime.fromisoformat(finished) - datetime.fromisoformat(run["started"])).total_seconds(),
            "status": "failed" if errors else "ok", "items_seen": totals["items"],
            "relevant": totals["relevant"], "inserted": totals["inserted"], "updated": totals["updated"],
            "unchanged": totals["unchanged"], "failed_sources": totals["failed"],
            "steps": json.dumps(steps, ensure_ascii=False), "errors": json.dumps(errors, ensure_ascii=False),
        })
    optimize(db)
    return db.table("runs").get(run_id)


def record_digest_send(db: sqlite_utils.Database, week: str, status: str, recipients: list[str],
                       error: str | None, files: list[str], run_id: str | None = None) -> str:
    """Log one attempt to mail the digest of `week` ("sent" or "failed"); return its id."""
    stamp = now_iso()
    row_id = f"{week}:{stamp}"
    with write_unit(db):
        db.table("digest_sends").upsert({
            "id": row_id, "week": week, "run_id": run_id, "sent_at": stamp, "status": status,
            "recipients": json.dumps(recipients, ensure_ascii=False), "error": error,
            "files": json.dumps(files, ensure_ascii=False),
        }, pk="id")
    return row_id


def digest_already_sent(db: sqlite_utils.Database, week: str) -> bool:
    """True when the digest of `week` has already been mailed successfully."""
    return bool(db.execute("SELECT 1 FROM digest_sends WHERE week = ? AND status = 'sent' LIMIT 1", [week]).fetchone())


# ------------------------------------------------------------------ NLP annotations (issue 5)
def replace_annotations(db: sqlite_utils.Database, document_id: str, actor_mentions: list[dict[str, Any]],
                        commitments: list[dict[str, Any]], notes: Iterable[str] = (), model: str = "") -> None:
    """Replace a document's actor mentions and commitments in one transaction (idempotent)."""
    with write_unit(db):
        db.execute("DELETE FROM actor_mentions WHERE document_id = ?", [document_id])
        db.execute("DELETE FROM commitments WHERE document_id = ?", [document_id])
        insert_rows(db, "actor_mentions", (
            {**m, "id": f"{document_id}:{m['start']}:{m['end']}", "document_id": document_id}
            for m in actor_mentions))
        insert_rows(db, "commitments", (
            {**c, "id": f"{document_id}:c:{c['start']}:{c['end']}", "document_id": document_id}
            for c in commitments))
        upsert_rows(db, "annotations", [
            {"document_id": document_id, "annotated_at": now_iso(), "model": model,
             "actor_mentions": len(actor_mentions), "commitments": len(commitments),
             "notes": json.dumps(list(notes), ensure_ascii=False)}], pk="document_id")


def upsert_actors(db: sqlite_utils.Database, actors: dict[str, dict[str, Any]]) -> None:
    """Add actors found by the NLP stage (canonical ids); existing rows are left as they are."""
    with write_unit(db):
        db.table("actors").insert_all(
            ({"id": actor_id, "name": a.get("name"), "kind": a.get("kind"), "extra": None}
             for actor_id, a in actors.items()), pk="id", ignore=True)


# ------------------------------------------------------------------ parliament (issue 3)
_STAMPS = ("content_hash", "first_seen", "updated_at")


def row_hash(row: dict[str, Any]) -> str:
    """The `content_hash` of a record row: the hash of all its columns but the stamps."""
    return content_hash(row, sorted(k for k in row if k not in _STAMPS))


def upsert_record(db: sqlite_utils.Database, table: str, row: dict[str, Any], pk: str = "id") -> str:
    """Insert or update one row keyed by `pk`; return "insert", "update" or "noop".

    Dicts and lists are stored as sorted JSON. When the table has `content_hash`, a hash
    of the row decides (and `first_seen`/`updated_at` are kept); otherwise the stored
    values are compared. An unchanged row is never rewritten."""
    row = {k: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v
           for k, v in row.items()}
    if db.conn.in_transaction:
        # In the open transaction (a write batch, a storer's unit) no savepoint: one read,
        # then one statement, which SQLite applies whole or not at all.
        return _upsert_record(db, table, row, pk)
    with write_unit(db):
        return _upsert_record(db, table, row, pk)


def _upsert_record(db: sqlite_utils.Database, table: str, row: dict[str, Any], pk: str) -> str:
    columns = _column_set(db, table)
    hashed = "content_hash" in columns
    existing = _get(db, table, row[pk])
    if hashed:
        row["content_hash"] = row_hash(row)
        if existing and existing["content_hash"] == row["content_hash"]:
            return "noop"
        stamp = now_iso()
        row["first_seen"] = existing["first_seen"] if existing else stamp
        row["updated_at"] = stamp
    elif existing and all(existing.get(k) == v for k, v in row.items()):
        return "noop"
    unknown = [k for k in row if k not in columns]
    if unknown:
        raise sqlite3.OperationalError(f"table {table} has no column named {unknown[0]}")
    if existing is None:
        insert_rows(db, table, [row])
    else:
        changed = [k for k in row if k != pk]
        db.conn.execute(f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in changed)} WHERE [{pk}] = ?",
                        [_value(row[c]) for c in changed] + [row[pk]])
    return "update" if existing else "insert"


# ------------------------------------------------------------------ press archive, versions, stories (issue 4)
def add_document_version(db: sqlite_utils.Database, document_id: str, fetch: dict[str, Any],
                         text: str, title: str, access: str, source: str) -> str:
    """Archive the raw response behind a stored document and record a new version when its
    text or title changed; return "insert" or "noop". `fetch` holds body (bytes), sha256,
    fetched, status, url, final_url and content_type. The body is stored gzip-compressed
    once per distinct content (keyed by its sha256)."""
    import gzip

    text_hash = hashlib.sha256(f"{title}\n{text}".encode("utf-8")).hexdigest()
    with write_unit(db):
        last = db.execute(
            "SELECT version, text_hash FROM document_versions WHERE document_id = ? ORDER BY version DESC LIMIT 1",
            [document_id]).fetchone()
        last = {"version": last[0], "text_hash": last[1]} if last else None
        if last and last["text_hash"] == text_hash:
            return "noop"
        body = fetch["body"]
        compressed = gzip.compress(body, mtime=0)
        insert_rows(db, "archives", [
            {"sha256": fetch["sha256"], "body_gz": compressed, "size": len(body),
             "compressed_size": len(compressed), "content_type": fetch.get("content_type", ""),
             "first_fetched": fetch["fetched"]}], verb="INSERT OR IGNORE")
        version = (last["version"] + 1) if last else 1
        insert_rows(db, "document_versions", [{
            "id": f"{document_id}:v{version}", "document_id": document_id, "version": version,
            "source": source, "fetched": fetch["fetched"], "status": fetch.get("status"),
            "url": fetch.get("url", ""), "final_url": fetch.get("final_url", ""),
            "content_type": fetch.get("content_type", ""), "archive_sha256": fetch["sha256"],
            "text_hash": text_hash, "title": title, "text": text, "access": access,
        }])
    return "insert"


def upsert_fingerprint(db: sqlite_utils.Database, document_id: str, text_hash: str, shingles: int, minhash: list[int]) -> None:
    """Cache the MinHash signature of a document's text (used to group syndicated copies)."""
    with write_unit(db):
        db.table("document_fingerprints").upsert(
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
    with write_unit(db):
        db.execute("DELETE FROM story_members")
        db.execute("DELETE FROM stories")
        for story in stories:
            db.table("stories").insert({
                "id": story["id"], "lead_document_id": story["lead_document_id"], "title": story["title"],
                "published": story["published"], "members": len(story["members"]), "updated_at": stamp,
            })
            db.table("story_members").insert_all({**m, "story_id": story["id"]} for m in story["members"])
    return "update"


# ------------------------------------------------------------------ incremental stories (issue 17)
def place_story_document(db: sqlite_utils.Database, document_id: str, content_hash: str | None,
                         keys: list[int]) -> int:
    """Record that `document_id` (at `content_hash`) is placed in the story index, with its
    LSH band keys (none when its text is too short to group); return its `num`."""
    with write_unit(db):
        db.execute("INSERT INTO story_documents (document_id, content_hash, eligible) VALUES (?, ?, ?)"
                   " ON CONFLICT (document_id) DO UPDATE SET content_hash = excluded.content_hash,"
                   " eligible = excluded.eligible", [document_id, content_hash, int(bool(keys))])
        num = db.execute("SELECT num FROM story_documents WHERE document_id = ?", [document_id]).fetchone()[0]
        db.conn.executemany("INSERT OR IGNORE INTO story_bands (band_key, num) VALUES (?, ?)",
                            [(key, num) for key in keys])
    return int(num)


def unplace_story_document(db: sqlite_utils.Database, num: int, keys: list[int] | None, banded: bool) -> None:
    """Take a placed document's band keys (`keys`, or all of its rows when they are not
    known) and verified links out of the story index; its `story_documents` row stays."""
    with write_unit(db):
        if keys:
            db.conn.executemany("DELETE FROM story_bands WHERE band_key = ? AND num = ?", [(k, num) for k in keys])
        elif banded:
            db.execute("DELETE FROM story_bands WHERE num = ?", [num])
        db.execute("DELETE FROM story_links WHERE num = ? OR other = ?", [num, num])
        db.execute("UPDATE story_documents SET eligible = 0, content_hash = NULL WHERE num = ?", [num])


def forget_story_document(db: sqlite_utils.Database, document_id: str) -> None:
    """Drop a document (gone, or no longer relevant) from the story index."""
    with write_unit(db):
        db.execute("DELETE FROM story_documents WHERE document_id = ?", [document_id])


def link_story_documents(db: sqlite_utils.Database, links: list[tuple[int, int, float]]) -> None:
    """Record verified near-duplicate pairs (num, other, containment), num < other."""
    if links:
        with write_unit(db):
            db.conn.executemany("INSERT OR REPLACE INTO story_links (num, other, score) VALUES (?, ?, ?)", links)


def story_neighbours(db: sqlite_utils.Database, num: int) -> list[int]:
    """The placed documents linked to `num` (reads only)."""
    return [r[0] for r in db.execute(
        "SELECT other FROM story_links WHERE num = ? UNION SELECT num FROM story_links WHERE other = ?", [num, num])]


def story_document_ids(db: sqlite_utils.Database, nums: Iterable[int]) -> list[tuple[int, str]]:
    """(num, document id) of placed documents (reads only)."""
    found: list[tuple[int, str]] = []
    nums = list(nums)
    for first in range(0, len(nums), 500):
        chunk = nums[first:first + 500]
        found += db.execute(f"SELECT num, document_id FROM story_documents WHERE num IN ({', '.join('?' * len(chunk))})",
                            chunk).fetchall()
    return found


def _story_snapshot(story: dict[str, Any]) -> tuple:
    return (story["lead_document_id"], story["title"], story["published"], tuple(sorted(
        (m["document_id"], m["role"], m["similarity"], m["published"]) for m in story["members"])))


def replace_some_stories(db: sqlite_utils.Database, document_ids: Iterable[str], stories: list[dict[str, Any]]) -> int:
    """Make `stories` the stories of `document_ids`: the stored stories holding any of these
    documents are replaced by `stories` (a story stored identically is left as it is, with
    its `updated_at`); return how many stories were written or deleted."""
    ids = sorted(set(document_ids))
    old: dict[str, dict[str, Any]] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first:first + 500]
        for (story_id,) in db.execute("SELECT DISTINCT story_id FROM story_members WHERE document_id IN"
                                      f" ({', '.join('?' * len(chunk))})", chunk).fetchall():
            old[story_id] = {}
    for story_id in old:
        row = db.execute("SELECT lead_document_id, title, published FROM stories WHERE id = ?", [story_id]).fetchone()
        members = [dict(zip(("document_id", "role", "similarity", "published"), m)) for m in db.execute(
            "SELECT document_id, role, similarity, published FROM story_members WHERE story_id = ?", [story_id])]
        old[story_id] = {"lead_document_id": row[0] if row else None, "title": row[1] if row else None,
                         "published": row[2] if row else None, "members": members}
    new = {s["id"]: s for s in stories}
    same = {i for i in old if i in new and _story_snapshot(old[i]) == _story_snapshot(new[i])}
    changes = 0
    stamp = now_iso()
    with write_unit(db):
        for story_id in old:
            if story_id not in same:
                db.execute("DELETE FROM story_members WHERE story_id = ?", [story_id])
                db.execute("DELETE FROM stories WHERE id = ?", [story_id])
                changes += 1
        for story in stories:
            if story["id"] in same:
                continue
            db.execute("INSERT INTO stories (id, lead_document_id, title, published, members, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)", [story["id"], story["lead_document_id"], story["title"],
                                                      story["published"], len(story["members"]), stamp])
            db.conn.executemany(
                "INSERT INTO story_members (story_id, document_id, role, similarity, published) VALUES (?, ?, ?, ?, ?)",
                [(story["id"], m["document_id"], m["role"], m["similarity"], m["published"]) for m in story["members"]])
            changes += 1
    return changes
