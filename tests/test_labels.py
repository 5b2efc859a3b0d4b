"""French wording shared by the site and the digest."""

from datetime import date, datetime, timezone

import pytest

from pipelines.labels import french_date, rule_label


@pytest.mark.parametrize("value, with_time, expected", [
    (date(2026, 3, 1), False, "1er mars 2026"),
    (datetime(2026, 2, 18, 10, 5, tzinfo=timezone.utc), True, "18 février 2026 à 10 h 05"),
    ("2026-02-18T10:05:00+00:00", False, "18 février 2026"),
    ("2026-12-31", True, "31 décembre 2026"),
    ("bientôt", False, "bientôt"),
    (None, False, ""),
])
def test_french_date(value, with_time, expected):
    assert french_date(value, with_time=with_time) == expected


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
