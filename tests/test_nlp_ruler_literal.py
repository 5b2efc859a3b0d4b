"""The literal matcher of the entity ruler finds what spaCy's `Matcher` finds: same
matches, same order, on the real annotated passages with every shipped pattern.

Texts: tests/fixtures/nlp/realset.jsonl and devset.jsonl (see SOURCES.md there).
"""

from __future__ import annotations

import json

from spacy.matcher import Matcher

import nlp.ruler as ruler_module
from conftest import FIXTURES
from nlp.extract import sanitize
from nlp.pipeline import blank_pipeline_with_patterns


def _texts() -> list[str]:
    texts = []
    for name in ("realset.jsonl", "devset.jsonl"):
        for line in (FIXTURES / "nlp" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(sanitize(json.loads(line)["text"]))
    return texts


def _spacy_matcher(self, pairs):
    matcher = Matcher(self.nlp.vocab, fuzzy_compare=self.matcher_fuzzy_compare)
    for key, pattern in pairs:
        matcher.add(key, ruler_module.expand_counts(pattern))
    return matcher


def test_literal_matches_are_the_matcher_s(monkeypatch):
    nlp = blank_pipeline_with_patterns()
    ruler = nlp.get_pipe("veille_ruler")
    docs = [nlp.make_doc(text) for text in _texts()]
    fast = [ruler.match(doc) for doc in docs]
    plan = ruler.anchored_matchers()
    assert plan is not None and sum(isinstance(group[3], ruler_module.LiteralMatcher) for group in plan) >= 10
    monkeypatch.setattr(ruler_module.AnchoredEntityRuler, "_matcher", _spacy_matcher)
    ruler._plan_key = None
    slow = [ruler.match(doc) for doc in docs]
    assert not any(isinstance(group[3], ruler_module.LiteralMatcher) for group in ruler.anchored_matchers() or [])
    assert fast == slow
    assert sum(map(len, fast)) > 500


def test_literal_specs_keep_what_they_cannot_read():
    assert ruler_module.literal_specs([{"LOWER": "ministre"}, {"LOWER": {"IN": ["de", "la"]}, "OP": "{0,3}"}]) is not None
    assert ruler_module.literal_specs([{"LOWER": "Ministre"}]) is None  # never matches in spaCy: left to it
    assert ruler_module.literal_specs([{"TEXT": "ARS"}]) is None
    assert ruler_module.literal_specs([{"LOWER": "ministre"}, {"IS_TITLE": True}]) is None
    assert ruler_module.literal_specs([{"LOWER": "ministre", "OP": "+"}]) is None


def test_optional_tokens_give_every_match():
    nlp = blank_pipeline_with_patterns()
    pattern = [{"LOWER": "a"}, {"LOWER": "b", "OP": "?"}, {"LOWER": {"IN": ["c", "b"]}, "OP": "{0,2}"}]
    specs = ruler_module.literal_specs(pattern)
    assert specs is not None
    doc = nlp.make_doc("a b b c a")
    words = [t.lower for t in doc]
    literal = ruler_module.LiteralMatcher([(7, specs)])
    spacy_matcher = Matcher(nlp.vocab)
    spacy_matcher.add("K", [pattern])
    assert sorted((s, e) for _, s, e in literal.find(words, 0, len(doc))) == sorted((s, e) for _, s, e in spacy_matcher(doc))
    assert (0, 4) in {(s, e) for _, s, e in literal.find(words, 0, len(doc))}
