"""Topic matching: find every mention of the watched topic in a text, and say why.

Spellings come from the config (acronyms, long forms, weak signals, exclusions) and are
compiled into one alternation run on a folded copy of the text (same length, so offsets
hold in the original). A document is relevant only when it has a strong mention; weak
signals are recorded but never suffice alone.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable

from nlp.text import fold, snippet

_SEPARATOR = r"[\s\-'.]*"
_WORD_GAP = r"[\s\-']+"


@dataclass(frozen=True)
class Mention:
    """One occurrence of the topic in a text."""

    start: int
    end: int
    matched: str
    rule: str
    strength: str
    snippet: str


def acronym_pattern(term: str) -> str:
    """Regex for an acronym on folded text: any case, optional space/hyphen between parts."""
    parts = [re.escape(p) for p in re.split(r"[^0-9a-z]+", fold(term)) if p]
    return r"\b" + _SEPARATOR.join(parts) + r"\b"


def phrase_pattern(term: str) -> str:
    """Regex for a multi-word expression on folded text, tolerant to plural and gender
    (long words keep their stem and accept any ending) and to spacing and apostrophes."""
    words = [w for w in re.split(r"[\s\-']+", fold(term)) if w]
    pieces = []
    for word in words:
        if len(word) <= 4 or not word.isalpha():
            pieces.append(re.escape(word))
        else:
            pieces.append(re.escape(word[: max(4, len(word) - 2)]) + r"\w*")
    return r"\b" + _WORD_GAP.join(pieces) + r"\b"


def _body(pattern: str) -> str:
    """A rule pattern without its surrounding word boundaries (the scan adds them once)."""
    return "(?:" + pattern.removeprefix(r"\b").removesuffix(r"\b") + ")"


def _signal_pattern(term: str) -> str:
    """Weak signals: short uppercase terms are acronyms (exact word), others are phrases."""
    return acronym_pattern(term) if " " not in term and len(term) <= 5 else phrase_pattern(term)


class TopicMatcher:
    """Compiled matcher for one topic; `find` returns mentions, `is_relevant` the verdict."""

    def __init__(
        self,
        name: str,
        acronyms: Iterable[str],
        long_forms: Iterable[str],
        weak_signals: Iterable[str] = (),
        exclusions: Iterable[str] = (),
    ):
        self.name = name
        exclusions = tuple(exclusions)
        rules: list[tuple[str, str, str]] = []
        rules += [(f"acronym:{t}", "strong", acronym_pattern(t)) for t in acronyms]
        rules += [(f"long_form:{t}", "strong", phrase_pattern(t)) for t in long_forms]
        rules += [(f"weak:{t}", "weak", _signal_pattern(t)) for t in weak_signals]
        self.rules = rules
        # One scan with a plain alternation (fast); the rule of each (rare) hit is then
        # found by re-matching the hit alone. Named groups would make the scan 15x slower.
        self._rule_regexes = [(rule, strength, re.compile(p)) for rule, strength, p in rules]
        self._regex = re.compile(r"\b(?:" + "|".join(_body(p) for _, _, p in rules) + r")\b")
        self.fingerprint = hashlib.sha1(repr((rules, sorted(exclusions))).encode()).hexdigest()[:12]
        self._exclusion = (
            re.compile("|".join(phrase_pattern(t) for t in exclusions)) if exclusions else None
        )

    @classmethod
    def from_topic(cls, topic) -> "TopicMatcher":
        """Build from a `pipelines.config.Topic`-like object."""
        return cls(topic.name, topic.acronyms, topic.long_forms, topic.weak_signals, topic.exclusions)

    def find(self, text: str) -> list[Mention]:
        """Every mention in `text`, in order; strong rules win over weak ones at a position."""
        if not text:
            return []
        folded = fold(text)
        excluded = [m.span() for m in self._exclusion.finditer(folded)] if self._exclusion else []
        mentions = []
        for match in self._regex.finditer(folded):
            start, end = match.span()
            if any(s < end and start < e for s, e in excluded):
                continue
            rule, strength = self._rule_of(folded, start, end)
            mentions.append(
                Mention(start, end, text[start:end], rule, strength, snippet(text, start, end))
            )
        return mentions

    def _rule_of(self, folded: str, start: int, end: int) -> tuple[str, str]:
        for rule, strength, regex in self._rule_regexes:
            if regex.fullmatch(folded, start, end):
                return rule, strength
        raise AssertionError(f"no rule for {folded[start:end]!r}")  # the scan and the rules disagree

    @staticmethod
    def is_relevant(mentions: Iterable[Mention]) -> bool:
        """A text is about the topic when at least one mention is strong."""
        return any(m.strength == "strong" for m in mentions)
