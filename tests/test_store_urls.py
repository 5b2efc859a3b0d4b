"""The store's URL reading without `urlsplit` (`normalize.host_path_query`) gives what
`urlsplit` gives, on every address of the recorded fixtures and on their canonical forms."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from conftest import FIXTURES
from pipelines.normalize import canonical_url, host_path_query, identifies_one_page

_URL = re.compile(r"https?://[^\s\"'<>]+")


def _fixture_urls() -> set[str]:
    found: set[str] = set()
    for path in FIXTURES.rglob("*"):
        if path.is_file() and path.suffix in (".xml", ".html", ".json", ".rss", ".atom", ".jsonl", ".txt", ""):
            found.update(_URL.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return found


def _split(url: str) -> tuple[str, str, str] | None:
    try:
        parts = urlsplit(url)
        return parts.hostname or "", parts.path, parts.query
    except ValueError:  # a broken port in a scraped attribute
        return None


def test_host_path_query_reads_every_recorded_address_as_urlsplit_does():
    urls = _fixture_urls()
    assert len(urls) > 1000
    compared = 0
    for url in urls:
        forms = [url]
        try:
            forms.append(canonical_url(url))
        except ValueError:
            pass
        for form in forms:
            expected = _split(form)
            if expected is not None:
                assert host_path_query(form) == expected, form
                compared += 1
    assert compared > 2000


def test_host_path_query_parses_what_is_not_plain():
    assert host_path_query("https://user@Www.Example.fr:8080/a") == ("www.example.fr", "/a", "")
    assert host_path_query("https://Www.Example.fr/A/b") == ("www.example.fr", "/A/b", "")
    assert host_path_query("https://www.example.fr") == ("www.example.fr", "", "")
    assert host_path_query("https://www.fncs.org/spip.php?article8532#x") == ("www.fncs.org", "/spip.php", "article8532")
    assert host_path_query("CBMilwFBVV95cUxNeU1p") == ("", "CBMilwFBVV95cUxNeU1p", "")


def test_a_query_stripped_alias_still_names_no_page():
    assert not identifies_one_page("https://www.fncs.org/spip.php", "https://www.fncs.org/spip.php?article8532")
    assert not identifies_one_page("https://www.site.fr/page", "https://www.site.fr/page?id=12")
    assert identifies_one_page("https://www.site.fr/page", "https://www.site.fr/page")
    assert identifies_one_page("https://www.site.fr/page", "https://www.autre.fr/page?id=12")
