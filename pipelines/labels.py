"""French wording shared by the Datasette site and the weekly digest, so that both say the
same thing: month names, dates, why a mention matched, and the one table of labels for the
codes stored in the database (document kinds, commitment kinds, actor kinds…).

SQL reaches the same table through the `veille_label(table, code)` function: the site
registers it on every connection (Datasette `prepare_connection`) and `pipelines.queries`
on the digest's, so a canned query never spells a label out itself.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
RULE_KINDS = {"acronym": "sigle", "long_form": "forme longue", "weak": "signal faible"}

KIND_LABELS = {
    "press": "presse", "question": "question", "question_ecrite": "question écrite",
    "question_orale": "question orale", "qag": "question au Gouvernement", "reponse": "réponse",
    "answer": "réponse", "debate": "débat", "debat": "débat", "amendment": "amendement",
    "amendement": "amendement", "bill": "proposition de loi", "communique": "communiqué",
    "report": "rapport",
}
ACCESS_LABELS = {"full": "texte intégral", "teaser": "extrait seulement", "paywall": "réservé aux abonnés"}
COMMITMENT_LABELS = {"commitment": "engagement", "announcement": "annonce", "demand": "demande",
                     "refusal": "refus"}
ACTOR_KIND_LABELS = {"person": "personne", "organisation": "organisation", "role": "fonction"}
SOURCE_STATUS_LABELS = {"ok": "ok", "warning": "avertissement", "failed": "échec"}
LABEL_TABLES = {
    "document": KIND_LABELS, "access": ACCESS_LABELS, "commitment": COMMITMENT_LABELS,
    "actor": ACTOR_KIND_LABELS, "source_status": SOURCE_STATUS_LABELS,
}
SQL_LABEL_FUNCTION = "veille_label"


def label(table: str, code: str | None) -> str | None:
    """The French label of a stored code: `label("document", "press")` → "presse". An unknown
    code is returned as is (None stays None); an unknown table raises KeyError."""
    return LABEL_TABLES[table].get(code, code) if code is not None else None


def register_sql_functions(conn: sqlite3.Connection) -> None:
    """Give a SQLite connection `veille_label(table, code)`, the SQL face of `label`."""
    conn.create_function(SQL_LABEL_FUNCTION, 2, label, deterministic=True)


def french_date(value: date | datetime | str | None, with_time: bool = False) -> str:
    """"18 février 2026", "1er mars 2026" (from a date, a datetime or an ISO string), with
    " à 10 h 05" when asked and the time is not midnight; an unreadable string is returned as is."""
    if not value:
        return ""
    moment: date
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                moment = date.fromisoformat(value[:10])
            except ValueError:
                return value
    else:
        moment = value
    text = f"{moment.day}{'er' if moment.day == 1 else ''} {MONTHS[moment.month - 1]} {moment.year}"
    if with_time and isinstance(moment, datetime) and (moment.hour or moment.minute):
        text += f" à {moment.hour:02d} h {moment.minute:02d}"
    return text


def french_month(value: str | None) -> str:
    """"2026-02" → "février 2026"; an unreadable value is returned as is."""
    try:
        year, month = str(value).split("-")[:2]
        return f"{MONTHS[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return str(value or "")


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
