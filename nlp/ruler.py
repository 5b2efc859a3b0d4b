"""An entity ruler whose token patterns only run where they can match.

spaCy's `Matcher` tries every token pattern at every token, and an `IN` list is a Python
call each time: two dozen role patterns cost more than the 1,300 phrase patterns together
(measured: 1.2 s against 0.02 s on the benchmark corpus). Every token pattern of veille
has an anchor, a required token with literal values ("ministre", "député", "Matignon"), and
a bounded length. `AnchoredEntityRuler` finds the anchor tokens with one array lookup and
runs, for each group of patterns sharing an anchor, a matcher holding those patterns
only on short windows around their anchors, and only where the pattern's other
required words ("santé" for "ministre de la Santé") occur in the window. The matches are the same: a match
contains its anchor and lies within `before`/`after` tokens of it (bounded operators such
as `{0,10}` count their maximum). A pattern without an anchor or with an unbounded operator
(`*`, `+`, `{n,}`) makes the ruler match the whole text again.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import EntityRuler
from spacy.pipeline.entityruler import DEFAULT_ENT_ID_SEP
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

_ONE_TOKEN = {None, "1", "?", "!"}


def anchor_words(spec: dict[str, Any]) -> set[str] | None:
    """Lower-cased words one of which a token must have to match `spec`, or None when the
    spec does not say (no LOWER/TEXT/ORTH literal)."""
    for key in ("LOWER", "TEXT", "ORTH"):
        value = spec.get(key)
        if isinstance(value, str):
            return {value.lower()}
        if isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
            return {v.lower() for v in value["IN"]}
    return None


@dataclass(frozen=True)
class Anchor:
    """Where a token pattern can match: around a token whose lower-cased form is in `words`,
    from `before` tokens ahead of it to `after` tokens behind it, and only if each word set
    of `also` (the pattern's other required literal tokens) has a member in that window."""

    words: frozenset[str]
    before: int
    after: int
    also: tuple[frozenset[str], ...] = ()


def anchor_of(pattern: list[dict[str, Any]]) -> Anchor | None:
    """The anchor of a token pattern, or None when it has no required literal token or an
    unbounded operator."""
    maybe_widths = [max_width(spec.get("OP")) for spec in pattern]
    widths = [width for width in maybe_widths if width is not None]
    if len(widths) < len(maybe_widths):
        return None
    literals = [(index, anchor_words(spec)) for index, spec in enumerate(pattern) if spec.get("OP") in (None, "1")]
    required = [(index, words) for index, words in literals if words]
    if not required:
        return None
    # The most selective token: "ministère" rather than "le".
    index, words = min(required, key=lambda r: (-min(len(w) for w in r[1]), len(r[1]), r[0]))
    also = tuple(sorted({frozenset(w) for i, w in required if i != index}, key=sorted))
    return Anchor(frozenset(words), sum(widths[:index]), sum(widths[index + 1:]), also)


def max_width(op: str | None) -> int | None:
    """The most tokens a spec with operator `op` can take (None: unbounded)."""
    if op in _ONE_TOKEN:
        return 1
    bounds = re.fullmatch(r"\{(\d*)(,?)(\d*)\}", op or "")
    if not bounds or (bounds[2] and not bounds[3]):
        return None  # "*", "+", "{n,}"
    return int(bounds[3] or bounds[1])


def anchor_plan(patterns: Iterable[tuple[str, list[dict[str, Any]]]]) -> list[tuple[Anchor, list]] | None:
    """Group `(key, token pattern)` pairs by anchor, in a stable order; None when one
    pattern has no anchor."""
    groups: dict[Anchor, list[tuple[str, list[dict[str, Any]]]]] = {}
    for key, pattern in patterns:
        anchor = anchor_of(pattern)
        if anchor is None:
            return None
        groups.setdefault(anchor, []).append((key, pattern))
    return sorted(groups.items(), key=lambda g: (sorted(g[0].words), g[0].before, g[0].after,
                                                 [sorted(w) for w in g[0].also]))


def expand_counts(pattern: list[dict[str, Any]], limit: int = 200) -> list[list[dict[str, Any]]]:
    """The pattern as fixed-length variants, one per count of each `{n,m}` spec.

    The matcher follows every way a run of optional tokens can be split between the slots
    of "{0,10}" then "{0,6}", and that multiplies its states (the longest ministre_sante
    pattern alone cost 0.14 s on the benchmark); 77 fixed-length variants match the same
    spans at a fraction of that. Patterns with more than `limit` variants stay as they are."""
    choices: list[list[list[dict[str, Any]]]] = []
    total = 1
    for spec in pattern:
        bounds = re.fullmatch(r"\{(\d*)(,?)(\d*)\}", str(spec.get("OP") or ""))
        if not bounds or not bounds[2]:
            choices.append([[spec]])
            continue
        bare = {k: v for k, v in spec.items() if k != "OP"}
        low, high = int(bounds[1] or 0), int(bounds[3])
        choices.append([[bare] * count for count in range(low, high + 1)])
        total *= high - low + 1
    if total > limit:
        return [pattern]
    variants: list[list[dict[str, Any]]] = [[]]
    for options in choices:
        variants = [v + option for v in variants for option in options]
    return [v for v in variants if v]


def windows(hits: Iterable[int], before: int, after: int, length: int) -> list[tuple[int, int]]:
    """Merged token windows [start, end) around the anchor positions `hits` (ascending)."""
    spans: list[list[int]] = []
    for hit in hits:
        start, end = max(0, hit - before), min(length, hit + after + 1)
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [(a, b) for a, b in spans]


_BOUNDS = re.compile(r"\{(\d*),(\d+)\}")


def literal_specs(pattern: list[dict[str, Any]]) -> list[tuple[frozenset[int], int, int]] | None:
    """The pattern as (lower-cased word ids, fewest, most tokens) per spec when every spec
    is a LOWER literal or `IN` list with a bounded operator (None, "?", "{n,m}"); None otherwise."""
    specs = []
    for spec in pattern:
        if set(spec) - {"LOWER", "OP"}:
            return None
        value, op = spec.get("LOWER"), spec.get("OP")
        words = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) and set(value) == {"IN"} else None
        bounds = _BOUNDS.fullmatch(op) if isinstance(op, str) else None
        if (not isinstance(words, list) or not all(isinstance(w, str) and w == w.lower() for w in words)
                or not (op in (None, "1", "?") or bounds)):
            return None
        low, high = (int(bounds[1] or 0), int(bounds[2])) if bounds else (0 if op == "?" else 1, 1)
        specs.append((frozenset(get_string_id(w) for w in words), low, high))
    return specs


