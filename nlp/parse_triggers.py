"""Parse triggers: the kind of a sentence read from its main verb, for sentences no trigger
table of `nlp/commitments.py` matches (issue 13: most missed items had no trigger at all).

Two steps. `surface_cue()` is cheap and runs on every sentence the tables leave: a verb form
the parse may read as a plan or a request (a simple future, a modal before an infinitive, a
stem of `nlp/patterns/lists/parse_triggers.jsonl`); it only makes the sentence a candidate.
`parse_trigger()` then reads the parsed sentence: the root verb (or the infinitive its modal
governs), its lemma, tense, mood and negation give the kind (a demand lemma or a question
about the future: demand; a simple future of an act: commitment), or nothing.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib.resources import files

from spacy.tokens import Doc, Token

from nlp.syntax import SPEECH_LEMMAS, lemma, negated_verb


@dataclass(frozen=True)
class Lexicon:
    """The lemma classes of `parse_triggers.jsonl`: demand verbs (with the objects they need,
    if any; `needs_clause`: those that ask only with a « que » clause, « on peut regretter que le
    Gouvernement… »), modals whose infinitive carries the act, verbs whose future plans nothing."""

    demand: dict[str, tuple[str, ...]]
    needs_clause: frozenset[str]
    modal: frozenset[str]
    no_plan: frozenset[str]
    stems: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The rows of `nlp/patterns/lists/parse_triggers.jsonl`, by class."""
    path = files("nlp") / "patterns" / "lists" / "parse_triggers.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    demand = {r["lemma"]: tuple(r.get("object", ())) for r in rows if r["class"] == "demand"}
    stems = tuple(s for r in rows if r["class"] == "demand" for s in r["stems"])
    return Lexicon(demand, frozenset(r["lemma"] for r in rows if r.get("clause")),
                   frozenset(r["lemma"] for r in rows if r["class"] == "modal"),
                   frozenset(r["lemma"] for r in rows if r["class"] == "no_plan"), stems)


# A simple future (« accompagnera », « sera reçue », « reviendrai »), a modal or near future
# before an infinitive (« doivent durer », « peut regretter », « va proposer »).
_FUTURE = r"[a-z]{2,}r(?:ai|as|a|ons|ez|ont)(?:-t-(?:il|elle|on)|-(?:ils|elles|nous|vous))?"
_NOT_FUTURE = re.compile(r"(?:vrai|extra|ultra|contra|opera|environs|front|affront|marrons|citrons)$")
_MODAL = (r"(?:doi[st]|doivent|devons|devez|peu[tx]|peuvent|pouvons|pouvez|veu[tx]|veulent|voulons|va|vont|vais|allons)"
          r"(?:-t-(?:il|elle|on)|-(?:ils|elles|nous|vous))?\s+(?:[\w']+\s+){0,2}?[a-z]+(?:er|ir|re)")


