"""The parser pass: syntax for the few sentences that may hold a commitment.

The stage's pipeline runs only the sentencizer, the entity ruler and the NER on whole
texts; the French model's tok2vec, morphologizer, parser and lemmatizer
are loaded but disabled there, and `parse()` runs them on candidate sentences only (near a
topic mention, with a trigger). `clause()` reads, for the trigger of a sentence, the
subject (or agent) of its governing verb, the speaker of a quotation it sits in, the
negation in the verb's scope, and the tense and mood of the verb.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Token

SYNTAX_COMPONENTS = ("tok2vec", "morphologizer", "parser", "lemmatizer")
# The parse runs these on whole candidate sentences; the lemmatizer only lemmatizes the
# words the rules read (verbs, auxiliaries, nouns, adjectives). The model's attribute ruler
# is not loaded: its 23 patterns changed no part of speech on the written set's sentences.
PARSE_COMPONENTS = ("tok2vec", "morphologizer", "parser")
LEMMATIZED = ("VERB", "AUX", "NOUN", "ADJ")
SUBJECT_DEPS = {"nsubj", "nsubj:pass", "csubj", "expl:subj"}
AGENT_DEPS = {"obl:agent"}
FIRST_PERSON = {"je", "j'", "nous", "moi"}
THIRD_PERSON = {"il", "elle", "ils", "elles"}
SPEECH_LEMMAS = {
    "expliquer", "affirmer", "déclarer", "dire", "écrire", "assurer", "indiquer", "préciser", "souligner",
    "ajouter", "estimer", "rappeler", "confier", "insister", "promettre", "annoncer", "résumer", "répondre",
    "poursuivre", "lancer", "marteler", "prévenir", "regretter", "dénoncer", "déplorer", "s'inquiéter",
    "témoigner", "confirmer", "garantir", "conclure", "reconnaître", "avancer", "observer", "noter",
}
# The subject of these verbs receives what is promised: the promise is someone else's.
BENEFICIARY_LEMMAS = {"obtenir", "recevoir", "décrocher", "arracher", "bénéficier"}
NEGATORS = {"pas", "plus", "jamais", "aucun", "aucune", "nullement", "guère", "rien"}


@dataclass(frozen=True)
class Clause:
    """What the parse says about a trigger: character spans are relative to the sentence.

    `subject`: the span of the subject (or agent) of the governing verb, None if none;
    `reporter`: the subject of the verb a « que » clause depends on (« X a répondu que le
    Gouvernement ne laisserait pas tomber… »: X reports the promise and is held to it);
    `person`: "1" for je/nous, "3" for il/elle, "qui" for a relative pronoun, "" otherwise;
    `speaker`: the subject of a speech verb governing a quotation, when the subject is a
    first-person pronoun; `negated`: a negation in the verb's scope; `mood`, `tense` of the
    governing verb (or its auxiliary)."""

    subject: tuple[int, int] | None
    reporter: tuple[int, int] | None
    person: str
    speaker: tuple[int, int] | None
    negated: bool
    mood: str
    tense: str
    verb_lemma: str


def has_syntax(nlp: Language) -> bool:
    """True when the pipeline holds the model's syntax components (enabled or not)."""
    return all(name in nlp.component_names for name in SYNTAX_COMPONENTS)


def parse(nlp: Language, sentences: Sequence[str], batch_size: int = 256) -> list[Doc]:
    """Tokenize `sentences` and run the syntax components on them only (tokenizing again
    costs less than copying the spans of the first pass), in batches. Lemmas are not set
    here: the rules read a handful of words, lemmatized on demand by `lemma()`.

    A sentence seen lately (press copies, a text quoted again, a boilerplate line) is not
    parsed again: the same `Doc` is returned (the rules only read it; the parse of a
    sentence does not depend on the batch it is in). Memory stays bounded: the last
    PARSE_CACHE sentences per pipeline."""
    cache = _PARSED.get(nlp)
    if cache is None:
        cache = _PARSED[nlp] = OrderedDict()
    todo = list(dict.fromkeys(s for s in sentences if s not in cache))
    for sentence, doc in zip(todo, _parse_new(nlp, todo, batch_size)):
        cache[sentence] = doc
    found = []
    for sentence in sentences:
        cache.move_to_end(sentence)
        found.append(cache[sentence])
    while len(cache) > PARSE_CACHE:
        cache.popitem(last=False)
    return found


PARSE_CACHE = 2048
_PARSED: "weakref.WeakKeyDictionary[Language, OrderedDict[str, Doc]]" = weakref.WeakKeyDictionary()


def forget_parses() -> None:
    """Empty the cache of parsed sentences (for benchmarks: time a first pass)."""
    _PARSED.clear()


