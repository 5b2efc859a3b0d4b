"""Schema of the parliament-in-depth tables (migration 020, issue 16): the budget credits of
amendments and the AN agenda.

* `amendments` gains `bill_part` (1 or 2: the part of a budget bill), `commission_text`
  (1 when the uid names a commission text, "BTC…"), `mission`, `credits` (JSON list of the
  programmes a PLF/PLFR credit amendment moves: programme, ref, action, ae, cp in euros),
  `balance_ae` and `balance_cp` (its balance, euros).
* `agenda_items`: one row per réunion of the AN agenda (sitting or committee meeting):
  start and end (UTC ISO), local `day`, state (Confirmé, Annulé, Supprimé, Eventuel),
  organe, agenda lines and points (JSON), dossiers named, `relevant` (its agenda names the
  topic), `followed` (it names a followed bill) and the mentions matched.

Applied by `pipelines/migrations.py`.
"""

from __future__ import annotations

import sqlite_utils

AMENDMENT_CREDIT_COLUMNS = {"bill_part": str, "commission_text": int, "mission": str, "credits": str,
                            "balance_ae": int, "balance_cp": int}


def create_parliament_depth(db: sqlite_utils.Database) -> None:
    """Migration 020: amendment credit columns, the `agenda_items` table and the
    `upcoming_agenda` view (coming réunions on the topic or a followed bill)."""
    amendments = db.table("amendments")
    for column, kind in AMENDMENT_CREDIT_COLUMNS.items():
        if column not in amendments.columns_dict:
            amendments.add_column(column, kind)
    amendments.create_index(["mission"], if_not_exists=True)
    db.table("agenda_items").create(
        {"id": str, "source": str, "url": str, "kind": str, "title": str, "start": str, "end": str,
         "day": str, "state": str, "organe_id": str, "place": str, "session": str, "report_ref": str,
         "agenda": str, "points": str, "dossiers": str, "followed": int, "relevant": int,
         "matched": str, "content_hash": str, "first_seen": str, "updated_at": str},
        pk="id",
    )
    for column in ("day", "start", "organe_id", "relevant", "followed", "state"):
        db.table("agenda_items").create_index([column])
    db.create_view("upcoming_agenda", """
        SELECT i.id, i.day, i.start, i."end", i.kind, i.state, i.title, i.place, i.organe_id,
               o.name AS organe_name, o.short_name AS organe_short_name, i.agenda, i.dossiers,
               i.relevant, i.followed, i.matched, i.url, i.source
        FROM agenda_items i
        LEFT JOIN organes o ON o.id = i.organe_id
        WHERE (i.relevant = 1 OR i.followed = 1)
          AND coalesce(i.state, '') NOT IN ('Annulé', 'Supprimé')""")
