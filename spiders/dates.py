"""Dates as sources write them, with their precision.

Feeds write RFC 822 (with named zones such as CET/CEST), ISO 8601 or French forms
("mar., 03 févr. 2026 14:05:00 +0100", "3 février 2026 à 14h05", "1er mars 2026");
parliamentary data write bare days ("2026-02-05", "05/02/2026") or Syceron stamps.
feedparser reads CET/CEST as UTC and knows no French names, so dates are parsed here.

`read_date` keeps what the source said: an instant (with its time of day), a calendar
day or a month (`SourceDate.precision`: "instant", "day", "month"). A time without a zone
is Paris time. A time of exactly 00:00:00 is how date-only systems print a day, so it is
read as that day, in the zone the source printed it in ("2026-03-03T00:00:00+00:00" is
3 March, not 1 a.m. in Paris).

Storage (`stored_iso`) is ISO 8601 in Paris time with its offset: the first ten characters
are the Paris calendar day (weeks and months are Paris calendar days everywhere) and the
strings still sort in time order. A day is stored as its Paris midnight
("2026-03-03T00:00:00+01:00") with the precision "day" beside it; a month as the midnight
of its first day with the precision "month".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
INSTANT, DAY, MONTH = "instant", "day", "month"
PRECISIONS = (INSTANT, DAY, MONTH)

MONTHS = {
    "jan": 1, "janv": 1, "janvier": 1, "january": 1, "feb": 2, "fev": 2, "fevr": 2, "fevrier": 2,
    "févr": 2, "février": 2, "february": 2, "mar": 3, "mars": 3, "march": 3, "apr": 4, "avr": 4,
    "avril": 4, "april": 4, "may": 5, "mai": 5, "jun": 6, "juin": 6, "june": 6, "jul": 7,
    "juil": 7, "juillet": 7, "july": 7, "aug": 8, "aou": 8, "août": 8, "aout": 8, "august": 8,
    "sep": 9, "sept": 9, "septembre": 9, "september": 9, "oct": 10, "octobre": 10, "october": 10,
    "nov": 11, "novembre": 11, "november": 11, "dec": 12, "déc": 12, "decembre": 12,
    "décembre": 12, "december": 12,
}
ZONES = {
    "gmt": 0, "ut": 0, "utc": 0, "z": 0, "cet": 60, "cest": 120, "met": 60, "mest": 120,
    "bst": 60, "wet": 0, "west": 60, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
}
_WEEKDAY = re.compile(
    r"^(?:(?:publié|publie|mis à jour|mis a jour|modifié|modifie|actualisé|actualise|créé|cree)"
    r"(?:\s+le)?\s*:?\s+|le\s+)?"
    r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|(?:lun|mar|mer|jeu|ven|sam|dim|mon|tue|wed|thu|fri|sat|sun)[.,])"
    r",?\s+)?",
    re.IGNORECASE,
)
_TIME = (r"(?:\s*(?:à|a|,|-)?\s*(?P<hour>\d{1,2})\s*(?:[:hH]\s*(?P<minute>\d{2})?)"
         r"(?:\s*:\s*(?P<second>\d{2}))?)?"
         r"\s*(?P<zone>[+-]\d{2}:?\d{2}|(?<![^\W\d_])[A-Za-z]{1,5}(?:[+-]\d{1,2})?)?\s*$")
_TEXTUAL = re.compile(
    r"^(?P<day>\d{1,2})(?:er)?\s+(?P<month>[^\W\d_]+)\.?,?\s+(?P<year>\d{4})" + _TIME, re.IGNORECASE)
_ENGLISH = re.compile(  # "February 3, 2026 2:05 PM" is rare in French feeds but seen in Atom exports
    r"^(?P<month>[^\W\d_]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})" + _TIME, re.IGNORECASE)
_MONTH_YEAR = re.compile(r"^(?P<month>[^\W\d_]+)\.?\s+(?P<year>\d{4})$", re.IGNORECASE)
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s*(?:à|a|-)?\s*(\d{1,2})\s*[:hH]\s*(\d{2})(?::(\d{2}))?)?$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SYCERON = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\d{0,3}$")


@dataclass(frozen=True)
class SourceDate:
    """A date as its source gave it: `moment` is aware (Paris time), `precision` one of
    "instant", "day" (then `moment` is the Paris midnight of that day) or "month" (the
    midnight of its first day)."""

    moment: datetime
    precision: str = INSTANT

    @property
    def day(self) -> date:
        """The Paris calendar day."""
        return self.moment.astimezone(PARIS).date()

    def stored(self) -> str:
        """ISO 8601 in Paris time, as stored in `documents.published`."""
        return stored_iso(self.moment, self.precision)


def read_date(value: str | None) -> SourceDate | None:
    """Read a date with its precision; None when empty or unreadable (never raises)."""
    if not value or not str(value).strip():
        return None
    text = " ".join(str(value).split())
    text = _WEEKDAY.sub("", text, count=1)
    for reader in (_read_iso, _read_dmy, _read_syceron, _read_textual):
        try:
            found = reader(text)
        except (ValueError, OverflowError):
            found = None
        if found is not None:
            return found
    return None


def parse_date(value: str | None) -> datetime | None:
    """Parse a feed or page date; an aware datetime (Paris time), or None when unreadable.
    The precision is lost: use `read_date` to keep it."""
    found = read_date(value)
    return found.moment if found else None


def day_date(day: date) -> SourceDate:
    """The `SourceDate` of a calendar day."""
    return SourceDate(datetime.combine(day, time(), PARIS), DAY)


def to_paris(moment: datetime) -> datetime:
    """`moment` in Paris time (a naive datetime is taken as Paris time already)."""
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment.astimezone(PARIS)


def infer_precision(moment: datetime | None) -> str:
    """The precision of a date stored before precisions were kept: a Paris midnight exactly
    is a day (date-only sources were stored as midnight Paris), anything else an instant."""
    if moment is None:
        return ""
    local = to_paris(moment)
    return DAY if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0) else INSTANT


def stored_iso(moment: datetime, precision: str = INSTANT) -> str:
    """ISO 8601 in Paris time with its offset; a day or month is its Paris midnight."""
    local = to_paris(moment)
    if precision == MONTH:
        local = datetime.combine(local.date().replace(day=1), time(), PARIS)
    elif precision == DAY:
        local = datetime.combine(local.date(), time(), PARIS)
    return local.isoformat()


def _read_iso(text: str) -> SourceDate | None:
    match = _YEAR_MONTH.match(text)
    if match:
        return SourceDate(datetime(int(match[1]), int(match[2]), 1, tzinfo=PARIS), MONTH)
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    if len(text) == 10:
        return day_date(date.fromisoformat(text))
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    return _moment(parsed)


def _read_dmy(text: str) -> SourceDate | None:
    match = _DMY.match(text)
    if not match:
        return None
    day, month, year = int(match[1]), int(match[2]), int(match[3])
    if match[4] is None:
        return day_date(date(year, month, day))
    return _moment(datetime(year, month, day, int(match[4]), int(match[5]), int(match[6] or 0)))


def _read_syceron(text: str) -> SourceDate | None:
    match = _SYCERON.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups())
    return _moment(datetime(year, month, day, hour, minute, second))


def _read_textual(text: str) -> SourceDate | None:
    match = _TEXTUAL.match(text) or _ENGLISH.match(text)
    if match:
        month = MONTHS.get(match["month"].lower().rstrip("."))
        if not month:
            return None
        if match["hour"] is None:
            if match["zone"]:
                return None
            return day_date(date(int(match["year"]), month, int(match["day"])))
        hour = int(match["hour"])
        if re.search(r"\bpm\b", text, re.I) and hour < 12:
            hour += 12
        local = datetime(int(match["year"]), month, int(match["day"]), hour,
                         int(match["minute"] or 0), int(match["second"] or 0))
        zone = match["zone"]
        if zone and zone.lower() in ("am", "pm"):
            zone = None
        offset = _offset(zone)
        if offset is False:
            return None
        return _moment(local.replace(tzinfo=offset) if isinstance(offset, timezone) else local)
    match = _MONTH_YEAR.match(text)
    if match:
        month = MONTHS.get(match["month"].lower().rstrip("."))
        return SourceDate(datetime(int(match["year"]), month, 1, tzinfo=PARIS), MONTH) if month else None
    return None


def _offset(zone: str | None) -> timezone | None | bool:
    """The zone of a textual date: None when absent (Paris time), False when unknown."""
    if not zone:
        return None
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4])
        return timezone(timedelta(minutes=minutes if zone[0] == "+" else -minutes))
    name = zone.lower()
    shifted = re.match(r"^(gmt|utc)([+-])(\d{1,2})$", name)
    if shifted:
        hours = int(shifted[3]) if shifted[2] == "+" else -int(shifted[3])
        return timezone(timedelta(hours=hours))
    if name in ZONES:
        return timezone(timedelta(minutes=ZONES[name]))
    return False


def _moment(parsed: datetime) -> SourceDate:
    """An instant, or the day it names when its time is exactly midnight (in its own zone)."""
    if (parsed.hour, parsed.minute, parsed.second, parsed.microsecond) == (0, 0, 0, 0):
        return day_date(parsed.date())
    return SourceDate(to_paris(parsed), INSTANT)


# ------------------------------------------------------------------ parliamentary dates
# A back-fill reads the same few hundred dates again in every record (publication days,
# sittings): each string is read once. Both readers are pure functions of the string (their
# datetimes are immutable); an unreadable date raises again each time (errors are not kept).
_CACHE_SIZE = 8192


def parse_day(raw: str | None) -> str | None:
    """A date as ISO YYYY-MM-DD from ISO, ISO datetime, DD/MM/YYYY or Syceron forms;
    None when empty, ValueError when unreadable. An instant gives its Paris day."""
    return _cached_day(raw) if type(raw) is str else _parse_day(raw)


def parse_instant(raw: str | None) -> datetime | None:
    """An aware UTC datetime from ISO, DD/MM/YYYY or Syceron forms; a bare date is taken
    as midnight Paris time (the `Document` then records it as a day: `infer_precision`)."""
    return _cached_instant(raw) if type(raw) is str else _parse_instant(raw)


def _parse_day(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    raw = raw.strip()
    found = read_date(raw)
    if found is None:
        raise ValueError(f"date illisible {raw!r}")
    if re.match(r"^\d{4}-\d{2}-\d{2}T", raw) and found.precision == INSTANT:
        # An ISO stamp written by a parliamentary system names its day in its own zone.
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date().isoformat()
    return found.day.isoformat()


def _parse_instant(raw: str | None) -> datetime | None:
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


_cached_day = functools.lru_cache(maxsize=_CACHE_SIZE)(_parse_day)
_cached_instant = functools.lru_cache(maxsize=_CACHE_SIZE)(_parse_instant)
