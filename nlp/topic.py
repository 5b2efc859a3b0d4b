"""Topic matching: find every mention of the watched topic in a text, and say why.

Spellings come from the config (acronyms, long forms, weak signals, exclusions) and are
compiled into one alternation run on a folded copy of the text (same length, so offsets
hold in the original). A document is relevant only when it has a strong mention; weak
signals are recorded but never suffice alone.

Speed: folding a whole text costs more than matching it, and most texts never name the
topic. So each rule also gets a looser twin that runs on the raw text (RE2, one byte per
character: `text.encode("latin-1", "replace")`, where "?" stands for any character beyond
Latin-1). Every place where a rule can match in the folded text is covered by a hit of its
twin, so the exact alternation only has to run on folded windows around those hits: from
just before a hit to the first "barrier" after it (a character no rule can read through).
Inside a window the exact matching sees the same characters as on the whole text, so the
mentions and offsets are the same as with one scan of the folded text.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import operator
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

from nlp.text import fold, fold_encoded, snippet

_SEPARATOR = r"[\s\-'.]*"
# Between the words of a long form: spaces, hyphens, apostrophes, and quotation marks, since
# a press text may quote the last word (« centres de santé « participatifs » »).
_GAP_CHARS = "\\s\\-'«»“”\"„‹›"
_WORD_GAP = f"[{_GAP_CHARS}]+"

# One piece of a rule: a literal run of folded characters, or a repeated class.
_Token = tuple[str, str]  # ("lit", "sec") | ("sep", "") | ("gap", "") | ("word", "")
_REPEATS = {"sep": _SEPARATOR, "gap": _WORD_GAP, "word": r"\w*"}


@dataclass(frozen=True)
class Mention:
    """One occurrence of the topic in a text."""

    start: int
    end: int
    matched: str
    rule: str
    strength: str
    snippet: str


def _acronym_tokens(term: str) -> list[_Token]:
    tokens: list[_Token] = []
    for part in (p for p in re.split(r"[^0-9a-z]+", fold(term)) if p):
        tokens += [("sep", ""), ("lit", part)] if tokens else [("lit", part)]
    return tokens


def _phrase_tokens(term: str) -> list[_Token]:
    tokens: list[_Token] = []
    for word in (w for w in re.split(r"[\s\-']+", fold(term)) if w):
        if tokens:
            tokens.append(("gap", ""))
        if len(word) <= 4 or not word.isalpha():
            tokens.append(("lit", word))
        else:
            tokens += [("lit", word[: max(4, len(word) - 2)]), ("word", "")]
    return tokens


def _exact(tokens: list[_Token]) -> str:
    """The regex of a rule on folded text."""
    return r"\b" + "".join(re.escape(v) if k == "lit" else _REPEATS[k] for k, v in tokens) + r"\b"


def acronym_pattern(term: str) -> str:
    """Regex for an acronym on folded text: any case, optional space/hyphen between parts."""
    return _exact(_acronym_tokens(term))


def phrase_pattern(term: str) -> str:
    """Regex for a multi-word expression on folded text, tolerant to plural and gender
    (long words keep their stem and accept any ending) and to spacing and apostrophes."""
    return _exact(_phrase_tokens(term))


def _signal_tokens(term: str) -> list[_Token]:
    """Weak signals: short uppercase terms are acronyms (exact word), others are phrases."""
    return _acronym_tokens(term) if " " not in term and len(term) <= 5 else _phrase_tokens(term)


def _body(pattern: str) -> str:
    """A rule pattern without its surrounding word boundaries (the scan adds them once)."""
    return "(?:" + pattern.removeprefix(r"\b").removesuffix(r"\b") + ")"


# ------------------------------------------------------------------ the raw-text twins
_LATIN1 = [chr(code) for code in range(256)]
_WILDCARD = "?"  # what encode("latin-1", "replace") writes for every other character
_ASCII_WORD = re.compile(r"[0-9A-Za-z_]")
_RAW_OPTIONS = re2.Options()
_RAW_OPTIONS.encoding = re2.Options.Encoding.LATIN1
_RAW_OPTIONS.log_errors = False
# RE2's DFA keeps the states it built within its memory budget; with the default (8 MB) the
# scan of long runs of press text rebuilds them again and again, a sixth slower than with a
# budget that holds them. The default still decides which topics are too large for RE2.
_SCAN_OPTIONS = re2.Options()
_SCAN_OPTIONS.encoding = re2.Options.Encoding.LATIN1
_SCAN_OPTIONS.log_errors = False
_SCAN_OPTIONS.max_mem = 64 << 20
_UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED


@functools.lru_cache(maxsize=None)
def _members(folded: str) -> tuple[str, ...]:
    """The raw characters whose fold matches the regex `folded`, "?" included."""
    test = re.compile(folded)
    return (*(c for c in _LATIN1 if test.fullmatch(fold(c))), _WILDCARD)


def _byte_class(chars: Iterable[str]) -> str:
    return "[" + "".join(f"\\x{ord(c):02x}" for c in sorted(set(chars))) + "]"


@functools.lru_cache(maxsize=None)
def _raw_char(target: str, boundary: str) -> str:
    """Raw characters folding to `target`; `boundary` ("before"/"after") keeps the word
    boundary the exact rule asks for where RE2's ASCII `\\b` can say it safely: next to an
    ASCII letter or digit. Next to any other character the boundary is not checked."""
    members = _members(re.escape(target))
    if not boundary or not re.fullmatch(r"\w", target):
        return _byte_class(members)
    ascii_word = [c for c in members if _ASCII_WORD.fullmatch(c)]
    others = [c for c in members if not _ASCII_WORD.fullmatch(c)]
    edge = rf"\b{_byte_class(ascii_word)}" if boundary == "before" else rf"{_byte_class(ascii_word)}\b"
    return f"(?:{edge}|{_byte_class(others)})" if ascii_word else _byte_class(others)


_RAW_REPEATS = {
    "sep": _byte_class(_members(r"[\s\-'.]")) + "*",
    "gap": _byte_class(_members(f"[{_GAP_CHARS}]")) + "+",
    "word": _byte_class(_members(r"\w")) + "*",
}


def _raw(tokens: list[_Token]) -> str:
    """The twin of a rule on raw text: it matches wherever the rule matches the folded text
    (and at a few more places)."""
    out = []
    for index, (kind, value) in enumerate(tokens):
        if kind != "lit":
            out.append(_RAW_REPEATS[kind])
            continue
        for position, char in enumerate(value):
            first = index == 0 and position == 0
            last = index == len(tokens) - 1 and position == len(value) - 1
            out.append(_raw_char(char, "before" if first else "after" if last else ""))
    return "".join(out)


class _Windows:
    """Where an exact regex can match in a text, found on the raw text by the twins."""

    def __init__(self, tokens: list[list[_Token]]):
        try:
            if not tokens or not all(tokens):
                raise re2.error("no term, or a term without letters or digits: the empty string matches")
            pattern = "|".join(f"(?:{_raw(t)})" for t in tokens).encode("ascii")
            re2.compile(pattern, _RAW_OPTIONS)  # raises when the topic is too large for RE2
            self._scan = re2.compile(pattern, _SCAN_OPTIONS)
        except re2.error:  # too many terms for RE2's memory, or an empty term: one window, the whole text
            self._scan = None
        # The compiled program itself: `touch` asks it directly, without the wrapper's match
        # object (half the cost of a search on a short text).
        self._program = self._scan._regexp if self._scan is not None else None
        # A barrier is a character no piece of any rule accepts: an attempt to match never
        # reads past it.
        readable = re.compile(f"[\\w.{_GAP_CHARS}]")
        literal = {c for t in tokens for kind, value in t if kind == "lit" for c in value}
        barriers = [c for c in _LATIN1 if not readable.fullmatch(fold(c)) and fold(c) not in literal]
        self._barrier = re.compile("[" + "".join(re.escape(c) for c in barriers) + "]")

    def touch(self, raw: bytes) -> bool:
        """Whether some window exists (the common answer, no, costs one RE2 search)."""
        return self._program is None or self._program.Match(_UNANCHORED, raw, 0, len(raw))[0][0] >= 0

    def spans(self, text: str, raw: bytes) -> Iterator[tuple[int, int, int]]:
        """(start, first, end): fold `text[start:end]` and scan it from `first`; nothing
        can match outside these windows."""
        if self._scan is None:
            yield 0, 0, len(text)
            return
        window: list[int] | None = None
        barrier = -1  # the last barrier found, reused while it lies ahead (no quadratic rescans)
        for hit in self._scan.finditer(raw):
            first, last = hit.span()
            start = max(first - 1, 0)
            if barrier < last - 1:
                found = self._barrier.search(text, last - 1)
                barrier = found.start() if found else len(text)
            end = min(barrier + 1, len(text))
            if window and start < window[2]:
                window[2] = max(window[2], end)
                continue
            if window:
                yield window[0], window[1], window[2]
            window = [start, first, end]
        if window:
            yield window[0], window[1], window[2]

    def finditer(self, regex: re.Pattern[str], text: str, raw: bytes, folded: str) -> Iterator[tuple[int, int]]:
        """The spans of `regex.finditer(folded)`, `folded` being `fold(text)`."""
        for _, first, end in self.spans(text, raw):
            for match in regex.finditer(folded, first, end):
                yield match.span()


# ------------------------------------------------------------------ the exact rules on bytes
_ASCII = [chr(code) for code in range(128)]
_KINDS = {"sep": re.compile(r"[\s\-'.]"), "gap": re.compile(f"[{_GAP_CHARS}]"), "word": re.compile(r"\w")}


def _kind(char: str) -> tuple[bool, ...]:
    """What the rules can say of a character they do not spell: word, separator, word gap."""
    return tuple(bool(regex.fullmatch(char)) for regex in _KINDS.values())


class _Exact:
    """The exact rules run by RE2, on the whole text at once, when they spell only ASCII.

    The folded text is turned into one ASCII byte per character: a character a rule spells
    stays itself, every other one becomes a byte of the same kind (word character, separator,
    word gap, or none) that no rule spells. On these bytes, RE2's ASCII `\b` and the byte
    classes of the rules read what Python's `re` reads on the folded text; RE2's leftmost-first
    matching finds the spans and the alternative that Python's backtracking finds.
    """

    def __init__(self, rules: list[list[_Token]], exclusions: list[list[_Token]]):
        spelled = {c for t in rules + exclusions for kind, value in t if kind == "lit" for c in value}
        if not rules or not all(rules + exclusions) or not all(c.isascii() for c in spelled):
            raise ValueError("a rule without letters or spelling beyond ASCII: the regex path")
        stand_in: dict[tuple[bool, ...], str] = {}
        for char in _ASCII:
            if char not in spelled:
                stand_in.setdefault(_kind(char), char)
        self._stand_in = stand_in
        self._latin1 = bytes(self._byte(fold(c)) for c in _LATIN1)
        self._others: dict[str, bytes] = {"?": b"?"}
        classes = {k: _byte_class(c for c in _ASCII if regex.fullmatch(c)) for k, regex in _KINDS.items()}
        repeats = {"sep": classes["sep"] + "*", "gap": classes["gap"] + "+", "word": classes["word"] + "*"}

        def body(tokens: list[_Token]) -> str:
            return "".join("".join(f"\\x{ord(c):02x}" for c in v) if k == "lit" else repeats[k] for k, v in tokens)

        bodies = [body(t) for t in rules]
        self._scan = re2.compile(("\\b(?:" + "|".join(f"(?:{b})" for b in bodies) + ")\\b").encode(), _RAW_OPTIONS)
        # The rule of a hit, as the regex path finds it (the first rule matching the hit alone),
        # by the bytes of the hit: the scan checked the boundary before it, the same for all rules.
        self._rule_regexes = [re.compile(f"\\b(?:{b})\\b".encode()) for b in bodies]
        self._rule_of: dict[bytes, int] = {}
        self._exclusion = (
            re2.compile("|".join(f"\\b(?:{body(t)})\\b" for t in exclusions).encode(), _RAW_OPTIONS)
            if exclusions else None
        )

    def _byte(self, folded: str) -> int:
        if folded.isascii():
            return ord(folded)
        if _kind(folded) not in self._stand_in:
            raise ValueError(f"no byte stands for {folded!r}")
        return ord(self._stand_in[_kind(folded)])

    def _other(self, char: str) -> bytes:
        found = self._others.get(char)
        if found is None:
            if len(self._others) > 20_000:  # hostile input: never grow without bound
                self._others.clear()
            found = self._others[char] = bytes([self._byte(fold(char))])
        return found

    def encode(self, text: str, raw: bytes) -> bytes:
        """The byte of each character of `text`, given `raw = text.encode("latin-1", "replace")`."""
        pieces = raw.translate(self._latin1).split(b"?")
        if len(pieces) == 1:
            return pieces[0]
        # Each "?" stands for a "?" or for a character beyond Latin-1 of `text`, at the same offset.
        offsets = map(operator.add, itertools.accumulate(map(len, pieces[:-1])), itertools.count())
        out = [b""] * (2 * len(pieces) - 1)
        out[0::2] = pieces
        out[1::2] = map(self._other, map(text.__getitem__, offsets))
        return b"".join(out)

    def hits(self, encoded: bytes) -> list[tuple[int, int, int]]:
        """(start, end, index of the rule) of every match, in order."""
        out = []
        for match in self._scan.finditer(encoded):
            start, end = match.span()
            spelling = encoded[start:end]
            index = self._rule_of.get(spelling)
            if index is None:
                index = self._rule_index(encoded, start, end)
                if len(self._rule_of) > 10_000:  # hostile input: never grow without bound
                    self._rule_of.clear()
                self._rule_of[spelling] = index
            out.append((start, end, index))
        return out

    def _rule_index(self, encoded: bytes, start: int, end: int) -> int:
        for index, regex in enumerate(self._rule_regexes):
            if regex.fullmatch(encoded, start, end):
                return index
        raise AssertionError(f"no rule for {encoded[start:end]!r}")  # the scan and the rules disagree

    def excluded(self, encoded: bytes) -> list[tuple[int, int]]:
        """The spans of the exclusions."""
        return [m.span() for m in self._exclusion.finditer(encoded)] if self._exclusion else []


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
        tokens: list[tuple[str, str, list[_Token]]] = []
        tokens += [(f"acronym:{t}", "strong", _acronym_tokens(t)) for t in acronyms]
        tokens += [(f"long_form:{t}", "strong", _phrase_tokens(t)) for t in long_forms]
        tokens += [(f"weak:{t}", "weak", _signal_tokens(t)) for t in weak_signals]
        rules = [(rule, strength, _exact(t)) for rule, strength, t in tokens]
        self.rules = rules
        # One scan with a plain alternation (fast); the rule of each (rare) hit is then
        # found by re-matching the hit alone. Named groups would make the scan 15x slower.
        self._rule_regexes = [(rule, strength, re.compile(p)) for rule, strength, p in rules]
        self._regex = re.compile(r"\b(?:" + "|".join(_body(p) for _, _, p in rules) + r")\b")
        self._windows = _Windows([t for _, _, t in tokens])
        try:
            self._exact: _Exact | None = _Exact([t for _, _, t in tokens], [_phrase_tokens(t) for t in exclusions])
        except (ValueError, re2.error):  # odd spellings, or too many terms for RE2: the regex path
            self._exact = None
        self.fingerprint = hashlib.sha1(repr((rules, sorted(exclusions))).encode()).hexdigest()[:12]
        self._exclusion = (
            re.compile("|".join(phrase_pattern(t) for t in exclusions)) if exclusions else None
        )
        self._exclusion_windows = _Windows([_phrase_tokens(t) for t in exclusions]) if exclusions else None

    @classmethod
    def from_topic(cls, topic) -> "TopicMatcher":
        """Build from a `pipelines.config.Topic`-like object."""
        return cls(topic.name, topic.acronyms, topic.long_forms, topic.weak_signals, topic.exclusions)

    def find(self, text: str) -> list[Mention]:
        """Every mention in `text`, in order; strong rules win over weak ones at a position."""
        if not text:
            return []
        raw = text.encode("latin-1", "replace")
        if not self._windows.touch(raw):
            return []  # most texts: one pass of RE2 over the raw text, nothing folded
        if self._exact is not None:
            return self._find_exact(text, self._exact.encode(text, raw))
        folded = fold_encoded(text, raw)
        hits = [(start, end) for start, end in self._windows.finditer(self._regex, text, raw, folded)]
        if not hits:
            return []
        excluded = []
        if self._exclusion is not None and self._exclusion_windows is not None:
            excluded = list(self._exclusion_windows.finditer(self._exclusion, text, raw, folded))
        return [
            Mention(start, end, text[start:end], *self._rule_of(folded, start, end), snippet(text, start, end))
            for start, end in hits
            if not any(s < end and start < e for s, e in excluded)
        ]

    def _find_exact(self, text: str, encoded: bytes) -> list[Mention]:
        assert self._exact is not None
        hits = self._exact.hits(encoded)
        if not hits:
            return []
        excluded = self._exact.excluded(encoded)
        rules = self.rules
        return [
            Mention(start, end, text[start:end], rules[index][0], rules[index][1], snippet(text, start, end))
            for start, end, index in hits
            if not excluded or not any(s < end and start < e for s, e in excluded)
        ]

    def _rule_of(self, folded: str, start: int, end: int) -> tuple[str, str]:
        for rule, strength, regex in self._rule_regexes:
            if regex.fullmatch(folded, start, end):
                return rule, strength
        raise AssertionError(f"no rule for {folded[start:end]!r}")  # the scan and the rules disagree

    @staticmethod
    def is_relevant(mentions: Iterable[Mention]) -> bool:
        """A text is about the topic when at least one mention is strong."""
        return any(m.strength == "strong" for m in mentions)