class LiteralMatcher:
    """A `Matcher` for patterns of LOWER literals and `IN` lists only: every (key, start,
    end) where the lower-cased words match (spaCy's `Matcher` calls a Python predicate per
    `IN` list, token and state: 5 ms per window for the longest role patterns). Each
    pattern runs as an automaton built as it is used: a state is a set of (spec, tokens
    taken by it), and a word moves it according to the specs that hold the word."""

    def __init__(self, patterns: list[tuple[int, list[tuple[frozenset[int], int, int]]]]):
        self.patterns = [_LiteralPattern(key, specs) for key, specs in patterns]

    def find(self, words: list[int], start: int, end: int) -> list[tuple[int, int, int]]:
        """Matches inside words[start:end], in the offsets of `words`."""
        found = []
        for pattern in self.patterns:
            for begin in range(start, end):
                state, position = pattern.start, begin
                while position < end:
                    state = pattern.step(state, words[position])
                    if not state:
                        break
                    position += 1
                    if pattern.accept in state:
                        found.append((pattern.key, begin, position))
        return found


_State = frozenset[tuple[int, int]]


class _LiteralPattern:
    def __init__(self, key: int, specs: list[tuple[frozenset[int], int, int]]):
        self.key, self.specs = key, specs
        self.start: _State = _closure({(0, 0)}, specs)
        self.accept = (len(specs), 0)
        self._holding: dict[int, frozenset[int]] = {}  # word id -> indices of the specs holding it
        self._moves: dict[tuple[_State, frozenset[int]], _State] = {}

    def step(self, state: _State, word: int) -> _State:
        """The state after `word` (empty: no match can go on)."""
        holding = self._holding.get(word)
        if holding is None:
            holding = self._holding[word] = frozenset(j for j, (ids, _, _) in enumerate(self.specs) if word in ids)
        if not holding:
            return _EMPTY
        move = self._moves.get((state, holding))
        if move is None:
            move = self._moves[state, holding] = _closure(
                {(j, c + 1) for j, c in state if j in holding and c < self.specs[j][2]}, self.specs)
        return move


