"""The commitments ledger: one promise across many sources, a status that follows the evidence.

`rebuild(db)` reads the statements of `commitments` (one row per sentence), applies the
staff's decisions kept in the curation file (`pipelines.curation`), groups the statements
that report the same promise into threads and computes each thread's status from dated
evidence. It writes `commitment_threads`, `commitment_statements`, `commitment_events` and
`curation_log` (schema: `pipelines.schema_ledger`), changing only the rows that differ.

Grouping (deterministic, in date order): two statements report the same promise when they
are of the same family (promise = commitment or announcement; demand; refusal), about the
same object (the rules of `OBJECTS`, else the same sentence), by the same institution (an
actor holding a government post, a ministry, the ARS… are all the State; an object only the
State can decide, such as the funding of the experiment, is the State's promise whoever
reports it; a statement without actor joins the best matching thread), with compatible
amounts (equal within 1 %) and deadlines (their periods overlap, so « fin 2026 » and « 31
décembre 2026 » agree).

A thread's id is `eng-` + a hash of its founding statement (the earliest), and a thread keeps
the id it had while its founding statement stays in it, so new evidence never renames it.

Status, from dated evidence (`evidence_events`): `announced` at the first statement;
`in_progress` when a later document reports it under way (« confirme », « a été lancé »);
`kept` when a later document reports it done (« a été versé », « ont été maintenus »,
an arrêté, a budget line); `denied` (« dément »); `abandoned` when the same institution later
announces the opposite (the end of the experiment, then the funding maintained); `replaced`
by a later promise of the same institution on the same object with another deadline or
amount; then, by the calendar, `due_soon` (deadline within 30 days) and `late` (deadline
passed with no evidence). A status set by staff wins. Each change is an event with its date
and document and a French sentence.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import sqlite_utils

from pipelines import curation as curation_store
from pipelines.labels import (
    INSTITUTION_LABELS, KIND_LABELS, french_amount, french_date, french_month, plural,
)
from pipelines.transaction import write_unit

log = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
STATE = "state"
DUE_SOON_DAYS = 30
PROMISE_KINDS = ("commitment", "announcement")
TERMINAL = ("kept", "abandoned", "denied", "replaced")
# Actors that are the State whatever the date (the NLP's role ids are ministry posts).
STATE_ACTORS = {"org:ars", "org:dgos", "org:dss", "org:igas", "org:gouvernement", "org:ministere_sante"}
STATE_ORGANE_KINDS = {"GOUVERNEMENT", "MINISTERE"}


@dataclass(frozen=True)
class ObjectRule:
    """What a promise is about: a key, its French phrase, the words that name it, the
    institution that alone can make it, the object that reverses it, and whether it is a
    promise to keep something going until the deadline (kept only once the deadline is near)."""

    key: str
    phrase: str
    pattern: re.Pattern
    owner: str | None = None
    opposite: str | None = None
    lasting: bool = False


def _rule(key: str, phrase: str, pattern: str, **options: Any) -> ObjectRule:
    return ObjectRule(key, phrase, re.compile(pattern, re.I), **options)


# In order: the first rule that matches a sentence gives its object (the funding maintained
# before the end of the experiment: « le maintien du financement, dont l'arrêt était prévu »).
OBJECTS = (
    _rule("funding_maintained", "maintien du financement des SEC-Pa",
          r"\bmaint\w*\b[^.;]{0,60}?\bfinancements?\b|\bfinancements?\b[^.;]{0,60}\bmaintenus?\b|"
          r"continueront d['’]être financ|\bprolong\w*\s+(le\s+|du\s+)?financement|\bfinancements?\s+(prolongé|reconduit)",
          owner=STATE, opposite="end_of_experiment", lasting=True),
    _rule("end_of_experiment", "fin de l'expérimentation et de son financement",
          r"\bfin (de|à) l['’]expérimentation|\bmettre fin\b|\bmet fin\b|\barrêt\b|s['’]arrêter|"
          r"ne plus (le |les )?financer|\bfin des financements?\b",
          owner=STATE, opposite="funding_maintained"),
    _rule("working_group", "installation d'un groupe de travail", r"\bgroupe de travail\b"),
    _rule("report", "remise d'un rapport", r"(?<!par )\brapport\b"),
    _rule("common_law", "inscription du modèle dans le droit commun", r"\bdroit commun\b|\bpérenn\w*|\bgénéralis\w*"),
    _rule("moratorium", "moratoire", r"\bmoratoire\b"),
    _rule("consultation", "ouverture d'une concertation", r"\bconcertation\b"),
    _rule("specifications", "publication du cahier des charges", r"\bcahier des charges\b"),
    _rule("regional_fund", "mobilisation du fonds d'intervention régional", r"fonds d['’]intervention régional|\bFIR\b"),
)
RULES = {r.key: r for r in OBJECTS}

# Evidence read in later documents' sentences (never in a demand's sentence).
PROGRESS = re.compile(r"\bconfirm(e|ent|é|ée|és|ées)\b|\b(a|ont) (été )?(commencé|lancé|engagé)e?s?\b|"
                      r"\bs['’]est réuni|\bse sont réunis\b|\bpremière réunion\b|\bmise? en (œuvre|place)\b|"
                      r"\best en cours\b", re.I)
DELIVERY = re.compile(r"\b(a|ont) été (versé|maintenu|publié|installé|remis|signé|inscrit|adopté|voté)e?s?\b|"
                      r"\barrêté (du|n°)|\b(publié|paru)e?s? au journal officiel\b|\bcrédits? (ont été |sont )?inscrits?\b|"
                      r"\bligne budgétaire\b", re.I)
DENIAL = re.compile(r"\bdément\w*|\bdémenti\w*|\bn['’]a jamais été (question|annoncé|prévu)|"
                    r"\bcontrairement à ce qui (a|avait) été annoncé|\baucune décision n['’]a été prise", re.I)
DEMANDING = re.compile(r"\bdemand\w*|\bappel\w*\s+à\b|\bréclam\w*|\bsouhait\w*|\bexig\w*", re.I)
SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")
WORD = re.compile(r"\w+")


# ------------------------------------------------------------------ small pure helpers
def statement_key(document_id: str, text: str) -> str:
    """The stable key of a statement: its document and a hash of its words (the same
    sentence found again by `veille tag --all` or a rebuild has the same key)."""
    words = " ".join(WORD.findall((text or "").casefold()))
    return f"{document_id}#{hashlib.sha1(words.encode('utf-8')).hexdigest()[:12]}"


def thread_id_for(key: str, salt: str = "") -> str:
    """`eng-` + 12 hex digits of the founding statement's key."""
    return "eng-" + hashlib.sha1((salt + key).encode("utf-8")).hexdigest()[:12]


