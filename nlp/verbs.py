"""Verb classes: the lexicon of French verbs and predicate nouns by the kind of act they state.

The classes come from `nlp/patterns/lists/verb_classes.jsonl` (commitment, announcement,
demand, refusal, and the support verbs of predicate nouns: « exprimer une inquiétude »,
« prendre un engagement », « une pétition a été lancée »); each row names its source. Rows
marked `in_tables` are already read by the trigger tables of `nlp/commitments.py`; the others
give surface triggers (stem + a verb ending, or the noun next to a support verb), so that a
sentence is a candidate before any parse.
"""

from __future__ import annotations

import functools
import json
import re
from importlib.resources import files

from spacy.tokens import Doc

from nlp.syntax import lemma
from nlp.text import fold

KINDS = ("commitment", "announcement", "demand", "refusal")
_VERB_ENDINGS = r"(?:e|es|ent|er|era|eront|erait|eraient|ai|a|ait|aient|ant|ons|ez|ee|ees)"
_NOUN_END = r"(?![\w-])"


@functools.lru_cache(maxsize=1)
def lexicon() -> dict[tuple[str, str], dict]:
    """(lemma, part of speech) -> the lexicon row (class, source, surface stems)."""
    path = files("nlp") / "patterns" / "lists" / "verb_classes.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(r["lemma"], r["pos"]): r for r in rows}


def _stems(row: dict) -> list[str]:
    if "stems" in row:
        return list(row["stems"])
    word = fold(row["lemma"])
    return [word[:-2] if word.endswith(("er", "ir", "re")) else word]


@functools.lru_cache(maxsize=1)
def surface_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """Per class, a pattern of the folded surface forms of the lexicon's verbs the tables do
    not read (stem + a verb ending) and of its predicate nouns next to a support verb, before
    (« exprime "de fortes inquiétudes" ») or after in a compound tense (« une pétition a été lancée »)."""
    verbs: dict[str, list[str]] = {}
    nouns: dict[str, list[str]] = {}
    support: list[str] = []
    for (word, pos), row in lexicon().items():
        if pos == "NOUN":
            nouns.setdefault(row["class"], []).append(fold(word) + "s?")
        elif row["class"] == "support":
            support += _stems(row)
        elif not row.get("in_tables"):
            verbs.setdefault(row["class"], []).extend(_stems(row))
    supports = r"(?:" + "|".join(support) + r")\w*"
    found = []
    for kind in KINDS:
        parts = []
        if kind in verbs:
            stems = "|".join(sorted(set(verbs[kind]), key=len, reverse=True))
            parts.append(r"(?<![\w-])(?:" + stems + r")" + _VERB_ENDINGS + _NOUN_END)
        if kind in nouns:
            noun = r"(?:" + "|".join(nouns[kind]) + r")"
            parts.append(r"(?<![\w-])" + supports + r"[\s\"«»]+(?:[\w']+[\s\"«»]+){0,3}?" + noun + _NOUN_END)
            parts.append(r"(?<![\w-])" + noun + r"\s+(?:[\w']+\s+){0,2}?(?:a|ont|avait|avaient|est|sont|sera|seront)\s+"
                         r"(?:ete\s+)?" + supports)
        if parts:
            found.append((kind, re.compile("|".join(parts))))
    return tuple(found)


def lexicon_triggers(folded: str) -> dict[str, tuple[int, int]]:
    """The first surface trigger of each class of the lexicon in a folded sentence."""
    return {kind: m.span() for kind, pattern in surface_patterns() for m in [pattern.search(folded)] if m}


def future_main_verb(doc: Doc) -> bool:
    """True when the sentence's main verb is a simple future of the indicative (« une
    expérimentation débutera en janvier »): what it states is planned, not done. The future of
    an obligation (« les SEC-Pa devront déposer leur dossier ») states a condition, not a plan."""
    roots = [t for t in doc if t.head.i == t.i and t.pos_ in ("VERB", "AUX")]
    return any(t.morph.get("Tense", []) == ["Fut"] and t.morph.get("Mood", []) == ["Ind"]
               and lemma(t).lower() not in OBLIGATIONS for t in roots)


OBLIGATIONS = {"devoir", "falloir"}
