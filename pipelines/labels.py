"""French wording shared by the Datasette site and the weekly digest, so that both say the
same thing: month names, dates, and why a mention matched."""

from __future__ import annotations

from datetime import date, datetime

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
RULE_KINDS = {"acronym": "sigle", "long_form": "forme longue", "weak": "signal faible"}


def french_date(value: date | datetime | str | None, with_time: bool = False) -> str:
    """"18 février 2026", "1er mars 2026" (from a date, a datetime or an ISO string), with
    " à 10 h 05" when asked and the time is not midnight; an unreadable string is returned as is."""
    if not value:
        return ""
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                moment = date.fromisoformat(value[:10])
            except ValueError:
                return value
    text = f"{moment.day}{'er' if moment.day == 1 else ''} {MONTHS[moment.month - 1]} {moment.year}"
    if with_time and isinstance(moment, datetime) and (moment.hour or moment.minute):
        text += f" à {moment.hour:02d} h {moment.minute:02d}"
    return text


def rule_label(rule: str | None, with_term: bool = True) -> str:
    """Why a mention matched, from its `mentions.rule`: "acronym:SEC-Pa" → "sigle « SEC-Pa »"
    (or "sigle" without the term); "title:long_form:…" adds ", dans le titre"."""
    rule = rule or ""
    in_title = rule.startswith("title:")
    kind, _, term = rule.removeprefix("title:").partition(":")
    if kind not in RULE_KINDS:
        return rule or "règle inconnue"
    label = RULE_KINDS[kind] + (f" « {term} »" if with_term and term else "")
    return label + (", dans le titre" if in_title else "")