def paris_date(published: str | None) -> str:
    """The calendar day in Paris of an ISO date or instant ("" when absent): a communiqué
    stored as 2026-02-16T23:00:00+00:00 is of 17 February."""
    if not published:
        return ""
    if len(published) <= 10:
        return published
    try:
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return published[:10]
    if moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.astimezone(PARIS).date().isoformat()


def paris_today() -> date:
    """Today in Paris."""
    return datetime.now(PARIS).date()


def deadline_period(deadline: str | None, precision: str | None) -> tuple[date, date] | None:
    """The days a deadline may mean: "2026-12-31" of precision year is all of 2026."""
    if not deadline:
        return None
    text = str(deadline)
    try:
        if len(text) == 4:
            day, precision = date(int(text), 12, 31), "year"
        elif len(text) == 7:
            year, month = (int(p) for p in text.split("-"))
            day, precision = _month_end(year, month), precision if precision in ("quarter", "year") else "month"
        else:
            day = date.fromisoformat(text[:10])
    except ValueError:
        return None
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if precision == "quarter":
        first = (day.month - 1) // 3 * 3 + 1
        return date(day.year, first, 1), _month_end(day.year, first + 2)
    if precision == "month":
        return date(day.year, day.month, 1), _month_end(day.year, day.month)
    return day, day


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def deadline_text(deadline: str | None, precision: str | None) -> str:
    """"31 décembre 2026", "mars 2026", "2026" (the deadline as precise as it was given)."""
    period = deadline_period(deadline, precision)
    if not period:
        return ""
    start, end = period
    if start == end:
        return french_date(end)
    if start.month == end.month:
        return french_month(end.isoformat()[:7])
    if start.month == 1 and end.month == 12:
        return str(end.year)
    return f"{french_month(start.isoformat()[:7])} – {french_month(end.isoformat()[:7])}"


def amounts_agree(a: float | None, b: float | None) -> bool:
    """Two amounts agree when one is missing or they differ by at most 1 %."""
    return a is None or b is None or abs(a - b) <= 0.01 * max(abs(a), abs(b))


def find_object(text: str) -> ObjectRule | None:
    """The first object rule that matches the sentence."""
    for rule in OBJECTS:
        if rule.pattern.search(text or ""):
            return rule
    return None


def sentences(text: str) -> list[str]:
    """The sentences of a text (a simple split on final punctuation and line breaks)."""
    found = []
    for line in (text or "").splitlines():
        found += [s.strip() for s in SENTENCE.findall(line) if s.strip()]
    return found


