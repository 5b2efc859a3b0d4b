"""Commitment kinds from the language, not from one set (issue 13): each rule of
`nlp/commitments.py` added for it, on a real sentence. Sentences are quoted verbatim from
real public texts: the dev part of `tests/fixtures/nlp/realset.jsonl` and
`realset_nearby.jsonl` (item id and source URL given) or public pages (URL given). No model is loaded: `classify` and
`find_commitment` without a parse are the surface rules every sentence goes through."""

from __future__ import annotations

import pytest

from nlp.commitments import ActorRef, find_commitment, table_trigger


def _kind(sentence: str) -> str | None:
    found = table_trigger(sentence)
    return found[0] if found else None


# (sentence, expected kind, source)
DEMANDS = [
    # A written question's opener « rappelle à Mme la ministre ».
    ("Mme Maryse Joissains-Masini rappelle à Mme la ministre de la santé et des sports, après un courrier du 29 "
     "janvier 2008, le délicat problème des centres de santé et de leur possible fermeture.",
     "http://questions.assemblee-nationale.fr/q13/13-48005QE.htm"),
    ("Elle souhaite savoir si ce n'est pas le but recherché par le Gouvernement.",
     "http://questions.assemblee-nationale.fr/q13/13-48005QE.htm"),
    # A question addressed to the minister, without any trigger word.
    ("Quelle est votre politique en la matière ?", "https://2012-2017.nosdeputes.fr/14/intervention/705713"),
    ("J'appelle l'attention de la représentation nationale sur cette question : il me semble que les mesures "
     "adéquates qui permettraient le développement de ces centres ne sont pas prévues.",
     "https://2017-2022.nosdeputes.fr/15/intervention/69516"),
    # The nominal « appel à ».
    ("Cette maison médicale toulousaine pour les précaires avait lancé un appel à l'aide pour difficultés financières.",
     "realset_nearby p56, https://france3-regions.francetvinfo.fr/occitanie/2014/10/08/"
     "l-agence-regionale-de-sante-vient-au-secours-de-la-case-de-sante-56"),
    ("J'espère que la généralisation du tiers payant sera maintenue dans la future loi, et que nous trouverons les "
     "moyens techniques de le faire sans complications.", "https://2012-2017.nosdeputes.fr/14/intervention/705713"),
]


@pytest.mark.parametrize("sentence,source", DEMANDS)
def test_the_languages_ways_of_asking_are_demands(sentence, source):
    assert _kind(sentence) == "demand", source


REFUSALS = [
    # A rapporteur asking for an amendment's withdrawal, then « j'y serai défavorable » (realset
    # p70 = https://2017-2022.nosdeputes.fr/15/intervention/512933).
    ("Au vu de ces explications, je vous demanderai de bien vouloir retirer cet amendement.",
     "https://2017-2022.nosdeputes.fr/15/intervention/512933"),
    ("Dans le cas contraire, j'y serai défavorable.", "https://2017-2022.nosdeputes.fr/15/intervention/512933"),
]


@pytest.mark.parametrize("sentence,source", REFUSALS)
def test_withdrawal_requests_and_unfavourable_opinions_are_refusals(sentence, source):
    assert _kind(sentence) == "refusal", source


COMMITMENTS = [
    # An intention with « entendre » and an act of support.
    ("La mairie entend apporter un soutien aux structures les plus fragiles.", "https://feedbot.net/feed/542/586284"),
    # Agentless passive plans (guide: a commitment with a null actor).
    ("Une généralisation de cette approche d'accès aux soins est envisagée.",
     "realset p45, https://santeterritoiresnouvelleaquitaine.org/2022/02/04/vingt-six-structures-retenues-pour-"
     "prefigurer-la-sante-participative-et-un-nouveau-cahier-des-charges/"),
    ("Je voudrais vous rassurer, monsieur Fischer : l'important, c'est que les centres de santé puissent bénéficier "
     "des aides du FIQCS.", "https://archive.nossenateurs.fr/intervention/313945"),
]


@pytest.mark.parametrize("sentence,source", COMMITMENTS)
def test_intentions_and_passive_plans_are_commitments(sentence, source):
    assert _kind(sentence) == "commitment", source


