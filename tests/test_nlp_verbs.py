"""The verb-class lexicon (`nlp/patterns/lists/verb_classes.jsonl`, read by `nlp/verbs.py`):
verbs and predicate nouns the trigger tables missed on real dev sentences (the dev part of
`tests/fixtures/nlp/realset.jsonl`, item id and source URL given), and the lexicon's own
consistency. No model is loaded: `classify` is the surface rule every sentence goes through."""

from __future__ import annotations

import pytest

from nlp.commitments import ActorRef, classify, find_commitment
from nlp.syntax import parse
from nlp.verbs import KINDS, future_main_verb, lexicon, lexicon_triggers
from nlp_fixtures import nlp_model  # noqa: F401  (fixture)
from nlp.text import fold

# (sentence, expected kind, source)
REAL = [
    # A predicate noun after its support verb in a compound passive (guide: a petition asks).
    ("Une pétition a été lancée par les structures qui bénéficient de ce financement.", "demand",
     "p104, https://travailleur-alpin.fr/2026/02/06/forte-mobilisation-a-echirolles-pour-sauver-village-2-sante"),
    # « exprimer des inquiétudes » (guide: an expressed worry is a demand), quote marks between.
    ("Dans un communiqué publié hier, AVECsanté exprime \"de fortes inquiétudes face aux évolutions actuellement "
     "envisagées pour la sortie de l’expérimentation de Secpa\".", "demand",
     "p118, https://www.concourspluripro.fr/parcours-de-soin/article-51/arret-de-secpa-avecsante-sinquiete-du-risque-"
     "reel-sur-la-continuite-des"),
    # « déplorer » (guide: « déplore » is a demand).
    ("Une nouvelle \"sans aucun signe avant-coureur\", d'une \"violence\" inouïe, avec \"une impréparation complète\", et "
     "\"sans accompagnement d'une fin d'expérimentation\", déplore celle qui est également co-présidente de la CPTS Paris 20 : "
     "\"C'est un abandon total de l'État vis-à-vis des structures engagées depuis quatre ans…\"", "demand",
     "p116, https://www.concourspluripro.fr/parcours-de-soin/article-51/cest-un-abandon-total-de-letat-larticle-51-"
     "secpa-sarrete-fin-avril-et"),
    # « se prononcer » on the scheme's future: an opinion made known.
    ("Alors que l’expérimentation des Structures d’Exercice Coordonné PArticipatives (SECPA) touche à sa fin le 30 avril "
     "2025, le comité technique et le conseil stratégique de l’innovation en santé se sont prononcés sur son avenir.",
     "announcement",
     "p113, https://fecop.fr/actualites/avis-du-comite-technique-et-du-conseil-strategique-de-linnovation-en-sante-sur-"
     "lopportunite-de"),
    # « poser des engagements »: the noun after its support verb is the promise.
    ("Le 9 février dernier, après une première semaine d’une mobilisation intense, la ministre de la Santé Stéphanie Rist "
     "a transmis aux équipes expérimentatrices SECPa un courrier dans lequel elle pose par écrit des engagements quant "
     "au maintien des financements pour 2026 et quant à l’ouverture d’un espace de travail pour construire le dispositif "
     "d’entrée dans le droit commun de SECPa.", "commitment",
     "p103, https://reseau-cdsc.fr/secpa-la-balle-est-dans-le-camp-du-premier-ministre"),
]


@pytest.mark.parametrize("sentence,kind,source", REAL)
def test_lexicon_verbs_and_predicate_nouns_give_the_kind(sentence, kind, source):
    found = classify(sentence)
    assert found is not None and found[0] == kind, source


def test_a_bare_stem_is_no_verb_form():
    # « l’ARS Pays de la Loire » (realset dev p49): « pays » is no form of a lexicon verb;
    # « la garantie de financement »: a predicate noun without its support verb.
    assert lexicon_triggers(fold("chargée de projets à l’ARS Pays de la Loire")) == {}
    assert lexicon_triggers(fold("la garantie de financement est une question")) == {}


def test_every_row_has_a_class_and_a_source():
    rows = list(lexicon().values())
    assert len(rows) > 80
    for row in rows:
        assert row["class"] in (*KINDS, "support"), row
        assert row["source"], row
    assert lexicon()[("déplorer", "VERB")]["class"] == "demand" and lexicon()[("promettre", "VERB")]["class"] == "commitment"
    assert lexicon()[("engagement", "NOUN")]["class"] == "commitment" and ("manger", "VERB") not in lexicon()


def test_verbs_outside_the_tables_give_a_trigger_of_their_class():
    for (word, pos), row in lexicon().items():
        if pos != "VERB" or row["class"] == "support" or row.get("in_tables"):
            continue
        stem = row.get("stems", [fold(word)[:-2]])[0]
        assert lexicon_triggers(f"le comite {stem}e la decision").get(row["class"]), word


# realset dev p10, https://lescentresdesante.com/?p=6799 (a release of the collective).
RELEASE_DEMAND = ("Un rassemblement est prévu samedi 14 février à 15h Place de la République à Paris, pour défendre "
                  "la santé participative et pour exiger l’entrée des SEC-Pa dans le droit commun.")


def test_an_actorless_demand_of_an_organisations_release_is_its_publishers():
    found = find_commitment(RELEASE_DEMAND, "2026-02-10", [], publisher="org:collectif-secpa")
    assert found is not None and found.kind == "demand" and found.actor_id == "org:collectif-secpa"


def test_an_actorless_demand_of_a_parliamentarians_text_has_no_actor():
    # Constructed from the same sentence: a person publishes amendments and questions, whose
    # demands without a named subject are the text's (guide, amendments p38-p40).
    found = find_commitment(RELEASE_DEMAND, "2026-02-10", [], publisher="PA794008")
    assert found is not None and found.kind == "demand" and found.actor_id is None
    amendment = "Cet amendement vise à exiger l’entrée des SEC-Pa dans le droit commun."
    found = find_commitment(amendment, "2026-02-10", [], publisher="org:collectif-secpa")
    assert found is not None and found.actor_id is None


def test_a_future_main_verb_makes_an_announced_plan_a_commitment(nlp_model):
    # realset dev p50, https://static3.lequotidiendumedecin.fr/un-centre-de-sante-participatif-pour-faire-tomber-les-barrieres
    # (guide: a decision for the future is a commitment); the future of an
    # obligation is a condition made known (devset w036, written).
    planned = ("Annoncée cet été par le gouvernement, une expérimentation débutera en janvier pour développer une "
               "soixantaine de maisons et centres de santé « participatifs » d’ici 2024.")
    condition = ("Les SEC-Pa devront déposer leur dossier de candidature avant le 30 septembre 2026 pour entrer dans le "
                 "nouveau cadre, a fait savoir l'ARS.")
    [plan_doc, condition_doc] = parse(nlp_model, [planned, condition])
    assert future_main_verb(plan_doc) and not future_main_verb(condition_doc)
    found = find_commitment(planned, "2021-10-01", [], parsed=plan_doc)
    assert found is not None and found.kind == "commitment"
    found = find_commitment(condition, "2026-02-20", [ActorRef(131, 136, "l'ARS", "org:ars", "organisation")], parsed=condition_doc)
    assert found is not None and found.kind == "announcement"