def excerpt(text: str, width: int = 160) -> str:
    """The sentence, cut at a word boundary after `width` characters."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0] + "…"


# ------------------------------------------------------------------ the statements
@dataclass
class Statement:
    """One row of `commitments` with its document, as the ledger uses it."""

    commitment_id: str
    key: str
    document_id: str
    published: str
    date: str
    source: str
    publisher: str
    document_kind: str
    actor_id: str | None
    actor_text: str | None
    kind: str
    text: str
    amount_eur: float | None
    deadline: str | None
    deadline_precision: str | None
    start: int
    decision: str = "machine"
    corrected: dict[str, Any] = field(default_factory=dict)
    institution: str | None = None
    first_hand: bool = False
    object_key: str = ""
    thread_id: str | None = None

    @property
    def family(self) -> str:
        return "promise" if self.kind in PROMISE_KINDS else self.kind

    @property
    def order(self) -> tuple:
        return (self.date, self.published or "", self.document_id, self.start, self.commitment_id)

    @property
    def outlet(self) -> str:
        return self.publisher or self.source or ""


@dataclass
class Thread:
    """A promise being built: its statements and what they agree on."""

    members: list[Statement]
    object_key: str
    family: str
    institution: str | None
    period: tuple[date, date] | None
    amount: float | None
    id: str = ""

    @property
    def founder(self) -> Statement:
        return min(self.members, key=lambda s: s.order)

    def accepts(self, s: Statement) -> bool:
        if s.object_key != self.object_key or s.family != self.family:
            return False
        if s.institution and self.institution and s.institution != self.institution:
            return False
        period = deadline_period(s.deadline, s.deadline_precision)
        if period and self.period and (period[1] < self.period[0] or self.period[1] < period[0]):
            return False
        return amounts_agree(s.amount_eur, self.amount)

    def add(self, s: Statement) -> None:
        self.members.append(s)
        self.institution = self.institution or s.institution
        period = deadline_period(s.deadline, s.deadline_precision)
        if period:
            self.period = period if not self.period else (max(period[0], self.period[0]), min(period[1], self.period[1]))
        if self.amount is None:
            self.amount = s.amount_eur


class Reference:
    """Who is the State at a date: actors with a government or ministry mandate, the
    ministries and the government themselves, the ministry roles, the ARS, the DGOS."""

    def __init__(self, db: sqlite_utils.Database):
        tables = set(db.table_names())
        self.names = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM actors")} if "actors" in tables else {}
        self.state_organes: set[str] = set()
        self.mandates: dict[str, list[tuple[str, str]]] = {}
        if "organes" in tables:
            self.state_organes = {r["id"] for r in db.query("SELECT id, kind FROM organes")
                                  if (r["kind"] or "").upper() in STATE_ORGANE_KINDS}
        if "mandates" in tables:
            for r in db.query("SELECT actor_id, organe_id, organe_kind, start, [end] FROM mandates"):
                if r["organe_id"] in self.state_organes or (r["organe_kind"] or "").upper() in STATE_ORGANE_KINDS:
                    self.mandates.setdefault(r["actor_id"], []).append((r["start"] or "", r["end"] or ""))

    def institution(self, actor_id: str | None, day: str) -> str | None:
        """"state" for the State (at `day` for a person), else the actor's own id."""
        if not actor_id:
            return None
        if actor_id.startswith("role:") or actor_id in STATE_ACTORS or actor_id in self.state_organes:
            return STATE
        for start, end in self.mandates.get(actor_id, []):
            if start[:10] <= day and (not end or day <= end[:10]):
                return STATE
        return actor_id

    def name(self, actor_id: str | None) -> str:
        return self.names.get(actor_id or "", "") or ""


def load_statements(db: sqlite_utils.Database) -> list[Statement]:
    """Every statement of `commitments` on a relevant document, in date order."""
    if "commitments" not in db.table_names():
        return []
    rows = db.query(
        "SELECT c.id, c.document_id, c.actor_id, c.actor_text, c.kind, c.text, c.amount_eur, c.deadline,"
        " c.deadline_precision, c.start, d.published, d.source, d.publisher, d.kind AS document_kind"
        " FROM commitments c JOIN documents d ON d.id = c.document_id WHERE coalesce(d.relevant, 1) = 1")
    found = [Statement(
        commitment_id=r["id"], key=statement_key(r["document_id"], r["text"]), document_id=r["document_id"],
        published=r["published"] or "", date=paris_date(r["published"]), source=r["source"] or "",
        publisher=r["publisher"] or "", document_kind=r["document_kind"] or "", actor_id=r["actor_id"] or None,
        actor_text=r["actor_text"], kind=r["kind"] or "", text=r["text"] or "", amount_eur=r["amount_eur"],
        deadline=r["deadline"] or None, deadline_precision=r["deadline_precision"] or None, start=r["start"] or 0,
    ) for r in rows]
    return sorted(found, key=lambda s: s.order)


def _place(statements: list[Statement], reference: Reference) -> None:
    """Give each statement its object and the institution it speaks for."""
    for s in statements:
        rule = find_object(s.text)
        s.object_key = rule.key if rule else "text:" + s.key.split("#", 1)[1]
        own = reference.institution(s.actor_id, s.date)
        s.first_hand = own is not None
        s.institution = own
        if rule and rule.owner and s.family != "demand" and own != rule.owner:
            # Only the owner can make this promise: whoever reports it, it is the owner's.
            s.institution, s.first_hand = rule.owner, False


