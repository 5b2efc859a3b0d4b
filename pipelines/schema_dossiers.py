"""Schema of the bill's journey and of the written-question deadline (issue 16).

Migration 021 (`create_dossiers`):

* `dossiers`: one row per AN dossier législatif on the topic or followed: title, procedure,
  texts named by its journey (JSON list of text uids), `filed` (first dépôt), the latest
  dated stage (`current_stage`, `current_stage_date`), `status` (« en cours »,
  « promulguée », « absorbé »), `law_code`, `merged_into`, `followed`, `relevant` (its title
  names the topic) and `document_id` (its document, kind "dossier", when stored).
* `dossier_stages`: one row per act of its journey, in the order of the AN tree
  (`position`): `code` ("AN1-DEPOT", "AN1-COM-FOND-SAISIE", "SN1-DEBATS-DEC", "CMP-DEC",
  "PROM-PUB"…), `phase` (the reading), `path`, `label`, `date` (day, or null while only
  scheduled), organe, text uids, `decision` ("adopté", "modifié", "Accord"), scrutins
  (`votes`, JSON), rapporteurs (JSON acteur uids), `provenance` (navette), `law_code`.
* view `dossier_journey`: the stages with their dossier's title and the organe's name.

Migration 022 (`add_answer_deadline`): `questions.answer_deadline` (ISO day: a written
question's answer is due two months after its publication, `spiders.parl_items.answer_deadline`),
filled for the rows already stored, and the view `overdue_questions` (written questions
still open past that day, with days waiting and days late, per ministry).

Applied by `pipelines/migrations.py`.
"""

from __future__ import annotations

import sqlite_utils

from spiders.parl_items import answer_deadline


def create_dossiers(db: sqlite_utils.Database) -> None:
    """Migration 021: `dossiers`, `dossier_stages` and the `dossier_journey` view."""
    db.table("dossiers").create(
        {"id": str, "source": str, "url": str, "title": str, "legislature": str, "kind": str,
         "procedure": str, "procedure_code": str, "senate_url": str, "initiators": str, "texts": str,
         "filed": str, "current_stage": str, "current_stage_date": str, "status": str, "law_code": str,
         "merged_into": str, "followed": int, "relevant": int, "document_id": str, "stages_count": int,
         "content_hash": str, "first_seen": str, "updated_at": str},
        pk="id",
    )
    for column in ("status", "current_stage_date", "followed", "relevant", "filed"):
        db.table("dossiers").create_index([column])
    db.table("dossier_stages").create(
        {"id": str, "dossier_id": str, "uid": str, "position": int, "code": str, "phase": str, "path": str,
         "label": str, "kind": str, "date": str, "organe_id": str, "text_ref": str, "adopted_text_ref": str,
         "decision": str, "votes": str, "reunion_ref": str, "rapporteurs": str, "provenance": str,
         "law_code": str, "content_hash": str, "first_seen": str, "updated_at": str},
        pk="id",
    )
    for column in ("dossier_id", "date", "code", "text_ref"):
        db.table("dossier_stages").create_index([column])
    db.create_view("dossier_journey", """
        SELECT s.dossier_id, d.title AS dossier_title, d.url AS dossier_url, d.status AS dossier_status,
               s.position, s.date, s.code, s.phase, s.label, s.decision, s.organe_id,
               o.name AS organe_name, coalesce(o.short_name, o.name) AS organe_short_name,
               s.text_ref, s.adopted_text_ref, s.votes, s.rapporteurs, s.reunion_ref, s.provenance, s.law_code
        FROM dossier_stages s
        JOIN dossiers d ON d.id = s.dossier_id
        LEFT JOIN organes o ON o.id = s.organe_id""")


def add_answer_deadline(db: sqlite_utils.Database) -> None:
    """Migration 022: `questions.answer_deadline` (filled for the stored rows) and the
    `overdue_questions` view."""
    questions = db.table("questions")
    if "answer_deadline" not in questions.columns_dict:
        questions.add_column("answer_deadline", str)
    questions.create_index(["answer_deadline"], if_not_exists=True)
    for uid, kind, published in db.execute(
            "SELECT id, kind, published FROM questions WHERE answer_deadline IS NULL").fetchall():
        due = answer_deadline(kind, published)
        if due:
            db.execute("UPDATE questions SET answer_deadline = ? WHERE id = ?", [due, uid])
    db.create_view("overdue_questions", """
        SELECT q.id, q.chamber, q.kind, q.number, q.title, q.author_id, q.author_name,
               coalesce(q.group_abbr, q.group_name) AS group_label,
               coalesce(q.ministry_answering, q.ministry_asked) AS ministry,
               substr(q.published, 1, 10) AS published, q.answer_deadline,
               cast(julianday(date('now')) - julianday(substr(q.published, 1, 10)) AS integer) AS days_waiting,
               cast(julianday(date('now')) - julianday(q.answer_deadline) AS integer) AS days_late,
               q.status, q.reminders, q.document_id, q.url
        FROM questions q
        WHERE q.answer_deadline IS NOT NULL AND q.answer_deadline < date('now')
          AND coalesce(q.status, 'pending') IN ('pending', 'reminded')
          AND (q.answer_date IS NULL OR q.answer_date = '')""")
