"""Schema of the press archive (migration 004): raw responses, document versions,
MinHash fingerprints and stories (syndicated copies of one article).

Applied by `pipelines/migrations.py`.
"""

from __future__ import annotations

import sqlite_utils


def create_press_articles(db: sqlite_utils.Database) -> None:
    """Migration 004: archives, document versions, fingerprints, stories and their members."""
    db.table("archives").create(
        {"sha256": str, "body_gz": bytes, "size": int, "compressed_size": int, "content_type": str,
         "first_fetched": str},
        pk="sha256",
    )
    db.table("document_versions").create(
        {"id": str, "document_id": str, "version": int, "source": str, "fetched": str,
         "status": int, "url": str, "final_url": str, "content_type": str, "archive_sha256": str,
         "text_hash": str, "title": str, "text": str, "access": str},
        pk="id", foreign_keys=[("document_id", "documents", "id"), ("archive_sha256", "archives", "sha256")],
    )
    db.table("document_versions").create_index(["document_id", "version"], unique=True)
    db.table("document_versions").create_index(["archive_sha256"])
    db.table("document_fingerprints").create(
        {"document_id": str, "text_hash": str, "shingles": int, "minhash": str},
        pk="document_id", foreign_keys=[("document_id", "documents", "id")],
    )
    db.table("stories").create(
        {"id": str, "lead_document_id": str, "title": str, "published": str, "members": int,
         "updated_at": str},
        pk="id", foreign_keys=[("lead_document_id", "documents", "id")],
    )
    db.table("stories").create_index(["published"])
    db.table("story_members").create(
        {"story_id": str, "document_id": str, "role": str, "similarity": float, "published": str},
        pk=("story_id", "document_id"),
        foreign_keys=[("story_id", "stories", "id"), ("document_id", "documents", "id")],
    )
    db.table("story_members").create_index(["document_id"], unique=True)
