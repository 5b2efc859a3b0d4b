"""The kinds of real texts that failed before issue 13, each on a real passage of the real
set (tests/fixtures/nlp/realset.jsonl, provenance in SOURCES.md), plus floors on the
figures of both parts so that a regression shows."""

from __future__ import annotations

import json

import pytest

from nlp.commitments import classify, find_commitment, not_a_sentence
from nlp.evaluate import evaluate
from nlp.extract import extract
from nlp.quantities import amounts
from nlp_fixtures import FIXTURES, nlp_model, ref, topic  # noqa: F401  (fixtures)

REALSET = FIXTURES / "realset.jsonl"
ITEMS = {item["id"]: item for item in map(json.loads, REALSET.read_text(encoding="utf-8").splitlines())}


def _commitments(item_id, nlp_model, ref, topic):
    item = ITEMS[item_id]
    [found] = list(extract([(item["text"], item["date"], item_id, item["publisher"])], nlp_model, ref, topic))
    return found.commitments


def _sentence(item_id: str, quote: str) -> str:
    text = ITEMS[item_id]["text"]
    start = text.rfind(".", 0, text.index(quote)) + 1
    return text[start:text.index(".", text.index(quote)) + 1].strip()


def test_the_real_set_has_two_parts_of_real_annotated_texts():
    splits = [item["split"] for item in ITEMS.values()]
    assert len(ITEMS) >= 40 and {"dev", "test"} == set(splits) and splits.count("test") >= 15
    assert all(c["quote"] in item["text"] for item in ITEMS.values() for c in item["commitments"])
    assert all(item["source"].startswith("http") for item in ITEMS.values())


def test_headlines_datelines_and_procedural_lines_are_never_commitments(nlp_model, ref, topic):
    for item_id in ("p01", "p05", "p06", "p15", "p22"):
        for c in _commitments(item_id, nlp_model, ref, topic):
            assert not c.text.startswith(("Publié le", "Enregistré", "(Renvoyée", "Alerte", "Suppression des moyens",
                                          "Question de", "N° 2504", "Cyberaction")), c.text
    assert not_a_sentence("COMMUNIQUE DE PRESSE - Paris, le 29 janvier 2026", own_line=True)
    assert not_a_sentence("Publié le Samedi 28 février 2026 à 17h00.", own_line=True)
    assert not_a_sentence("Santé. Alerte sur la fin des centres de santé SEC-pa", own_line=True)
    assert not not_a_sentence("Le financement est assuré pour toute l’équipe de la Place santé jusqu’à la fin de l’année !",
                              own_line=True)


def test_an_announced_end_of_funding_is_an_announcement(nlp_model, ref, topic):
    first = _commitments("p04", nlp_model, ref, topic)[0]
    assert (first.kind, first.actor_id, first.deadline) == ("announcement", "PO873673", "2026-04-30")
    # Going back on the end, with a promise, stays a commitment.
    kept = next(c for c in _commitments("p09", nlp_model, ref, topic) if "revenu sur sa décision" in c.text)
    assert (kept.kind, kept.actor_id, kept.deadline) == ("commitment", "PO873673", "2026-12-31")


@pytest.mark.parametrize("sentence", [
    _sentence("p08", "activités que 66 Millions"),  # « acteurs », « activités »
    "Les médecins généralistes de ces structures d'exercice coordonné participatives accueillent tous les publics.",
    "Les professionnels engagés dans les SEC-Pa restent inquiets.",
    "Il entrainerait inéluctablement des renoncements aux soins dans les SEC-Pa.",
])
def test_stems_do_not_fire_inside_other_words(sentence):
    found = classify(sentence)
    assert found is None or found[0] not in ("commitment", "refusal"), (sentence, found)


@pytest.mark.parametrize("sentence, kind", [
    ("L'Assurance maladie maintient le financement des SEC-Pa.", "commitment"),
    ("Le ministère accorde une enveloppe aux SEC-Pa.", "commitment"),
    ("Le député doit, dès la semaine prochaine, déposer une proposition de loi sur les SEC-Pa.", "commitment"),
    ("Nous allons augmenter les moyens des SEC-Pa.", "commitment"),
    ("Je suis défavorable à cet amendement sur les SEC-Pa.", "refusal"),
    ("Le gouvernement supprime le financement des SEC-Pa.", "refusal"),
    (_sentence("p12", "puisque le ministère a"), "refusal"),
])
def test_inflected_triggers_are_found(sentence, kind):
    assert classify(sentence)[0] == kind


