"""extract(): texts with dates in, annotations out (actors, resolved roles, commitments).

Pure: no database, no files. Texts go through `nlp.pipe` in batches; long texts are cut
in chunks at paragraph or sentence ends and offsets are shifted back, so every offset is an
offset in the text given. Bad input never raises: empty, huge, non-French, broken-Unicode
or date-less texts give what can be given and a logged reason in `Annotations.notes`.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from nlp.commitments import ActorRef, Commitment, classify, find_commitment, not_a_sentence
from nlp.mentions import ORG_HEADS, ActorMention, actor_mention
from nlp.quantities import amounts, choose_deadline
from nlp.quotes import speakers
from nlp.roles import Reference, Resolution
from nlp.syntax import has_syntax, parse
from nlp.text import fold, render
from nlp.topic import TopicMatcher

log = logging.getLogger(__name__)

CHUNK_CHARS = 20_000
MAX_CHARS = 1_000_000
WINDOW_CHARS = 3_000
BATCH_SIZE = 16
TOPIC_WINDOW = (2, 1)  # sentences before, after
# A document about the topic as a whole (a short text, or one with a strong mention every
# ABOUT_CHARS characters or in its lead): every sentence may hold a commitment, not only
# those next to a mention (an amendment or a question names its subject once or twice).
ABOUT_CHARS = 1_500
LEAD_CHARS = 400
_SURROGATES = re.compile("[\ud800-\udfff]")
_FR_WORDS = {"le", "la", "les", "des", "de", "du", "et", "est", "une", "un", "pour", "que", "qui", "dans",
             "sur", "au", "aux", "par", "pas", "ne", "en", "à", "a", "il", "elle", "ce", "cette", "sont"}


@dataclass(frozen=True)
class CommitmentRecord:
    """A commitment with offsets of its sentence in the document text."""

    kind: str
    actor_id: str | None
    actor_text: str | None
    actor_rule: str
    text: str
    amount_eur: float | None
    deadline: str | None
    deadline_precision: str | None
    status: str
    start: int
    end: int


@dataclass
class Annotations:
    """Everything extracted from one document."""

    doc_id: Any
    actor_mentions: list[ActorMention] = field(default_factory=list)
    commitments: list[CommitmentRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def actors(self) -> dict[str, dict[str, str]]:
        """Distinct actors of the document: id -> {name, kind}."""
        return {m.actor_id: {"name": m.name, "kind": m.kind} for m in self.actor_mentions}


_SAME_LENGTH = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u00a0", " "), ("\u202f", " "))


def sanitize(text: str | None) -> str:
    """Same-length repair: lone surrogates become U+FFFD, typographic apostrophes and
    no-break spaces become plain ones, markup is rendered (`nlp.text.render`), so offsets
    still hold in the stored text."""
    text = _SURROGATES.sub("\ufffd", text or "")
    for typographic, plain in _SAME_LENGTH:  # five `str.replace` run ~100x faster than one `str.translate`
        if typographic in text:
            text = text.replace(typographic, plain)
    return render(text)


def looks_french(text: str) -> bool:
    """A cheap guess: enough French function words among the first words."""
    words = re.findall(r"[^\W\d_]+", text[:4000].lower())
    if len(words) < 12:
        return True
    return sum(map(_FR_WORDS.__contains__, words)) / len(words) >= 0.08


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Cut [0, len) into spans of at most ~`size` chars, at newlines or sentence ends."""
    spans, start = [], 0
    while len(text) - start > size:
        cut = text.rfind("\n", start + size // 2, start + size)
        if cut == -1:
            found = [m.end() for m in re.finditer(r"[.!?…]\s", text[start + size // 2:start + size])]
            cut = start + size // 2 + found[-1] if found else -1
        if cut == -1:
            cut = text.rfind(" ", start + size // 2, start + size)
        if cut <= start:
            cut = start + size
        spans.append((start, cut))
        start = cut
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _windows(text: str, mentions: list, width: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    spans: list[list[int]] = []
    for m in mentions:
        left = max(0, m.start - width)
        left = max(text.rfind("\n", max(0, left - 500), left) + 1, text.rfind(" ", max(0, left - 100), left) + 1, left) if left else 0
        right = min(len(text), m.end + width)
        if right < len(text):
            cut = text.find(" ", right, right + 100)
            right = cut if cut != -1 else right
        if spans and left <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], right)
        else:
            spans.append([left, right])
    return [(a, b) for a, b in spans]


def _plan(text: str, topic: TopicMatcher, notes: list[str]) -> tuple[list, list[tuple[int, int]]]:
    """Topic mentions and the spans of text to send to the model."""
    mentions = topic.find(text)
    if not text.strip():
        notes.append("texte vide : rien à annoter")
        return mentions, []
    if not looks_french(text):
        notes.append("texte non français : modèle non appliqué")
        return mentions, []
    if len(text) > MAX_CHARS:
        strong = [m for m in mentions if m.strength == "strong"]
        notes.append(f"texte de {len(text)} caractères : seuls les passages autour des {len(strong)} mentions du sujet sont annotés")
        regions = _windows(text, strong)
    else:
        regions = [(0, len(text))]
    spans = []
    for a, b in regions:
        spans += [(a + s, a + e) for s, e in chunks(text[a:b])]
    return mentions, spans


class SentenceMemo:
    """The commitments read in the sentences of one `extract()` run: a sentence repeated
    across documents (press copies, boilerplate, a quotation reported again) with the same
    actors and parse is read once (`classify` remembers its own answers). Bounded: emptied
    past MEMO_SIZE entries."""

    def __init__(self) -> None:
        self._commitments: dict[tuple, Commitment | None] = {}

    def find_commitment(self, sentence: str, date: str | None, actors: list[ActorRef], antecedent: ActorRef | None,
                        publisher: str | None, parsed: Doc | None, speaker: ActorRef | None) -> Commitment | None:
        """`nlp.commitments.find_commitment` with the same arguments (a parsed sentence is
        the same `Doc` when the parser pass served it from its cache)."""
        key = (sentence, date, tuple(actors), antecedent, publisher, parsed, speaker)
        found = self._commitments.get(key, _MISSING)
        if found is _MISSING:
            if len(self._commitments) >= MEMO_SIZE:
                self._commitments.clear()
            found = self._commitments[key] = find_commitment(sentence, date, actors, antecedent, publisher, parsed, speaker)
        return found


MEMO_SIZE = 4096
_MISSING: Any = object()


def extract(docs: Iterable[tuple], nlp: Language, mandates: Reference | list | None,
            topic: TopicMatcher, batch_size: int = BATCH_SIZE) -> Iterator[Annotations]:
    """Annotate `(text, date, doc_id)` or `(text, date, doc_id, publisher)` tuples; yield one
    `Annotations` per document, in order.

    `mandates` is a `Reference` or a list of mandate dicts; `topic` decides which sentences
    may hold commitments (a strong mention in the sentence or its neighbours); `publisher`
    is the actor id of the organisation whose own text it is (the « nous » of its demands)."""
    reference = mandates if isinstance(mandates, Reference) else Reference(list(mandates or []))
    buffer: list[tuple[str, str | None, Any, list, list, list[str], str | None]] = []
    memo = SentenceMemo()
    for text, date, doc_id, *rest in docs:
        publisher = rest[0] if rest else None
        notes: list[str] = []
        if text and _SURROGATES.search(text):
            notes.append("caractères Unicode invalides remplacés")
        text = sanitize(text)
        date = _iso(date, notes)
        mentions, spans = _plan(text, topic, notes)
        buffer.append((text, date, doc_id, mentions, spans, notes, publisher))
        if sum(len(b[4]) for b in buffer) >= batch_size:
            yield from _run(buffer, nlp, reference, batch_size, memo)
            buffer = []
    if buffer:
        yield from _run(buffer, nlp, reference, batch_size, memo)


def _iso(date: Any, notes: list[str]) -> str | None:
    value = str(date or "")[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    notes.append("document sans date : rôles et échéances relatives non résolus")
    return None


_NAME_INDEX: dict[int, dict[str, str]] = {}


def person_index(nlp: Language) -> dict[str, str]:
    """Folded person names of the gazetteer (full names only, homonyms dropped) -> id."""
    key = id(nlp)
    if key not in _NAME_INDEX:
        owners: dict[str, set[str]] = {}
        if "veille_ruler" in nlp.pipe_names:
            ruler = nlp.get_pipe("veille_ruler")
            assert isinstance(ruler, EntityRuler)  # nlp.ruler.AnchoredEntityRuler
            for p in ruler.patterns:
                name, owner = p.get("pattern"), p.get("id")
                if p.get("label") == "PER" and isinstance(name, str) and isinstance(owner, str) and owner:
                    owners.setdefault(fold(name), set()).add(owner)
        _NAME_INDEX[key] = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
    return _NAME_INDEX[key]


def _run(buffer: list, nlp: Language, reference: Reference, batch_size: int,
         memo: SentenceMemo) -> Iterator[Annotations]:
    jobs = [(text[s:e], (k, s)) for k, (text, _, _, _, spans, _, _) in enumerate(buffer) for s, e in spans]
    parsed: dict[int, list] = {}
    try:
        for doc, (k, offset) in nlp.pipe(jobs, as_tuples=True, batch_size=batch_size):
            parsed.setdefault(k, []).append((offset, doc))
    except Exception as error:  # noqa: BLE001 - one bad batch must not stop the run
        log.warning("échec du modèle sur un lot (%s) : reprise document par document", error)
        parsed = {}
        for chunk, (k, offset) in jobs:
            try:
                parsed.setdefault(k, []).append((offset, nlp(chunk)))
            except Exception as inner:  # noqa: BLE001
                buffer[k][5].append(f"échec du modèle : {inner}")
    candidates = [candidate_sentences(b[0], parsed.get(k, []), b[3]) for k, b in enumerate(buffer)]
    trees = _parse_candidates(buffer, parsed, nlp, candidates)
    for k, (text, date, doc_id, mentions, _, notes, publisher) in enumerate(buffer):
        annotations = annotate(text, date, doc_id, parsed.get(k, []), mentions, reference, person_index(nlp),
                               publisher, trees.get(k, {}), candidates[k], memo)
        annotations.notes[:0] = notes
        for note in annotations.notes:
            log.info("document %s : %s", doc_id, note)
        yield annotations


def _parse_candidates(buffer: list, parsed: dict[int, list], nlp: Language,
                      candidates: list[list[tuple[int, int]]]) -> dict[int, dict[int, Doc]]:
    """The parser pass over the candidate sentences of every document of the batch at once:
    document index -> sentence start -> parsed sentence (empty without syntax components)."""
    if not has_syntax(nlp):
        return {}
    wanted = []
    for k in range(len(buffer)):
        if not candidates[k]:
            continue
        text = buffer[k][0]
        topic_spans = [(m.start, m.end) for m in buffer[k][3]]
        chosen = set(candidates[k])
        for offset, doc in parsed.get(k, []):
            local = [(a - offset, b - offset) for a, b in topic_spans]
            ents = list(doc.ents)
            starts = [e.start for e in ents]
            for s in doc.sents:
                begin, end = offset + s.start_char, offset + s.end_char
                if (begin, end) in chosen:
                    inside = _span_ents(ents, starts, s.start, s.end)
                    sentence = text[begin:end]  # `Span.text` joins the tokens again
                    if needs_syntax(s, local, inside, sentence):
                        wanted.append((k, begin, sentence))
    try:
        docs = parse(nlp, [sentence for _, _, sentence in wanted])
    except Exception as error:  # noqa: BLE001 - the surface rules still work without syntax
        log.warning("échec de l'analyse syntaxique d'un lot (%s) : règles de surface seules", error)
        return {}
    trees: dict[int, dict[int, Doc]] = {}
    for (k, s, _), doc in zip(wanted, docs):
        trees.setdefault(k, {})[s] = doc
    return trees


def _span_ents(ents: list, starts: list[int], start: int, end: int) -> list:
    """`Span.ents` of the tokens [start, end) from the doc's entities (sorted, with their
    start tokens `starts`): those from the first starting in the span to the first that
    does not end in it."""
    found = []
    for ent in ents[bisect.bisect_left(starts, start):]:
        if ent.end > end:
            break
        found.append(ent)
    return found


# Pronouns whose person the parse reads (« je / nous »: the publisher or the speaker; « il /
# elle »: the antecedent); « qui » matters only next to an actor (see needs_syntax).
_WHO_WORDS = re.compile(r"(?i)(?<![\w-])(?:je|j'|nous|il|elle|ils|elles)(?![\w-])")
_QUI = re.compile(r"(?i)(?<![\w-])qui(?![\w-])")


# What only the parse can read in a one-trigger sentence: a negation's scope, a
# concessive clause, a conditional, a beneficiary subject (« a obtenu »).
_PARSE_CUES = re.compile(r"(?<![\w-])(?:ne|n'|alors qu|bien qu|tandis qu|meme si|quoiqu)|\w(?:rait|raient)\b|"
                         r"(?<![\w-])(?:obten|obtenu|recu|recoi|recev|decroch|arrach|benefici)")
# A trigger that may be a participle qualifying a noun (« la décision annoncée »): a
# participle ending without an auxiliary before it; a noun (« des sollicitations »): a determiner before it.
_PARTICIPLE = re.compile(r"(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|it|ite|its|ites|ert|erte|erts|ertes|ant)$")
_DETERMINER_BEFORE = re.compile(r"(?:^|\W)(?:le|la|les|l'|un|une|des|du|de|d'|sa|son|ses|leur|leurs|cette|ce|ces)\s*$")
_AUXILIARY_BEFORE = re.compile(r"(?:^|\W)(?:a|ont|avait|avaient|aura|auront|est|sont|etait|etaient|sera|seront|ete|s'est|se sont)\s+(?:\w+\s+)?$")


def may_act(ent: Any, topic_spans: Sequence[tuple[int, int]] = ()) -> bool:
    """An entity that `_actor` may turn into an actor mention: a gazetteer entry or a role,
    a full person name or an organisation with an organisation word, not the topic's own
    name (« SEC-Pa » tagged ORG by the model). Offsets of `topic_spans` are the entity's doc's."""
    if ent.ent_id_ or ent.label_ == "ROLE":
        return True
    if any(s < ent.end_char and ent.start_char < e for s, e in topic_spans):
        return False
    if ent.label_ == "PER":
        return len(ent.text.split()) >= 2
    return ent.label_ == "ORG" and len(ent.text) > 6 and bool(ORG_HEADS.search(fold(ent.text)))


def needs_syntax(sentence: Any, topic_spans: Sequence[tuple[int, int]] = (), ents: Sequence[Any] | None = None,
                 text: str | None = None) -> bool:
    """A parse can change the result of a candidate sentence (a spaCy span): it has a
    pronoun or a quotation, or names an actor or holds a second trigger, and the surface
    cannot settle the rest (more than one actor, an actor that is not a plain subject
    before the trigger, a negation, a concessive clause, a conditional, a beneficiary
    verb, or a first trigger that may be a noun or a qualifying participle). `topic_spans`: the
    topic mentions, in the offsets of the sentence's doc; `ents`: the sentence's entities
    (`sentence.ents`) when already at hand (that property walks every entity of the doc);
    `text`: `sentence.text` when already at hand."""
    text = sentence.text if text is None else text
    if _WHO_WORDS.search(text):
        return True
    found = classify(text)
    if found is None:
        return False
    _, start, end = found
    two = classify(text[:start] + " " * (end - start) + text[end:]) is not None
    ents = [e for e in (sentence.ents if ents is None else ents) if may_act(e, topic_spans)]
    if not ents and not two:
        return False
    folded = fold(text)
    if len(ents) > 1 or _PARSE_CUES.search(folded) or (ents and _QUI.search(text)):
        return True
    if ents:
        first, last = ents[0].start_char - sentence.start_char, ents[0].end_char - sentence.start_char
        if last > start or re.search(r"(?:^|\W)(?:a|au|aux|de|du|des|d'|par|pour|avec|chez|selon|sur)\s*(?:le |la |les |l')?$",
                                     folded[max(0, first - 14):first]):
            return True
    # The first trigger may be a noun or a qualifying participle: the parse picks the next one or none.
    words = text[start:end].lower().split()
    before = folded[max(0, start - 30):start]
    if _DETERMINER_BEFORE.search(before):
        return True
    return bool(words and _PARTICIPLE.search(words[-1])) and not _AUXILIARY_BEFORE.search(before)


def _sentence_spans(docs: list) -> list[tuple[int, int]]:
    return [(offset + s.start_char, offset + s.end_char) for offset, doc in docs for s in doc.sents]


def candidate_sentences(text: str, docs: list, mentions: list) -> list[tuple[int, int]]:
    """The sentences that may hold a commitment: near a strong topic mention, not a
    headline, dateline or procedural line, with a trigger. Only these see the parser."""
    sentences = _sentence_spans(docs)
    strong = [m.start for m in mentions if m.strength == "strong"]
    on_topic = [True] * len(sentences) if about_topic(text, strong) else _on_topic(sentences, strong)
    found = []
    for index, (s, e) in enumerate(sentences):
        end = s + len(text[s:e].rstrip(" \t"))
        own_line = (s == 0 or text[s - 1] == "\n") and (end >= len(text) or text[end] == "\n" or text[end - 1] == "\n")
        if on_topic[index] and not not_a_sentence(text[s:e], own_line) and classify(text[s:e]):
            found.append((s, e))
    return found


def annotate(text: str, date: str | None, doc_id: Any, docs: list, mentions: list,
             reference: Reference, names: dict[str, str] | None = None, publisher: str | None = None,
             trees: dict[int, Doc] | None = None, candidates: list[tuple[int, int]] | None = None,
             memo: SentenceMemo | None = None) -> Annotations:
    """Turn the parsed chunks of one document into annotations. `trees`: the candidate
    sentences through the parser pass, by start offset (without them the actor rules work
    on the surface only); `candidates`: the candidate sentences when already known;
    `memo`: the run's memo of the commitments read."""
    result = Annotations(doc_id)
    topic_spans = [(m.start, m.end) for m in mentions]
    resolutions: list[Resolution] = []
    sentences = _sentence_spans(docs)
    for offset, doc in docs:
        ents = list(doc.ents)
        for n, ent in enumerate(ents):
            start, end = offset + ent.start_char, offset + ent.end_char
            following = ents[n + 1] if n + 1 < len(ents) else None
            if (ent.label_ == "ROLE" and ent.ent_id_ == "role:ministre" and following is not None
                    and following.label_ == "PER" and following.start == ent.end):
                continue  # "la ministre Stéphanie Rist": the name says who
            mention = actor_mention(ent, start, end, text, date, reference, resolutions, topic_spans, names)
            if mention:
                result.actor_mentions.append(mention)
                resolutions.append(Resolution(mention.actor_id, mention.name, mention.kind, mention.rule))
    chosen = set(candidate_sentences(text, docs, mentions) if candidates is None else candidates)
    read = memo.find_commitment if memo is not None else find_commitment
    trees = trees or {}
    quoted = speakers(text, result.actor_mentions) if chosen else []
    leading: list[tuple[ActorRef, str]] = []  # the first actor of each sentence so far, with its gender
    speaker: ActorRef | None = None
    listing: CommitmentRecord | None = None  # a commitment whose sentence ends with « : »
    for index, (s, e) in enumerate(sentences):
        inside = [m for m in result.actor_mentions if s <= m.start and m.end <= e]
        refs = [ActorRef(m.start - s, m.end - s, m.text, m.actor_id, m.kind) for m in inside]
        turn = _speaker_heading(text, s, e, refs)
        if turn is not None:
            speaker = turn if turn.actor_id else None
            if turn.actor_id:
                leading.append((turn, ""))
            continue
        if listing is not None and _BULLET.match(text[s:e]) and not text[text.rfind("\n", 0, s) + 1:s].strip():
            # « le ministère a annoncé : » then « • l'arrêt … au 30 avril »: the items are the
            # announcement's content, its amount and deadline, not promises of their own.
            result.commitments[-1] = listing = _complete(listing, text[s:e], date)
            if refs:
                leading.append((refs[0], gender(text, inside[0].start, inside[0].text)))
            continue
        listing = None
        if (s, e) in chosen:
            found = read(text[s:e], date, refs, antecedent(text[s:e], leading), publisher, trees.get(s), speaker)
            found = _quoted_speaker(found, text, s, e, quoted)
            if found:
                result.commitments.append(CommitmentRecord(
                    found.kind, found.actor_id, found.actor_text, found.actor_rule, text[s:e].strip(),
                    found.amount_eur, found.deadline, found.deadline_precision, "open", s, e))
                listing = result.commitments[-1] if text[s:e].rstrip().endswith(":") else None
        if refs:
            leading.append((refs[0], gender(text, inside[0].start, inside[0].text)))
    return result


_PRONOUN = re.compile(r"(?i)(?<![\w-])(il|ils|elle|elles)(?![\w-])")
_MASCULINE = re.compile(r"(?:^|\W)(?:m\.|monsieur|le|du|au|un|president|depute|senateur|directeur|ministre delegue)\s*$")
_FEMININE = re.compile(r"(?:^|\W)(?:mme|madame|la|de la|a la|une|presidente|deputee|senatrice|directrice|ministre deleguee)\s*$")


def gender(text: str, start: int, surface: str) -> str:
    """"m", "f" or "" for the actor mentioned at `start`: from its civility or determiner
    (« Mme X », « la Fédération », « le centre de santé »)."""
    head = fold(surface.split()[0]) if surface.split() else ""
    before = fold(text[max(0, start - 25):start])
    if head in ("m.", "monsieur") or _MASCULINE.search(before):
        return "m"
    if head in ("mme", "madame") or _FEMININE.search(before):
        return "f"
    return ""


# « il » with no referent: « il a été notifié », « il y a », « il est prévu de » (« il faut »
# keeps the speaker's or the subject's: a demand; « il y a promis » is « he promised there »).
_IMPERSONAL = re.compile(r"\s+(?:a été|avait été|aura été|y a(?!\s+\w+(?:é|ée|és|ées|is|ise|it|ite|u|ue)\b)|y avait|y aura|s'agit|"
                         r"reste|restait|convient|semble|paraît|importe|existe|manque|est (?:prévu|question|"
                         r"nécessaire|temps|possible|urgent|indispensable|important|essentiel|impératif|difficile|"
                         r"clair|vrai|évident|regrettable|inacceptable|dommage))(?![\w-])", re.I)


def antecedent(sentence: str, leading: list[tuple[ActorRef, str]]) -> ActorRef | None:
    """The actor a subject pronoun of `sentence` stands for: the first actor of the latest
    sentence whose gender agrees (« elle » is never « le centre de santé »)."""
    pronoun = next((m for m in _PRONOUN.finditer(sentence) if not _IMPERSONAL.match(sentence, m.end())), None)
    if pronoun is None and _PRONOUN.search(sentence):
        return None  # « il a été notifié aux structures », « il faut »: nobody stands behind « il »
    wanted = "" if pronoun is None else "f" if pronoun.group(1).lower().startswith("elle") else "m"
    for ref, kind in reversed(leading):
        if not wanted or not kind or kind == wanted:
            return ref
    return None


_BULLET = re.compile(r"^\s*[•\-*–·]\s")


def _complete(record: CommitmentRecord, item: str, date: str | None) -> CommitmentRecord:
    """`record` with the amount and deadline it lacks read from a list item that details it."""
    money = amounts(item) if record.amount_eur is None else []
    deadline = choose_deadline(item, date, 0, record.kind) if record.deadline is None else None
    return dataclasses.replace(
        record, amount_eur=money[0].value if money else record.amount_eur,
        deadline=deadline.date if deadline else record.deadline,
        deadline_precision=deadline.precision if deadline else record.deadline_precision)


def _quoted_speaker(found: Commitment | None, text: str, s: int, e: int, quoted: list) -> Commitment | None:
    """A promise whose trigger sits inside a quotation is the quotation's speaker's."""
    if found is None or not quoted:
        return found
    at = s + max(0, text[s:e].find(found.trigger))
    for start, end, mention in quoted:
        if start < at < end and mention.actor_id != found.actor_id:
            return dataclasses.replace(found, actor_id=mention.actor_id, actor_text=mention.text, actor_rule="citation_incise")
    return found


# A heading holds no trigger verb: « M. Stéphane Viry interroge Mme la ministre … » is the question's body.
_HEADING = re.compile(r"^(?!.*(?<![\w-])(?:interroge|interpelle|alerte|attire|appelle|rappelle|demande|souhaite|questionne)(?![\w-]))"
                      r"\s*(?:m\.|mme|monsieur|madame)\s+(?:la |le )?[\w' -]{2,60}?(?:,\s*[\w' ,-]{2,120}?)?\s*[.:]\s*$", re.I)


def _speaker_heading(text: str, s: int, e: int, refs: list[ActorRef]) -> ActorRef | None:
    """A debate turn heading (« M. X, rapporteur. », « Mme la ministre. »): the actor named
    in it, the « je » of the turn until the next heading (an ActorRef without id when the
    heading names nobody known). None when the sentence is not a heading."""
    sentence = text[s:e]
    own_line = s == 0 or text[s - 1] == "\n"
    if len(sentence) > 160 or not own_line or not _HEADING.match(sentence):
        return None
    return refs[0] if refs else ActorRef(0, 0, sentence.strip(), None, "person")


def about_topic(text: str, strong: list[int]) -> bool:
    """The document as a whole is about the topic: a strong mention in its lead, or at
    least one every ABOUT_CHARS characters."""
    if not strong:
        return False
    return min(strong) < LEAD_CHARS or len(strong) * ABOUT_CHARS >= len(text.strip())


def _on_topic(sentences: list[tuple[int, int]], strong: list[int]) -> list[bool]:
    hits = [any(s <= p < e for p in strong) for s, e in sentences]
    before, after = TOPIC_WINDOW
    return [any(hits[max(0, i - before):i + after + 1]) for i in range(len(sentences))]
