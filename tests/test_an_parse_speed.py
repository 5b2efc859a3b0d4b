"""The AN parsers give, field by field, the records they gave before they were made faster
(issue 17): every real fixture file (questions, amendments and their real sample, agenda,
dossiers, reference, comptes rendus, and the members of the replay archives) is parsed and
compared with `fixtures/an_questions/parse_snapshot.json`, computed by the parser before
the speed work (see that folder's SOURCES.md).

Regenerate the snapshot (only when a change of output is intended):
`.venv/bin/python tests/test_an_parse_speed.py --write`.
"""

from __future__ import annotations

import html
import json
import random
import re
import sys
import unicodedata
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nlp import text as nlp_text  # noqa: E402
from spiders import an_parse  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SNAPSHOT = FIXTURES / "an_questions" / "parse_snapshot.json"
# Uids a follow list could hold, so that `followed` is computed both ways.
FOLLOW = frozenset({"DLR5L17N52922", "DLR5L17N51485", "PIONANR5L17B2504", "PRJLANR5L17B0325"})


def plain(value: Any) -> Any:
    """A parser output as JSON, with its types kept: datetimes and tuples are tagged."""
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat(), "tz": str(value.tzinfo)}
    if isinstance(value, tuple):
        return {"__tuple__": [plain(v) for v in value]}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return {"__bool__": value} if isinstance(value, bool) else value
    raise TypeError(f"unexpected {type(value).__name__} in a parser output")


def _guarded(parse: Callable[[], Any]) -> Any:
    try:
        return {"ok": plain(parse())}
    except an_parse.BadRecord as exc:
        return {"bad": [exc.uid, exc.cause]}


def _json_outputs(name: str, data: Any, uid: str) -> dict[str, Any]:
    """Every parser that applies to one decoded JSON file."""
    before = json.dumps(data, sort_keys=True)
    out: dict[str, Any] = {"hash": an_parse.stable_hash(data)}
    if isinstance(data, dict) and "question" in data:
        out["question"] = _guarded(lambda: an_parse.parse_an_question(data, "src", uid))
    if isinstance(data, dict) and ("amendement" in data or str(data.get("uid", "")).startswith("AMAN")):
        out["amendment"] = _guarded(lambda: an_parse.parse_amendment(data, "src", uid))
    if isinstance(data, dict) and "reunion" in data:
        out["reunion"] = _guarded(lambda: an_parse.parse_reunion(data, "src", uid))
        out["reunion_follow"] = _guarded(lambda: an_parse.parse_reunion(data, "src", uid, FOLLOW))
    if "an_dossiers" in name:
        out["dossier"] = _guarded(lambda: an_parse.parse_dossier(data, "src", uid))
        out["dossier_follow"] = _guarded(lambda: an_parse.parse_dossier(data, "src", uid, FOLLOW))
    if "an_reference" in name:
        out["reference"] = _guarded(lambda: list(an_parse.parse_reference(data, uid)))
    assert json.dumps(data, sort_keys=True) == before, f"{name}: a parser changed its input"
    return out


def _member_outputs(name: str, member: an_parse.Member) -> dict[str, Any]:
    if member.name.lower().endswith(".xml"):
        return {"sitting": _guarded(lambda: an_parse.parse_sitting(member.data, member.uid))}
    try:
        data = an_parse.load_json(member)
    except an_parse.BadRecord as exc:
        return {"load": [exc.uid, exc.cause]}
    return _json_outputs(name, data, member.uid)


# Fixture files that are not archive data: the replay's routes, this snapshot, and the
# `questions` rows an earlier version stored (tests/test_question_hashes.py).
NOT_PARSER_INPUTS = ("routes.json", SNAPSHOT.name, "questions_before_issue17.json")


def fixture_files() -> list[Path]:
    """The real fixture files the snapshot covers (sorted, relative order stable)."""
    folders = ["an_questions", "an_amendments", "an_agenda", "an_dossiers", "an_reference", "an_debates"]
    files: list[Path] = []
    for folder in folders:
        for path in sorted((FIXTURES / folder).rglob("*")):
            if path.suffix in (".json", ".xml", ".zip") and path.name not in NOT_PARSER_INPUTS:
                files.append(path)
    return files


def compute() -> dict[str, Any]:
    """The outputs of the parsers over every fixture file, keyed by relative path."""
    return {p.relative_to(FIXTURES).as_posix(): compute_one(p.relative_to(FIXTURES).as_posix())
            for p in fixture_files()}


def _expected() -> dict[str, Any]:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_snapshot_covers_every_fixture() -> None:
    expected = _expected()
    names = {p.relative_to(FIXTURES).as_posix() for p in fixture_files()}
    assert names == set(expected)
    kinds = {k for outputs in expected.values() for k in outputs}
    assert {"hash", "question", "amendment", "reunion", "dossier", "reference", "sitting", "members"} <= kinds


