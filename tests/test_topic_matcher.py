"""Topic matching on every known spelling, on real positives and on real near-misses."""

import json

import pytest

from conftest import FIXTURES
from nlp.text import clean_text, fold

SPELLINGS = [
    "SEC-Pa", "SEC-pa", "SECPa", "SECPA", "Secpa", "SecPA", "SEC Pa", "Sepca", "SEC‑Pa", "SEC–Pa",
    "structures d'exercice coordonné participatives",
    "structure d’exercice coordonnée participative",
    "Structures d'Exercice Coordonné Participatives",
    "structures d'exercice coordonnés participatifs",
    "centres de santé participatifs",
    "centre de santé participatif",
]
NEAR_MISSES = [
    "les structures d'exercice coordonné (MSP, CPTS) se développent",
    "l'article 51 de la LFSS pour 2018 finance le forfait PEPS",
    "la santé communautaire et le label France Santé",
    "l'exercice coordonné pluriprofessionnel en maison de santé",
    "un vin sec pas cher",
    "la SECU et la PA",
    "les secteurs pavillonnaires",
    "centres de santé",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_is_a_strong_mention_with_exact_offsets(matcher, spelling):
    text = f"Selon la ministre, les {spelling} seront financées jusqu'au 31 décembre."
    mentions = matcher.find(text)
    strong = [m for m in mentions if m.strength == "strong"]
    assert len(strong) == 1
    assert text[strong[0].start:strong[0].end] == strong[0].matched == spelling
    assert matcher.is_relevant(mentions)


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_never_relevant(matcher, text):
    assert not matcher.is_relevant(matcher.find(text))


def test_weak_signals_are_recorded_but_not_enough(matcher):
    mentions = matcher.find("Le forfait PEPS relève de l'article 51.")
    assert {m.rule for m in mentions} == {"weak:PEPS", "weak:article 51"}
    assert {m.strength for m in mentions} == {"weak"}


def test_exclusion_suppresses_an_overlapping_match(matcher):
    text = "l'exercice coordonné pluriprofessionnel et les SEC-Pa"
    assert [m.matched for m in matcher.find(text)] == ["SEC-Pa"]


def test_mentions_survive_entities_tags_and_line_breaks(matcher):
    raw = "<p>Les structures d&#x2019;exercice<br/>\ncoordonn&#x00E9;es&#160;participatives (SEC&#8209;Pa)</p>"
    text = clean_text(raw)
    mentions = matcher.find(text)
    assert [m.rule for m in mentions] == [
        "long_form:structure d'exercice coordonné participative", "acronym:SEC-Pa",
    ]
    for m in mentions:
        assert text[m.start:m.end] == m.matched


def test_snippet_shows_the_context_of_the_mention(matcher):
    text = "Début. " + "mot " * 60 + "Les Secpa sont maintenues. " + "fin " * 60
    (mention,) = matcher.find(text)
    assert "Les Secpa sont maintenues." in mention.snippet
    assert mention.snippet.startswith("…") and mention.snippet.endswith("…")
    assert len(mention.snippet) < 230


def test_fold_keeps_length_so_offsets_hold():
    text = "Ségur – l’ŒUVRE ½ İstanbul ﬁn"
    assert len(fold(text)) == len(text)
    assert fold("Coordonnée’S") == "coordonnee's"


def _amendment_text(name):
    data = json.loads((FIXTURES / "topic" / name).read_text(encoding="utf-8"))
    body = data["amendement"]["corps"]["contenuAuteur"]
    return clean_text(" ".join(v for v in (body.get("dispositif"), body.get("exposeSommaire")) if isinstance(v, str)))


@pytest.mark.parametrize("name, expected", [
    ("AMANR5L17PO838901B0325P0D1N001855.json", {"long_form:structure d'exercice coordonné participative", "acronym:SEC-Pa"}),
    ("AMANR5L17PO838901B0325P0D1N002003.json", {"acronym:SEC-Pa"}),
    ("AMANR5L17PO838901B0622P0D1N000453.json", {"acronym:SEC-Pa"}),
    ("AMANR5L17PO838901B0622P0D1N000827.json", {"acronym:SEC-Pa"}),
])
def test_real_sec_pa_amendments_match(matcher, name, expected):
    mentions = matcher.find(_amendment_text(name))
    assert matcher.is_relevant(mentions)
    assert {m.rule for m in mentions if m.strength == "strong"} == expected


def test_real_near_miss_amendment_does_not_match(matcher):
    text = _amendment_text("AMANR5L17PO420120B0325P0D1N001118.json")
    mentions = matcher.find(text)
    assert "exercice coordonn" in fold(text)
    assert any(m.rule == "weak:structure d'exercice coordonné" for m in mentions)
    assert not matcher.is_relevant(mentions)


@pytest.mark.parametrize("name", ["QANR5L16QG67.json", "QANR5L16QG608.json", "QANR5L17QE5268.json"])
def test_real_near_miss_questions_do_not_match(matcher, name):
    question = json.loads((FIXTURES / "topic" / name).read_text(encoding="utf-8"))["question"]
    texts = [question.get("textesQuestion"), question.get("textesReponse")]
    text = clean_text(json.dumps(texts, ensure_ascii=False))
    assert len(text) > 500
    assert not matcher.is_relevant(matcher.find(text))


def test_a_quoted_last_word_keeps_the_long_form(matcher):
    # Real dev text p50 of tests/fixtures/nlp/realset.jsonl (2021): the word is put in quotes.
    text = next(json.loads(line)["text"] for line in (FIXTURES / "nlp" / "realset.jsonl").open(encoding="utf-8")
                if json.loads(line)["id"] == "p50")
    mentions = matcher.find(text)
    quoted = [m for m in mentions if "participatifs »" in text[m.start:m.end + 2]]
    assert quoted and quoted[0].rule == "long_form:centre de santé participatif"
    assert text[quoted[0].start:quoted[0].end] == "centres de santé « participatifs"
    assert not matcher.find("Le centre de santé. Participatif, il ne l'est pas.")  # a full stop still breaks it