def _parse_new(nlp: Language, sentences: list[str], batch_size: int) -> list[Doc]:
    if not sentences:
        return []
    docs = [nlp.make_doc(s) for s in sentences]
    for name in PARSE_COMPONENTS:
        component = nlp.get_pipe(name)
        runner = getattr(component, "pipe", None)
        docs = list(runner(docs, batch_size=batch_size)) if runner else [component(d) for d in docs]
    lemmatizer = nlp.get_pipe("lemmatizer")
    rule = getattr(lemmatizer, "rule_lemmatize", None) if getattr(lemmatizer, "mode", "") == "rule" else None
    if rule is None:
        return [lemmatizer(doc) for doc in docs]
    for doc in docs:
        doc.user_data[_LEMMATIZE] = rule
    return docs


_LEMMATIZE = "veille_lemmatize"
_LEMMAS: dict[tuple[int, int], str] = {}  # grows with the vocabulary read, a few thousand words


def lemma(token: Token) -> str:
    """The lemma of `token` when it is a verb, auxiliary, noun or adjective ("" otherwise),
    computed on first use and cached per (word, part of speech)."""
    rule = token.doc.user_data.get(_LEMMATIZE)
    if rule is None:
        return token.lemma_
    if token.pos_ not in LEMMATIZED:
        return ""
    key = (token.orth, token.pos)
    found = _LEMMAS.get(key)
    if found is None:
        found = _LEMMAS[key] = rule(token)[0]
    return found


def _span(token: Token) -> tuple[int, int]:
    """The characters of `token`'s phrase, without punctuation and relative clauses."""
    tokens = [t for t in token.subtree if t.dep_ != "punct" and not _inside_relative(t, token)] or [token]
    return min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)


def _inside_relative(token: Token, head: Token) -> bool:
    node = token
    while node.i != head.i and node.head.i != node.i:
        if node.dep_ in ("acl:relcl", "acl"):
            return True
        node = node.head
    return False


