"""The shortcuts of the NLP stage change nothing: a parse served from the parser pass's
cache is the parse of the sentence, and a doc's entities sliced per sentence are the
sentence's `Span.ents`.

Texts: the real annotated passages of tests/fixtures/nlp/realset.jsonl (see SOURCES.md there).
"""

from __future__ import annotations

import json

import nlp.syntax as syntax
from conftest import FIXTURES
from nlp.extract import _span_ents, sanitize
from nlp_fixtures import nlp_model  # noqa: F401  (fixture)


def _real_texts() -> list[str]:
    lines = (FIXTURES / "nlp" / "realset.jsonl").read_text(encoding="utf-8").splitlines()
    return [sanitize(json.loads(line)["text"]) for line in lines]


def _signature(doc) -> list[tuple]:
    return [(t.text, t.pos_, str(t.morph), t.dep_, t.head.i, syntax.lemma(t)) for t in doc]


def _real_sentences(nlp_model, count: int) -> list[str]:
    sentences = [s.text for doc in nlp_model.pipe(_real_texts()[:12]) for s in doc.sents if len(s) > 6]
    assert len(sentences) >= count
    return list(dict.fromkeys(sentences))[:count]


def test_a_cached_parse_is_the_parse_of_the_sentence(nlp_model):
    sentences = _real_sentences(nlp_model, 40)
    syntax.forget_parses()
    alone = [_signature(syntax.parse(nlp_model, [s])[0]) for s in sentences[:10]]
    syntax.forget_parses()
    # Repeated sentences, in another order and with others around them (press copies).
    mixed = sentences[::-1] + sentences[:10]
    docs = syntax.parse(nlp_model, mixed, batch_size=7)
    assert [d.text for d in docs] == mixed
    by_text = {d.text: d for d in docs}
    assert len(by_text) == len(sentences)
    assert all(docs[len(sentences) + i] is by_text[s] for i, s in enumerate(sentences[:10]))  # parsed once
    assert [_signature(by_text[s]) for s in sentences[:10]] == alone
    again = syntax.parse(nlp_model, sentences[:3])  # a later call: served by the cache
    assert all(a is by_text[s] for a, s in zip(again, sentences[:3]))
    syntax.forget_parses()
    fresh = syntax.parse(nlp_model, sentences[:3])
    assert all(f is not by_text[s] and _signature(f) == _signature(by_text[s]) for f, s in zip(fresh, sentences[:3]))


def test_the_cache_stays_bounded(nlp_model, monkeypatch):
    sentences = _real_sentences(nlp_model, 12)
    monkeypatch.setattr(syntax, "PARSE_CACHE", 5)
    syntax.forget_parses()
    docs = syntax.parse(nlp_model, sentences)
    assert len(docs) == len(sentences)  # more sentences than the cache holds: all answered
    assert len(syntax._PARSED[nlp_model]) == 5
    assert syntax.parse(nlp_model, sentences[-1:])[0] is docs[-1]  # the latest ones are kept
    assert syntax.parse(nlp_model, sentences[:1])[0] is not docs[0]  # the oldest ones are gone
    syntax.forget_parses()


def test_entities_sliced_per_sentence_are_span_ents(nlp_model):
    compared = with_entities = 0
    for doc in nlp_model.pipe(_real_texts()):
        ents = list(doc.ents)
        starts = [e.start for e in ents]
        for sentence in doc.sents:
            mine = _span_ents(ents, starts, sentence.start, sentence.end)
            assert [(e.start, e.end, e.label_, e.ent_id_) for e in mine] == \
                [(e.start, e.end, e.label_, e.ent_id_) for e in sentence.ents]
            compared += 1
            with_entities += bool(mine)
    assert compared > 500 and with_entities > 200
