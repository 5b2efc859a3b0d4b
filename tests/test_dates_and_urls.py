"""Feed dates (RFC 822, CET/CEST, French names, ISO) and canonical URLs."""

from datetime import datetime, timezone

import pytest

from pipelines.normalize import canonical_url
from spiders.dates import parse_date

UTC = timezone.utc


@pytest.mark.parametrize("text, expected", [
    ("Tue, 03 Feb 2026 14:05:00 +0100", datetime(2026, 2, 3, 13, 5, tzinfo=UTC)),
    ("Tue, 03 Feb 2026 14:05:00 CET", datetime(2026, 2, 3, 13, 5, tzinfo=UTC)),
    ("Wed, 17 Jun 2026 09:00:00 CEST", datetime(2026, 6, 17, 7, 0, tzinfo=UTC)),
    ("Tue, 03 Feb 2026 14:05:00 GMT", datetime(2026, 2, 3, 14, 5, tzinfo=UTC)),
    ("mar., 03 févr. 2026 14:05:00 +0100", datetime(2026, 2, 3, 13, 5, tzinfo=UTC)),
    ("3 février 2026 à 14h05", datetime(2026, 2, 3, 13, 5, tzinfo=UTC)),
    ("1er juillet 2026", datetime(2026, 6, 30, 22, 0, tzinfo=UTC)),
    ("2026-02-03T14:05:00+01:00", datetime(2026, 2, 3, 13, 5, tzinfo=UTC)),
    ("2026-02-05T08:00:00Z", datetime(2026, 2, 5, 8, 0, tzinfo=UTC)),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", None, "bientôt", "31 février 2026", "Mon, 03 Foo 2026 10:00:00 GMT"])
def test_unreadable_dates_are_none(text):
    assert parse_date(text) is None


def test_canonical_url():
    assert canonical_url("HTTPS://WWW.Lemonde.fr:443/a/b/?utm_source=rss&xtor=RSS-1&id=3&oc=5#top") == "https://www.lemonde.fr/a/b?id=3"
    assert canonical_url("https://ex.fr/") == "https://ex.fr/"
    assert canonical_url("https://ex.fr/p?b=2&a=1") == "https://ex.fr/p?a=1&b=2"