def _tokens(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens overlapping the characters [start, end) (found by spaCy's character
    index, not by walking the sentence)."""
    if not len(doc):
        return []
    length = doc[-1].idx + len(doc[-1].text)  # `doc.text` would join every token again
    span = doc.char_span(start, min(end, length), alignment_mode="expand") if start < length else None
    return list(span) if span is not None else []


def _trigger_token(doc: Doc, start: int, end: int) -> Token | None:
    tokens = _tokens(doc, start, end)
    if not tokens:
        return None
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX")]
    return verbs[-1] if verbs else tokens[0]


def _governing_subject(token: Token) -> tuple[Token | None, Token]:
    """The subject (or passive agent) of the nearest verb up from `token`, and that verb."""
    node = token
    for _ in range(12):
        for child in node.children:
            if child.dep_ in SUBJECT_DEPS:
                return child, node
        for child in node.children:
            if child.dep_ in AGENT_DEPS:
                return child, node
        if node.head.i == node.i:
            break
        if node.dep_ == "conj" and node.head.pos_ in ("VERB", "AUX"):
            node = node.head
            continue
        node = node.head
    return None, token


def _speaker(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """The non-pronoun subject of a speech verb elsewhere in the sentence (« … », a dit Y)."""
    for token in doc:
        if token.i == verb.i or lemma(token) not in SPEECH_LEMMAS:
            continue
        for child in token.children:
            if child.dep_ in SUBJECT_DEPS and child.lower_ not in FIRST_PERSON | THIRD_PERSON:
                return _span(child)
    return None


def negated_verb(verb: Token) -> bool:
    """True when `verb` (or one of its auxiliaries) carries « ne » with a negating word."""
    scope = [verb, *[c for c in verb.children if c.dep_.startswith("aux")]]
    words = {c.lower_ for v in scope for c in v.children} | {c.lower_ for c in scope}
    return bool(words & NEGATORS) and bool(words & {"ne", "n'"})


def _tense(verb: Token) -> tuple[str, str]:
    auxes = [c for c in verb.children if c.dep_.startswith("aux")]
    carrier = auxes[0] if auxes else verb
    mood = ",".join(carrier.morph.get("Mood", []))
    tense = ",".join(carrier.morph.get("Tense", []))
    if auxes and tense == "Pres":
        tense = "Past"  # passé composé
    return mood, tense


def detached_participle(doc: Doc, start: int, end: int) -> bool:
    """True when the trigger at [start, end) is a participle used as an adjunct
    (« Interpellé par la députée, le Premier ministre a… », « Dénonçant …, les signataires »),
    not the verb of the clause: no auxiliary, not the root of a clause with a subject."""
    token = _trigger_token(doc, start, end)
    if token is None or "Part" not in token.morph.get("VerbForm", []) or token.pos_ != "VERB":
        return False
    if any(c.dep_.startswith(("aux", "cop")) for c in token.children):
        return False
    if any(c.dep_ in SUBJECT_DEPS for c in token.children) and token.dep_ == "ROOT":
        return False
    text = doc.text
    before = text[:token.idx].strip()
    after = text[token.idx + len(token.text):]
    return token.dep_ in ("acl", "advcl", "amod", "ROOT", "conj") and (
        not before or before.endswith(",") or "," in after[:80])


# Nouns that carry a commitment, a demand or a refusal themselves (« l'engagement de… »,
# « avis défavorable »): the verb governing them gives tense and subject.
NOMINAL_TRIGGERS = {
    "engagement", "promesse", "annonce", "décision", "demande", "appel", "refus", "volonté", "avis",
    "attention", "pétition", "soutien", "maintien", "pérennisation", "prolongation", "généralisation",
    "question", "fin", "arrêt", "suppression",
}


def stray_trigger(doc: Doc, start: int, end: int) -> bool:
    """True when the trigger at [start, end) is not a verb of the clause: a one-word stem
    match on a noun or adjective that is not a nominal trigger (« acteurs », « sollicitations »,
    « le texte proposé »), or a participle that only qualifies a noun (« la décision
    annoncée par le ministère marque… »)."""
    tokens = _tokens(doc, start, end)
    if len(tokens) != 1:
        return False
    token = tokens[0]
    if lemma(token).lower() in NOMINAL_TRIGGERS:
        return False
    if token.pos_ in ("NOUN", "PROPN"):  # a noun phrase: « des sollicitations », « nos informations »
        return any(c.dep_ in ("det", "case") for c in token.children)
    if token.pos_ == "ADJ":
        return token.dep_ == "amod"
    if (token.pos_ == "VERB" and token.morph.get("VerbForm", []) == ["Part"] and token.morph.get("Tense", []) == ["Past"]
            and token.dep_ in ("amod", "acl")):
        return not any(c.dep_.startswith(("aux", "cop", "nsubj")) for c in token.children)
    return False


def negated_content(doc: Doc, start: int, end: int) -> bool:
    """True when the trigger's verb reports a negated clause (« a confirmé que cette mesure
    ne serait pas inscrite dans le droit commun »): the content, not the report, is
    turned around."""
    token = _trigger_token(doc, start, end)
    if token is None:
        return False
    return any(c.dep_ == "ccomp" and negated_verb(c) for c in token.children)


def clause(doc: Doc, trigger_start: int, trigger_end: int) -> Clause | None:
    """The clause facts of the trigger at [trigger_start, trigger_end) of a parsed sentence."""
    token = _trigger_token(doc, trigger_start, trigger_end)
    if token is None:
        return None
    subject, verb = _governing_subject(token)
    mood, tense = _tense(verb)
    negated = negated_verb(verb) or (token.i != verb.i and negated_verb(token))
    verb_lemma = lemma(verb)
    if subject is None or verb_lemma in BENEFICIARY_LEMMAS:
        return Clause(None, None, "", None, negated, mood, tense, verb_lemma)
    reporter = None
    if verb.dep_ == "ccomp" and any(c.dep_ == "mark" and c.lower_ in ("que", "qu'") for c in verb.children):
        outer, _ = _governing_subject(verb.head)
        reporter = _span(outer) if outer is not None and outer.lower_ not in FIRST_PERSON | THIRD_PERSON else None
    lower = subject.lower_
    person = "1" if lower in FIRST_PERSON else "3" if lower in THIRD_PERSON else "qui" if lower in ("qui", "lequel", "laquelle") else ""
    speaker = _speaker(doc, verb) if person == "1" else None
    if person == "qui" and verb.dep_ in ("acl:relcl", "acl"):
        return Clause(_span(verb.head), reporter, "", None, negated, mood, tense, verb_lemma)
    return Clause(_span(subject), reporter, person, speaker, negated, mood, tense, verb_lemma)


# Concessive or contrastive clauses give background (« Alors que le dossier de presse
# annonçait…, », « Bien que la ministre ait promis… »): the main clause states the fact.
BACKGROUND_OPENERS = {("alors", "que"), ("alors", "qu'"), ("bien", "que"), ("bien", "qu'"), ("tandis", "que"),
                      ("tandis", "qu'"), ("même", "si"), ("même", "s'"), ("quoique", "")}


def background_clause(doc: Doc, start: int, end: int) -> bool:
    """True when the trigger at [start, end) sits in an adverbial clause opened by « alors
    que », « bien que », « tandis que » or « même si » that depends on another verb."""
    token = _trigger_token(doc, start, end)
    node = token
    for _ in range(12):
        if node is None or node.head.i == node.i:
            return False
        if node.dep_ == "advcl":
            first = node.left_edge
            after = doc[first.i + 1].lower_ if first.i + 1 < len(doc) else ""
            if (first.lower_, after) in BACKGROUND_OPENERS or (first.lower_, "") in BACKGROUND_OPENERS:
                return True
        node = node.head
    return False