# ------------------------------------------------------------------ grouping
def group(statements: list[Statement], previous: dict[str, str] | None = None) -> list[Thread]:
    """Group statements (already in date order) into threads, and give each its id: the id
    of the previous thread founded by one of its statements, else the hash of its founder."""
    threads: list[Thread] = []
    for s in statements:
        if s.thread_id:
            continue  # placed by staff (see `_apply_placements`)
        candidates = [t for t in threads if t.accepts(s)]
        if s.institution:
            same = [t for t in candidates if t.institution == s.institution]
            candidates = same or candidates
        if candidates:
            best = max(candidates, key=lambda t: (len(t.members), -threads.index(t)))
            best.add(s)
        else:
            threads.append(Thread([s], s.object_key, s.family, s.institution,
                                  deadline_period(s.deadline, s.deadline_precision), s.amount_eur))
    _name(threads, previous or {})
    return threads


def _name(threads: list[Thread], previous: dict[str, str]) -> None:
    taken: set[str] = set()
    for t in sorted(threads, key=lambda t: t.founder.order):
        if t.id:
            taken.add(t.id)
            continue
        reused = next((previous[m.key] for m in sorted(t.members, key=lambda m: m.order)
                       if m.key in previous and previous[m.key] not in taken), None)
        t.id = reused or thread_id_for(t.founder.key)
        if t.id in taken:
            t.id = thread_id_for(t.founder.key, salt=str(len(taken)))
        taken.add(t.id)


# ------------------------------------------------------------------ staff decisions
@dataclass
class Decisions:
    """The staff's decisions in force, read from the curation file."""

    statements: dict[str, dict[str, Any]] = field(default_factory=dict)   # statement key → fields
    moves: dict[str, str] = field(default_factory=dict)                  # statement key → thread id
    merges: list[tuple[str, str, str]] = field(default_factory=list)     # (source, target, anchor)
    threads: dict[str, dict[str, Any]] = field(default_factory=dict)     # thread id → status, note, owner
    anchors: dict[str, str] = field(default_factory=dict)                # thread id → a statement key
    documents: set[str] = field(default_factory=set)                     # documents marked not relevant
    log: list[dict[str, Any]] = field(default_factory=list)


def decisions_from(rows: Iterable[dict[str, Any]], statements: list[Statement]) -> Decisions:
    """Fold the curation log (oldest first) into the decisions in force, matching each
    statement target by key, else by commitment id, else by its words in the same document."""
    by_key = {s.key: s for s in statements}
    by_id = {s.commitment_id: s for s in statements}
    by_document: dict[str, list[Statement]] = {}
    for s in statements:
        by_document.setdefault(s.document_id, []).append(s)
    rows = list(rows)
    undone = {int(r["target"]) for r in rows if r["action"] == "undo" and str(r["target"]).isdigit()}
    found = Decisions(log=rows)

    def resolve(row: dict[str, Any]) -> str | None:
        target = row["target"]
        if target in by_key:
            return target
        anchor = row.get("anchor") or ""
        if anchor in by_id:
            return by_id[anchor].key
        words = set(WORD.findall((row.get("text") or "").casefold()))
        best, score = None, 0.0
        for s in by_document.get(row.get("document_id") or "", []):
            other = set(WORD.findall(s.text.casefold()))
            overlap = len(words & other) / max(len(words | other), 1)
            if overlap > score:
                best, score = s, overlap
        return best.key if best and score >= 0.6 else None

    for row in rows:
        if row["id"] in undone or row["action"] == "undo" or not row.get("active", 1):
            continue
        value = json.loads(row["value"]) if row.get("value") else None
        action = row["action"]
        if row["target_kind"] == "statement":
            key = resolve(row)
            if not key:
                log.info("décision %s sans déclaration correspondante : %s", row["id"], row["target"])
                continue
            entry = found.statements.setdefault(key, {})
            if action in ("confirm", "reject"):
                entry["decision"] = "confirmed" if action == "confirm" else "rejected"
                entry["thread"] = value.get("thread") if isinstance(value, dict) else None
                entry["note"] = row.get("note")
            elif action == "correct":
                entry.setdefault("fields", {})[row["field"]] = value
            elif action in ("move", "split"):
                found.moves[key] = str(value)
        elif row["target_kind"] == "thread":
            if row.get("anchor"):
                found.anchors.setdefault(row["target"], row["anchor"])
            if action == "merge":
                found.merges.append((row["target"], str(value), row.get("anchor") or ""))
            elif action in ("status", "note", "owner"):
                found.threads.setdefault(row["target"], {})[action] = {
                    "value": value, "note": row.get("note"), "created": row["created"], "author": row["author"]}
        elif row["target_kind"] == "document" and action == "irrelevant":
            found.documents.add(row["target"])
    return found


def _apply_corrections(statements: list[Statement], decisions: Decisions) -> list[Statement]:
    """Staff corrections on the statements' fields; rejected statements and those of
    documents marked not relevant are set aside (returned)."""
    aside = []
    for s in statements:
        entry = decisions.statements.get(s.key, {})
        for name, value in (entry.get("fields") or {}).items():
            if name == "deadline":
                value = value or {}
                s.corrected["deadline"] = {"deadline": s.deadline, "deadline_precision": s.deadline_precision}
                s.deadline, s.deadline_precision = value.get("deadline"), value.get("deadline_precision")
            elif name in ("amount_eur", "actor_id", "kind"):
                s.corrected[name] = getattr(s, name)
                setattr(s, name, value)
        if s.corrected:
            s.decision = "corrected"
        if entry.get("decision") == "confirmed":
            s.decision = "confirmed" if not s.corrected else "corrected"
        if entry.get("decision") == "rejected" or s.document_id in decisions.documents:
            s.decision = "rejected"
            s.thread_id = entry.get("thread")
            aside.append(s)
    return aside