def test_an_agentless_passive_plan_is_kept_without_actor_amount_or_deadline():
    found = find_commitment("Une généralisation de cette approche d'accès aux soins est envisagée.", "2022-02-04", [])
    assert found is not None and (found.kind, found.actor_id) == ("commitment", None)


def test_a_fact_just_done_is_an_announcement():
    # realset_nearby p55 (dev), https://france3-regions.francetvinfo.fr/occitanie/haute-garonne/toulouse/
    # toulouse-la-case-de-sante-est-sauvee-616650.html
    sentence = ("L'Agence Régionale de Santé de Midi-Pyrénées (ARS) vient de débloquer la dernière partie du "
                "financement nécessaire à sa survie.")
    assert _kind(sentence) == "announcement"
    assert _kind("L'ARS va débloquer la dernière partie du financement nécessaire à sa survie.") == "commitment"  # constructed contrast


NOTHING = [
    # Nouns and adjectives that a stem took for a verb.
    ("Ces structures jouent un rôle déterminant dans des territoires confrontés à une forte précarité sociale, à des "
     "difficultés d'accès aux soins et à une demande croissante en matière de santé mentale.",
     "realset p61, https://www.assemblee-nationale.fr/dyn/17/questions/QANR5L17QE13026"),
    ("Le bureau est composé exclusivement de patient.es !",
     "realset p73, https://www.aleale.org/event/reunion-publique-centre-de-sante-communautaire-en-danger-sauvons-le-centre-human-sante"),
    ("De quoi salarier des psychologues, médiateurs, interprètes et de nombreux autres intervenants qui permettent de "
     "développer un accompagnement global des patients, associant soins médicaux, soutien psycho-social et médiation "
     "en santé, pour des publics souvent exclus du système de santé traditionnel.", "realset p65"),
    ("Ce qui représente une part « essentielle » du budget annuel de ces structures, ont rappelé celles-ci dans leurs "
     "interpellations en amont de leur journée de mobilisation, prévue ce jeudi 5 février.", "realset p65"),
    # Purpose infinitives and descriptive relatives: what the structures do, not a promise.
    ("Ces structures visent à proposer une prise en charge sanitaire et sociale en premier recours dans des territoires "
     "souvent défavorisés et à rendre les usagers acteurs de leur santé.",
     "realset p50, https://static3.lequotidiendumedecin.fr/un-centre-de-sante-participatif-pour-faire-tomber-les-barrieres"),
    ("Or les équipes engagées dans ces dispositifs, qui assurent un accès aux soins pour des publics parmi les plus "
     "vulnérables et interviennent dans des territoires marqués par de fortes inégalités sanitaires, demeurent "
     "aujourd'hui sans visibilité sur l'avenir de leur activité après 2026.",
     "realset p41, https://www.assemblee-nationale.fr/dyn/17/questions/QANR5L17QE13020"),
    # An opinion introduced by a speech verb: nothing decided.
    ("Amélie Rosso, coordinatrice du centre, souligne que \"la santé communautaire n'est pas réservée aux plus "
     "démunis, mais doit être accessible à tous, avec un impact positif sur ceux qui souffrent de discriminations et "
     "de précarité\".", "realset p20, https://www.actuevreux.fr/economie/7108"),
    # Statements that nothing was promised or said (guide: no item).
    ("Cependant, aucun engagement précis, chiffré et sécurisé n'a été pris, à moins de trois mois de la fin des "
     "financements.", "realset p10, https://lescentresdesante.com/?p=6799"),
    ("Toutefois, l'amendement ne précise rien concernant les recettes.",
     "https://2012-2017.nosdeputes.fr/14/intervention/331790"),
    # An offer, not a demand: « se proposent ».
    ("Rappelant que les centres de santé communautaires \"se proposent, à partir de lieux accueillants, de produire avec "
     "les patients un autre travail en santé basé sur des stratégies de lutte contre les inégalités sociales de santé\", "
     "ils regrettent de l’avoir fait depuis des années \"contre vents et marées, subissant constamment l’inadéquation du "
     "financement de la santé à notre modèle\".",
     "realset p77, https://www.concourspluripro.fr/exercice-pluriprofessionnel/centres-de-sante/"
     "centres-de-sante-participatifs-au-dela-du-label-veut"),
]


