"""The AN parsers give, field by field, the records they gave before they were made faster
(issue 17): every real fixture file (questions, amendments and their real sample, agenda,
dossiers, reference, comptes rendus, and the members of the replay archives) is parsed and
compared with `fixtures/an_questions/parse_snapshot.json`, computed by the parser before
the speed work (see that folder's SOURCES.md).

Regenerate the snapshot (only when a change of output is intended):
`.venv/bin/python tests/test_an_parse_speed.py --write`.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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


def fixture_files() -> list[Path]:
    """The real fixture files the snapshot covers (sorted, relative order stable)."""
    folders = ["an_questions", "an_amendments", "an_agenda", "an_dossiers", "an_reference", "an_debates"]
    files: list[Path] = []
    for folder in folders:
        for path in sorted((FIXTURES / folder).rglob("*")):
            if path.suffix in (".json", ".xml", ".zip") and path.name not in ("routes.json", SNAPSHOT.name):
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


if __name__ == "__main__":
    if "--write" in sys.argv:
        SNAPSHOT.write_text(json.dumps(compute(), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
        print(f"wrote {SNAPSHOT}")
