"""`canonical_url` gives a plain URL back without parsing it (issue 17): the shortcut never
changes the answer. Checked on every URL written in the real fixture files (feeds, pages,
archives) and on constructed edge cases next to each rule of the shortcut."""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES
from pipelines.normalize import _canonical_as_is, canonical_parse, canonical_url

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>\\]+")


@pytest.fixture(scope="module")
def real_urls() -> list[str]:
    """The URLs found in the real fixture files (feeds, captured pages, open-data records)."""
    found: set[str] = set()
    for path in FIXTURES.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".jsonl", ".rss", ".atom") \
                and path.stat().st_size < 3_000_000:
            found.update(_URL.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return sorted(found)


def test_the_shortcut_gives_what_parsing_gives_on_every_real_url(real_urls):
    assert len(real_urls) > 1000
    shortcut = [url for url in real_urls if _canonical_as_is(url)]
    assert len(shortcut) > 100  # most links of a page are plain
    assert [url for url in shortcut if canonical_parse(url) != url] == []
    canonical_url.cache_clear()
    assert [url for url in real_urls if _outcome(canonical_url, url) != _outcome(canonical_parse, url)] == []


def _outcome(function, url: str) -> str:
    """What `function` gives for `url`, or the error it raises (a real link with a bad port)."""
    try:
        return function(url)
    except ValueError as exc:
        return f"ValueError: {exc}"


@pytest.mark.parametrize("url, canonical", [  # constructed, one per rule of the shortcut
    ("https://www.Example.fr/a/1", "https://www.example.fr/a/1"),
    ("https://m.example.fr/a/1", "https://www.example.fr/a/1"),
    ("https://amp.example.fr/a/1", "https://www.example.fr/a/1"),
    ("https://www.example.fr/a/1/amp", "https://www.example.fr/a/1"),
    ("https://www.example.fr/amp/a/1", "https://www.example.fr/a/1"),
    ("https://www.example.fr/a/1.amp.html", "https://www.example.fr/a/1.html"),
    ("https://www.example.fr/a/1/", "https://www.example.fr/a/1"),
    ("https://www.example.fr", "https://www.example.fr/"),
    ("https://www.example.fr:443/a/1", "https://www.example.fr/a/1"),
    ("https://www.example.fr:8080/a/1", "https://www.example.fr:8080/a/1"),
    ("https://user@www.example.fr/a/1", "https://www.example.fr/a/1"),
    ("HTTPS://www.example.fr/a/1", "https://www.example.fr/a/1"),
    ("https://www.example.fr/a/1?utm_source=x", "https://www.example.fr/a/1"),
    ("https://www-lemonde-fr.cdn.ampproject.org/c/s/www.lemonde.fr/a/1", "https://www.lemonde.fr/a/1"),
])
def test_urls_outside_the_shortcut_are_parsed(url, canonical):
    assert not _canonical_as_is(url)
    assert canonical_url(url) == canonical_parse(url) == canonical


@pytest.mark.parametrize("url", [  # constructed: plain URLs, given back as they are
    "https://www.example.fr/", "https://journal.example/campagne/champ-123", "http://127.0.0.1/a",
    "https://www.example.fr/a/index.html",
])
def test_plain_urls_are_given_back_as_they_are(url):
    assert _canonical_as_is(url)
    assert canonical_url(url) == canonical_parse(url) == url
