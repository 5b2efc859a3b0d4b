"""Store step of the parliamentary items, the question lifecycle, and "who held post X
at date D" over the reference data.

Design (issue 3): every question's metadata goes to the `questions` table, whatever its
subject, so its lifecycle (status, answer, days waiting) can be followed; its texts go
through `store_document` like any document, so only those about the topic are stored as
documents, with their mentions. The answer of a relevant question is stored as a linked
document even when it does not repeat the topic's name. Amendments and debate passages
are stored only when relevant. `pipelines.dispatch` maps each item type to its storer.

The action a storer returns feeds the run's counters, which are about documents: rows
that are not documents (question metadata, reference data, archive versions) count as
"irrelevant" items, so "sur le sujet" and "nouveaux" keep meaning documents on the topic.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from nlp.text import fold
from nlp.topic import TopicMatcher
from pipelines import db as database
from pipelines.match import match_document
from pipelines.normalize import matched_fields
from pipelines.store import store_document
from pipelines.transaction import write_unit
from spiders.items import CrawlState, Document
from spiders.parl_items import (
    QUESTION_RECORD_VERSION, RAW_HASH_PREFIX, AgendaItem, Amendment, DatasetVersion, DebatePassage, LegislativeDossier,
    ParliamentQuestion, ReferenceRecord, answer_deadline, is_raw_hash,
)

_ORDER = {"insert": 3, "update": 2, "noop": 1, "irrelevant": 0}
OPEN_STATUSES = ("pending", "reminded")


def _combine(*actions: str | None) -> str:
    return max((a for a in actions if a), key=_ORDER.__getitem__, default="irrelevant")


def actor_name(db: sqlite_utils.Database, actor_id: str | None) -> str | None:
    """The display name of an actor id, when the reference data knows it."""
    if not actor_id:
        return None
    row = db.conn.execute("SELECT name FROM actors WHERE id = ?", [actor_id]).fetchone()
    return row[0] if row else None


def days_waiting(published: str | None, status: str, answer_date: str | None = None,
                 closure_date: str | None = None, today: date | None = None) -> int | None:
    """Days from publication to the answer (or closure), or to `today` while open."""
    if not published:
        return None
    if status in OPEN_STATUSES:
        end = today or date.today()
    else:
        end_text = answer_date or closure_date
        if not end_text:
            return None
        end = date.fromisoformat(end_text[:10])
    return (end - date.fromisoformat(published[:10])).days


_CIVILITY = re.compile(r"^(?:m\.|mme|mlle|mr\.?)\s+", re.I)


def _name_key(name: str | None) -> str:
    """A person's name compared: a leading civility (« M. », « Mme ») dropped, folded
    (case, accents), and every run of other characters than letters and digits one space
    (« Jean-Marc » = « jean marc »)."""
    return " ".join(re.findall(r"\w+", fold(_CIVILITY.sub("", (name or "").strip()))))


def senator_id(db: sqlite_utils.Database, name: str | None) -> str | None:
    """The actor id of the one senator (actor with `extra.chamber` "SN", from the Sénat's
    reference data) named `name`, « [Civilité] Prénom Nom » as a Sénat question gives it,
    compared by `_name_key`; None when no senator or several (homonyms: never a guess)."""
    wanted = _name_key(name)
    if not wanted:
        return None
    sql = "SELECT a.id, a.name FROM actors a WHERE json_extract(a.extra, '$.chamber') = 'SN'"
    params: list[str] = []
    if "actors_fts" in db.table_names():  # the name's words narrow the candidates
        sql = ("SELECT a.id, a.name FROM actors a JOIN actors_fts f ON f.rowid = a.rowid"
               " WHERE actors_fts MATCH ? AND json_extract(a.extra, '$.chamber') = 'SN'")
        params = [" ".join(f'"{word}"' for word in wanted.split())]
    found = {row[0] for row in db.conn.execute(sql, params) if _name_key(row[1]) == wanted}
    return found.pop() if len(found) == 1 else None


def link_senat_authors(db: sqlite_utils.Database) -> int:
    """Give Sénat questions stored before the senators' reference data (or before a
    senator's row) the author id `store_question` would give them now; return how many
    were linked. One transaction; questions that still match nobody, or several senators,
    stay empty."""
    tables = set(db.table_names())
    if not {"questions", "actors"} <= tables:
        return 0
    unlinked = db.execute("SELECT id, author_name FROM questions WHERE chamber = 'Sénat'"
                          " AND coalesce(author_id, '') = '' AND coalesce(author_name, '') != ''").fetchall()
    if not unlinked:
        return 0
    links = [(actor, question) for question, name in unlinked if (actor := senator_id(db, name))]
    if links:
        with write_unit(db):
            db.conn.executemany("UPDATE questions SET author_id = ? WHERE id = ?", links)
    return len(links)


# ------------------------------------------------------------------ storers
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _row(item: Any, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """The item's fields as its `to_dict` gives them (datetimes as ISO strings), less
    "item_type" and `leave_out`, without copying its lists and dicts: `upsert_record` only
    reads them (it stores them as JSON)."""
    names = _FIELD_NAMES.get(type(item))
    if names is None:
        names = _FIELD_NAMES[type(item)] = tuple(f.name for f in dataclasses.fields(item))
    row = {name: getattr(item, name) for name in names if name not in leave_out}
    for name in item._datetimes:
        if name in row:
            row[name] = row[name].isoformat() if row[name] else None
    return row


def store_question(db: sqlite_utils.Database, matcher: TopicMatcher, item: ParliamentQuestion) -> str:
    """Store a question's metadata row and its relevant texts; return the action on the
    documents ("irrelevant" when neither the question nor its answer is on topic). A Sénat
    question without `author_id` gets the id of the one senator of its author's name
    (`senator_id`), when the reference data holds exactly one; else it stays empty."""
    question, answer = item.documents()
    author_id = item.author_id or (senator_id(db, item.author_name) if item.chamber == "Sénat" else None)
    if _new_and_off_topic(db, matcher, question, answer):
        # Most questions of a back-fill: what `store_document` would find for both texts,
        # without normalising what matching does not read; only the metadata row is written.
        write_question_row(db, _question_row(item, author_id, False, False))
        return "irrelevant"
    question.author = question.author or actor_name(db, author_id) or ""
    q_action = store_document(db, matcher, question)
    relevant = q_action != "irrelevant"
    a_action = store_document(db, matcher, answer, keep_irrelevant=relevant) if answer else None
    if a_action not in (None, "irrelevant") and not relevant:
        q_action, relevant = store_document(db, matcher, question, keep_irrelevant=True), True
    answer_stored = a_action not in (None, "irrelevant")
    database.upsert_record(db, "questions", _question_row(item, author_id, relevant, answer_stored))
    return _combine(q_action, a_action)


def _question_row(item: ParliamentQuestion, author_id: str | None, relevant: bool, answer_stored: bool) -> dict[str, Any]:
    """The `questions` row of a question (its documents stored or not)."""
    row = _row(item, ("uid",))
    row.update(id=item.uid, author_id=author_id, document_id=item.uid if relevant else None,
               answer_deadline=item.answer_deadline or answer_deadline(item.kind, item.published),
               answer_document_id=item.answer_id if answer_stored else None,
               days_to_answer=None if item.status in OPEN_STATUSES else days_waiting(
                   item.published, item.status, item.answer_date, item.closure_date))
    return row


# What `json.dumps(v, ensure_ascii=False, sort_keys=True)` and `json.dumps(v, ensure_ascii=False,
# default=str)` give (json.dumps builds these encoders at every call).
_SORTED_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_HASHED_JSON = json.JSONEncoder(ensure_ascii=False, default=str).encode
# The ON CONFLICT clause of each set of columns: an update rewrites all but `id` and `first_seen`.
_CONFLICTS: dict[tuple[str, ...], str] = {}


def write_question_row(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    """Insert or update a question's metadata row in one statement, its stored row never
    read: an update happens only when `question_hash` differs from the stored one, and keeps
    `first_seen`. Lists and dicts are stored as `upsert_record` stores them (sorted JSON).
    Outside a transaction, the statement is a unit of its own (`write_unit`)."""
    stamp = database.now_iso()
    values = {k: _SORTED_JSON(v) if isinstance(v, (dict, list)) else v for k, v in row.items()}
    values.update(content_hash=question_hash(values), first_seen=stamp, updated_at=stamp)
    columns = tuple(values)
    conflict = _CONFLICTS.get(columns)
    if conflict is None:
        update = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c not in ("id", "first_seen"))
        conflict = _CONFLICTS[columns] = (f"ON CONFLICT ([id]) DO UPDATE SET {update}"
                                          " WHERE [questions].[content_hash] IS NOT excluded.[content_hash]")
    if db.conn.in_transaction:  # a write batch, a storer's unit: one statement, applied whole or not at all
        database.insert_rows(db, "questions", [values], conflict=conflict)
        return
    with write_unit(db):
        database.insert_rows(db, "questions", [values], conflict=conflict)


def question_hash(row: dict[str, Any]) -> str:
    """The `content_hash` of a question row (less its stamps). For a question read from an AN
    archive, whose row is a function of its member's bytes (`source_hash`, a `raw_hash`) and
    of the parser (`QUESTION_RECORD_VERSION`), it is derived from those and from the columns
    the store adds, without hashing the texts again; for any other, the hash of every column
    `upsert_record` computes."""
    source_hash = row.get("source_hash")
    if is_raw_hash(source_hash):
        added = [row.get(name) for name in _ADDED_COLUMNS]
        payload = _HASHED_JSON([QUESTION_RECORD_VERSION, source_hash, *added])
        return RAW_HASH_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return database.row_hash(row)


# The columns of a question row that its archive member does not give: its source's name,
# what the store looks up or links, the lifecycle figures computed from its dates.
_ADDED_COLUMNS = ("id", "source", "author_id", "document_id", "answer_document_id", "answer_deadline",
                  "days_to_answer")


def _new_and_off_topic(db: sqlite_utils.Database, matcher: TopicMatcher, *docs: Document | None) -> bool:
    """True when `store_document(db, matcher, doc)` would return "irrelevant" at once for
    each of `docs` (None: no document), reading and writing nothing else: documents under an
    id of their own (`keep_id`), none stored yet (one look-up), whose titles and texts,
    cleaned as `normalize_document` cleans them, do not name the topic. Only those two fields
    are cleaned, by `matched_fields` (not the URL, the author...)."""
    present = [doc for doc in docs if doc is not None]
    if not all(doc.id and doc.extra.get("keep_id") for doc in present):
        return False
    marks = ", ".join("?" * len(present))
    if db.conn.execute(f"SELECT 1 FROM documents WHERE id IN ({marks}) LIMIT 1", [d.id for d in present]).fetchone():
        return False
    for doc in present:
        title, text = matched_fields(doc)
        cleaned = Document(source=doc.source, url=doc.url, id=doc.id, title=title, text=text)
        if matcher.is_relevant(match_document(cleaned, matcher)):
            return False
    return True


def store_amendment(db: sqlite_utils.Database, matcher: TopicMatcher, item: Amendment) -> str:
    """Store a relevant amendment as a document plus its `amendments` row."""
    action = store_document(db, matcher, item.documents()[0])
    if action == "irrelevant":
        return action
    row = _row(item, ("uid", "title", "dispositif", "expose", "first_signatory", "notice"))
    row.update(id=item.uid, document_id=item.uid, commission_text=int(item.commission_text))
    return _combine(action, database.upsert_record(db, "amendments", row))


def store_passage(db: sqlite_utils.Database, matcher: TopicMatcher, item: DebatePassage) -> str:
    """Store a relevant debate passage as a document plus its `debate_passages` row."""
    action = store_document(db, matcher, item.documents()[0])
    if action == "irrelevant":
        return action
    row = _row(item, ("text",))
    row["document_id"] = item.id
    return _combine(action, database.upsert_record(db, "debate_passages", row))


def store_agenda(db: sqlite_utils.Database, matcher: TopicMatcher, item: AgendaItem) -> str:
    """Upsert one agenda row, every réunion whatever its subject, with `relevant` (its
    agenda names the topic: a strong mention) and the terms matched. Not a document: counted
    as off-topic."""
    mentions = matcher.find(item.text())
    row = _row(item, ("uid",))
    row.update(id=item.uid, followed=int(item.followed), relevant=int(matcher.is_relevant(mentions)),
               matched=sorted({m.matched for m in mentions if m.strength == "strong"}))
    database.upsert_record(db, "agenda_items", row)
    return "irrelevant"


def store_dossier(db: sqlite_utils.Database, matcher: TopicMatcher, item: LegislativeDossier) -> str:
    """Store a dossier on the topic (its title names it) or followed: its document (kind
    "dossier"), its `dossiers` row and one `dossier_stages` row per act of its journey;
    other dossiers are not kept. Unchanged rows are not rewritten."""
    action = store_document(db, matcher, item.documents()[0], keep_irrelevant=item.followed)
    if action == "irrelevant":
        return action
    relevant = matcher.is_relevant(matcher.find(f"{item.title}\n{item.procedure}"))
    row = _row(item, ("uid", "stages"))
    row.update(id=item.uid, followed=int(item.followed), relevant=int(relevant), document_id=item.uid,
               stages_count=len(item.stages))
    row_action = database.upsert_record(db, "dossiers", row)
    for stage in item.stages:
        stage_row = dict(stage, id=f"{item.uid}/{stage.get('uid') or stage['position']}", dossier_id=item.uid)
        database.upsert_record(db, "dossier_stages", stage_row)
    return _combine(action, row_action)  # the run's counters are about documents, not stage rows


def store_reference(db: sqlite_utils.Database, matcher: TopicMatcher, item: ReferenceRecord) -> str:
    """Upsert one actor, organe or mandate row (not a document: counted as off-topic)."""
    if item.table not in ("actors", "organes", "mandates"):
        raise ValueError(f"table de référence inconnue : {item.table}")
    database.upsert_record(db, item.table, dict(item.record))
    return "irrelevant"


def store_dataset_version(db: sqlite_utils.Database, matcher: TopicMatcher, item: DatasetVersion) -> str:
    """Remember the archive version fully read (bookkeeping, not counted as a document)."""
    row = _row(item)
    database.upsert_record(db, "datasets", row, pk="url")
    return "irrelevant"


def crawl_state(db: sqlite_utils.Database, sources: list[str]) -> CrawlState:
    """What earlier runs left that the spiders of `sources` need: the archive versions
    already read (by URL) and the hashes of the questions already stored (by source)."""
    datasets = {r["url"]: r for r in db.query("SELECT * FROM datasets")}
    hashes: dict[str, dict[str, str]] = {name: {} for name in sources}
    if sources:
        marks = ", ".join("?" for _ in sources)
        for row in db.query(f"SELECT source, id, source_hash FROM questions WHERE source IN ({marks})", sources):
            hashes[row["source"]][row["id"]] = row["source_hash"]
    return CrawlState(datasets=datasets, question_hashes=hashes)


# ------------------------------------------------------------------ who held a post
_STOP = {"le", "la", "les", "l", "de", "du", "des", "d", "et", "a", "au", "aux", "en", "charge",
         "chargee", "aupres"}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w and w not in _STOP]


# Roles that are government posts. AMO ministry mandates also hold deputies « en mission »
# auprès d'un ministre (75 of 149 real ministry mandates) and GOUVERNEMENT "membre" rows:
# neither holds the post.
GOVERNMENT_POSTS = ("premier ministre", "ministre", "secretaire d'etat")


def is_government_post(role: str | None) -> bool:
    """True for Premier ministre, ministre (d'État, délégué…), secrétaire d'État."""
    folded = fold((role or "").replace("’", "'")).strip()
    return any(folded == post or folded.startswith(post + " ") for post in GOVERNMENT_POSTS)


def reference_freshness(db: sqlite_utils.Database, sources: list[str] | tuple[str, ...] = ()) -> str | None:
    """What the reference data is « à jour au »: the latest date its mandates know (a start,
    an end or a publication), or the day the archive of one of `sources` was published
    (`Last-Modified`, else the day it was read) when that is later. A snapshot's mandates
    may stop long before its organes: `who_answer` also checks the government in force."""
    row = db.execute(
        "SELECT max(max(coalesce(start, '')), max(coalesce(\"end\", '')),"
        " max(coalesce(json_extract(extra, '$.published'), ''))) FROM mandates").fetchone()
    days = [row[0]] if row and row[0] else []
    if not days:
        return None
    if sources and "datasets" in db.table_names():
        marks = ", ".join("?" for _ in sources)
        for version in db.query(f"SELECT last_modified, updated_at FROM datasets WHERE source IN ({marks})", list(sources)):
            days.append(_http_day(version["last_modified"]) or (version["updated_at"] or "")[:10])
    return max(d for d in days if d)


def _http_day(value: str | None) -> str | None:
    """An HTTP date ("Mon, 16 Feb 2026 06:00:00 GMT") as YYYY-MM-DD, or None."""
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).date().isoformat() if value else None
    except (TypeError, ValueError):
        return None


def government_on(db: sqlite_utils.Database, on: str) -> dict[str, Any] | None:
    """The government organe in force on a date: the latest one begun by then and not ended
    (the AN data leaves a former government's end empty, ATTAL after 2024-09)."""
    return next(db.query(
        "SELECT * FROM organes WHERE kind = 'GOUVERNEMENT' AND coalesce(start, '0000') <= ?"
        " AND (\"end\" IS NULL OR \"end\" >= ?) ORDER BY start DESC LIMIT 1", [on, on]), None)


@dataclass
class WhoAnswer:
    """Holders of a post on a date, or why the reference data cannot say (`unknown`, French)."""

    holders: list[dict[str, Any]]
    freshness: str | None = None
    government: dict[str, Any] | None = None
    unknown: str | None = None


def who_answer(db: sqlite_utils.Database, post: str, on: str, sources: list[str] | tuple[str, ...] = ()) -> WhoAnswer:
    """Who held a government post on a date, honestly: nobody « en mission », and no answer
    when the reference data stops before the date (« référentiel à jour au … ») or when the
    government in force that day has no mandate in the data (a stale snapshot would
    otherwise answer the last holder it knows). `sources`: the reference sources whose
    archive dates count for freshness."""
    freshness = reference_freshness(db, sources)
    government = government_on(db, on)
    if freshness is None:
        return WhoAnswer([], None, government, "référentiel vide, aucune fonction connue")
    if on > freshness[:10]:
        return WhoAnswer([], freshness, government,
                         f"référentiel à jour au {_french_day(freshness)}, aucune fonction connue à cette date")
    holders = who_held(db, post, on)
    if government is not None:
        parents = _parents(db, {row["organe_id"] for row in holders if row["organe_id"]})
        holders = [row for row in holders if _belongs(row, parents, government["id"]) is not False]
        if not holders and not _government_mandates(db, government["id"], on):
            return WhoAnswer([], freshness, government,
                             f"référentiel à jour au {_french_day(freshness)} : aucun mandat connu dans le "
                             f"gouvernement {government.get('short_name') or government['name']} (depuis le "
                             f"{_french_day(government['start'])}), aucune fonction connue à cette date")
    if not holders:
        return WhoAnswer([], freshness, government, "aucune fonction connue à cette date")
    return WhoAnswer(holders, freshness, government)


def _parents(db: sqlite_utils.Database, organe_ids: set[str]) -> dict[str, str | None]:
    if not organe_ids:
        return {}
    marks = ", ".join("?" for _ in organe_ids)
    return {row["id"]: row["parent"] for row in db.query(
        f"SELECT id, json_extract(extra, '$.parent') AS parent FROM organes WHERE id IN ({marks})", sorted(organe_ids))}


def _belongs(row: dict[str, Any], parents: dict[str, str | None], government_id: str) -> bool | None:
    """Whether a mandate belongs to the government: its organe is the government or a
    ministry of it (True), of another government (False), or a ministry without a known
    parent (None: kept)."""
    if row["organe_id"] == government_id:
        return True
    if row["organe_kind"] == "GOUVERNEMENT":
        return False
    parent = parents.get(row["organe_id"])
    return None if parent is None else parent == government_id


def _government_mandates(db: sqlite_utils.Database, government_id: str, on: str) -> list[dict[str, Any]]:
    """Mandates in force on `on` whose organe is the government or one of its ministries."""
    return list(db.query(
        "SELECT m.id FROM mandates m LEFT JOIN organes o ON o.id = m.organe_id"
        " WHERE (m.organe_id = ? OR json_extract(o.extra, '$.parent') = ?)"
        " AND coalesce(m.start, '0000') <= ? AND (m.\"end\" IS NULL OR m.\"end\" >= ?)",
        [government_id, government_id, on, on]))


def _french_day(day: str | None) -> str:
    return date.fromisoformat(day[:10]).strftime("%d/%m/%Y") if day else "?"


def who_held(db: sqlite_utils.Database, post: str, on: str) -> list[dict[str, Any]]:
    """Holders of a government post on a date (ISO), best match first.

    `post` is free text ("Premier ministre", "ministre de la santé"): a mandate matches
    when every significant word of the post (accents and case ignored, word prefixes
    accepted) appears in its role label followed by its organe's name. Among matches, a
    role that is exactly the post's first words ranks first (a "Ministre" before a
    "Ministre délégué"). Only government posts count (`is_government_post`: never a deputy
    « en mission » nor a "membre" row). Titles come from the data only; `who_answer` adds
    the freshness checks."""
    wanted = _words(post)
    if not wanted:
        return []
    rows = db.query(
        "SELECT * FROM mandate_holders WHERE organe_kind IN ('GOUVERNEMENT', 'MINISTERE')"
        " AND coalesce(start, '0000') <= ? AND (\"end\" IS NULL OR \"end\" >= ?)", [on, on])
    found = []
    for row in rows:
        if not is_government_post(row["role"]):
            continue
        role_words = _words(row["role"] or "")
        label = role_words + _words(row["organe_name"] or "")
        if not all(any(w.startswith(x) for w in label) for x in wanted):
            continue
        exact = role_words == wanted[:len(role_words)] and bool(role_words)
        found.append((0 if exact else 1, len(role_words), row))
    found.sort(key=lambda t: (t[0], -t[1], t[2]["start"] or ""))
    return [row for *_, row in found]
