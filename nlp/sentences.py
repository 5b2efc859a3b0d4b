"""Sentence boundaries by rule: cheap, predictable, and aware of French abbreviations
("M.", "Mme", "n°", "art.") so that "M. Darmanin" never ends a sentence."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

ABBREVIATIONS = {"m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "art", "cf", "n°", "no",
                 "p", "pp", "vol", "etc", "av", "bd", "ex", "env", "min", "max", "j", "al"}
_ENDS = {".", "!", "?", "…", "...", "?!", "!?"}
_CLOSERS = {"»", '"', ")", "”", "'"}


@Language.component("veille_senter")
def veille_senter(doc: Doc) -> Doc:
    """Set sentence starts after sentence-final punctuation (and after newlines)."""
    for token in doc:
        token.is_sent_start = token.i == 0
    for i, token in enumerate(doc[:-1]):
        nxt = doc[i + 1]
        if "\n" in token.text or (token.is_space and "\n" in token.text_with_ws):
            nxt.is_sent_start = True
            continue
        if token.text not in _ENDS:
            continue
        previous = doc[i - 1].lower_ if i > 0 else ""
        if token.text == "." and (previous.rstrip(".") in ABBREVIATIONS or (len(previous) == 1 and previous.isalpha())):
            continue
        j = i + 1
        while j < len(doc) and doc[j].text in _CLOSERS:
            j += 1
        if j < len(doc) and (doc[j].is_title or doc[j].is_upper or doc[j].like_num or doc[j].text in {"«", '"', "-", "•", "·", "*"}):
            doc[j].is_sent_start = True
            for k in range(i + 1, j):
                doc[k].is_sent_start = False
        elif j < len(doc) and j > i + 1:
            pass
    return doc