def test_subject_of_a_relative_clause_and_the_publisher_of_nous(nlp_model, ref, topic):
    received = _commitments("p24", nlp_model, ref, topic)[0]
    assert (received.kind, received.actor_id) == ("commitment", "PO873673")
    assert received.actor_rule in ("relative", "syntaxe_sujet")  # the parse reads « qui » back to its antecedent
    release = _commitments("p19", nlp_model, ref, topic)[0]
    assert (release.kind, release.actor_id) == ("demand", "org:cpts-du-sud-est-grenoblois")


@pytest.mark.parametrize("text, value", [
    ("La ministre promet trois millions d'euros aux SEC-Pa.", 3_000_000),
    ("Le plan mobilise un milliard d'euros.", 1_000_000_000),
    ("Cela représente 1,5 milliard de dépenses pour l'Assurance maladie.", 1_500_000_000),
    (_sentence("p28", "serait limitée à 50 000 euros"), 50_000),
    (_sentence("p15", "14 millions d’euros"), 14_000_000),
])
def test_amounts_in_words_decimals_and_figures(text, value):
    assert value in [a.value for a in amounts(text)]


def test_amount_of_the_promise_not_of_the_context():
    sentence = "Doté de 14 M€ en 2025, le dispositif recevra, a promis la ministre, 2,3 millions d'euros de plus."
    found = find_commitment(sentence, "2026-02-18", [])
    assert found is not None and found.amount_eur == 2_300_000


def test_a_former_end_date_is_not_the_deadline_and_durations_are_read(nlp_model, ref, topic):
    prolonged = next(c for c in _commitments("p24", nlp_model, ref, topic) if "31 octobre" in c.text)
    assert prolonged.deadline == "2026-10-31"
    announced = next(c for c in _commitments("p14", nlp_model, ref, topic) if c.kind == "announcement")
    assert announced.deadline == "2026-05-05"  # « dans un délai de trois mois » from 5 February


def test_real_set_figures_do_not_fall_below_the_recorded_floors(nlp_model, ref, topic):
    dev = evaluate([i for i in ITEMS.values() if i["split"] == "dev"], nlp_model, ref, topic)
    test = evaluate([i for i in ITEMS.values() if i["split"] == "test"], nlp_model, ref, topic)
    # The dev part grew with twelve new real texts (p41-p52) in the generalisation work; its
    # floors are those of the grown part (the former 19 texts gave 0.613 / 0.871; the 31
    # texts gave 0.556 / 0.796 before the generalisation rules, 0.655 / 0.845 after).
    # The growth work (2026-12-01) added 29 texts that name the topic (19 dev, 10 test; the texts
    # that never name it are in realset_nearby.jsonl): on the 50 dev texts the rules of that day
    # give 0.719 / 0.850 (0.64 / 0.75 before that day's tuning), so the floors follow.
    assert dev.scores["commitments"].f1 >= 0.69 and dev.scores["commitments:loose"].f1 >= 0.82
    # The test part (31 texts since the growth work) is only measured: its floors are the
    # figures recorded on the day the part grew (0.617 loose, 0.850 actors), less a margin.
    assert test.scores["commitments:loose"].f1 >= 0.58 and test.scores["actors"].f1 >= 0.82


@pytest.mark.parametrize("sentence", [
    _sentence("p22", "objectif est de garantir"),
    "Objectif : adopter une démarche participative pour les SEC-Pa.",
    "Ce dispositif a pour objectif de garantir un financement stable des SEC-Pa.",
])
def test_what_the_scheme_is_for_is_a_description(sentence):
    assert not_a_sentence(sentence, own_line=False)


def test_a_nominal_trigger_takes_its_actor_from_its_complement(nlp_model, ref, topic):
    found = next(c for c in _commitments("p10", nlp_model, ref, topic) if "décision brutale" in c.text)
    assert (found.kind, found.actor_id, found.actor_rule) == ("announcement", "PO873673", "nominal")
