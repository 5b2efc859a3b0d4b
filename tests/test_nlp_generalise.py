"""General mechanisms of the generalisation work: stray stem matches are not triggers, a
document about the topic as a whole is a candidate everywhere. Sentences are adapted from
the real dev texts p43, p44 and p42 (realset.jsonl)."""

from __future__ import annotations

from nlp.extract import about_topic, extract
from nlp.syntax import parse, stray_trigger
from nlp_fixtures import nlp_model, ref, topic  # noqa: F401  (fixtures)

DATE = "2026-02-10"


def _one(text, nlp_model, ref, topic):
    [found] = list(extract([(text, DATE, "t", None)], nlp_model, ref, topic))
    return found.commitments


def _stray(nlp_model, sentence: str, word: str) -> bool:
    [doc] = parse(nlp_model, [sentence])
    start = sentence.index(word)
    return stray_trigger(doc, start, start + len(word))


def test_a_noun_phrase_or_a_qualifying_participle_is_not_a_trigger(nlp_model):
    assert _stray(nlp_model, "Les SEC-Pa déplorent l'absence de réponse du Gouvernement à leurs sollicitations.",
                  "sollicitations")
    assert _stray(nlp_model, "La décision annoncée par le ministère de la Santé marque un recul majeur.", "annoncée")
    assert not _stray(nlp_model, "Le ministère de la Santé a annoncé la fin des SEC-Pa.", "annoncé")
    assert not _stray(nlp_model, "Le collectif a réclamé le maintien des SEC-Pa.", "réclamé")


def test_a_sentence_whose_only_trigger_is_stray_holds_nothing(nlp_model, ref, topic):
    assert _one("La décision annoncée par le ministère de la Santé sur les SEC-Pa marque un recul majeur.",
                nlp_model, ref, topic) == []
    [found] = _one("Le ministère de la Santé a annoncé l'arrêt des SEC-Pa.", nlp_model, ref, topic)
    assert found.kind == "announcement"


def test_a_short_document_about_the_topic_is_a_candidate_everywhere(nlp_model, ref, topic):
    filler = " ".join(["Ces structures accueillent des patients dans les quartiers prioritaires."] * 5)
    text = (f"Mme Marie Mesmeur attire l'attention du Gouvernement sur la pérennité des SEC-Pa. {filler} "
            "C'est pourquoi elle lui demande quelles actions seront entreprises pour garantir la poursuite de "
            "cette expérimentation.")
    found = _one(text, nlp_model, ref, topic)
    assert [c.kind for c in found] == ["demand", "demand"]


def test_about_topic_needs_a_lead_mention_or_density():
    long_text = "x" * 10_000
    assert not about_topic(long_text, [])
    assert about_topic(long_text, [10])
    assert not about_topic(long_text, [5_000])
    assert about_topic(long_text, [5_000, 6_000, 7_000, 8_000, 9_000, 9_500, 9_900])


def test_a_negated_reported_clause_is_a_refusal(nlp_model, ref, topic):
    # p44: « le gouvernement a confirmé que cette mesure ne serait pas inscrite dans le droit commun »
    [found] = _one("Le Gouvernement a confirmé que cette mesure ne serait pas inscrite dans le droit commun, "
                   "malgré les engagements pris envers les SEC-Pa.", nlp_model, ref, topic)
    assert (found.kind, found.actor_id) == ("refusal", "PO873634")
    [kept] = _one("Le Gouvernement a confirmé que cette mesure serait inscrite dans le droit commun, "
                  "comme promis aux SEC-Pa.", nlp_model, ref, topic)
    assert kept.kind == "commitment"


def test_modal_falloir_mobilising_and_intention_are_triggers(nlp_model, ref, topic):
    [must] = _one("Pour la FNCS, il faut sécuriser durablement les financements des SEC-Pa.", nlp_model, ref, topic)
    assert must.kind == "demand"
    [mobilise] = _one("La FNCS a décidé de se mobiliser pour obtenir des garanties sur les SEC-Pa.", nlp_model, ref, topic)
    assert mobilise.kind == "demand"
    [intends] = _one("L'ARS compte continuer à soutenir les SEC-Pa.", nlp_model, ref, topic)
    assert (intends.kind, intends.actor_id) == ("commitment", "org:ars")


def test_the_full_title_of_the_health_ministry_is_one_mention(nlp_model, ref, topic):
    title = "ministre de la santé, des familles, de l'autonomie et des personnes handicapées"
    [found] = list(extract([(f"Mme Anne Souyris attire l'attention de Mme la {title} sur les SEC-Pa.", DATE, "t", None)],
                           nlp_model, ref, topic))
    surfaces = {m.text.lower() for m in found.actor_mentions}
    assert any(s.endswith("personnes handicapées") for s in surfaces), surfaces


def test_a_demand_takes_only_a_date_it_asks_for(nlp_model, ref, topic):
    # p12/p16: the end of the scheme named in a demand is context, not what is asked for.
    [context] = _one("Christophe Ferrari demande à la ministre de revenir sur l'arrêt des SEC-Pa prévu le 30 avril.",
                     nlp_model, ref, topic)
    assert (context.kind, context.deadline) == ("demand", None)
    [asked] = _one("La FNCS demande le maintien des SEC-Pa d'ici la fin de l'année.", nlp_model, ref, topic)
    assert (asked.kind, asked.deadline) == ("demand", "2026-12-31")
