"""Schema of the parliamentary tables (migration 003): written and oral questions,
amendments, debate passages, downloaded open-data archives, and the views that join them
to actors and organes.

Applied by `pipelines/migrations.py`.
"""

from __future__ import annotations

import sqlite_utils


def create_parliament(db: sqlite_utils.Database) -> None:
    """Migration 003: questions, amendments, debate passages, datasets, and the views
    question_lifecycle, amendment_details and mandate_holders."""
    stamps = {"content_hash": str, "first_seen": str, "updated_at": str}
    db.table("questions").create(
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
        db.table("questions").create_index([column])
    db.table("amendments").create(
        {"id": str, "document_id": str, "source": str, "legislature": str, "number": str,
         "examining_organe": str, "prefix": str, "bill_ref": str, "bill_number": str, "article": str,
         "author_type": str, "author_id": str, "government_ref": str, "group_id": str,
         "cosigners": str, "signatories": str, "filed": str, "published": str, "fate": str,
         "fate_date": str, "state": str, "sub_state": str, "url": str, **stamps},
        pk="id", foreign_keys=[("document_id", "documents", "id")],
    )
    for column in ("author_id", "group_id", "bill_ref", "fate", "filed"):
        db.table("amendments").create_index([column])
    db.table("debate_passages").create(
        {"id": str, "document_id": str, "source": str, "sitting_uid": str, "sitting_start": str,
         "day_label": str, "legislature": str, "point_title": str, "syceron_id": str, "order": str,
         "speaker_id": str, "speaker_name": str, "speaker_quality": str, "role": str, "url": str,
         **stamps},
        pk="id", foreign_keys=[("document_id", "documents", "id")],
    )
    for column in ("sitting_uid", "speaker_id", "sitting_start"):
        db.table("debate_passages").create_index([column])
    db.table("datasets").create(
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
