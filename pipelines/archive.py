"""Provenance: the raw response behind every stored document, and its versions.

A spider attaches a `FetchRecord` (body, sha256, fetch time, HTTP status, requested and
final URL) to each document it yields: the article page, or the feed when the page was not
fetched or could not be used. The archive step runs after the store step: for a document
that was stored, it archives the body (gzip, once per sha256) and records a new row in
`document_versions` whenever the stored title or text changed, so a changed article keeps
both versions (`veille diff DOC_ID` shows the difference). The record travels as a
private attribute, never in the raw JSONL (documents replayed by `veille import` have none).
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import logging
from typing import Any

import sqlite_utils

from pipelines import db as database
from pipelines.store import stored_as
from spiders.items import fetch_record_of

logger = logging.getLogger(__name__)


def archive_document(db: sqlite_utils.Database, document: Any) -> str:
    """Archive the response behind a document the store step just stored; "insert",
    "noop" or "skipped" (not stored, stored from another source's text, or no response
    attached)."""
    record = fetch_record_of(document)
    normalized = stored_as(document)
    if record is None or normalized is None:
        return "skipped"
    try:
        row = db.table("documents").get(normalized.id)
    except sqlite_utils.db.NotFoundError:
        return "skipped"
    if (row["text"] or "") != normalized.text or (row["title"] or "") != normalized.title:
        return "skipped"
    return database.add_document_version(db, row["id"], record.as_dict(), row["text"] or "",
                                         row["title"] or "", row["access"] or "", document.source)


def read_archive(db: sqlite_utils.Database, sha256: str) -> bytes:
    """The archived body with this hash (decompressed)."""
    return gzip.decompress(db.table("archives").get(sha256)["body_gz"])


def verify_archives(db: sqlite_utils.Database) -> tuple[int, list[str]]:
    """Check every stored document has an archived response whose sha256 matches;
    return (documents checked, problems as French lines)."""
    problems, checked = [], 0
    rows = db.query(
        "SELECT d.id, v.archive_sha256 FROM documents d LEFT JOIN document_versions v"
        " ON v.document_id = d.id AND v.version = (SELECT max(version) FROM document_versions"
        " WHERE document_id = d.id) WHERE d.kind IN ('press', 'communique')")
    for row in rows:
        checked += 1
        if not row["archive_sha256"]:
            problems.append(f"{row['id']} : aucune copie archivée")
            continue
        try:
            body = read_archive(db, row["archive_sha256"])
        except (sqlite_utils.db.NotFoundError, OSError) as exc:
            problems.append(f"{row['id']} : archive illisible ({exc})")
            continue
        if hashlib.sha256(body).hexdigest() != row["archive_sha256"]:
            problems.append(f"{row['id']} : empreinte différente de l'archive")
    return checked, problems


def version_diff(db: sqlite_utils.Database, document_id: str, old: int | None = None, new: int | None = None) -> str:
    """Unified diff (French headers) between two versions of a document's title and text
    (default: the last two)."""
    versions = list(db.query("SELECT * FROM document_versions WHERE document_id = ? ORDER BY version", [document_id]))
    if len(versions) < 2 and (old is None or new is None):
        return ""
    by_number = {v["version"]: v for v in versions}
    a = by_number[old] if old else versions[-2]
    b = by_number[new] if new else versions[-1]
    lines = difflib.unified_diff(
        f"{a['title']}\n\n{a['text']}".splitlines(), f"{b['title']}\n\n{b['text']}".splitlines(),
        fromfile=f"version {a['version']} ({a['fetched']})", tofile=f"version {b['version']} ({b['fetched']})",
        lineterm="",
    )
    return "\n".join(lines)
