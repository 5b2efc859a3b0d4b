"""The parse trigger (nlp/parse_triggers.py): sentences no trigger table matches, whose main verb
states a demand or a plan. Sentences come from the dev parts of the real sets (item id and source
given), read without the topic gate as `veille evaluate` reads realset_nearby.jsonl; the two
sentences of the old written set (devset.jsonl, constructed) guard what it already scores."""

from __future__ import annotations

from nlp.commitments import classify, table_trigger
from nlp.evaluate import WholeTextTopic
from nlp.extract import extract
from nlp.parse_triggers import parse_trigger, surface_cue
from nlp.syntax import parse
from nlp.text import fold
from nlp_fixtures import nlp_model, ref, topic  # noqa: F401  (fixtures)


def _read(text, date, nlp_model, ref, topic):
    [found] = list(extract([(text, date, "t", None)], nlp_model, ref, WholeTextTopic(topic)))
    return found.commitments


# realset_nearby.jsonl p184, https://2007-2012.nosdeputes.fr/intervention/604479
REGRET = ("À y regarder de plus près, on peut regretter que le Gouvernement, très volontariste quand il s'agit de "
          "promouvoir ces lieux très respectables, ne s'intéresse pas aux centres de santé.")
# realset_nearby.jsonl p182, https://2007-2012.nosdeputes.fr/intervention/604491
ASKED = "L'État accompagnera-t-il tous ces projets ? S'il ne le fait pas, quels seront ses critères de choix ?"
# realset_nearby.jsonl p82, https://www.egora.fr/actus-pro/politiques/discours-de-politique-generale-lecornu-veut-repondre-aux-urgences-pour-la
RETURN = ('"Je reviendrai ici pour expliquer la politique que le Gouvernement entend mener sur les sujets fondamentaux", '
          "a prévenu Sébastien Lecornu, quelques heures après la présentation en conseil des ministres des projets de loi "
          "de finances et de financement de la Sécurité sociale pour 2026.")
# realset.jsonl p77 (dev part)
OWN_PAST = ('Rappelant que les centres de santé communautaires "se proposent, à partir de lieux accueillants, de produire '
            'avec les patients un autre travail en santé basé sur des stratégies de lutte contre les inégalités sociales de '
            'santé", ils regrettent de l’avoir fait depuis des années "contre vents et marées, subissant constamment '
            "l’inadéquation du financement de la santé à notre modèle\".")


def test_no_table_trigger_but_a_cue_makes_a_candidate():
    assert table_trigger(REGRET) is None
    assert classify(REGRET) is not None
    assert surface_cue(fold("Le centre de santé est ouvert du lundi au vendredi.")) is None


def test_regretting_what_the_government_does_is_a_demand(nlp_model, ref, topic):
    [found] = _read(REGRET, "2011-05-25", nlp_model, ref, topic)
    assert found.kind == "demand" and found.actor_id is None


def test_regretting_ones_own_past_asks_nothing(nlp_model):
    [doc] = parse(nlp_model, [OWN_PAST])
    assert parse_trigger(doc) is None


def test_a_question_about_what_the_state_will_do_is_a_demand(nlp_model, ref, topic):
    found = _read(ASKED, "2011-05-25", nlp_model, ref, topic)
    assert [c.kind for c in found if c.text.startswith("L'État accompagnera")] == ["demand"]


def test_a_quoted_first_person_future_is_the_speakers_commitment(nlp_model, ref, topic):
    [doc] = parse(nlp_model, [RETURN])
    start = RETURN.index("reviendrai")
    assert parse_trigger(doc) == ("commitment", start, start + len("reviendrai"))  # read as a present by the model
    found = [c for c in _read(RETURN, "2025-10-14", nlp_model, ref, topic) if "reviendrai" in c.text]
    assert [(c.kind, c.actor_text) for c in found] == [("commitment", "Sébastien Lecornu")]


def test_a_future_passive_without_agent_plans_nothing(nlp_model, ref, topic):
    # devset.jsonl w033 (constructed): no item; w080 (constructed): the ministry's commitment.
    assert _read("Le collectif national des SEC-Pa sera reçu au ministère de la Santé le 3 mars.", "2026-02-19",
                 nlp_model, ref, topic) == []
    [kept] = _read("D'après le ministère, aucune SEC-Pa ne fermera ses portes en 2026.", "2026-03-19", nlp_model, ref, topic)
    assert (kept.kind, kept.deadline) == ("commitment", "2026-12-31")


# realset_nearby.jsonl p166, http://lemegalodon.net/a8704-innovante-mais-atypique-la-case-de-sante-en.html
FEAR = ("C’est ce qu’apprend à ses dépens la Case de santé à Toulouse, une structure innovante qui craint de devoir fermer "
        "ses portes avant fin 2008, faute de financement.")


def test_a_worry_in_a_relative_clause_is_a_demand(nlp_model):
    [doc] = parse(nlp_model, [FEAR])
    start = FEAR.index("craint")
    assert parse_trigger(doc) == ("demand", start, start + len("craint"))
