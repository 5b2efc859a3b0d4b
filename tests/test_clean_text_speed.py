"""clean_text's shortcuts (issue 17) give what the full cleaning gives: a Latin-1 text is
already in NFC, and a text clean_text returned is returned as it is when cleaned again
only when a full second cleaning would leave it unchanged."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import nlp.text as text_module
from nlp.text import clean_text

FIXTURES = Path(__file__).parent / "fixtures"


def _full_clean(value: str) -> str:
    """clean_text with no remembered text (the whole cleaning)."""
    text_module._FIXED_POINTS.clear()
    return clean_text(value)


def test_latin1_texts_are_nfc():
    chars = [chr(code) for code in range(256)]
    assert all(unicodedata.combining(c) == 0 for c in chars)
    pairs = [a + b for a in chars for b in chars]
    assert all(unicodedata.normalize("NFC", pair) == pair for pair in pairs)


def _real_texts() -> list[str]:
    texts = []
    for path in sorted((FIXTURES / "an_questions").glob("QANR*.json")):
        question = json.loads(path.read_text(encoding="utf-8"))["question"]
        for block in ("textesQuestion", "textesReponse"):
            part = (question.get(block) or {}).get("texteQuestion" if block == "textesQuestion" else "texteReponse")
            for item in part if isinstance(part, list) else [part]:
                if isinstance(item, dict) and isinstance(item.get("texte"), str):
                    texts.append(item["texte"])
    for path in sorted((FIXTURES / "press_articles").glob("*.html"))[:40]:
        texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def test_remembered_texts_are_fixed_points_on_real_texts():
    texts = _real_texts()
    assert len(texts) > 20
    for raw in texts:
        cleaned = _full_clean(raw)
        remembered = text_module._FIXED_POINTS.known(cleaned)
        again = clean_text(cleaned)
        assert again == _full_clean(cleaned)  # the shortcut gives the full second cleaning
        if remembered:
            assert again is cleaned


def test_texts_a_second_cleaning_changes_are_cleaned_again():
    padding = " mot" * 80
    soft_hyphen = "e\u00ad\u0301" + padding  # dropping the soft hyphen joins e and the accent
    double_escaped = "&amp;amp;lt;b&amp;amp;gt;" + padding  # one level of escaping left
    for raw in (soft_hyphen, double_escaped):
        once = _full_clean(raw)
        assert not text_module._FIXED_POINTS.known(once)
        assert clean_text(once) != once
    assert clean_text(_full_clean(soft_hyphen)).startswith("\u00e9")


def test_a_remembered_text_is_returned_as_is():
    raw = "Mme la députée interroge&nbsp;M. le ministre  sur <em>la santé</em>." + " mot" * 80
    once = _full_clean(raw)
    assert text_module._FIXED_POINTS.known(once)
    assert clean_text(once) is once
    assert clean_text(once + "") == once