def _resolve_thread(thread_id: str, threads: dict[str, Thread], decisions: Decisions,
                    home: dict[str, str]) -> str | None:
    """A thread named by staff: by its id, else the thread now holding its anchor statement."""
    if thread_id in threads:
        return thread_id
    anchor = decisions.anchors.get(thread_id)
    return home.get(anchor) if anchor else None


def _apply_placements(threads: list[Thread], placed: list[Statement], decisions: Decisions) -> list[Thread]:
    """Merges, moves and splits decided by staff, applied to the machine's threads."""
    by_id = {t.id: t for t in threads}
    home = {m.key: t.id for t in threads for m in t.members}
    for source, target, anchor in decisions.merges:
        if anchor and source not in by_id:
            decisions.anchors.setdefault(source, anchor)
        src = _resolve_thread(source, by_id, decisions, home)
        dst = _resolve_thread(target, by_id, decisions, home)
        if not src or not dst or src == dst:
            continue
        by_id[dst].members += by_id[src].members
        for m in by_id[src].members:
            home[m.key] = dst
        del by_id[src]
    for s in placed:
        wanted = decisions.moves[s.key]
        dst = _resolve_thread(wanted, by_id, decisions, home)
        if dst is None:
            if not wanted.startswith("eng-"):
                continue
            by_id[wanted] = Thread([], s.object_key, s.family, s.institution, None, None, id=wanted)
            dst = wanted
        for t in by_id.values():
            t.members = [m for m in t.members if m.key != s.key]
        by_id[dst].members.append(s)
        home[s.key] = dst
    return [t for t in by_id.values() if t.members]


# ------------------------------------------------------------------ status from evidence
@dataclass
class Event:
    date: str
    status: str
    document_id: str | None
    reason: str
    origin: str = "machine"


def _who(s: Statement, reference: Reference) -> str:
    return reference.name(s.actor_id) or s.actor_text or s.outlet or "un acteur non identifié"


def _by(s: Statement, reference: Reference) -> str:
    """" par Stéphanie Rist (communiqué, Ministère…)", or " (presse, Le Monde)" without actor."""
    who = reference.name(s.actor_id) or s.actor_text
    return f" par {who} ({_document_label(s)})" if who else f" ({_document_label(s)})"


def _document_label(s: Statement) -> str:
    kind = KIND_LABELS.get(s.document_kind, s.document_kind or "document")
    return f"{kind}, {s.outlet}" if s.outlet else kind


def evidence_events(thread: Thread, documents: list[dict[str, Any]], others: list[Thread],
                    reference: Reference) -> list[Event]:
    """The dated evidence about a promise (not the calendar): its announcement, then what
    later documents and later statements of the same institution say of it."""
    founder = thread.founder
    rule = RULES.get(thread.object_key)
    events = [Event(founder.date, "announced", founder.document_id,
                    f"Annoncé le {french_date(founder.date)}{_by(founder, reference)}.")]
    if thread.family != "promise":
        kind = "Demande formulée" if thread.family == "demand" else "Refus exprimé"
        events[0].reason = (f"{kind} le {french_date(founder.date)}{_by(founder, reference)} ; "
                            "le registre ne suit l'échéance que des promesses.")
        return events
    seen: set[tuple[str, str]] = set()
    period = thread.period

    def read(text: str, day: str, document_id: str, outlet: str) -> None:
        if day < founder.date or document_id == founder.document_id or DEMANDING.search(text):
            return
        if rule and not rule.pattern.search(text):
            return
        quote = excerpt(text)
        if DENIAL.search(text):
            events.append(Event(day, "denied", document_id, f"Le {french_date(day)}, {outlet} dément : « {quote} »."))
        elif DELIVERY.search(text):
            near = not (rule and rule.lasting and period and date.fromisoformat(day) < period[1] - timedelta(days=DUE_SOON_DAYS))
            if near:
                events.append(Event(day, "kept", document_id,
                                    f"Le {french_date(day)}, {outlet} rapporte que c'est fait : « {quote} »."))
            else:
                events.append(Event(day, "in_progress", document_id,
                                    f"Le {french_date(day)}, {outlet} rend compte de sa mise en œuvre : « {quote} »."))
        elif PROGRESS.search(text):
            events.append(Event(day, "in_progress", document_id,
                                f"Le {french_date(day)}, {outlet} rend compte de sa mise en œuvre : « {quote} »."))

    for s in sorted(thread.members, key=lambda m: m.order):
        seen.add((s.document_id, s.text))
        read(s.text, s.date, s.document_id, s.outlet or "un document")
    if rule:
        for d in documents:
            if d["date"] < founder.date:
                continue
            for text in sentences(d["text"]):
                if (d["id"], text) not in seen and rule.pattern.search(text):
                    read(text, d["date"], d["id"], d["outlet"] or "un document")
    if thread.institution:
        for other in others:
            if other is thread or other.family != "promise" or other.institution != thread.institution:
                continue
            firsts = sorted((m for m in other.members if m.first_hand), key=lambda m: m.order)
            if not firsts or firsts[0].date <= founder.date:
                continue
            first = firsts[0]
            what = RULES[other.object_key].phrase if other.object_key in RULES else excerpt(first.text, 80)
            if rule and other.object_key == rule.opposite:
                events.append(Event(first.date, "abandoned", first.document_id,
                                    f"Le {french_date(first.date)}, {_who(first, reference)} annonce le contraire "
                                    f"(« {what} », {_document_label(first)})."))
            elif other.object_key == thread.object_key:
                when = deadline_text(first.deadline, first.deadline_precision)
                events.append(Event(first.date, "replaced", first.document_id,
                                    f"Le {french_date(first.date)}, {_who(first, reference)} fait une nouvelle promesse "
                                    f"sur le même objet{' (échéance : ' + when + ')' if when else ''}."))
    return events


