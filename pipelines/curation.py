"""Staff curation of the commitments ledger: the decisions, in their own SQLite file.

The machine proposes, the person decides. A decision (confirm or reject a statement,
correct its kind, actor, amount or deadline, move it to another thread or split it off,
merge two threads, set a thread's status with a reason, leave a note or an owner, mark a
document as not relevant, undo a decision) is one row appended to `curations` in the
curation file: who, when, what, the value before and after. Nothing is ever updated in
place, so the table is the audit log.

The file is `curation.db` next to the database (or $VEILLE_CURATION_DB), never the database
itself: the published database stays read-only for the site, `veille tag --all` and a
rebuild from the raw files never touch it, and the ledger (`pipelines.ledger`) re-applies
every decision after each annotation. Decisions name statements by their stable key
(document id + hash of the sentence) and threads by their id plus the key of their founding
statement, so they find their target again after a rebuild.

A missing file is an empty log; a locked or unreadable one raises `CurationUnavailable`
(the nightly goes on, the site says curation is unavailable). A decision naming a statement,
thread, actor or document that does not exist is refused with a French message
(`CurationError`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from pipelines.labels import COMMITMENT_LABELS, THREAD_STATUS_LABELS
from pipelines.migrations import migrate_curation
from pipelines.transaction import write_unit

CURATION_ENV = "VEILLE_CURATION_DB"
CURATION_FILE = "curation.db"
STATEMENT_ACTIONS = ("confirm", "reject", "correct", "move", "split")
THREAD_ACTIONS = ("merge", "status", "note", "owner")
ACTIONS = STATEMENT_ACTIONS + THREAD_ACTIONS + ("irrelevant", "undo")
CORRECTABLE = ("kind", "actor_id", "amount_eur", "deadline")


class CurationError(ValueError):
    """A decision that cannot be recorded (unknown target, unreadable value): a French message."""


class CurationUnavailable(RuntimeError):
    """The curation file is locked or unreadable."""


def curation_path(database: Path | str) -> Path:
    """The curation file of a database: $VEILLE_CURATION_DB, else `curation.db` beside it."""
    chosen = os.environ.get(CURATION_ENV)
    return Path(chosen) if chosen else Path(database).resolve().parent / CURATION_FILE


def open_curation(path: Path, timeout: float = 2.0) -> sqlite_utils.Database:
    """Open (creating and migrating if needed) a curation file; `CurationUnavailable` when
    it is locked for longer than `timeout` seconds or is not a SQLite file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=timeout))
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        db.execute("PRAGMA journal_mode = WAL")
        migrate_curation(db)
        return db
    except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as exc:
        raise CurationUnavailable(f"fichier des corrections {path} indisponible ({exc})") from exc


def read_curations(path: Path | None, timeout: float = 2.0) -> list[dict[str, Any]]:
    """Every decision of the curation file, oldest first ([] when the file does not exist)."""
    if path is None or not Path(path).exists():
        return []
    db = open_curation(Path(path), timeout)
    try:
        return list(db.query("SELECT * FROM curations ORDER BY id"))
    except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
        raise CurationUnavailable(f"fichier des corrections {path} illisible ({exc})") from exc
    finally:
        db.close()


def unavailable(path: Path) -> str | None:
    """None when the curation file can be written, else the French reason why not."""
    try:
        open_curation(path).close()
        return None
    except CurationUnavailable as exc:
        return str(exc)


def split_thread_id(statement_key: str) -> str:
    """The id of the thread a statement split off from its thread starts."""
    return "eng-" + hashlib.sha1(("split:" + statement_key).encode("utf-8")).hexdigest()[:12]


# ------------------------------------------------------------------ reading values typed by staff
_MULTIPLIERS = {"k": 1e3, "millier": 1e3, "milliers": 1e3, "m": 1e6, "million": 1e6, "millions": 1e6,
                "md": 1e9, "mds": 1e9, "milliard": 1e9, "milliards": 1e9}
_AMOUNT = re.compile(r"^(?P<number>\d+(?:[.,]\d+)?)(?P<unit>[a-z]*)$")


