"""Clause-level rules of issue 13: background clauses, conditional consequences, negations
nobody utters, « sans » before a promise word, « viser à » of a text, the subject after an
opening phrase, pronoun gender, the deadline of the trigger's own clause. Sentences are
adapted from the real dev texts (realset.jsonl, dev part only)."""

from __future__ import annotations

from nlp.commitments import classify, not_a_sentence
from nlp.quantities import choose_deadline
from nlp.extract import antecedent, extract, gender
from nlp.commitments import ActorRef
from nlp.syntax import background_clause, parse
from nlp_fixtures import nlp_model, ref, topic  # noqa: F401  (fixtures)

DATE = "2026-02-10"


def _one(text, nlp_model, ref, topic):
    [found] = list(extract([(text, DATE, "t", None)], nlp_model, ref, topic))
    return found.commitments


def test_a_trigger_in_a_concessive_clause_is_background(nlp_model):
    sentence = ("Alors que 26 structures d'exercice coordonné participatives sont engagées depuis 2022 dans "
                "l'expérimentation SecPA, le gouvernement a confirmé la fin des SEC-Pa.")
    [doc] = parse(nlp_model, [sentence])
    start = sentence.index("engagées")
    assert background_clause(doc, start, start + len("engagées"))
    start = sentence.index("confirmé")
    assert not background_clause(doc, start, start + len("confirmé"))


def test_a_foreseen_consequence_in_the_conditional_is_not_an_announcement(nlp_model, ref, topic):
    found = _one("Selon le collectif des SEC-Pa, la fin des SEC-Pa diminuerait l'attractivité des territoires "
                 "et mettrait en danger la continuité des équipes.", nlp_model, ref, topic)
    assert [c.kind for c in found if c.kind == "announcement"] == []
    [made] = _one("Le ministère de la Santé a annoncé la fin des SEC-Pa.", nlp_model, ref, topic)
    assert made.kind == "announcement"


def test_a_negation_nobody_utters_refuses_nothing(nlp_model, ref, topic):
    assert _one("Dans les SEC-Pa, les consultations ne sont pas assurées ce jeudi.", nlp_model, ref, topic) == []
    [refused] = _one("Le Gouvernement ne prolongera pas les SEC-Pa.", nlp_model, ref, topic)
    assert refused.kind == "refusal"


def test_without_a_promise_word_is_no_promise():
    found = classify("L'arrêt définitif des financements des SEC-Pa au 30 avril, sans prolongation possible.")
    assert found is not None and found[0] == "announcement"
    found = classify("Le ministère annonce la prolongation des SEC-Pa.")
    assert found is not None and found[0] == "commitment"


def test_viser_a_is_a_demand_only_for_a_text():
    assert classify("La proposition de loi n° 2504 vise à rendre permanentes les SEC-Pa.")[0] == "demand"
    assert classify("L'expérimentation SecPa vise à apporter un accompagnement aux structures.") is None


def test_an_open_letter_is_a_demand_of_the_subject_after_the_opening_phrase(nlp_model, ref, topic):
    [found] = _one("Dans une lettre ouverte adressée à Stéphanie Rist, Christophe Ferrari, président de la "
                   "métropole de Grenoble, assure que la décision d'arrêter les SEC-Pa est un coup fatal.",
                   nlp_model, ref, topic)
    assert found.kind == "demand"
    assert found.actor_id == "person:christophe-ferrari"


def test_a_pronoun_takes_the_latest_antecedent_of_its_gender():
    text = "Mme Marie Mesmeur attire l'attention. Le centre de santé du Blosne en dépend."
    marie = ActorRef(4, 17, "Marie Mesmeur", "person:marie-mesmeur", "person")
    centre = ActorRef(3, 29, "centre de santé du Blosne", "org:blosne", "organisation")
    assert gender(text, 4, "Marie Mesmeur") == "f"
    assert gender(text, text.index("centre"), "centre de santé du Blosne") == "m"
    leading = [(marie, "f"), (centre, "m")]
    assert antecedent("C'est pourquoi elle lui demande des garanties.", leading) is marie
    assert antecedent("Il en dépend.", leading) is centre


def test_the_deadline_of_the_trigger_clause_comes_first():
    sentence = ("La ministre confirme que les financements seront maintenus en 2026 : dispositif prolongé "
                "jusqu'à fin octobre puis financements France santé.")
    found = choose_deadline(sentence, DATE, sentence.index("confirme"), "commitment")
    assert found is not None and found.date == "2026-12-31"


def test_a_short_question_on_its_own_line_is_a_subtitle():
    assert not_a_sentence("Un arrêt brutal en mai ?", own_line=True)
    assert not not_a_sentence("Un arrêt brutal en mai ?", own_line=False)


