"""The parser pass (issue 13): syntax only on candidate sentences; actors from the clause's
subject, the reporter of a « que » clause, the speaker of a quotation or of a debate turn;
detached participles are not the clause's verb; markup rendered and seasons read."""

from __future__ import annotations

import pytest

import nlp.extract
from nlp.extract import extract
from nlp.pipeline import load_pipeline
from nlp.quantities import deadlines
from nlp.syntax import SYNTAX_COMPONENTS, has_syntax
from nlp.text import render
from nlp_fixtures import nlp_model, ref, topic  # noqa: F401  (fixtures)

DATE = "2026-02-10"


def _one(text, nlp_model, ref, topic, publisher=None):
    [found] = list(extract([(text, DATE, "t", publisher)], nlp_model, ref, topic))
    return found.commitments


def test_syntax_components_are_loaded_but_never_run_on_whole_texts():
    nlp = load_pipeline()
    assert has_syntax(nlp)
    assert not set(SYNTAX_COMPONENTS) & set(nlp.pipe_names)


def test_only_candidate_sentences_go_through_the_parser(nlp_model, ref, topic, monkeypatch):
    seen: list[str] = []
    real = nlp.extract.parse

    def spy(model, sentences, batch_size=64):
        seen.extend(sentences)
        return real(model, sentences, batch_size)

    monkeypatch.setattr(nlp.extract, "parse", spy)
    far = " ".join(["La météo sera douce demain dans toute la région."] * 6)
    text = (f"{far} Le ministère de la Santé a confirmé le maintien des SEC-Pa. "
            f"Selon la FNCS, il a confirmé le maintien des SEC-Pa. {far}")
    _one(text, nlp_model, ref, topic)
    # The first candidate is settled on the surface (one actor, its subject, one trigger).
    assert seen == ["Selon la FNCS, il a confirmé le maintien des SEC-Pa."]


def test_the_subject_wins_over_the_nearest_name(nlp_model, ref, topic):
    [found] = _one("Interpellé par la députée Anne Dupont, le Premier ministre a exprimé sa volonté de pérenniser "
                   "les SEC-Pa.", nlp_model, ref, topic)
    assert (found.kind, found.actor_id) == ("commitment", "PA900017")


def test_a_quotation_is_the_speakers_after_the_quote(nlp_model, ref, topic):
    [found] = _one("« Nous maintiendrons le financement des SEC-Pa », a expliqué Stéphanie Rist.", nlp_model, ref, topic)
    assert (found.kind, found.actor_id, found.actor_rule) == ("commitment", "PA720066", "orateur_citation")


def test_a_reported_promise_is_the_reporters(nlp_model, ref, topic):
    [found] = _one("Stéphanie Rist a répondu que le Gouvernement ne laisserait pas tomber les SEC-Pa.", nlp_model, ref, topic)
    assert (found.kind, found.actor_id) == ("commitment", "PA720066")


def test_the_debate_speaker_is_the_je_of_the_turn(nlp_model, ref, topic):
    text = "Mme Stéphanie Rist, ministre.\nJe m'engage à maintenir le financement des SEC-Pa jusqu'au 31 octobre."
    [found] = _one(text, nlp_model, ref, topic)
    assert (found.kind, found.actor_id, found.deadline) == ("commitment", "PA720066", "2026-10-31")


def test_a_beneficiary_is_not_the_one_who_promises(nlp_model, ref, topic):
    found = _one("Le collectif des SEC-Pa a obtenu la garantie d'un financement jusqu'à la fin de l'année.",
                 nlp_model, ref, topic)
    assert [c.actor_rule for c in found] != ["syntaxe_sujet"]


@pytest.mark.parametrize("phrase, iso", [
    ("avant l'été", "2026-06-20"), ("d'ici l'été", "2026-06-20"), ("au printemps 2026", "2026-06-20"),
    ("à l'automne", "2026-12-21"), ("cet hiver", "2026-03-20"), ("l'été dernier", None), ("il a été décidé", None),
])
def test_seasons_are_deadlines_at_their_end(phrase, iso):
    found = deadlines(f"Le financement sera maintenu {phrase}.", DATE)
    assert (found[0].date if found else None) == iso


def test_markup_is_rendered_at_equal_length_before_matching(nlp_model, ref, topic):
    raw = "La ministre a promis le maintien des SEC-Pa jusqu'au 1<sup>er</sup> juillet.\n**Le collectif** salue\nla décision."
    shown = render(raw)
    assert len(shown) == len(raw) and "1er" in shown and "**" not in shown and "salue la" in shown
    [found] = _one(raw, nlp_model, ref, topic)
    assert found.deadline == "2026-07-01" and raw[found.start:found.end].startswith("La ministre")


def test_a_quotation_over_several_sentences_is_its_speakers(nlp_model, ref, topic):
    text = ("« Le financement des SEC-Pa sera maintenu jusqu'au 31 octobre. L'État garantira leur avenir », "
            "a assuré Stéphanie Rist.")
    found = _one(text, nlp_model, ref, topic)
    assert [(c.actor_id, c.actor_rule) for c in found][:1] == [("PA720066", "citation_incise")]


def test_an_inverted_pronoun_after_a_quote_is_the_last_actor_named(nlp_model, ref, topic):
    text = 'Stéphanie Rist était à Marseille. "Le financement des SEC-Pa sera maintenu en 2026", explique-t-elle.'
    [found] = _one(text, nlp_model, ref, topic)
    assert (found.actor_id, found.actor_rule) == ("PA720066", "citation_incise")


def test_the_parser_pass_skips_sentences_the_surface_settles(nlp_model):
    from nlp.extract import needs_syntax

    def sentence(text):
        return next(iter(nlp_model(text).sents))

    assert not needs_syntax(sentence("Le ministère de la Santé a annoncé la fin des SEC-Pa."))
    assert needs_syntax(sentence("La décision annoncée par le ministère de la Santé marque un recul."))
    assert needs_syntax(sentence("Le ministère de la Santé ne prolongera pas les SEC-Pa."))
    assert needs_syntax(sentence("Reçu au ministère, le collectif des SEC-Pa a obtenu la garantie d'un financement."))
    assert needs_syntax(sentence("Elle a annoncé la fin des SEC-Pa."))
