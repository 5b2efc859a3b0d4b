"""French wording shared by the Datasette site and the weekly digest, so that both say the
same thing: month names, dates (always in Paris time, with no hour when the source gave
none: `french_date`; stored dates are read with `spiders.dates`), why a mention matched, and the one table of labels for the
codes stored in the database (document kinds, commitment kinds, actor kinds…).

SQL reaches the same table through the `veille_label(table, code)` function: the site
registers it on every connection (Datasette `prepare_connection`) and `pipelines.queries`
on the digest's, so a canned query never spells a label out itself.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from spiders.dates import DAY, INSTANT, MONTH, PARIS, PRECISIONS, infer_precision, to_paris

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
RULE_KINDS = {"acronym": "sigle", "long_form": "forme longue", "weak": "signal faible"}

KIND_LABELS = {
    "press": "presse", "question": "question", "question_ecrite": "question écrite",
    "question_orale": "question orale", "qag": "question au Gouvernement", "reponse": "réponse",
    "answer": "réponse", "debate": "débat", "debat": "débat", "amendment": "amendement",
    "amendement": "amendement", "bill": "proposition de loi", "communique": "communiqué",
    "report": "rapport", "dossier": "dossier législatif",
}
ACCESS_LABELS = {"full": "texte intégral", "teaser": "extrait seulement", "paywall": "réservé aux abonnés",
                 "blocked": "page inaccessible"}
COMMITMENT_LABELS = {"commitment": "engagement", "announcement": "annonce", "demand": "demande",
                     "refusal": "refus"}
ACTOR_KIND_LABELS = {"person": "personne", "organisation": "organisation", "role": "fonction"}
SOURCE_STATUS_LABELS = {"ok": "en service", "warning": "avertissement", "failed": "en échec"}
NEVER_COLLECTED = "jamais collectée"
LABEL_TABLES = {
    "document": KIND_LABELS, "access": ACCESS_LABELS, "commitment": COMMITMENT_LABELS,
    "actor": ACTOR_KIND_LABELS, "source_status": SOURCE_STATUS_LABELS,
}
SQL_LABEL_FUNCTION = "veille_label"
SQL_DAY_FUNCTION, SQL_DATE_FUNCTION = "veille_jour", "veille_date"


def label(table: str, code: str | None) -> str | None:
    """The French label of a stored code: `label("document", "press")` → "presse". An unknown
    code is returned as is (None stays None); an unknown table raises KeyError."""
    return LABEL_TABLES[table].get(code, code) if code is not None else None


def register_sql_functions(conn: sqlite3.Connection) -> None:
    """Give a SQLite connection `veille_label(table, code)`, the SQL face of `label`, and the
    date functions `veille_jour(iso)` (Paris calendar day) and `veille_date(iso[, precision])`
    (the French date shown to people)."""
    conn.create_function(SQL_LABEL_FUNCTION, 2, label, deterministic=True)
    # Deterministic, so that veille_jour('now') in a bound is computed once per statement run
    # (SQLite factors constant expressions out of the row loop), not once per row.
    conn.create_function(SQL_DAY_FUNCTION, 1, sql_paris_day, deterministic=True)
    conn.create_function(SQL_DATE_FUNCTION, 1, sql_french_date, deterministic=True)
    conn.create_function(SQL_DATE_FUNCTION, 2, sql_french_date, deterministic=True)


def paris_moment(value: date | datetime | str | None) -> date | datetime | None:
    """A stored or given date in Paris time: an aware datetime converted to Paris, a naive
    one taken as Paris time, a bare ISO day or a `date` kept as the day; None when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return to_paris(value)
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    try:
        return to_paris(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None


def paris_day(value: date | datetime | str | None) -> date | None:
    """The Paris calendar day of a date, a datetime or an ISO string (None when unreadable):
    the unit of weeks, months and every date shown."""
    moment = paris_moment(value)
    return moment.date() if isinstance(moment, datetime) else moment


def date_precision(value: date | datetime | str | None, precision: str | None = None) -> str:
    """"instant", "day" or "month": the precision given, else the one the value shows (a
    bare day, or a Paris midnight, is a day)."""
    if precision in PRECISIONS:
        return str(precision)
    moment = paris_moment(value)
    if isinstance(moment, datetime):
        return infer_precision(moment)
    return DAY


def french_date(value: date | datetime | str | None, with_time: bool = False,
                precision: str | None = None) -> str:
    """A date as a person reads it, in Paris time: "18 février 2026", "1er mars 2026",
    "février 2026" for a month, with " à 19 h 12" when asked and the source gave the time
    (an instant; a day or a Paris midnight never shows an hour). Accepts a date, a datetime
    or an ISO string; an unreadable string is returned as is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value.strip()):
        value, precision = f"{value.strip()}-01", MONTH
    moment = paris_moment(value)
    if moment is None:
        return str(value)
    kind = date_precision(moment, precision)
    if kind == MONTH:
        return f"{MONTHS[moment.month - 1]} {moment.year}"
    text = f"{moment.day}{'er' if moment.day == 1 else ''} {MONTHS[moment.month - 1]} {moment.year}"
    if with_time and kind == INSTANT and isinstance(moment, datetime):
        text += f" à {moment.hour} h {moment.minute:02d}"
    return text


def french_datetime(value: date | datetime | str | None, precision: str | None = None) -> str:
    """`french_date` with the time of day when the source gave one."""
    return french_date(value, with_time=True, precision=precision)


def french_month(value: date | datetime | str | None) -> str:
    """"2026-02" (or any date of it) → "février 2026"; an unreadable value is returned as is."""
    if isinstance(value, (date, datetime)) or (isinstance(value, str) and len(value) > 7):
        moment = paris_moment(value)
        if moment is not None:
            return f"{MONTHS[moment.month - 1]} {moment.year}"
    try:
        year, month = str(value).split("-")[:2]
        return f"{MONTHS[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return str(value or "")


def source_verification_label(options: Mapping[str, Any]) -> str:
    """« non vérifiée » for a source whose page or selectors were not checked against a copy
    of the real page (`verified = false` in its [[sources]] entry); "" otherwise."""
    return "non vérifiée" if options.get("verified") is False else ""


def sql_paris_day(value: str | None) -> str | None:
    """SQL `veille_jour(iso)`: the Paris calendar day (YYYY-MM-DD) of a stored date;
    `veille_jour('now')` is today in Paris (the default bound of the named queries). A
    stored date's day is remembered (the home chart asks for the same 25 000 dates at each
    visit, twice per row)."""
    if value == "now":  # asked once per row by the named queries' default bounds: read once a second
        second = int(time.time())
        if _TODAY[0] != second:
            _TODAY[:] = [second, datetime.now(PARIS).date().isoformat()]
        return _TODAY[1]
    if isinstance(value, str):
        return _paris_day_of_text(value)
    day = paris_day(value)
    return day.isoformat() if day else None


_TODAY: list = [None, ""]


@lru_cache(maxsize=1 << 18)
def _paris_day_of_text(value: str) -> str | None:
    day = paris_day(value)
    return day.isoformat() if day else None


def sql_french_date(value: str | None, precision: str | None = None) -> str:
    """SQL `veille_date(iso, precision)`: the date as shown to people (with the time of day
    for an instant)."""
    return french_datetime(value, precision)


def rule_label(rule: str | None, with_term: bool = True) -> str:
    """Why a mention matched, from its `mentions.rule`: "acronym:SEC-Pa" → "sigle « SEC-Pa »"
    (or "sigle" without the term); "title:long_form:…" adds ", dans le titre"."""
    rule = rule or ""
    in_title = rule.startswith("title:")
    kind, _, term = rule.removeprefix("title:").partition(":")
    if kind not in RULE_KINDS:
        return rule or "règle inconnue"
    text = RULE_KINDS[kind] + (f" « {term} »" if with_term and term else "")
    return text + (", dans le titre" if in_title else "")


# ------------------------------------------------------------------ commitments ledger (issue 14)
# Status of a promise (`commitment_threads.status`): code → label, and one sentence saying
# what it means (shown next to the status on the ledger's pages).
THREAD_STATUS_LABELS = {
    "announced": "annoncé", "in_progress": "en cours", "due_soon": "échéance proche", "late": "en retard",
    "kept": "tenu", "abandoned": "abandonné", "denied": "démenti", "replaced": "remplacé",
}
THREAD_STATUS_HELP = {
    "announced": "La promesse a été faite ; aucun document ne dit encore qu'elle est mise en œuvre.",
    "in_progress": "Un document postérieur à l'annonce rend compte de sa mise en œuvre.",
    "due_soon": "L'échéance tombe dans les 30 jours et rien ne dit encore que la promesse est tenue.",
    "late": "L'échéance est passée sans document qui rende compte de la réalisation.",
    "kept": "Un document postérieur rapporte que la promesse a été réalisée.",
    "abandoned": "Une déclaration postérieure du même acteur revient sur la promesse.",
    "denied": "Une déclaration postérieure dément la promesse.",
    "replaced": "Le même acteur a fait depuis une nouvelle promesse sur le même objet.",
}
# Who decided a status or a statement's values.
ORIGIN_LABELS = {"machine": "proposé par la machine", "staff": "décidé par l'équipe"}
# What staff decided about one statement (`commitment_statements.decision`).
DECISION_LABELS = {"machine": "non vérifiée", "confirmed": "confirmée", "rejected": "écartée",
                   "corrected": "corrigée"}
# Who a promise belongs to when no single actor made it (`commitment_threads.institution`).
INSTITUTION_LABELS = {"state": "Gouvernement et services de l'État"}
CURATION_ACTION_LABELS = {
    "confirm": "confirmation", "reject": "rejet", "correct": "correction", "move": "déplacement",
    "split": "séparation", "merge": "fusion", "status": "statut fixé", "note": "note", "owner": "responsable",
    "irrelevant": "document hors sujet", "undo": "annulation",
}
LABEL_TABLES.update({"thread_status": THREAD_STATUS_LABELS, "thread_status_help": THREAD_STATUS_HELP,
                     "origin": ORIGIN_LABELS, "decision": DECISION_LABELS, "curation": CURATION_ACTION_LABELS})


def plural(count: int, one: str, many: str) -> str:
    """"1 source", "0 source", "3 sources": French puts 0 and 1 in the singular."""
    return f"{count} {one if count in (0, 1) else many}"


def french_amount(value: float | int | None) -> str:
    """"14 000 000 €", "1 500,50 €" (narrow no-break spaces between thousands); "" for None."""
    if value is None:
        return ""
    whole = round(float(value), 2)
    text = f"{whole:,.2f}".replace(",", "\u202f").replace(".", ",")
    return (text[:-3] if text.endswith(",00") else text) + "\u00a0€"


# ------------------------------------------------------------------ parliament and sources
QUESTION_STATUS_LABELS = {
    "pending": "en attente", "reminded": "relancée", "answered": "répondue", "withdrawn": "retirée",
    "lapsed": "caduque", "converted": "transformée", "open": "sans réponse",
}
QUESTION_KIND_LABELS = {
    "QE": "question écrite", "QOSD": "question orale sans débat", "QG": "question au Gouvernement",
    "QAG": "question au Gouvernement", "QO": "question orale", "QOAD": "question orale avec débat",
}
CHAMBER_LABELS = {"AN": "Assemblée nationale", "SN": "Sénat", "SENAT": "Sénat", "Sénat": "Sénat"}
ORGANE_KIND_LABELS = {
    "GP": "groupe politique", "COMPER": "commission permanente", "COMSPSENAT": "commission du Sénat",
    "MINISTERE": "ministère", "GOUVERNEMENT": "Gouvernement", "ASSEMBLEE": "Assemblée nationale",
    "PARPOL": "parti politique", "GE": "groupe d'études", "GA": "groupe d'amitié", "CMP": "commission mixte paritaire",
    "DELEG": "délégation", "DELEGBUREAU": "délégation du Bureau", "ORGEXTPARL": "organisme extraparlementaire",
    "CNPS": "commission d'enquête ou mission", "COMNL": "commission non législative", "CIRCONSCRIPTION": "circonscription",
    "BUREAU": "Bureau", "CONFPT": "Conférence des présidents", "MISINFO": "mission d'information",
    "CNPE": "commission d'enquête", "COMSENAT": "commission du Sénat", "GROUPESENAT": "groupe du Sénat",
    "SENAT": "Sénat", "API": "assemblée parlementaire internationale", "OFFPAR": "office parlementaire",
}
MANDATE_ROLE_LABELS = {"membre": "membre", "member": "membre", "president": "président", "président": "président"}


def label_of(table: dict, code: str | None) -> str:
    """The French word of a code, the code itself when unknown, "" for None."""
    if code is None:
        return ""
    return table.get(code, table.get(str(code).upper(), code))


def mandate_words(role: str | None, organe: str | None, kind: str | None) -> str:
    """A mandate in words: « Membre du groupe d'études Santé » rather than « Membre — GE »;
    the kind of organ in words when the organ has no name."""
    role = (role or "").strip() or "Membre"
    what = label_of(ORGANE_KIND_LABELS, kind) if kind else ""
    if organe and organe != kind:
        return f"{role} — {organe}" + (f" ({what})" if what and what.lower() not in organe.lower() else "")
    return f"{role} — {what}" if what else role


def failure_cause(error: str | None) -> str:
    """The cause of a source's last failure in one French line: the Python exception names
    some errors end with are dropped (« … (CharacterEncodingOverride) » → « … »)."""
    text = " ".join((error or "").split())
    text = re.sub(r"\s*\((?:[A-Z][a-z]+){2,}(?:Error|Exception|Override|Warning)?\)\s*$", "", text)
    return text


# Parliament in depth (issue 16): the AN agenda, the bill's journey, the written-question deadline.
# The kind of a réunion of the AN agenda (`agenda_items.kind`) and its state (`agenda_items.state`).
AGENDA_KIND_LABELS = {"seance": "séance publique", "commission": "réunion de commission",
                      "initiative": "réunion", "QAG": "questions au Gouvernement"}
AGENDA_STATE_LABELS = {"Confirmé": "confirmée", "Eventuel": "éventuelle", "Annulé": "annulée",
                       "Supprimé": "supprimée", "Reporté": "reportée"}
# Why an agenda item is listed: its agenda names the topic, or it names a followed bill.
AGENDA_REASON_LABELS = {"relevant": "sur le sujet", "followed": "texte suivi"}
# The step of a stage of a dossier législatif (`dossier_stages.code`, read by `stage_step`).
STAGE_STEP_LABELS = {"depot": "dépôt", "commission": "commission", "rapport": "rapport", "seance": "séance",
                     "decision": "décision", "cmp": "commission mixte paritaire", "conseil": "Conseil constitutionnel",
                     "promulgation": "promulgation", "autre": "autre acte"}
# The chamber or body of a stage, from the prefix of its code (AN1, SN2, CMP, PROM…).
STAGE_CHAMBER_LABELS = {"AN": "Assemblée nationale", "SN": "Sénat", "CMP": "commission mixte paritaire",
                        "PROM": "promulgation", "CC": "Conseil constitutionnel"}
LABEL_TABLES.update({"agenda_kind": AGENDA_KIND_LABELS, "agenda_state": AGENDA_STATE_LABELS,
                     "agenda_reason": AGENDA_REASON_LABELS, "stage_step": STAGE_STEP_LABELS,
                     "stage_chamber": STAGE_CHAMBER_LABELS})


def stage_step(code: str | None) -> str:
    """The step of a stage code of the AN dossiers législatifs: "AN1-DEPOT" → "depot",
    "AN1-COM-FOND-SAISIE" → "commission", "AN1-COM-FOND-RAPPORT" → "rapport",
    "AN1-DEBATS-SEANCE" → "seance", "SN1-DEBATS-DEC" and "CMP-DEC" → "decision",
    "PROM-PUB" → "promulgation", "CC-…" → "conseil"; "autre" otherwise (ETI, PROCACC…)."""
    parts = (code or "").upper().split("-")
    head, rest = parts[0], parts[1:]
    if head.startswith("PROM"):
        return "promulgation"
    if head.startswith("CC") or "CC" in rest:
        return "conseil"
    if "DEPOT" in rest:
        return "depot"
    if "RAPPORT" in rest:
        return "rapport"
    if "DEC" in rest:
        return "decision"
    if "SEANCE" in rest or "DEBATS" in rest:
        return "seance"
    if "COM" in rest:
        return "cmp" if head == "CMP" else "commission"
    if head == "CMP":
        return "cmp"
    return "autre"


def stage_chamber(code: str | None) -> str:
    """The chamber or body of a stage code in words: "AN1-DEPOT" → "Assemblée nationale",
    "SN2-COM-FOND-SAISIE" → "Sénat", "CMP-DEC" → "commission mixte paritaire"; "" when unknown."""
    head = re.sub(r"\d+$", "", (code or "").upper().split("-")[0])
    if head == "ANLUNI":
        return STAGE_CHAMBER_LABELS["AN"]
    return STAGE_CHAMBER_LABELS.get(head, "")
