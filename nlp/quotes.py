"""Quotations and their speakers: « … », a expliqué M. Y ; "…", écrit Z ; "…", explique-t-il.

A promise inside a quotation is the speaker's, named after the closing mark by a speech
verb (with an inverted pronoun, the speaker is the last actor named before the quote).
Works on the whole text, so that a quotation running over several sentences gives all of
them its speaker.
"""

from __future__ import annotations

import re
from typing import Sequence, TypeVar

from nlp.text import fold

_PAIRS = {"«": "»", "“": "”"}
_SPEECH = (r"expliqu|affirm|declar|dit\b|disent|ecri|assur|indiqu|precis|soulign|ajout|estim|rappel|confi|insist|"
           r"martel|resum|temoign|poursui|lanc|reagi|regrett|denonc|deplor|avert|previen|conclu|comment|observ|"
           r"not|confirm|prome|annonc|reconn|admet|tranch|repond|repliqu|interpell|demand")
_INCISE = re.compile(r"\s*,\s*(?:a |ont |avait |avaient )?(?:" + _SPEECH + r")[\w]*(?P<inverted>-t-(?:il|elle)|-(?:il|elle|ils|elles))?\b\s*")

Mention = TypeVar("Mention")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(opening, closing) offsets of the quotations of `text`: « », “ ” and straight
    quotes paired in order within a paragraph."""
    spans = []
    for opener, closer in _PAIRS.items():
        for match in re.finditer(re.escape(opener) + r"[^" + opener + closer + r"\n]{1,1500}" + re.escape(closer), text):
            spans.append((match.start(), match.end() - 1))
    for paragraph in re.finditer(r"[^\n]+", text):
        marks = [paragraph.start() + m.start() for m in re.finditer('"', paragraph.group(0))]
        spans += list(zip(marks[0::2], marks[1::2]))
    return sorted(spans)


def speakers(text: str, mentions: Sequence[Mention]) -> list[tuple[int, int, Mention]]:
    """(opening, closing, speaker) for the quotations whose speaker is named after them.
    `mentions`: objects with `start` and `end` (the document's actor mentions, in order)."""
    folded = fold(text)
    found = []
    for start, end in quote_spans(text):
        incise = _INCISE.match(folded, end + 1)
        if incise is None:
            continue
        if incise["inverted"]:
            before = [m for m in mentions if getattr(m, "end") <= start]
            if before:
                found.append((start, end, before[-1]))
            continue
        after = [m for m in mentions if incise.end() <= getattr(m, "start") <= incise.end() + 12]
        if after:
            found.append((start, end, after[0]))
    return found