@functools.lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern:
    stems = "|".join(sorted(lexicon().stems, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(?:" + _FUTURE + "|" + _MODAL + r"|(?:" + stems + r")\w*)(?![\w-])")


def surface_cue(folded: str) -> tuple[int, int] | None:
    """The span of the first verb form of a folded sentence that the parse may read as a
    trigger, or None."""
    for found in _cue_pattern().finditer(folded):
        word = found.group(0)
        if " " in word or not _NOT_FUTURE.search(word.split("-")[0]):
            return found.span()
    return None


_INVERTED = re.compile(r"-t-(?:il|elle|on)$|-(?:ils|elles)$")


def asked_future(sentence: str, cue: tuple[int, int]) -> bool:
    """True when the cue of a question is a future with its subject inverted (« L'État
    accompagnera-t-il tous ces projets ? »): the speaker asks what will be done, as « pourra-t-il »
    does (no parse needed)."""
    return sentence.rstrip(" »\"").endswith("?") and bool(_INVERTED.search(sentence[cue[0]:cue[1]].lower()))


def _main_verbs(doc: Doc) -> list[Token]:
    """The root verbs, and the verbs of what a root speech verb reports (« "Je reviendrai…",
    a-t-il dit »: the model attaches the quotation as a clause of « dit »)."""
    found = []
    for root in (t for t in doc if t.head.i == t.i and t.pos_ in ("VERB", "AUX")):
        found.append(root)
        if lemma(root) in SPEECH_LEMMAS:
            found += [c for c in root.children if c.dep_ in ("ccomp", "parataxis", "advcl") and c.pos_ == "VERB"]
    return found


def _future(verb: Token) -> bool:
    """A simple future of the indicative (the model reads « reviendrai » as a present: a first
    person ending in « -rai » is a future)."""
    morph = verb.morph
    if morph.get("Tense", []) == ["Fut"] and morph.get("Mood", []) == ["Ind"]:
        return True
    return morph.get("Person", []) == ["1"] and morph.get("VerbForm", []) == ["Fin"] and verb.lower_.endswith("rai")


def _asks(verb: Token, words: Lexicon) -> bool:
    """`verb` is a demand verb of the lexicon with what it needs (a « que » clause, an object)."""
    name = lemma(verb)
    objects = words.demand.get(name)
    if objects is None or (name in words.needs_clause and not _que_clause(verb)):
        return False
    return not objects or any(lemma(c) in objects for c in verb.children if c.dep_ == "obj")


def _demand_verb(doc: Doc, words: Lexicon) -> Token | None:
    """The first finite demand verb of the sentence, not negated, in whatever clause (« une
    structure qui craint de devoir fermer ses portes »)."""
    for token in doc:
        if (token.pos_ == "VERB" and "Fin" in token.morph.get("VerbForm", []) and _asks(token, words)
                and not negated_verb(token)):
            return token
    return None


def _que_clause(verb: Token) -> bool:
    return any(c.dep_ == "ccomp" and any(m.dep_ == "mark" and m.lower_ in ("que", "qu'") for m in c.children)
               for c in verb.children)


def _passive_without_agent(verb: Token) -> bool:
    """« Le collectif sera reçu au ministère le 3 mars »: its subject undergoes the act, and
    nobody is named who does it."""
    deps = {c.dep_ for c in verb.children}
    return "nsubj:pass" in deps and "obl:agent" not in deps


def _carrier(verb: Token) -> Token:
    auxes = [c for c in verb.children if c.dep_.startswith("aux")]
    return auxes[0] if auxes else verb


def parse_trigger(doc: Doc) -> tuple[str, int, int] | None:
    """The kind and the character span of the verb a parsed sentence's main clause states
    as a demand (a demand lemma: « on peut regretter que », « mérite d'être soutenu »; a
    question about what will be done: « L'État accompagnera-t-il ces projets ? ») or a
    commitment (a simple future of an act, not negated: « sera reçue le 17 novembre »), or None."""
    words = lexicon()
    asked = _demand_verb(doc, words)
    if asked is not None:
        return "demand", asked.idx, asked.idx + len(asked.text)
    question = doc.text.rstrip(" »\"").endswith("?")
    for root in _main_verbs(doc):
        verb = root
        name = lemma(root)
        if name in words.modal:
            infinitives = [c for c in root.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
            if infinitives:
                verb = infinitives[0]
        verb_name = lemma(verb)
        negated = negated_verb(root) or negated_verb(verb)
        span = (min(root.idx, verb.idx), max(root.idx + len(root.text), verb.idx + len(verb.text)))
        if verb is not root and _asks(verb, words) and not negated:
            return "demand", *span  # « on peut regretter que… »
        carrier = _carrier(root)
        future = _future(carrier)
        if question and (future or "Cnd" in carrier.morph.get("Mood", [])):
            return "demand", *span
        if future and not negated and verb is root and name not in words.no_plan and not _passive_without_agent(root):
            return "commitment", *span
    return None
