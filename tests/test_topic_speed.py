"""The fast topic matcher finds exactly what one scan of the whole folded text finds.

`TopicMatcher.find` folds and scans only windows around the hits of a looser RE2 pattern run
on the raw text. `Reference` below is the matcher as it was before (fold the whole text, one
`re` scan, the exclusions over the whole text): both must give the same mentions, offsets,
rules and snippets on every real text of the fixtures, on hand-made tricky spellings and on
random strings built from the characters that matter.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import json
import random
import re
import zipfile
from typing import Iterable

import pytest

from conftest import FIXTURES, ROOT
from nlp.text import clean_text, fold, fold_part, snippet
from nlp.topic import TopicMatcher
from pipelines.config import load_config


# ------------------------------------------------------------------ the reference matcher
def _ref_acronym(term: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[^0-9a-z]+", fold(term)) if p]
    return r"\b" + r"[\s\-'.]*".join(parts) + r"\b"


def _ref_phrase(term: str) -> str:
    words = [w for w in re.split(r"[\s\-']+", fold(term)) if w]
    pieces = []
    for word in words:
        if len(word) <= 4 or not word.isalpha():
            pieces.append(re.escape(word))
        else:
            pieces.append(re.escape(word[: max(4, len(word) - 2)]) + r"\w*")
    return r"\b" + "[\\s\\-'«»“”\"„‹›]+".join(pieces) + r"\b"  # the rules' word gap, quotes included


def _ref_signal(term: str) -> str:
    return _ref_acronym(term) if " " not in term and len(term) <= 5 else _ref_phrase(term)


class Reference:
    """The matcher before windows: the whole text folded, then scanned once."""

    def __init__(self, acronyms: Iterable[str], long_forms: Iterable[str], weak_signals: Iterable[str] = (),
                 exclusions: Iterable[str] = ()):
        rules = [(f"acronym:{t}", "strong", _ref_acronym(t)) for t in acronyms]
        rules += [(f"long_form:{t}", "strong", _ref_phrase(t)) for t in long_forms]
        rules += [(f"weak:{t}", "weak", _ref_signal(t)) for t in weak_signals]
        self.rules = rules
        self._rules = [(rule, strength, re.compile(p)) for rule, strength, p in rules]
        bodies = ["(?:" + p.removeprefix(r"\b").removesuffix(r"\b") + ")" for _, _, p in rules]
        self._regex = re.compile(r"\b(?:" + "|".join(bodies) + r")\b")
        exclusions = tuple(exclusions)
        self._exclusion = re.compile("|".join(_ref_phrase(t) for t in exclusions)) if exclusions else None

    def find(self, text: str) -> list[tuple]:
        """The mentions as tuples (start, end, matched, rule, strength, snippet)."""
        if not text:
            return []
        folded = fold(text)
        excluded = [m.span() for m in self._exclusion.finditer(folded)] if self._exclusion else []
        out = []
        for match in self._regex.finditer(folded):
            start, end = match.span()
            if any(s < end and start < e for s, e in excluded):
                continue
            rule, strength = next((r, s) for r, s, x in self._rules if x.fullmatch(folded, start, end))
            out.append((start, end, text[start:end], rule, strength, snippet(text, start, end)))
        return out


def _as_tuples(mentions) -> list[tuple]:
    return [dataclasses.astuple(m) for m in mentions]


TOPIC = load_config(ROOT / "veille.toml").topic
PRODUCTION = (TOPIC.acronyms, TOPIC.long_forms, TOPIC.weak_signals, TOPIC.exclusions)
# A topic with odd spellings: non-ASCII letters (œ, ß), digits, punctuation inside a term,
# one-letter parts, and an exclusion overlapping a long form. (A term must not end with
# punctuation: the scan's closing word boundary then disagrees with the rule's own.)
ODD = (
    ["Œ-Cœur", "C.M.U", "B2B", "Sepca"],
    ["cœur de métier", "santé à 100 % remboursée", "straße de l'Ouest", "maisons de santé"],
    ["ARS", "Ségur", "Fir", "droit commun", "ĳssel"],
    ["maisons de santé pluriprofessionnelles", "cœur de métiers anciens"],
)


# Odd spellings that fold to ASCII only, so that the matcher runs its byte path on them: digits,
# "%", "." and "_" inside terms, a one-digit word, and exclusions overlapping the long forms.
ASCII_ODD = (
    ["C.M.U", "B2B", "Sepca", "SEC-Pa"],
    ["santé à 100 % remboursée", "s.a. de l'Ouest", "maisons de santé", "x_y de métier", "centre 0-9 de santé"],
    ["ARS", "Ségur", "Fir", "droit commun", "9"],
    ["maisons de santé pluriprofessionnelles", "santé à 100 % remboursée totalement"],
)
TOPICS = {"production": PRODUCTION, "odd": ODD, "ascii": ASCII_ODD}


@pytest.fixture(scope="module", params=list(TOPICS))
def pair(request):
    """The fast matcher and the reference, built from the same terms."""
    acronyms, long_forms, weak, exclusions = TOPICS[request.param]
    return TopicMatcher("t", acronyms, long_forms, weak, exclusions), Reference(acronyms, long_forms, weak, exclusions)


def test_each_topic_runs_the_path_it_is_meant_to_test():
    # ASCII spellings: RE2 on bytes over the whole text; beyond ASCII (œ, ß): the regex on windows.
    assert TopicMatcher.from_topic(TOPIC)._exact is not None
    assert TopicMatcher("t", *ASCII_ODD)._exact is not None
    assert TopicMatcher("t", *ODD)._exact is None


def _same(pair, texts: Iterable[str]) -> int:
    fast, reference = pair
    count = 0
    for text in texts:
        expected = reference.find(text)
        assert _as_tuples(fast.find(text)) == expected, text[:200]
        count += len(expected)
    return count


# ------------------------------------------------------------------ every real text of the fixtures
@functools.lru_cache(maxsize=1)
def _fixture_texts() -> tuple[str, ...]:
    """Every text file under tests/fixtures (HTML, JSON, XML, JSONL, e-mails, CSV), as stored and
    as `clean_text` makes it, plus the members of the zip archives and the texts of the sets."""
    texts: list[str] = []
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".zip":
            if not zipfile.is_zipfile(path):
                continue  # a broken archive of the hostile set
            with zipfile.ZipFile(path) as archive:
                # Members under 5 MB: the hostile set holds a 200 MB zip bomb.
                members = [archive.read(i) for i in archive.infolist() if not i.is_dir() and i.file_size < 5e6]
        elif path.suffix == ".gz":
            members = [gzip.decompress(data)]
        elif path.suffix in {".html", ".json", ".xml", ".jsonl", ".eml", ".csv", ".txt", ".md"}:
            members = [data]
        else:
            continue
        for member in members:
            text = member.decode("utf-8", "replace")
            texts += [text, clean_text(text)]
            if path.suffix == ".jsonl":
                for line in text.splitlines():
                    record = json.loads(line) if line.strip().startswith("{") else {}
                    texts += [v for v in record.values() if isinstance(v, str) and len(v) > 40]
    return tuple(texts)


def test_every_fixture_text_gives_the_same_mentions(pair):
    texts = _fixture_texts()
    assert len(texts) > 500
    found = _same(pair, texts)
    fast, _ = pair
    if fast.rules[0][0] == "acronym:SEC-Pa":
        assert found > 1000  # the fixtures name the topic often: the comparison bites


def test_the_real_set_is_on_topic_and_identical(pair):
    lines = (FIXTURES / "nlp" / "realset.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    assert len(texts) >= 52  # the real set only grows
    fast, _ = pair
    found = _same(pair, texts)
    if fast.rules[0][0] == "acronym:SEC-Pa":
        assert found > 100
        assert sum(fast.is_relevant(fast.find(t)) for t in texts) > 40


# ------------------------------------------------------------------ tricky spellings
TRICKY = [
    "SEC-Pa", "SEC-pa", "SECPa", "SECPA", "Secpa", "SecPA", "SEC Pa", "sec pa", "s.e.c. pa", "SEC.PA",
    "SEC\u00a0Pa", "SEC\u202fPa", "SEC\u2009Pa", "SEC\u00adPa", "SEC\u2011Pa", "SEC\u2013Pa", "SEC\u2014Pa",
    "SEC\u2010Pa", "SEC\u2012Pa", "SEC'Pa", "SEC\u2019Pa", "SEC\u02bcPa", "SEC\u00b4Pa", "SEC - - Pa",
    "SEC\n\nPa", "SEC\tPa", "SEC\u2003Pa", "SEC\u3000Pa", "SEC\x85Pa", "SEC\x1cPa", "SEC?Pa", "SEC,Pa",
    "SÉC-PA", "SÈC-Pà", "ŚEC-Pa", "ŠEC-PA", "SEĆ-PĄ", "ſec-pa", "Sec-Pǎ", "SE\u0301C-Pa", "SECPAS", "aSECPA",
    "SEC-Pa2", "_SEC-Pa_", "SEC-Pa_", "«SEC-Pa»", "(SEC-Pa)", "SEC-Pa.", "SEC-Pa…", "SEC-Pa’s", "l’SEC-Pa",
    "Sepca", "SEPCA", "Sépça", "Sepča", "sepcas",
    "structures d'exercice coordonné participatives", "Structures d’Exercice Coordonnées Participatives",
    "STRUCTURES D'EXERCICE COORDONNÉS PARTICIPATIFS", "structure d\u2019exercice coordonne participative",
    "structure d exercice coordonné participative", "structure-d-exercice-coordonné-participative",
    "structure\u00a0d\u2019exercice\u202fcoordonné\u00a0participative", "structuration d'exercices coordonnés",
    "structures d'exercice coordonné pluriprofessionnel participatives", "exercice coordonné protocolisé",
    "structures d'exercice coordonné pluriprofessionnel", "exercice coordonné pluriprofessionnelle participative",
    "centres de santé participatifs", "Centre de Santé Participatif", "CENTRES DE SANTÉ PARTICIPATIVES",
    "centre de santé", "centres de santés participatif", "centre\nde\nsanté\nparticipatif",
    "l'article 51", "Article 51", "article-51", "article\n51", "articles 51", "article 510", "article 5 1",
    "PEPS", "peps", "P.E.P.S", "PEPS?", "pepsi", "FIR", "Fir", "le FIR,", "affirmer", "FIRs", "fir-tree",
    "santé communautaire", "Santé Communautaires", "sante communautaire", "santé-communautaire",
    "France Santé", "FRANCE SANTÉ", "France-Santé", "France\u2011Santé", "Francesanté", "français santé",
    "droit commun", "Droits communs", "droit  commun", "droit\u00a0commun", "droituriers communément",
    "œuvre cœur Œ-Cœur OE-coeur œ cœur", "C.M.U", "CMU", "c m u", "c-m-u", "B2B", "b 2 b", "B2Bs",
    "cœur de métier", "Cœurs de Métiers", "CŒUR DE MÉTIER", "cœur de métiers anciens", "coeur de metier",
    "santé à 100 % remboursée", "Santé à 100%remboursés", "santé a 100 %, remboursée",
    "straße de l'Ouest", "STRASSE de l'ouest", "Straße de l’Ouest", "maisons de santé pluriprofessionnelles", "Maison de Santé", "ARS", "A.R.S",
    "Ségur", "ségurs", "SÉGUR", "ĳssel", "Ĳssel", "ijssel", "ﬁr", "Ｆｉｒ", "ＳＥＣ-Ｐａ", "🙂SEC-Pa🙂",
    "Σ SEC-Pa Ω", "СЕС-Па", "SEC-Pa\U0001f600", "\ud800SEC-Pa", "SEC\ud800Pa",
]


def test_tricky_spellings_alone_and_in_sentences(pair):
    texts = []
    for spelling in TRICKY:
        texts += [spelling, f"Selon la ministre, les {spelling} seront financées.", f"{spelling}{spelling}",
                  f"{spelling} {spelling}", f"x{spelling}", f"{spelling}x", f"«{spelling}»"]
    texts.append(" ".join(TRICKY))
    texts.append("\n".join(TRICKY))
    found = _same(pair, texts)
    assert found > 200


def test_mentions_at_the_very_edges_and_long_words(pair):
    texts = [
        "SEC-Pa", "SEC-Pa suffit", "voici SEC-Pa", "structuresssssssssssssssssssssssssss d'exercice coordonné "
        "participativesssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss du réseau",
        "SEC" + "-" * 500 + "Pa", "SEC" + " " * 3000 + "Pa", "droit" + "s" * 5000 + " commun",
        "a " * 5000 + "SEC-Pa", "SEC-Pa " + "é" * 5000, "droit commun" * 300, "SEC-Pa" * 300,
    ]
    _same(pair, texts)


# ------------------------------------------------------------------ random strings
PIECES = [
    "sec", "SEC", "Séc", "pa", "PA", "Pà", "sepca", "structure", "structures", "d", "exercice", "Exercices",
    "coordonné", "coordonnées", "participative", "participatifs", "pluriprofessionnel", "protocolisé",
    "centre", "centres", "de", "santé", "Santé", "participatif", "article", "51", "5", "PEPS", "FIR", "fir",
    "communautaire", "France", "droit", "droits", "commun", "Œ", "cœur", "C", "M", "U", "B2B", "métier",
    "100", "%", "à", "straße", "Ouest", "l", "ARS", "Ségur", "ĳssel", "maisons", "x", "_", "9", "é", "Ś",
    "s.a.", "s", "a", "y", "x_y", "0", "remboursée", "totalement", "Sepca", "pluriprofessionnelles",
]
GLUE = [" ", "", "-", "'", "’", ".", ",", "\u00a0", "\u202f", "\u2011", "\u2013", "\n", "?", "«", "»", "(", ")",
        "\u00ad", "\t", "  ", "…", ":", "/", "\ud83d", "🙂", "ǎ", "\u0301"]


def test_random_strings_of_the_characters_that_matter(pair):
    rng = random.Random(17)
    texts = []
    for _ in range(4000):
        parts = []
        for _ in range(rng.randint(1, 14)):
            parts += [rng.choice(PIECES), rng.choice(GLUE)]
        texts.append("".join(parts))
    found = _same(pair, texts)
    assert found > 300


def test_patterns_and_fingerprint_are_unchanged():
    fast = TopicMatcher.from_topic(TOPIC)
    reference = Reference(*PRODUCTION)
    assert fast.rules == reference.rules
    old = hashlib.sha1(repr((reference.rules, sorted(TOPIC.exclusions))).encode()).hexdigest()[:12]
    assert fast.fingerprint == old  # stored documents are not re-matched for nothing


def test_many_hits_without_any_barrier(pair):
    # No comma, no full stop: every window reaches the end of the text (found once, not per hit).
    texts = ["SEC-Pa " * 20000, "droit commun et " * 10000, "B2B cœur de métier " * 5000]
    assert _same(pair, texts) >= 20000


def test_a_topic_too_large_for_re2_falls_back_to_the_whole_text():
    rng = random.Random(3)
    terms = [" ".join("mot" + "".join(rng.choice("abcdefghij") for _ in range(4)) for _ in range(40))
             for _ in range(300)]
    fast, reference = TopicMatcher("t", ["SEC-Pa"], terms), Reference(["SEC-Pa"], terms)
    assert fast._windows._scan is None  # RE2 refused the pattern; the matcher still works
    texts = [" ".join(terms[:3]) + ", SEC-Pa.", terms[7].upper(), "rien ici", ""]
    assert _same((fast, reference), texts) == 5


def test_a_term_without_letters_fails_as_the_whole_scan_did():
    # "--" folds to no part at all: its rule matches the empty string, which no rule claims.
    fast = TopicMatcher("t", ["SEC-Pa", "--"], [])
    assert fast._windows._scan is None  # the whole text is one window, as before
    assert fast.find("--") == []
    with pytest.raises(AssertionError, match="no rule for ''"):
        fast.find("Les SEC-Pa, encore.")
    empty = TopicMatcher("t", [], [])  # no term at all: the same, as before
    assert empty.find("!") == []
    with pytest.raises(AssertionError, match="no rule for ''"):
        empty.find("Les SEC-Pa, encore.")


# ------------------------------------------------------------------ folding by bytes
def _fold_by_characters(text: str) -> str:
    """`fold` as it was: each character folded on its own (a `str.translate` table)."""
    from nlp.text import _fold_char

    return "".join(map(_fold_char, text))


def test_fold_is_the_fold_of_each_character_on_every_fixture_text():
    texts = _fixture_texts()
    assert sum(not t.isascii() for t in texts) > 300  # accents, ’, «, œ: the byte table and the others
    for text in texts:
        assert fold(text) == _fold_by_characters(text), text[:200]
        assert fold_part(text) == fold(text)


def test_fold_of_every_character_and_of_question_marks_among_them():
    # Every code point (surrogates and astral ones too), alone and in runs where "?" stands
    # next to the characters that `encode("latin-1", "replace")` also writes as "?".
    every = [chr(code) for code in range(0x110000)]
    for chunk in range(0, len(every), 4096):
        run = "?".join(every[chunk:chunk + 4096]) + "?"
        assert fold(run) == _fold_by_characters(run)
    assert all(fold(c) == _fold_by_characters(c) for c in every[::97])
    assert fold("??é’?Œ") == "??e'?œ"


def _snippet_as_it_was(text: str, start: int, end: int, width: int = 90) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    body = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


def test_snippets_are_those_of_split_and_join_on_every_fixture_text():
    rng = random.Random(5)
    blanks = "".join(c for c in map(chr, range(0x3001)) if c.isspace())  # every blank `split` knows
    texts = list(_fixture_texts()) + [f"a{b}b {b}c{b}{b}d {b}" for b in blanks] + [" ", "", "  x  "]
    for text in texts:
        for _ in range(20):
            start = rng.randrange(len(text) + 1)
            end = min(len(text), start + rng.randrange(12))
            assert snippet(text, start, end) == _snippet_as_it_was(text, start, end), text[:200]
