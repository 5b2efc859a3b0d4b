"""Provenance: the raw response behind every stored document, and its versions.

A spider attaches a `FetchRecord` (body, sha256, fetch time, HTTP status, requested and
final URL) to each document it yields: the article page, or the feed when the page was not
fetched or could not be used. `ArchivePipeline` runs after the store step: for a document
that was stored, it archives the body (gzip, once per sha256) and records a new row in
`document_versions` whenever the stored title or text changed, so a changed article keeps
both versions (`veille diff DOC_ID` shows the difference). The record travels as a
private attribute, never in the raw JSONL (documents replayed by `veille import` have none).
At the end of each spider, syndicated copies are grouped into stories (`pipelines.stories`).
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlite_utils

from pipelines import db as database

logger = logging.getLogger(__name__)
_ATTRIBUTE = "_fetch_record"


@dataclass(frozen=True)
class FetchRecord:
    """One HTTP response as fetched."""

    body: bytes
    sha256: str
    fetched: str
    status: int
    url: str
    final_url: str
    content_type: str

    def as_dict(self) -> dict[str, Any]:
        """Fields as a dict (for `pipelines.db.add_document_version`)."""
        return dict(self.__dict__)


def fetch_record(response, requested_url: str = "") -> FetchRecord:
    """The record of a Scrapy response (production URLs, even on the replay)."""
    return FetchRecord(
        body=response.body,
        sha256=hashlib.sha256(response.body).hexdigest(),
        fetched=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        status=response.status,
        url=requested_url or response.url,
        final_url=response.url,
        content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
    )


def attach_fetch(document: Any, record: FetchRecord | None) -> Any:
    """Attach the response behind `document` (kept out of `to_dict`)."""
    if record is not None:
        setattr(document, _ATTRIBUTE, record)
    return document


def fetch_record_of(document: Any) -> FetchRecord | None:
    """The response attached to `document`, if any."""
    return getattr(document, _ATTRIBUTE, None)


def archive_document(db: sqlite_utils.Database, document: Any) -> str:
    """Archive the response behind a stored document; "insert", "noop" or "skipped"
    (not stored, stored from another source's text, or no response attached)."""
    from pipelines.normalize import normalize_document
    from pipelines.stories import same_document

    record = fetch_record_of(document)
    if record is None:
        return "skipped"
    normalized = same_document(db, normalize_document(document))
    try:
        row = db["documents"].get(normalized.id)
    except sqlite_utils.db.NotFoundError:
        return "skipped"
    if (row["text"] or "") != normalized.text or (row["title"] or "") != normalized.title:
        return "skipped"
    return database.add_document_version(db, row["id"], record.as_dict(), row["text"] or "",
                                         row["title"] or "", row["access"] or "", document.source)


def read_archive(db: sqlite_utils.Database, sha256: str) -> bytes:
    """The archived body with this hash (decompressed)."""
    return gzip.decompress(db["archives"].get(sha256)["body_gz"])


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


class ArchivePipeline:
    """Scrapy step after the store: archive responses of stored documents; group stories
    when the spider closes."""

    def __init__(self, crawler):
        from pipelines.config import load_config

        self.crawler = crawler
        self.db = database.open_db(load_config().database)

    @classmethod
    def from_crawler(cls, crawler):
        """Open the configured database."""
        return cls(crawler)

    def process_item(self, item):
        """Archive the response behind a stored document (other items pass through)."""
        if fetch_record_of(item) is not None:
            try:
                archive_document(self.db, item)
            except Exception as exc:  # never lose the crawl for the archive
                logger.error("archive de %s impossible : %s", getattr(item, "url", "?"), exc)
        return item

    def close_spider(self):
        """Group syndicated copies into stories, then close the database."""
        from pipelines.stories import group_stories

        try:
            group_stories(self.db)
        except Exception as exc:
            logger.error("regroupement des reprises impossible : %s", exc)
        self.db.close()
