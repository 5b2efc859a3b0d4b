"""Sentence boundaries by rule: cheap, predictable, and aware of French abbreviations
("M.", "Mme", "n°", "art.") so that "M. Darmanin" never ends a sentence.

Cheap means array work: the token attributes are read once with `Doc.to_array`, only the
few candidate tokens (sentence-final punctuation, whitespace) are looked at in Python, and
the boundaries are written back in one `Doc.from_array` (setting `Token.is_sent_start` one
token at a time rescans the whole document on every assignment).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy
from spacy.attrs import IS_SPACE, IS_TITLE, IS_UPPER, LIKE_NUM, ORTH, SENT_START, SPACY
from spacy.strings import get_string_id
from spacy.tokens import Doc

if TYPE_CHECKING:
    from thinc.types import Ints2d

ABBREVIATIONS = {"m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "art", "cf", "n°", "no",
                 "p", "pp", "vol", "etc", "av", "bd", "ex", "env", "min", "max", "j", "al"}
_ENDS = {".", "!", "?", "…", "...", "?!", "!?"}
_CLOSERS = {"»", '"', ")", "”", "'"}
_OPENERS = {"«", '"', "-", "•", "·", "*"}
_END_SET = {get_string_id(s) for s in _ENDS}
_END_IDS = numpy.array(sorted(_END_SET), dtype=numpy.uint64)
_CLOSER_IDS = {get_string_id(s) for s in _CLOSERS}
_OPENER_IDS = {get_string_id(s) for s in _OPENERS}
# A straight quote closes the sentence when glued to it (« …soins." »), and opens the next
# one after a space (« …octobre. "Je reviendrai… »).
_EITHER_IDS = _CLOSER_IDS & _OPENER_IDS
_ATTRS = [ORTH, IS_SPACE, IS_TITLE, IS_UPPER, LIKE_NUM, SPACY]
_DOT = get_string_id(".")


def sentence_starts(doc: Doc) -> numpy.ndarray:
    """SENT_START values (1 = starts a sentence, -1 = does not) for every token of `doc`."""
    n = len(doc)
    starts = numpy.full(n, -1, dtype=numpy.int64)
    if not n:
        return starts
    starts[0] = 1
    # Token attributes are uint64 (spaCy's stub says float64): the astype copies nothing.
    table = doc.to_array(_ATTRS).astype(numpy.uint64, copy=False)
    orth, space = table[:, 0].tolist(), table[:, 1]
    capital = (table[:, 2] | table[:, 3] | table[:, 4]).tolist()
    spaced = table[:, 5].tolist()
    candidates = numpy.flatnonzero(numpy.isin(table[:-1, 0], _END_IDS) | (space[:-1] != 0))
    for i in candidates.tolist():
        if space[i]:
            if "\n" in doc[i].text:
                if not _soft_break(doc, i, orth):
                    starts[i + 1] = 1
                continue
            if orth[i] not in _END_SET:
                continue
        if orth[i] == _DOT and i > 0:
            previous = doc[i - 1].lower_
            if previous.rstrip(".") in ABBREVIATIONS or (len(previous) == 1 and previous.isalpha()):
                continue
        j = i + 1
        while j < n and orth[j] in _CLOSER_IDS and not (orth[j] in _EITHER_IDS and spaced[j - 1]):
            j += 1
        if j < n and (capital[j] or orth[j] in _OPENER_IDS):
            starts[j] = 1
            starts[i + 1:j] = -1
    return starts


_SOFT_BEFORE = _END_SET | {get_string_id(s) for s in (":", ";")}


def _soft_break(doc: Doc, i: int, orth: list) -> bool:
    """True when the newline token `i` is a soft line break inside a sentence (one newline,
    no sentence-final punctuation or colon before it, a lowercase word after it: « réaffirmant
    sa détermination « \nà voir aboutir… »), not a paragraph or line of its own."""
    if doc[i].text.count("\n") != 1 or i == 0 or i + 1 >= len(doc):
        return False
    after = doc[i + 1].text
    return orth[i - 1] not in _SOFT_BEFORE and not doc[i - 1].is_space and after[:1].isalpha() and after[:1].islower()


def veille_senter(doc: Doc) -> Doc:
    """Set sentence starts after sentence-final punctuation (and after newlines)."""
    if len(doc):
        # One attribute: a 1-d array is accepted (the stub asks for Ints2d).
        doc.from_array([SENT_START], cast("Ints2d", sentence_starts(doc).view(numpy.uint64)))
    return doc