def status_history(thread: Thread, evidence: list[Event], today: date,
                   staff: dict[str, Any] | None = None) -> list[Event]:
    """Evidence and calendar, in date order, through the status machine: the history of
    status changes up to `today` (the last one is the thread's status)."""
    period = thread.period if thread.family == "promise" else None
    timeline = sorted((e for e in evidence[1:] if e.date <= today.isoformat()), key=lambda e: e.date)
    if period:
        due = period[1]
        soon = max(due - timedelta(days=DUE_SOON_DAYS), date.fromisoformat(evidence[0].date))
        calendar = [Event(soon.isoformat(), "due_soon", None, ""), Event((due + timedelta(days=1)).isoformat(), "late", None, "")]
        timeline = sorted(timeline + [e for e in calendar if e.date <= today.isoformat()], key=lambda e: (e.date, e.document_id is None))
    history = [evidence[0]]
    for event in timeline:
        current = history[-1].status
        if current in TERMINAL or event.status == current:
            continue
        if event.status == "in_progress" and current != "announced":
            continue
        if event.status == "due_soon" and current not in ("announced", "in_progress"):
            continue
        history.append(event)
    for event in history:
        if event.status == "due_soon" and not event.reason:
            event.reason = "L'échéance tombe dans les 30 jours."
        elif event.status == "late" and not event.reason:
            event.reason = "L'échéance est passée sans document qui rende compte de la réalisation."
    last = history[-1]
    if period and last.status in ("due_soon", "late"):
        due = period[1]
        when = deadline_text(*thread_deadline(thread)) or french_date(due)
        if last.status == "due_soon":
            days = (due - today).days
            last.reason = (f"Échéance : {when}, dans {plural(days, 'jour', 'jours')} ; aucun document ne dit "
                           "encore la promesse tenue." if days > 0 else
                           f"Échéance : {when}, aujourd'hui ; aucun document ne dit encore la promesse tenue.")
        else:
            days = (today - due).days
            of = "du" if period[0] == period[1] else "d'" if when[:1] in "aeiouyéèêàâîôûh" else "de "
            of = of if of.endswith("'") else of.rstrip() + " "
            last.reason = (f"Échéance {of}{when} dépassée depuis {plural(days, 'jour', 'jours')}, sans document "
                           "qui rende compte de la réalisation.")
    if staff and staff.get("value") in STATUS_CODES:
        day = paris_date(staff.get("created") or "") or today.isoformat()
        reason = staff.get("note") or "Statut fixé par l'équipe."
        history.append(Event(day, staff["value"], None, f"{reason} (décision de l'équipe)", origin="staff"))
    return history


STATUS_CODES = ("announced", "in_progress", "due_soon", "late", "kept", "abandoned", "denied", "replaced")


# ------------------------------------------------------------------ the thread's values
def _precision_rank(s: Statement) -> int:
    return {"day": 0, "month": 1, "quarter": 2, "year": 3}.get(s.deadline_precision or "day", 4)


def thread_deadline(thread: Thread) -> tuple[str | None, str | None]:
    """The deadline of a thread: a staff correction first, else the most precise one stated,
    the most repeated among them, the earliest on a tie."""
    dated = [m for m in thread.members if m.deadline]
    if not dated:
        return None, None
    corrected = [m for m in dated if "deadline" in m.corrected]
    pool = corrected or dated
    best_rank = min(_precision_rank(m) for m in pool)
    pool = [m for m in pool if _precision_rank(m) == best_rank]
    counts = Counter(m.deadline for m in pool)
    chosen = max(pool, key=lambda m: (counts[m.deadline], "deadline" in m.corrected, [-ord(c) for c in m.order[0]]))
    return chosen.deadline, chosen.deadline_precision


def thread_amount(thread: Thread) -> float | None:
    """A staff-corrected amount first, else the most repeated amount stated."""
    corrected = [m.amount_eur for m in thread.members if "amount_eur" in m.corrected and m.amount_eur is not None]
    if corrected:
        return corrected[-1]
    stated = [m.amount_eur for m in thread.members if m.amount_eur is not None]
    return Counter(stated).most_common(1)[0][0] if stated else None