_EMPTY: _State = frozenset()


def _closure(states: set[tuple[int, int]], specs: list[tuple[frozenset[int], int, int]]) -> _State:
    """`states` (spec index, tokens taken by it) with every state reached by leaving a spec
    that has its fewest tokens."""
    todo = list(states)
    while todo:
        j, c = todo.pop()
        if j < len(specs) and c >= specs[j][1] and (j + 1, 0) not in states:
            states.add((j + 1, 0))
            todo.append((j + 1, 0))
    return frozenset(states)


class AnchoredEntityRuler(EntityRuler):
    """`EntityRuler` running each group of token patterns around its anchor tokens only."""

    _plan_key: tuple[int, int] | None = None
    _plan: list[tuple[int, int, list[set[int]], Matcher | LiteralMatcher]] | None = None
    _groups_of: dict[int, list[int]]  # anchor word id -> indices of its groups in the plan
    _anchor_ids: numpy.ndarray

    def anchored_matchers(self) -> list[tuple[int, int, list[set[int]], Matcher | LiteralMatcher]] | None:
        """(tokens before, tokens after, other required word ids, matcher) for each anchor
        group of the current token patterns (rebuilt when they change), or None when the
        whole text must be matched."""
        # Counting the patterns is enough to notice a change: building the pairs on every
        # document cost as much as matching them.
        state = (id(self.matcher), sum(map(len, self.token_patterns.values())))
        if state != self._plan_key:
            pairs = [(key, p) for key, group in self.token_patterns.items() for p in group]
            plan = anchor_plan(pairs)
            self._plan, self._groups_of = None, {}
            if plan is not None:
                self._plan = [(anchor.before, anchor.after, [{get_string_id(w) for w in words} for words in anchor.also],
                               self._matcher(group)) for anchor, group in plan]
                for index, (anchor, _) in enumerate(plan):
                    for word in anchor.words:
                        self._groups_of.setdefault(get_string_id(word), []).append(index)
            self._anchor_ids = numpy.array(sorted(self._groups_of), dtype=numpy.uint64)
            self._plan_key = state
        return self._plan

    def _matcher(self, pairs: list[tuple[str, list[dict[str, Any]]]]) -> Matcher | LiteralMatcher:
        literal = [(key, literal_specs(pattern)) for key, pattern in pairs]
        if all(specs is not None for _, specs in literal):
            return LiteralMatcher([(self.nlp.vocab.strings.add(key), specs) for key, specs in literal if specs is not None])
        matcher = Matcher(self.nlp.vocab, fuzzy_compare=self.matcher_fuzzy_compare)
        for key, pattern in pairs:
            matcher.add(key, expand_counts(pattern))
        return matcher

    def token_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Token-pattern matches of `doc`, in document offsets."""
        if not len(self.matcher):
            return []
        plan = self.anchored_matchers()
        if plan is None:
            return list(self.matcher(doc))
        lowers = doc.to_array(LOWER)
        # The anchor ids are sorted: a binary search per token (`numpy.isin` sorts the
        # thousands of anchor words of the footnote patterns again on every call).
        ids = self._anchor_ids
        if not len(ids):
            return []
        at = numpy.minimum(numpy.searchsorted(ids, lowers), len(ids) - 1)
        hits = numpy.flatnonzero(ids[at] == lowers).tolist()
        if not hits:
            return []
        words = lowers.tolist()
        by_group: dict[int, list[int]] = {}
        for hit in hits:
            for group in self._groups_of[words[hit]]:
                before, after, also, _ = plan[group]
                if also:
                    window = set(words[max(0, hit - before):hit + after + 1])
                    if not all(window & needed for needed in also):
                        continue
                by_group.setdefault(group, []).append(hit)
        found = []
        for group, positions in sorted(by_group.items()):
            before, after, _, matcher = plan[group]
            for start, end in windows(positions, before, after, len(doc)):
                if isinstance(matcher, LiteralMatcher):
                    found += matcher.find(words, start, end)
                else:
                    found += [(key, start + s, start + e) for key, s, e in matcher(doc[start:end])]
        return found

    def _require_patterns(self) -> None:
        """`EntityRuler._require_patterns` (warn when the ruler has no pattern) without
        counting every pattern on every document (`len(self)` walks all of them)."""
        if not any(self.token_patterns.values()) and not any(self.phrase_patterns.values()):
            super()._require_patterns()

    def match(self, doc: Doc):
        """Same contract as `EntityRuler.match`: deduplicated matches, longest first."""
        self._require_patterns()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")
            matches = self.token_matches(doc) + list(self.phrase_matcher(doc))
        final = {(m_id, start, end) for m_id, start, end in matches if start != end}
        return sorted(final, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)

    def set_annotations(self, doc: Doc, matches) -> None:
        """`EntityRuler.set_annotations`, without looking at the tokens when the ruler
        overwrites the entities anyway."""
        entities = list(doc.ents)
        new_entities = []
        seen: set[int] = set()
        for match_id, start, end in matches:
            if not self.overwrite and any(t.ent_type for t in doc[start:end]):
                continue
            if start not in seen and end - 1 not in seen:
                if match_id in self._ent_ids:
                    label, ent_id = self._ent_ids[match_id]
                    span = Span(doc, start, end, label=label, span_id=ent_id)
                else:
                    span = Span(doc, start, end, label=match_id)
                new_entities.append(span)
                if entities:
                    entities = [e for e in entities if not (e.start < end and e.end > start)]
                seen.update(range(start, end))
        doc.ents = entities + new_entities


# How `nlp.pipeline.register_components` declares the factory to spaCy.
FACTORY_NAME = "veille_entity_ruler"
FACTORY_ASSIGNS = ["doc.ents", "token.ent_type", "token.ent_iob"]
FACTORY_DEFAULTS = {"phrase_matcher_attr": None, "validate": False, "overwrite_ents": False,
                    "ent_id_sep": DEFAULT_ENT_ID_SEP,
                    "matcher_fuzzy_compare": {"@misc": "spacy.levenshtein_compare.v1"},
                    "scorer": {"@scorers": "spacy.entity_ruler_scorer.v1"}}


def make_anchored_ruler(nlp: Language, name: str, phrase_matcher_attr: Any, validate: bool,
                        overwrite_ents: bool, ent_id_sep: str, matcher_fuzzy_compare: Callable,
                        scorer: Callable | None) -> AnchoredEntityRuler:
    """Factory of `veille_entity_ruler` (same settings as spaCy's `entity_ruler`)."""
    return AnchoredEntityRuler(nlp, name, phrase_matcher_attr=phrase_matcher_attr, validate=validate,
                               overwrite_ents=overwrite_ents, ent_id_sep=ent_id_sep,
                               matcher_fuzzy_compare=matcher_fuzzy_compare, scorer=scorer)
