"""ISO weeks in Paris time, the unit of the weekly digest.

2026-W07 runs from Monday 9 to Sunday 15 February 2026. A module of its own so that the
digest's parts (`pipelines.digest`, `pipelines.digest_data`, `pipelines.nightly`) share it
without importing one another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipelines.labels import MONTHS, french_date, paris_day
from spiders.dates import PARIS

__all__ = ["PARIS", "Week", "WeekError", "parse_week", "previous_week", "today_paris", "week_of"]
WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


class WeekError(ValueError):
    """A week the user asked for that does not exist or has not begun, phrased as one line."""


@dataclass(frozen=True)
class Week:
    """One ISO week; `start` is its Monday, `end` its Sunday (dates in Paris time)."""

    year: int
    number: int

    @property
    def label(self) -> str:
        """The ISO label, e.g. "2026-W07"."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def start(self) -> date:
        """Monday of the week."""
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def end(self) -> date:
        """Sunday of the week."""
        return self.start + timedelta(days=6)

    def contains(self, value: date | datetime | str | None) -> bool:
        """True when the Paris calendar day of `value` falls in the week."""
        day = paris_day(value)
        return day is not None and self.start <= day <= self.end

    def shifted(self, weeks: int) -> "Week":
        """The week `weeks` weeks later (negative: earlier)."""
        return week_of(self.start + timedelta(weeks=weeks))

    def french(self) -> str:
        """"du 9 au 15 février 2026" (months and years only when they differ)."""
        s, e = self.start, self.end
        first = f"{s.day}{'er' if s.day == 1 else ''}"
        if s.year != e.year:
            first += f" {MONTHS[s.month - 1]} {s.year}"
        elif s.month != e.month:
            first += f" {MONTHS[s.month - 1]}"
        return f"du {first} au {french_date(e)}"


def week_of(d: date | datetime | str) -> Week:
    """The ISO week containing `d`: a day, or the Paris calendar day of a datetime or of a
    stored ISO date (midnight Paris stored in UTC, "2024-11-03T23:00:00+00:00", is Monday
    4 November 2024, week 45)."""
    day = paris_day(d)
    if day is None:
        raise WeekError(f"date illisible {d!r}")
    year, number, _ = day.isocalendar()
    return Week(year, number)


def today_paris() -> date:
    """Today's date in Paris."""
    return datetime.now(PARIS).date()


def previous_week(today: date | None = None) -> Week:
    """The last complete week (the default digest week)."""
    return week_of((today or today_paris()) - timedelta(days=7))


def parse_week(text: str | None, today: date | None = None) -> Week:
    """Parse "2026-W07" (also "2026W7"); None means the last complete week. Raise
    `WeekError` for anything else, including week 53 of a 52-week year and future weeks."""
    if text is None or text == "":
        return previous_week(today)
    match = WEEK_RE.match(text.strip())
    if not match:
        raise WeekError(f"semaine inconnue {text!r} : format attendu AAAA-Wnn, par exemple 2026-W07")
    year, number = int(match[1]), int(match[2])
    try:
        week = Week(year, number)
        week.start  # noqa: B018 (validates the week number)
    except ValueError:
        raise WeekError(f"semaine inconnue {text!r} : l'année {year} n'a pas de semaine {number}") from None
    if week.start > (today or today_paris()):
        raise WeekError(f"semaine {week.label} : elle n'a pas encore commencé")
    return week
