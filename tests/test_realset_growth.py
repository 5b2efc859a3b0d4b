"""Integrity of the real annotated set as it grows (issue 13, point 4): the split rule of the
items added from p53 on, verbatim quotes and mentions, and one provenance row per item in
SOURCES.md. Pure data checks on tests/fixtures/nlp/realset.jsonl and realset_nearby.jsonl (the
near-topic texts, read without the topic gate); no model is loaded."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "nlp"
ABOUT = [json.loads(line) for line in (FIXTURES / "realset.jsonl").read_text(encoding="utf-8").splitlines()]
NEARBY = [json.loads(line) for line in (FIXTURES / "realset_nearby.jsonl").read_text(encoding="utf-8").splitlines()]
ITEMS = ABOUT + NEARBY
GROWTH = [item for item in ITEMS if int(item["id"][1:]) >= 53]
KINDS = {"commitment", "announcement", "demand", "refusal"}


def _rows() -> dict[str, tuple[str, str]]:
    """Map each id of the SOURCES.md tables to its (split, date) cells."""
    rows = {}
    for line in (FIXTURES / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.fullmatch(r"p\d+", cells[0]):
            rows[cells[0]] = (cells[1], cells[2].split()[0])
    return rows


def test_ids_are_unique_and_the_set_reached_its_size():
    ids = [item["id"] for item in ITEMS]
    assert len(ids) == len(set(ids))
    assert len(ITEMS) >= 80 and len(GROWTH) >= 30


def test_near_topic_items_are_the_growth_items_that_never_name_the_topic():
    from pipelines.config import load_config
    from nlp.topic import TopicMatcher

    topic = TopicMatcher.from_topic(load_config(Path(__file__).parents[1] / "veille.toml").topic)
    named = [any(m.strength == "strong" for m in topic.find(item["text"])) for item in ITEMS]
    for item, names_it in zip(ITEMS, named):
        ungated = item.get("topic_gate") is False
        assert ungated == (item in NEARBY), item["id"]
        assert not (ungated and names_it), item["id"]  # a text that names the topic is read with the gate
    assert all(int(item["id"][1:]) >= 53 for item in NEARBY) and len(ABOUT) >= 60


def test_growth_items_follow_the_split_rule_fixed_before_annotation():
    for item in GROWTH:
        expected = "test" if int(item["id"][1:]) % 3 == 0 else "dev"
        assert item["split"] == expected, item["id"]


def test_every_item_has_one_provenance_row_with_its_split_and_date():
    rows = _rows()
    for item in ITEMS:
        assert rows.get(item["id"]) == (item["split"], item["date"]), item["id"]


def test_growth_quotes_locate_one_sentence_and_mentions_are_in_text_order():
    for item in GROWTH:
        text, position = item["text"], 0
        for surface, _ in item["actors"]:
            found = text.find(surface, position)
            assert found >= 0, (item["id"], surface)
            position = found + len(surface)
        for c in item["commitments"]:
            assert text.count(c["quote"]) == 1, (item["id"], c["quote"])


def test_fields_are_well_formed():
    for item in ITEMS:
        datetime.date.fromisoformat(item["date"])
        for surface, actor_id in item["actors"]:
            assert surface.strip() == surface and surface and re.fullmatch(r"[\w:.-]+", actor_id), (item["id"], surface)
        for c in item["commitments"]:
            assert c["kind"] in KINDS and set(c) == {"quote", "kind", "actor", "amount", "deadline"}, item["id"]
            assert c["amount"] is None or c["amount"] > 0, item["id"]
            if c["deadline"] is not None:
                datetime.date.fromisoformat(c["deadline"])
