"""French wording shared by the site and the digest."""

import sqlite3
from datetime import date, datetime, timezone

import pytest

from pipelines.labels import french_date, french_datetime, paris_day, register_sql_functions, rule_label
from spiders.dates import PARIS


@pytest.mark.parametrize("value, with_time, expected", [
    (date(2026, 3, 1), False, "1er mars 2026"),
    # An instant is shown in Paris time: 10:05 UTC is 11:05 in Paris in February.
    (datetime(2026, 2, 18, 10, 5, tzinfo=timezone.utc), True, "18 février 2026 à 11 h 05"),
    ("2026-02-18T10:05:00+00:00", False, "18 février 2026"),
    # Le Monde's « Wed, 18 Feb 2026 19:12:00 +0100 » stored in Paris time or in UTC.
    ("2026-02-18T19:12:00+01:00", True, "18 février 2026 à 19 h 12"),
    ("2026-02-18T18:12:00+00:00", True, "18 février 2026 à 19 h 12"),
    # Summer time: 07:30 UTC is 09:30 in Paris; the hour has no leading zero.
    ("2026-06-17T07:30:00+00:00", True, "17 juin 2026 à 9 h 30"),
    # A day never shows an hour: midnight Paris, whether stored in Paris time or in UTC.
    ("2026-03-03T00:00:00+01:00", True, "3 mars 2026"),
    ("2026-03-02T23:00:00+00:00", True, "3 mars 2026"),
    ("2026-12-31", True, "31 décembre 2026"),
    # Late evening UTC is already the next day in Paris.
    ("2026-02-28T23:30:00+00:00", True, "1er mars 2026 à 0 h 30"),
    ("bientôt", False, "bientôt"),
    (None, False, ""),
])
def test_french_date(value, with_time, expected):
    assert french_date(value, with_time=with_time) == expected


@pytest.mark.parametrize("value, precision, expected", [
    ("2026-03-01T00:00:00+01:00", "month", "mars 2026"),
    ("2026-03", None, "mars 2026"),
    ("2026-03-03T00:00:00+01:00", "day", "3 mars 2026"),
    # A stated precision wins over the inference: an instant at midnight keeps its hour.
    ("2026-03-03T00:00:00+01:00", "instant", "3 mars 2026 à 0 h 00"),
    ("2026-03-03T19:12:00+01:00", "day", "3 mars 2026"),
])
def test_french_datetime_follows_the_precision(value, precision, expected):
    assert french_datetime(value, precision) == expected


@pytest.mark.parametrize("value, expected", [
    ("2024-11-03T23:00:00+00:00", date(2024, 11, 4)),  # midnight Paris stored in UTC
    ("2024-11-04T00:00:00+01:00", date(2024, 11, 4)),
    ("2026-03-29T22:30:00+00:00", date(2026, 3, 30)),  # after the spring change, UTC+2
    ("2026-03-03", date(2026, 3, 3)),
    ("n'importe quoi", None),
])
def test_paris_day(value, expected):
    assert paris_day(value) == expected


def test_sql_date_functions():
    conn = sqlite3.connect(":memory:")
    register_sql_functions(conn)
    row = conn.execute("select veille_jour('2024-11-03T23:00:00+00:00'), veille_date('2026-03-02T23:00:00+00:00'),"
                       " veille_date('2026-02-18T18:12:00+00:00'), veille_date('2026-03-01T00:00:00+01:00', 'month'),"
                       " veille_jour('now') = ?", [datetime.now(PARIS).date().isoformat()]).fetchone()
    assert row == ("2024-11-04", "3 mars 2026", "18 février 2026 à 19 h 12", "mars 2026", 1)


@pytest.mark.parametrize("rule, with_term, expected", [
    ("acronym:SEC-Pa", True, "sigle « SEC-Pa »"),
    ("acronym:SEC-Pa", False, "sigle"),
    ("title:long_form:centre de santé participatif", True, "forme longue « centre de santé participatif », dans le titre"),
    ("title:long_form:centre de santé participatif", False, "forme longue, dans le titre"),
    ("weak:article 51", False, "signal faible"),
    ("autre", True, "autre"),
    (None, True, "règle inconnue"),
])
def test_rule_label(rule, with_term, expected):
    assert rule_label(rule, with_term=with_term) == expected