@pytest.mark.parametrize("sentence,source", NOTHING)
def test_descriptions_opinions_and_nothing_promised_are_no_items(sentence, source):
    assert _kind(sentence) is None, source


def test_a_denied_wish_is_a_refusal_not_a_demand():
    # Constructed sentence (the guide's « n'a pas souhaité » refusal, written set w018's form).
    assert _kind("Le ministère n'a pas souhaité prolonger l'expérimentation au-delà d'avril.") == "refusal"


def test_history_with_an_older_year_is_background():
    # realset p73 (dev, 2026-02-12): the centre's opening in 2019 is history, not news.
    sentence = "Human Santé, centre de santé communautaire, associatif et en autogestion, a ouvert ses portes en 2019."
    actor = ActorRef(0, 11, "Human Santé", "structure:human-sante", "organisation")
    assert find_commitment(sentence, "2026-02-12", [actor]) is None
    assert find_commitment(sentence, "2019-06-01", [actor]) is not None  # news in its own year


AGREEMENTS = [
    # Denouncing an agreement ends it: a refusal; the noun « dénonciation » asks nothing (realset_nearby
    # p100, dev, https://miroirsocial.com/index.php/participatif/la-denonciation-de-laccord-national-des-centres-de-sante).
    ("L’accord national des centres de santé a été dénoncé par la Fédération nationale des centres de santé (FNCS), "
     "ce qui induit l'obligation de négocier un nouvel accord sous 6 mois.", "refusal"),
    ("La dénonciation emporte une obligation de négocier un accord sous 6 mois.", None),
    ("Je souhaite souligner l'importance de distinguer les centres de santé des maisons de santé, car le public ne "
     "fait pas toujours cette distinction.", None),  # https://nosdeputes.fr/16/intervention/612243
]


@pytest.mark.parametrize("sentence,kind", AGREEMENTS)
def test_denounced_agreements_and_speech_wishes(sentence, kind):
    assert _kind(sentence) == kind


def test_a_rhetorical_question_nobody_is_asked_to_act_on_is_no_demand():
    # https://2012-2017.nosdeputes.fr/14/intervention/705713: « Comment sont-ils financés ? » asks for a fact.
    assert _kind("Comment sont-ils financés ?") is None


def test_a_soft_line_break_does_not_cut_a_sentence():
    # realset p103 (dev), https://reseau-cdsc.fr/secpa-la-balle-est-dans-le-camp-du-premier-ministre: a line
    # break after « « » inside the sentence; a paragraph break and a title line still cut.
    import spacy

    from nlp.sentences import veille_senter

    nlp = spacy.blank("fr")
    passage = ("et réaffirmant sa détermination « \nà voir aboutir la généralisation de SEC-Pa car nous croyons "
               "profondément qu’elle contribue à la transformation nécessaire du système de santé« .")
    assert len(list(veille_senter(nlp(passage)).sents)) == 1
    assert [s.text.strip() for s in veille_senter(nlp("SEC-Pa : la balle est dans le camp du Premier ministre\n"
                                                      "Le collectif écrit au Premier ministre.")).sents] == [
        "SEC-Pa : la balle est dans le camp du Premier ministre", "Le collectif écrit au Premier ministre."]



def test_a_straight_quote_after_a_space_opens_the_next_sentence():
    # realset_nearby p82 (dev), https://www.egora.fr/actus-pro/politiques/discours-de-politique-generale-lecornu-
    # veut-repondre-aux-urgences-pour-la: the quote that opens the minister's words belongs to them;
    # one glued to the full stop still closes the sentence it ends.
    import spacy

    from nlp.sentences import veille_senter

    nlp = spacy.blank("fr")
    passage = ("Sébastien Lecornu n'a pas détaillé les mesures qu'il souhaite mettre en place, notamment en faveur de "
               "la santé. \"Je reviendrai pour expliquer la politique que le Gouvernement entend mener sur les sujets "
               "fondamentaux\", a-t-il soutenu.")
    sentences = [s.text.strip() for s in veille_senter(nlp(passage)).sents]
    assert len(sentences) == 2 and sentences[1].startswith('"Je reviendrai')
    glued = [s.text.strip() for s in veille_senter(nlp('Il a dit "pour la santé." Puis il est parti.')).sents]
    assert glued == ['Il a dit "pour la santé."', "Puis il est parti."]

