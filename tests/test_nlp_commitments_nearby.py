"""Commitment kinds on real sentences the rules missed: each family comes from the dev part of
`tests/fixtures/nlp/realset_nearby.jsonl` (item id and source URL given). No model is loaded
where `classify`, the surface rule every sentence goes through, decides."""

from __future__ import annotations

import pytest

from nlp.commitments import classify

# (sentence, expected kind, source)
DEMANDS = [
    # What the speaker judges necessary or worth doing (guide: « il me paraît légitime de vous
    # reposer la question » is a demand).
    ("À quelques mois de l’année 2024, il me paraît légitime de vous reposer la question.",
     "p142, http://www2.senat.fr/seances/s202310/s20231024/s20231024019.html"),
    ("Il serait intéressant de savoir quelle est l'ambition du ministre sur ce point.",
     "p182, https://2007-2012.nosdeputes.fr/intervention/604491"),
    ("Nous en serons car il est important de défendre un outil aussi remarquable pour la santé de nos populations.",
     "p185, http://communistesdechateauneuf.blogspirit.com/archive/2011/11/07/deux-rendez-vous-importants.html"),
    # What a decision-maker or the addressee must do.
    ("Utilité sociale forte, fragilité financière : voilà un hiatus auquel les pouvoirs publics se doivent de remédier.",
     "p151, https://2012-2017.nosdeputes.fr/14/intervention/744525"),
    ("Pour construire une politique territoriale de santé cohérente et efficace, vous devriez vous appuyer sur les "
     "centres de santé qui ont fait la preuve de leur capacité à offrir une médecine de qualité.",
     "p184, https://2007-2012.nosdeputes.fr/intervention/604479"),
    ("Cet existant est une force sur laquelle le politique doit s’appuyer pour faciliter la consolidation et le passage "
     "à l’échelle.",
     "p140, https://www.corevih-idfnord.fr/la-mediation-en-sante-levier-relationnel-de-lutte-contre-les-inegalites-sociales-de-sante/"),
    ("Je pense qu'une nouvelle impulsion doit donc être donnée à la politique de santé dans les QPV.",
     "p88, https://www.nosdeputes.fr/15/intervention/73877"),
]

REFUSALS = [
    # In a debate, asking for an amendment's withdrawal refuses it (guide).
    ("La commission sollicite le retrait de cet amendement.", "p170, https://archive.nossenateurs.fr/intervention/1823461"),
    ("Je vous propose donc également de les retirer.", "p70, https://2017-2022.nosdeputes.fr/15/intervention/512933"),
]


@pytest.mark.parametrize("sentence,source", DEMANDS)
def test_judged_necessary_or_owed_is_a_demand(sentence: str, source: str) -> None:
    found = classify(sentence)
    assert found is not None and found[0] == "demand", source


@pytest.mark.parametrize("sentence,source", REFUSALS)
def test_asked_withdrawal_is_a_refusal(sentence: str, source: str) -> None:
    found = classify(sentence)
    assert found is not None and found[0] == "refusal", source


def test_obligation_of_an_unnamed_subject_is_no_demand() -> None:
    # p176 (https://expressions-venissieux.fr/2018-02-12-vers-maison-de-sante-nouvelle-generation/amp):
    # a building that « doit être détruit » is a plan, nobody is asked anything.
    assert classify("Elle remplacera le cabinet médical du petit centre commercial, qui doit être progressivement détruit.") is None