@pytest.mark.parametrize("name", sorted(p.relative_to(FIXTURES).as_posix() for p in fixture_files()))
def test_same_output_as_snapshot(name: str) -> None:
    expected = _expected()[name]
    got = compute_one(name)
    if "members" in expected:
        assert set(got["members"]) == set(expected["members"])
        for member, outputs in expected["members"].items():
            assert got["members"][member] == outputs, member
        assert got["skipped"] == expected["skipped"]
    else:
        for key, value in expected.items():
            assert got.get(key) == value, key
        assert set(got) == set(expected)


def compute_one(name: str) -> dict[str, Any]:
    """`compute()` for one fixture file."""
    path = FIXTURES / name
    body = path.read_bytes()
    if path.suffix == ".zip":
        skipped: list[tuple[str, str]] = []
        members = {m.name: _member_outputs(name, m) for m in an_parse.iter_zip(body, (".json", ".xml"), skipped)}
        return {"members": members, "skipped": [list(s) for s in skipped]}
    return _member_outputs(name, an_parse.Member(path.name, path.stem, body))


def test_repeated_parse_is_stable() -> None:
    """Caches inside the parsers never leak one record's values into the next one."""
    first = compute_one("an_questions/QANR5L17QE5268.json")
    compute_one("an_questions/QANR5L16QG1.json")
    assert compute_one("an_questions/QANR5L17QE5268.json") == first


@pytest.mark.parametrize("seed", range(3))
def test_member_names_read_as_pathlib_reads_them(seed: int) -> None:
    """`_stem` and `safe_member_name` give what they gave through `PurePosixPath`."""
    rng = random.Random(seed)
    names = ["json/QANR5L17QE1.json", "a/b/", "x.tar.gz", ".json", "a/.", "a/..", "//a//b.", "./a", "", "/"]
    for _ in range(20_000):
        names.append("".join(rng.choice("ab./\\:") for _ in range(rng.randint(0, 12))))
    for name in names:
        assert an_parse._stem(name) == PurePosixPath(name).stem, repr(name)
        if name:
            reference = not (name.startswith(("/", "\\")) or "\\" in name or ":" in name.split("/")[0]
                             or ".." in PurePosixPath(name).parts)
            assert an_parse.safe_member_name(name) == reference, repr(name)


def test_dates_read_as_before() -> None:
    """The cached date readers give what `parse_day` and `parse_instant` give, errors included."""
    from spiders import dates

    for raw in ["2024-01-05", "2024-01-05+01:00", "2025-11-17T23:30:00.000+01:00", "05/02/2026", "20260205143000123",
                "2024-02-30", "nope", " 2024-01-05 ", None, ""]:
        for cached, reference in ((dates.parse_day, dates._parse_day), (dates.parse_instant, dates._parse_instant)):
            for _ in range(2):
                try:
                    expected: Any = reference(raw)
                except ValueError as exc:
                    expected = ("error", str(exc))
                try:
                    got: Any = cached(raw)
                except ValueError as exc:
                    got = ("error", str(exc))
                assert got == expected, raw


# ------------------------------------------------------------------ clean_text as it was
def reference_clean_text(value: str | None) -> str:
    """`nlp.text.clean_text` before issue 17 (its space and newline regexes run in full)."""
    if not value:
        return ""
    text = value
    if "<" in text:
        text = nlp_text._COMMENT.sub(" ", text)
        text = nlp_text._DROP_ELEMENTS.sub(" ", text)
        text = nlp_text._BLOCK_TAGS.sub("\n", text)
        text = nlp_text._TAG.sub(" ", text)
    text = html.unescape(html.unescape(text))
    text = unicodedata.normalize("NFC", text)
    text = text.translate(nlp_text._INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\f\v\u00a0\u202f\u2007\u2009]+", " ", text)
    text = re.sub(r"\s*\n\s*", "\n", text)
    return text.strip()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_clean_text_same_on_every_fixture_string() -> None:
    count = 0
    for path in fixture_files():
        if path.suffix != ".json":
            continue
        for value in _strings(json.loads(path.read_bytes().decode("utf-8-sig"))):
            assert nlp_text.clean_text(value) == reference_clean_text(value), (path.name, value[:80])
            count += 1
    assert count > 10_000


# Every character the blank-space steps treat apart: Unicode white space, odd spaces, line
# breaks, invisible characters, markup, entities.
_ALPHABET = (" \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u2007\u2009\u200a\u2028\u2029\u202f"
             "\u205f\u3000\u00ad\u200b\ufeffaé<>/p&;#x0E9amp")


@pytest.mark.parametrize("seed", range(4))
def test_clean_text_same_on_random_strings(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(5000):
        value = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 30)))
        for candidate in (value, value.replace("<", ""), f"a{value}b", f"<br>{value}<p>x"):
            assert nlp_text.clean_text(candidate) == reference_clean_text(candidate), repr(candidate)


if __name__ == "__main__":
    if "--write" in sys.argv:
        SNAPSHOT.write_text(json.dumps(compute(), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
        print(f"wrote {SNAPSHOT}")