def thread_actor(thread: Thread, reference: Reference) -> tuple[str | None, str]:
    """The actor of a promise: staff's correction, else the earliest first-hand statement's
    actor, else the institution it belongs to."""
    members = sorted(thread.members, key=lambda m: m.order)
    for m in [m for m in members if "actor_id" in m.corrected] + [m for m in members if m.first_hand]:
        if m.actor_id:
            return m.actor_id, reference.name(m.actor_id) or m.actor_text or m.actor_id
    if thread.institution == STATE:
        return None, INSTITUTION_LABELS[STATE]
    if thread.institution:
        return thread.institution, reference.name(thread.institution) or thread.institution
    texts = [m.actor_text for m in members if m.actor_text]
    return None, texts[0] if texts else ""


def thread_kind(thread: Thread) -> str:
    kinds = {m.kind for m in thread.members}
    for kind in ("commitment", "announcement", "demand", "refusal"):
        if kind in kinds:
            return kind
    return thread.founder.kind


# ------------------------------------------------------------------ rebuild
def _documents(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    rows = db.query("SELECT id, published, publisher, source, text FROM documents WHERE coalesce(relevant, 1) = 1")
    return sorted(({"id": r["id"], "date": paris_date(r["published"]), "outlet": r["publisher"] or r["source"] or "",
                    "text": r["text"] or ""} for r in rows), key=lambda d: (d["date"], d["id"]))


def _previous_ids(db: sqlite_utils.Database) -> dict[str, str]:
    if "commitment_threads" not in db.table_names():
        return {}
    return {r["founder_key"]: r["id"] for r in db.query("SELECT id, founder_key FROM commitment_threads")
            if r["founder_key"]}


def compute(db: sqlite_utils.Database, curations: list[dict[str, Any]], today: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """The rows of the four ledger tables for the database's statements and these curations."""
    today = today or paris_today()
    reference = Reference(db)
    statements = load_statements(db)
    decisions = decisions_from(curations, statements)
    aside = _apply_corrections(statements, decisions)
    active = [s for s in statements if s.decision != "rejected"]
    _place(active, reference)
    placed = [s for s in active if s.key in decisions.moves]
    threads = group([s for s in active if s.key not in decisions.moves], _previous_ids(db))
    threads = _apply_placements(threads, placed, decisions)
    for t in threads:
        t.period = None
        for m in t.members:
            period = deadline_period(m.deadline, m.deadline_precision)
            if period:
                t.period = period if not t.period else (max(period[0], t.period[0]), min(period[1], t.period[1]))
        deadline, precision = thread_deadline(t)
        if t.period and t.period[0] > t.period[1]:
            t.period = deadline_period(deadline, precision)
    documents = _documents(db)
    thread_rows, statement_rows, event_rows = [], [], []
    for t in sorted(threads, key=lambda t: t.founder.order):
        staff = decisions.threads.get(t.id, {})
        history = status_history(t, evidence_events(t, documents, threads, reference), today, staff.get("status"))
        deadline, precision = thread_deadline(t)
        actor_id, actor_name = thread_actor(t, reference)
        members = sorted(t.members, key=lambda m: m.order)
        last_evidence = max([m.date for m in members] + [e.date for e in history if e.document_id])
        rule = RULES.get(t.object_key)
        thread_rows.append({
            "id": t.id, "actor_id": actor_id, "actor_name": actor_name, "institution": t.institution,
            "kind": thread_kind(t), "object_key": t.object_key,
            "object": rule.phrase if rule else excerpt(t.founder.text, 90), "amount_eur": thread_amount(t),
            "deadline": deadline, "deadline_precision": precision, "status": history[-1].status,
            "status_reason": history[-1].reason, "status_origin": history[-1].origin, "status_date": history[-1].date,
            "first_seen": members[0].date, "last_evidence": last_evidence,
            "sources": len({m.outlet for m in members}), "documents": len({m.document_id for m in members}),
            "statements": len(members), "founder_key": t.founder.key,
            "owner": (staff.get("owner") or {}).get("value"), "note": (staff.get("note") or {}).get("value"),
            "as_of": today.isoformat(),
        })
        for seq, e in enumerate(history):
            event_rows.append({"id": f"{t.id}:{seq}", "thread_id": t.id, "seq": seq, "date": e.date, "status": e.status,
                               "previous_status": history[seq - 1].status if seq else None,
                               "document_id": e.document_id, "reason": e.reason, "origin": e.origin})
        for m in members:
            m.thread_id = t.id
            statement_rows.append(_statement_row(m, "founder" if m is members[0] else "source"))
    for s in aside:
        statement_rows.append(_statement_row(s, "rejected"))
    log_rows = [{"id": r["id"], "created": r["created"], "author": r["author"], "action": r["action"],
                 "target": r["target"], "field": r.get("field"), "before": r.get("before"), "after": r.get("value"),
                 "note": r.get("note")} for r in decisions.log]
    return {"commitment_threads": thread_rows, "commitment_statements": statement_rows,
            "commitment_events": event_rows, "curation_log": log_rows}


def _statement_row(s: Statement, role: str) -> dict[str, Any]:
    return {"commitment_id": s.commitment_id, "statement_key": s.key, "thread_id": s.thread_id, "role": role,
            "document_id": s.document_id, "published": s.published, "date": s.date, "source": s.source,
            "publisher": s.publisher, "actor_id": s.actor_id, "actor_text": s.actor_text, "institution": s.institution,
            "kind": s.kind, "text": s.text, "amount_eur": s.amount_eur, "deadline": s.deadline,
            "deadline_precision": s.deadline_precision, "decision": s.decision,
            "corrected": json.dumps(s.corrected, ensure_ascii=False, sort_keys=True) if s.corrected else None}


PRIMARY_KEYS = {"commitment_threads": "id", "commitment_statements": "commitment_id", "commitment_events": "id",
                "curation_log": "id"}


def write(db: sqlite_utils.Database, tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Make the ledger tables hold exactly these rows, in one transaction, rewriting only the
    rows that changed; return how many rows were written or deleted."""
    changed = 0
    with write_unit(db):
        for name, rows in tables.items():
            pk = PRIMARY_KEYS[name]
            table = db.table(name)
            current = {r[pk]: r for r in table.rows}
            wanted = {r[pk]: r for r in rows}
            gone = [k for k in current if k not in wanted]
            for key in gone:
                table.delete(key)
            fresh = [r for k, r in wanted.items() if current.get(k) != r]
            if fresh:
                table.upsert_all(fresh, pk=pk)
            changed += len(gone) + len(fresh)
    return {"changed": changed, "threads": len(tables["commitment_threads"]),
            "statements": len(tables["commitment_statements"])}


def database_path(db: sqlite_utils.Database) -> Path | None:
    """The file of an open database (None in memory)."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main" and row[2]:
            return Path(row[2])
    return None


def rebuild(db: sqlite_utils.Database, curation_file: Path | None = None, today: date | None = None) -> dict[str, int]:
    """Regroup the statements into threads with the staff's decisions and write the ledger.
    A curation file that cannot be read stops the rebuild (the ledger stays as it was rather
    than lose the staff's decisions): `curation.CurationUnavailable` is raised."""
    path = database_path(db)
    curation_file = curation_file or (curation_store.curation_path(path) if path else None)
    curations = curation_store.read_curations(curation_file) if curation_file else []
    return write(db, compute(db, curations, today))


def refresh(database: Path, curation_file: Path | None = None, today: date | None = None) -> dict[str, int]:
    """`rebuild` on a database file, opened for this write only (the site calls it after a
    staff decision; it waits at most a few seconds for a lock)."""
    conn = sqlite3.connect(str(database), timeout=5)
    db = sqlite_utils.Database(conn)
    try:
        return rebuild(db, curation_file, today)
    finally:
        db.close()


def after_tag(db: sqlite_utils.Database) -> None:
    """The hook at the end of `veille tag`: rebuild the ledger and re-apply the staff's
    decisions; a failure is logged, never raised (the annotation is already stored)."""
    try:
        if "commitment_threads" in db.table_names():
            counts = rebuild(db)
            log.info("registre des engagements : %s, %s", plural(counts["threads"], "fil", "fils"),
                     plural(counts["statements"], "déclaration", "déclarations"))
    except curation_store.CurationUnavailable as exc:
        log.warning("registre des engagements non mis à jour : %s", exc)
    except Exception:  # noqa: BLE001  (the ledger never stops the annotation nor the nightly)
        log.exception("registre des engagements non mis à jour")


@dataclass
class Outcome:
    """What became of a staff decision: the recorded row and whether the ledger shows it yet."""

    row: dict[str, Any]
    applied: bool
    message: str


def decide(database: Path, action: str, target: str, author: str, field: str | None = None,
           value: str | None = None, note: str | None = None, curation_file: Path | None = None,
           apply: bool = True, today: date | None = None) -> Outcome:
    """Record one staff decision in the curation file, then rebuild the ledger so that it
    shows at once. `curation.CurationError` (refused, French message) and
    `curation.CurationUnavailable` propagate; when the database cannot be written now (the
    nightly holds it, or it is served immutable: `apply=False`), the decision is kept and
    shown after the next `veille tag`."""
    curation_file = curation_file or curation_store.curation_path(database)
    row = curation_store.record(curation_file, curation_store.prepare(database, action, target, field, value, note), author)
    if not apply:
        return Outcome(row, False, "Décision enregistrée ; elle apparaîtra après le prochain passage de l'annotation.")
    try:
        refresh(database, curation_file, today)
    except sqlite3.OperationalError as exc:
        log.warning("registre non reconstruit après la décision %s : %s", row["id"], exc)
        return Outcome(row, False, "Décision enregistrée ; la base est occupée, elle apparaîtra après le prochain "
                                   "passage de l'annotation.")
    return Outcome(row, True, "Décision enregistrée.")
