"""The run's memo of the sentence rules changes nothing: a document annotated among copies
of other documents (its sentences served by the memo) gets what it gets alone; the memo
answers what `find_commitment` answers and stays bounded. The entity ruler still warns when it has
no pattern (its cheap check of "no pattern at all").

Texts: the real annotated passages of tests/fixtures/nlp/realset.jsonl (see SOURCES.md there).
"""

from __future__ import annotations

import dataclasses
import json
import warnings

import spacy

import nlp.extract as extract_module
from conftest import FIXTURES
from nlp.commitments import find_commitment
from nlp.extract import SentenceMemo, extract, sanitize
from nlp.pipeline import add_ruler
from nlp_fixtures import nlp_model, ref, topic  # noqa: F401  (fixtures)


def _real_items(count: int) -> list[dict]:
    lines = (FIXTURES / "nlp" / "realset.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    return [i for i in items if i.get("split") == "dev"][:count]


def _plain(annotations) -> str:
    return json.dumps(dataclasses.asdict(annotations), sort_keys=True, ensure_ascii=False, default=str)


def test_copies_in_one_run_get_what_each_gets_alone(nlp_model, ref, topic):
    items = _real_items(12)
    docs = [(i["text"], i.get("date"), i["id"], i.get("publisher")) for i in items]
    alone = [_plain(next(extract([d], nlp_model, ref, topic))) for d in docs]
    together = [_plain(a) for a in extract(docs + docs[::-1], nlp_model, ref, topic)]
    assert together == alone + alone[::-1]
    assert sum('"commitments": [{' in a for a in alone) >= 3  # the texts hold commitments to read


def test_the_memo_answers_what_the_rules_answer(nlp_model, monkeypatch):
    sentences = [s.text for doc in nlp_model.pipe([sanitize(i["text"]) for i in _real_items(8)]) for s in doc.sents]
    read = [find_commitment(s, "2026-03-01", [], None, None, None, None) for s in sentences]
    assert sum(c is not None for c in read) >= 3  # sentences that hold an item
    memo = SentenceMemo()
    assert [memo.find_commitment(s, "2026-03-01", [], None, None, None, None) for s in sentences * 2] == read * 2
    monkeypatch.setattr(extract_module, "MEMO_SIZE", 3)
    small = SentenceMemo()
    assert [small.find_commitment(s, "2026-03-01", [], None, None, None, None) for s in sentences] == read
    assert len(small._commitments) <= 3


def test_an_empty_ruler_still_warns():
    nlp = add_ruler(spacy.blank("fr"), [])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nlp("La ministre de la Santé.")
    assert any("W036" in str(w.message) for w in caught)
    add_ruler(nlp, [{"label": "ROLE", "pattern": [{"LOWER": "ministre"}], "id": "role:ministre"}])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = nlp("La ministre de la Santé.")
    assert not any("W036" in str(w.message) for w in caught)
    assert [(e.text, e.label_) for e in doc.ents] == [("ministre", "ROLE")]