def test_list_items_after_a_colon_detail_the_announcement(nlp_model, ref, topic):
    text = ("Jeudi soir, le ministère de la Santé a annoncé aux SEC-Pa :\n"
            "• l'arrêt définitif des financements liés à l'expérimentation SecPA au 30 avril, sans prolongation possible,\n"
            "• un accompagnement vers le label France Santé.")
    found = _one(text, nlp_model, ref, topic)
    assert [(c.kind, c.deadline) for c in found] == [("announcement", "2026-04-30")]


def test_a_leading_time_phrase_is_not_what_is_ended():
    found = classify("À l'approche de la fin de l'expérimentation, le passage dans le droit commun a été annoncé pour avril 2026.")
    assert found is not None and found[0] == "commitment"
    found = classify("Le ministère a annoncé la fin de l'expérimentation et le passage dans le droit commun.")
    assert found is not None and found[0] == "announcement"


def test_a_later_clause_with_an_actor_holds_the_item(nlp_model, ref, topic):
    [found] = _one("Au centre de santé des SEC-Pa, les consultations ne sont pas assurées, des banderoles ont été "
                   "installées, car le Gouvernement a décidé d'interrompre les financements.", nlp_model, ref, topic)
    assert (found.kind, found.actor_id, found.actor_rule) == ("announcement", "PO873634", "syntaxe_sujet")


def test_alarms_pressure_and_musts_are_demands_future_funding_words_commitments():
    for sentence in ("Les 26 structures tirent la sonnette d'alarme sur les SEC-Pa.",
                     "La FNCS presse le Gouvernement de pérenniser les SEC-Pa.",
                     "Pour la FNCS, il est urgent de pérenniser les SEC-Pa.",
                     "Le dispositif des SEC-Pa doit être pérennisé, estime la FNCS.",
                     "Les centres attendent des garanties sur les SEC-Pa."):
        assert classify(sentence)[0] == "demand", sentence
    assert classify("Vingt-six centres attendaient une réponse sur les SEC-Pa.") is None
    for sentence in ("Une enveloppe de 2 millions d'euros sera allouée aux SEC-Pa.",
                     "L'ARS poursuivra son soutien aux SEC-Pa."):
        assert classify(sentence)[0] == "commitment", sentence


def test_periods_read_against_the_document_date():
    from nlp.quantities import deadlines

    assert [(d.date, d.strong) for d in deadlines("Réponse d'ici la fin du mois.", DATE)] == [("2026-02-28", True)]
    assert [d.date for d in deadlines("Le décret sera publié le mois prochain.", DATE)] == ["2026-03-31"]
    assert [d.date for d in deadlines("Les SEC-Pa seront financées l'an prochain.", DATE)] == ["2027-12-31"]
    assert deadlines("Elles attendent depuis des mois.", DATE) == []


def test_a_letter_named_again_speaks_for_its_author(nlp_model, ref, topic):
    text = ("Dans un courrier adressé aux SEC-Pa, la ministre de la Santé a confirmé le maintien des SEC-Pa. "
            "Toutefois, ce même courrier précise que la pérennisation des SEC-Pa devra reposer sur une loi.")
    found = _one(text, nlp_model, ref, topic)
    assert [c.actor_rule for c in found][-1] == "antecedent_document"
    assert found[-1].actor_id == found[0].actor_id and found[0].actor_id is not None


def test_an_imperfect_after_a_concessive_opening_is_background(nlp_model, ref, topic):
    found = _one("Alors que le dossier de presse du ministère de la Santé annonçait que des moyens seraient alloués "
                 "aux SEC-Pa jusqu'en 2025, les structures restent sans réponse.", nlp_model, ref, topic)
    assert [c.kind for c in found if c.kind in ("commitment", "announcement")] == []
    [made] = _one("Le ministère de la Santé annonçait alors la fin des SEC-Pa.", nlp_model, ref, topic)
    assert made.kind == "announcement"


def test_a_written_questions_opening_is_no_speaker_heading():
    # realset_nearby.jsonl p154 (dev), https://questions.assemblee-nationale.fr/q17/17-87QOSD.htm: the
    # author's « interroge » is the question's demand, not a debate turn's heading.
    from nlp.extract import _speaker_heading

    text = ("M. Stéphane Viry interroge Mme la ministre du travail, de la santé, des solidarités et des familles sur "
            "le Fonds d'intervention régional.\nM. Stéphane Viry.\n")
    first = text.index("\n")
    assert _speaker_heading(text, 0, first, []) is None
    assert _speaker_heading(text, first + 1, len(text) - 1, []) is not None