def parse_amount(text: str) -> float | None:
    """"14 000 000", "14 000 000 €", "1,5 million", "2 M€" → euros; "" → None (no amount)."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", (text or "").casefold())
    for word in ("€", "d'euros", "d’euros", "euros", "eur"):
        cleaned = cleaned.replace(word, "")
    if not cleaned:
        return None
    match = _AMOUNT.match(cleaned)
    if not match or (match["unit"] and match["unit"] not in _MULTIPLIERS):
        raise CurationError(f"Montant illisible : « {text} » (exemples : 14 000 000, 1,5 million, 2 M€).")
    return float(match["number"].replace(",", ".")) * _MULTIPLIERS.get(match["unit"], 1.0)


def parse_deadline(text: str) -> dict[str, str | None]:
    """"2026-12-31" or "31/12/2026" (day), "2026-12" or "12/2026" (month), "2026" (year);
    "" → no deadline."""
    value = (text or "").strip()
    if not value:
        return {"deadline": None, "deadline_precision": None}
    patterns = ((r"(\d{4})-(\d{2})-(\d{2})", "ymd"), (r"(\d{1,2})/(\d{1,2})/(\d{4})", "dmy"),
                (r"(\d{4})-(\d{2})", "ym"), (r"(\d{1,2})/(\d{4})", "my"), (r"(\d{4})", "y"))
    for pattern, form in patterns:
        match = re.fullmatch(pattern, value)
        if not match:
            continue
        parts = [int(p) for p in match.groups()]
        try:
            if form in ("ymd", "dmy"):
                year, month, day = parts if form == "ymd" else parts[::-1]
                return {"deadline": datetime(year, month, day).date().isoformat(), "deadline_precision": "day"}
            if form in ("ym", "my"):
                year, month = parts if form == "ym" else parts[::-1]
                following = datetime(year + month // 12, month % 12 + 1, 1)
                last = datetime.fromordinal(following.toordinal() - 1)
                return {"deadline": last.date().isoformat(), "deadline_precision": "month"}
            return {"deadline": f"{parts[0]}-12-31", "deadline_precision": "year"}
        except ValueError:
            break
    raise CurationError(f"Échéance illisible : « {text} » (exemples : 2026-12-31, 31/12/2026, 2026-12, 2026).")


def _code(value: str, labels: dict[str, str], what: str) -> str:
    value = (value or "").strip()
    for code, label in labels.items():
        if value in (code, label):
            return code
    raise CurationError(f"{what} inconnu : « {value} » (valeurs possibles : {', '.join(labels.values())}).")


# ------------------------------------------------------------------ recording a decision
def _read_only(database: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{Path(database).resolve()}?mode=ro", uri=True, timeout=5)
    conn.row_factory = sqlite3.Row
    return conn


def _one(conn: sqlite3.Connection, sql: str, params: list[Any]) -> dict[str, Any] | None:
    row = conn.execute(sql, params).fetchone()
    return dict(row) if row else None


def _statement(conn: sqlite3.Connection, target: str) -> dict[str, Any]:
    row = _one(conn, "SELECT * FROM commitment_statements WHERE statement_key = ? OR commitment_id = ?"
                     " ORDER BY role = 'rejected' LIMIT 1", [target, target])
    if not row:
        raise CurationError(f"Déclaration inconnue : « {target} ».")
    return row


def _thread(conn: sqlite3.Connection, target: str) -> dict[str, Any]:
    row = _one(conn, "SELECT * FROM commitment_threads WHERE id = ?", [target])
    if not row:
        raise CurationError(f"Engagement (fil) inconnu : « {target} ».")
    return row


def _actor(conn: sqlite3.Connection, value: str) -> str:
    value = (value or "").strip()
    row = _one(conn, "SELECT id FROM actors WHERE id = ? OR lower(name) = lower(?) ORDER BY id = ? DESC LIMIT 1",
               [value, value, value])
    if not row:
        raise CurationError(f"Acteur inconnu : « {value} » (donnez l'identifiant ou le nom exact d'un acteur de la base).")
    return row["id"]


def prepare(database: Path, action: str, target: str, field: str | None = None, value: str | None = None,
            note: str | None = None) -> dict[str, Any]:
    """Check a decision against the database and return the row to record (without its id,
    author and date); `CurationError` when it names nothing that exists or is unreadable."""
    if action not in ACTIONS:
        raise CurationError(f"Action inconnue : « {action} ».")
    target = (target or "").strip()
    note = (note or "").strip() or None
    row: dict[str, Any] = {"action": action, "target": target, "field": None, "value": None, "before": None,
                           "note": note, "anchor": None, "document_id": None, "text": None}
    conn = _read_only(database)
    try:
        if action in STATEMENT_ACTIONS:
            s = _statement(conn, target)
            row.update(target_kind="statement", target=s["statement_key"], anchor=s["commitment_id"],
                       document_id=s["document_id"], text=s["text"])
            if action in ("confirm", "reject"):
                row["value"] = {"thread": s["thread_id"]}
                row["before"] = s["decision"]
            elif action == "correct":
                if field not in CORRECTABLE:
                    raise CurationError(f"Champ non corrigeable : « {field} » (possibles : type, acteur, montant, échéance).")
                row["field"] = field
                if field == "amount_eur":
                    row["value"], row["before"] = parse_amount(value or ""), s["amount_eur"]
                elif field == "deadline":
                    row["value"] = parse_deadline(value or "")
                    row["before"] = {"deadline": s["deadline"], "deadline_precision": s["deadline_precision"]}
                elif field == "actor_id":
                    row["value"], row["before"] = _actor(conn, value or ""), s["actor_id"]
                else:
                    row["value"], row["before"] = _code(value or "", COMMITMENT_LABELS, "Type"), s["kind"]
            elif action == "move":
                destination = _thread(conn, (value or "").strip())
                if destination["id"] == s["thread_id"]:
                    raise CurationError("La déclaration est déjà dans cet engagement.")
                row["value"], row["before"] = destination["id"], s["thread_id"]
            else:
                row["value"], row["before"] = split_thread_id(s["statement_key"]), s["thread_id"]
        elif action in THREAD_ACTIONS:
            t = _thread(conn, target)
            row.update(target_kind="thread", anchor=t["founder_key"])
            if action == "merge":
                into = _thread(conn, (value or "").strip())
                if into["id"] == t["id"]:
                    raise CurationError("Un engagement ne peut pas être fusionné avec lui-même.")
                row["value"] = into["id"]
            elif action == "status":
                row["value"], row["before"] = _code(value or "", THREAD_STATUS_LABELS, "Statut"), t["status"]
                if not note:
                    raise CurationError("Indiquez en une phrase la raison de ce statut.")
            else:
                text = (value or "").strip()
                if action == "note" and not text:
                    raise CurationError("La note est vide.")
                row["value"], row["before"] = text or None, t[action]
        elif action == "irrelevant":
            if not _one(conn, "SELECT id FROM documents WHERE id = ?", [target]):
                raise CurationError(f"Document inconnu : « {target} ».")
            row.update(target_kind="document", document_id=target)
        else:
            row["target_kind"] = "curation"
    except sqlite3.OperationalError as exc:
        raise CurationError(f"Base illisible ({exc}) : lancez « veille tag » pour créer le registre.") from exc
    finally:
        conn.close()
    return row


def record(curation_file: Path, row: dict[str, Any], author: str) -> dict[str, Any]:
    """Append a prepared decision to the curation file; return it with its id and date."""
    db = open_curation(curation_file)
    try:
        with write_unit(db):
            if row["action"] == "undo" and not db.table("curations").count_where(
                    "id = ? AND action != 'undo'", [int(row["target"]) if row["target"].isdigit() else -1]):
                raise CurationError(f"Décision inconnue : « {row['target']} ».")
            stored = {**row, "author": author, "active": 1,
                      "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                      "value": None if row["value"] is None else json.dumps(row["value"], ensure_ascii=False, sort_keys=True),
                      "before": None if row["before"] is None else json.dumps(row["before"], ensure_ascii=False, sort_keys=True)}
            stored["id"] = db.table("curations").insert(stored).last_pk
        return stored
    except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
        raise CurationUnavailable(f"fichier des corrections {curation_file} indisponible ({exc})") from exc
    finally:
        db.close()


# ------------------------------------------------------------------ feedback into the rules
def suggestions(db: sqlite_utils.Database, curation_file: Path) -> dict[str, list[dict[str, Any]]]:
    """What the decisions suggest for the next release: the rejected statements and the
    documents marked not relevant (candidate exclusions), and dev-set items (the format of
    tests/fixtures/nlp/devset.jsonl) for the rejected and corrected statements."""
    rows = read_curations(curation_file)
    undone = {r["target"] for r in rows if r["action"] == "undo"}
    rows = [r for r in rows if str(r["id"]) not in undone]
    statements = {r["statement_key"]: r for r in db.query("SELECT * FROM commitment_statements")} \
        if "commitment_statements" in db.table_names() else {}
    rejected: dict[str, dict[str, Any]] = {}
    corrected: dict[str, dict[str, Any]] = {}
    irrelevant: list[str] = []
    for r in rows:
        if r["target_kind"] == "statement" and r["action"] in ("reject", "confirm"):
            rejected.pop(r["target"], None)
            if r["action"] == "reject":
                rejected[r["target"]] = {"document_id": r["document_id"], "text": r["text"], "note": r["note"],
                                         "id": r["id"]}
        elif r["target_kind"] == "statement" and r["action"] == "correct":
            corrected.setdefault(r["target"], {"document_id": r["document_id"], "text": r["text"], "id": r["id"],
                                               "fields": {}})["fields"][r["field"]] = json.loads(r["value"]) if r["value"] else None
        elif r["action"] == "irrelevant" and r["target"] not in irrelevant:
            irrelevant.append(r["target"])
    documents = [dict(d) for d in db.query(
        f"SELECT id, title, published FROM documents WHERE id IN ({', '.join('?' for _ in irrelevant)})", irrelevant)
    ] if irrelevant else []
    published = {d["id"]: d["published"] for d in db.query("SELECT id, published FROM documents")}
    devset = []
    for key, r in rejected.items():
        devset.append({"id": f"curation-{r['id']}", "date": (published.get(r["document_id"]) or "")[:10],
                       "source": f"curation:{r['document_id']}", "text": r["text"], "topic": [], "actors": [],
                       "commitments": []})
    for key, r in corrected.items():
        if key in rejected:
            continue
        current = statements.get(key, {})
        fields = r["fields"]
        deadline = fields.get("deadline") or {}
        devset.append({"id": f"curation-{r['id']}", "date": (published.get(r["document_id"]) or "")[:10],
                       "source": f"curation:{r['document_id']}", "text": r["text"], "topic": [], "actors": [],
                       "commitments": [{"kind": fields.get("kind", current.get("kind")),
                                        "actor": fields.get("actor_id", current.get("actor_id")),
                                        "amount": fields.get("amount_eur", current.get("amount_eur")),
                                        "deadline": deadline.get("deadline") if "deadline" in fields else current.get("deadline")}]})
    return {"rejected": list(rejected.values()), "documents": documents, "devset": devset}
