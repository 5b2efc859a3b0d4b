"""Dates as feeds write them: RFC 822 (with named zones such as CET/CEST), ISO 8601,
and French forms ("mar., 03 févr. 2026 14:05:00 +0100", "3 février 2026 à 14h05").

feedparser reads CET/CEST as UTC and knows no French names, so dates are parsed here.
A date without a zone is taken as Europe/Paris time. Results are aware UTC datetimes.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTHS = {
    "jan": 1, "janv": 1, "janvier": 1, "feb": 2, "fev": 2, "fevr": 2, "fevrier": 2, "févr": 2,
    "février": 2, "mar": 3, "mars": 3, "apr": 4, "avr": 4, "avril": 4, "may": 5, "mai": 5,
    "jun": 6, "juin": 6, "jul": 7, "juil": 7, "juillet": 7, "aug": 8, "aou": 8, "août": 8,
    "aout": 8, "sep": 9, "sept": 9, "septembre": 9, "oct": 10, "octobre": 10, "nov": 11,
    "novembre": 11, "dec": 12, "déc": 12, "decembre": 12, "décembre": 12,
}
ZONES = {
    "gmt": 0, "ut": 0, "utc": 0, "z": 0, "cet": 60, "cest": 120, "met": 60, "mest": 120,
    "bst": 60, "wet": 0, "west": 60, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
}
_TEXTUAL = re.compile(
    r"(?P<day>\d{1,2})(?:er)?\s+(?P<month>[^\W\d_]+)\.?\s+(?P<year>\d{4})"
    r"(?:\s*(?:à|a|,)?\s*(?P<hour>\d{1,2})\s*[:h]\s*(?P<minute>\d{2})?(?::(?P<second>\d{2}))?)?"
    r"\s*(?P<zone>[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?\s*$",
    re.IGNORECASE,
)


def parse_date(value: str | None) -> datetime | None:
    """Parse a feed date; return an aware UTC datetime, or None when unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    iso = _parse_iso(text)
    if iso:
        return iso
    text = re.sub(r"^[^\W\d_]+\.?,?\s+", "", text)  # drop the weekday ("mar.,", "Tue,")
    match = _TEXTUAL.match(text)
    if not match:
        return None
    month = MONTHS.get(match["month"].lower().rstrip("."))
    if not month:
        return None
    try:
        local = datetime(
            int(match["year"]), month, int(match["day"]),
            int(match["hour"] or 0), int(match["minute"] or 0), int(match["second"] or 0),
        )
    except ValueError:
        return None
    return _with_zone(local, match["zone"])


def _parse_iso(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=PARIS)
    return parsed.astimezone(timezone.utc)


def _with_zone(local: datetime, zone: str | None) -> datetime | None:
    if not zone:
        return local.replace(tzinfo=PARIS).astimezone(timezone.utc)
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4])
        offset = minutes if zone[0] == "+" else -minutes
    elif zone.lower() in ZONES:
        offset = ZONES[zone.lower()]
    else:
        return None
    return (local - timedelta(minutes=offset)).replace(tzinfo=timezone.utc)


# ------------------------------------------------------------------ parliamentary dates
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SYCERON = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\d{0,3}$")


def parse_day(raw: str | None) -> str | None:
    """A date as ISO YYYY-MM-DD from ISO, ISO datetime, DD/MM/YYYY or Syceron forms;
    None when empty, ValueError when unreadable."""
    if not raw or not raw.strip():
        return None
    raw = raw.strip()
    try:
        match = _DMY.match(raw)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day).isoformat()
        match = _SYCERON.match(raw)
        if match:
            year, month, day = (int(g) for g in match.groups()[:3])
            return date(year, month, day).isoformat()
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise ValueError(f"date illisible {raw!r}") from None


def parse_instant(raw: str | None) -> datetime | None:
    """An aware UTC datetime from ISO, DD/MM/YYYY or Syceron forms; a bare date is taken
    as midnight Paris time."""
    if not raw or not raw.strip():
        return None
    raw = raw.strip()
    match = _SYCERON.match(raw)
    if match:
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        local = datetime(year, month, day, hour, minute, second)
    elif "T" in raw or " " in raw:
        local = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    else:
        local = datetime.fromisoformat(parse_day(raw) or "")
    if local.tzinfo is None:
        local = local.replace(tzinfo=PARIS)
    return local.astimezone(timezone.utc)