FUTURE_ACTS = [
    # « s'engager » with an adverb in the pluperfect: a reported promise (realset_nearby p76, dev).
    ("L’Assurance maladie s’était alors engagée à organiser des négociations en 2024, qui n’ont jamais eu lieu.",
     "https://weka.fr/actualite/interviews/centres-de-sante-la-fncs-denonce-l-accord-national-afin-de-reviser-leur-"
     "modele-economique-198481"),
    # A minister's first-person near future (realset_nearby p86, dev).
    ("En même temps, je vais confier à la Haute Autorité de santé une mission sur la formation de ces professionnels.",
     "https://archive.nossenateurs.fr/intervention/1450743"),
]


@pytest.mark.parametrize("sentence,source", FUTURE_ACTS)
def test_reported_promises_and_first_person_futures_are_commitments(sentence, source):
    assert _kind(sentence) == "commitment", source


def test_a_future_passive_funding_without_agent_is_kept():
    # realset_nearby p86 (dev), https://archive.nossenateurs.fr/intervention/1450743
    sentence = ("Aussi, dans le cadre du plan pauvreté, seront financées des mesures de médiation sanitaire, dispositif "
                "reconnu explicitement dans le projet de loi relatif à la santé, qui permettra des expérimentations en la "
                "matière.")
    found = find_commitment(sentence, "2015-02-19", [])
    assert found is not None and (found.kind, found.actor_id) == ("commitment", None)


WILLS = [
    ("A l’époque, pas si lointaine, où il était encore chef du gouvernement, François Bayrou avait affirmé sa volonté de "
     "comprimer les dépenses de la Sécu face au «danger de surendettement», alimentant la colère des acteurs de la santé.",
     "realset_nearby p62, https://www.staging.libe.io/politique/sebastien-lecornu-va-faire-son-premier-samedi-en-saone-"
     "et-loire-sur-le-theme-de-la-sante-20250912_IR2OEM7D6JFDTHS7IK32GLRDJY"),
    ("Devant un hémicycle chahuteur, le Premier ministre – nommé une première fois début septembre, avant sa démission "
     "le 6 octobre – a affirmé vouloir \"donner un budget sérieux et fiable pour la France, utile et bon pour les "
     "Français dans les trois mois\".",
     "realset_nearby p82, https://www.egora.fr/actus-pro/politiques/discours-de-politique-generale-lecornu-veut-"
     "repondre-aux-urgences-pour-la"),
]


@pytest.mark.parametrize("sentence,source", WILLS)
def test_a_stated_will_is_a_commitment(sentence, source):
    assert _kind(sentence) == "commitment", source


def test_evaluating_speech_verbs_and_visas_make_nothing_known():
    from nlp.commitments import not_a_sentence

    # An evaluation with a noun object (realset p113, dev, https://fecop.fr/actualites/avis-du-comite-technique-et-
    # du-conseil-strategique-de-linnovation-en-sante-sur-lopportunite-de); a legal visa (opening words of realset
    # p107's visa); a « que » clause still announces (realset p28, dev, https://buenodia.com/petition-petition-sauver-maisons).
    assert _kind("Ils soulignent également la pertinence des financements dédiés à des activités souvent peu valorisées "
                 "(démarche participative, accompagnement psychosocial, coordination…).") is None
    assert not_a_sentence("Vu l'arrêté du 7 décembre 2023 déterminant le montant prévisionnel de la dotation.", False)
    assert _kind("Cependant, il a précisé que la transition vers le Label Maisons France Santé serait limitée à 50 000 "
                 "euros annuels par structure, bien en dessous des 500 000 euros du dispositif Secpa.") == "announcement"
