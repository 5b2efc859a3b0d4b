"""Commitment kinds on real sentences the rules missed: each family comes from the dev part of
`tests/fixtures/nlp/realset_nearby.jsonl` (item id and source URL given). No model is loaded
where `classify`, the surface rule every sentence goes through, decides."""

from __future__ import annotations

import pytest

from nlp.commitments import classify, table_trigger

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
    assert table_trigger("Elle remplacera le cabinet médical du petit centre commercial, qui doit être progressivement détruit.") is None


# Completed acts made known (guide: a signed agreement, a sum invested, a completed operation's
# cost, a report handed over are announcements).
ANNOUNCEMENTS = [
    ("Après plus de trois mois de négociations, les 9 organisations représentatives des centres de santé ont signé jeudi "
     "28 août un nouvel accord national qui vise à consolider le modèle économique de ces structures.",
     "p146, https://www.egora.fr/actus-pro/exercice-coordonne/les-centres-de-sante-signent-avec-la-cnam-un-accord-30-millions-deuros"),
    ("Le 14 avril 2022, l’Union nationale des caisses d’assurance maladie (Uncam) et l’ensemble des organisations "
     "gestionnaires des centres de santé (1) ont signé l’avenant 4 à l’accord national destiné à organiser les rapports "
     "entre les centres de santé et les caisses d’assurance maladie.",
     "p179, https://www.ameli.fr/exercice-coordonne/actualites/signature-de-l-avenant-4-l-accord-national-des-centres-de-sante-decryptage"),
    ("La Fédération Nationale des Centres de Santé (FNCS) se félicite de la signature le 28 août 2025 du nouvel Accord "
     "National après quatre mois d’une négociation qu’elle a réussi à imposer.", "p145, https://www.fncs.org/node/10038"),
    ("La Région Rhône-Alpes a investi 200 000 euros dans ce projet au titre du fonds de création des Maisons de Santé.",
     "p136, https://www.lyon.lyftv.com/2009/03/sante-vaulx-en-velin-la-pointe-de-la.html"),
    ("Elle a été financée par la CCPHG, avec le soutien de l'Union Européenne, de l'État, de la Région Occitanie, du "
     "Conseil départemental de la Haute-Garonne et de l'ADEME.",
     "p175, https://cc-pyreneeshautgaronnaises.fr/grands-projets/maisons-de-sante-du-luchonnais"),
    ("L’opération a couté 1,8 M€ dont 2/3 à la charge d’Habitation Moderne et 1/3 de subventions :",
     "p163, https://www.robertsau.eu/premiere-visite-a-la-maison-urbaine-de-sante-mus-de-la-cite-d-lill/"),
    ("Les membres de la mission sur la médiation en santé, Alexandre Berkesse, Philippe Denormandie, Emilie Henry et "
     "Nolwenn Tourniaire, accompagnés par Farida Belkhir (Igas), ont remis le 17 juillet leur rapport, avec l’ambition de "
     "contribuer à l’objectif d’amélioration de l’accès à la santé de toutes et tous.",
     "p167, https://www.santementale.fr/2023/07/ligas-veut-consolider-les-metiers-de-la-mediation-en-sante"),
]


@pytest.mark.parametrize("sentence,source", ANNOUNCEMENTS)
def test_completed_act_is_an_announcement(sentence: str, source: str) -> None:
    found = classify(sentence)
    assert found is not None and found[0] == "announcement", source


def test_recommendations_of_a_report_are_demands() -> None:
    # p140 and p167 (guide: the recommendations of a report are demands of its authors).
    for sentence in ("Le rapport formule 10 recommandations pour favoriser le déploiement de la médiation en santé.",
                     "Une mission de l’Inspection générale des affaires sociales (Igas) décline 10 propositions pour "
                     "favoriser son déploiement sur le territoire."):
        found = classify(sentence)
        assert found is not None and found[0] == "demand", sentence


def test_investment_an_agreement_represents_is_a_commitment() -> None:
    # p143 (https://www.lamedicale.fr/vous-informer/une-nouvelle-convention-pour-les-centres-de-sante), guide: a signed
    # agreement that « représente un investissement de l'Assurance Maladie de 30 millions d'euros en 2026 » is a commitment.
    found = classify("L’accord conclu « représente un investissement de l’Assurance Maladie de 30 millions d’euros en 2026 », "
                     "rappelle la CNAM.")
    assert found is not None and found[0] == "commitment"


def test_agreement_signed_long_ago_in_a_clause_is_history() -> None:
    # p76 (https://weka.fr/actualite/interviews/centres-de-sante-la-fncs-denonce-l-accord-national-afin-de-reviser-leur-
    # modele-economique-198481): « a été signé en 2015 » told in 2025 is background, no news.
    from nlp.commitments import find_commitment

    sentence = ("L'Accord national, qui organise les rapports entre les centres de santé et l'Assurance maladie, et détermine "
                "notamment leurs financements, a été signé en 2015 et reconduit tacitement en 2020 en pleine crise sanitaire.")
    assert classify(sentence) is not None
    assert find_commitment(sentence, "2025-04-15", []) is None


# Plans and intentions (guide: a planned opening with no agent, « nous allons… » of a speaker, an
# intention stated by the one who acts are commitments).
PLANS = [
    ("Une nouvelle maison de santé pluridisciplinaire ouvrira alors ses portes au public.",
     "p176, https://expressions-venissieux.fr/2018-02-12-vers-maison-de-sante-nouvelle-generation/amp"),
    ("Début mars, les engins de chantier entameront la démolition de la boulangerie et de la boucherie du petit centre "
     "commercial Ambroise-Croizat.", "p176, https://expressions-venissieux.fr/2018-02-12-vers-maison-de-sante-nouvelle-generation/amp"),
    ("Néanmoins, dans les heures qui viennent – dont j'espère qu'elles ne seront pas trop longues –, nous allons travailler "
     "à l'élaboration d'un dispositif de soutien aux communes concernées afin de permettre l'amorçage du dispositif.",
     "p133, https://nosdeputes.fr/16/intervention/86994"),
    ("Nous continuerons à créer, à imaginer des solutions, mais celles-ci doivent provenir des collectivités locales.",
     "p181, http://nosdeputes.fr/16/intervention/505398"),
    ("La Mairie de Paris envisage en effet de municipaliser ces établissements si aucun repreneur n’est trouvé, une décision "
     "votée en Conseil de Paris.", "p130, https://santequotidien.fr/paris-sauve-ses-centres-de-sante-une-municipalisation-en-vue"),
    ("Alors qu’elle était ministre de la Santé et de l’Accès aux soins, Agnès Firmin Le Bodo avait prévu un plan « centres "
     "de santé », en parallèle de celui dédié aux Maisons de santé pluriprofessionnelles (MSP), mais nous n’en avons jamais "
     "vu la couleur.", "p76, https://weka.fr/actualite/interviews/centres-de-sante-la-fncs-denonce-l-accord-national-afin-de-"
     "reviser-leur-modele-economique-198481"),
]


@pytest.mark.parametrize("sentence,source", PLANS)
def test_plan_or_intention_is_a_commitment(sentence: str, source: str) -> None:
    found = classify(sentence)
    assert found is not None and found[0] == "commitment", source


def test_plan_without_agent_is_kept_with_a_null_actor() -> None:
    # p176: nobody is named, nothing is paid, no day is given, yet the opening is planned (guide).
    from nlp.commitments import find_commitment

    found = find_commitment("Une nouvelle maison de santé pluridisciplinaire ouvrira alors ses portes au public.",
                            "2018-02-12", [])
    assert found is not None and found.kind == "commitment" and found.actor_id is None


def test_speech_of_the_speaker_is_no_plan() -> None:
    # « je vais vous dire », « nous allons voir »: what the speaker is about to say or see promises nothing.
    assert table_trigger("Je vais vous dire ce que nous en pensons.") is None
    assert table_trigger("Nous allons voir ce que donnera l'examen du texte.") is None


# Questions about the means or choices of a policy (guide: an author's questions in the body of a
# written or oral question are demands).
QUESTIONS = [
    ("Les agences régionales de santé, pourtant dotées de moyens comme le Fonds d'intervention régional, semblent en être "
     "désormais dépourvues, comment expliquer cela ?", "p154, https://questions.assemblee-nationale.fr/q17/17-87QOSD.htm"),
    ("Avez-vous pu évaluer l'évolution et le coût de ces nouveaux modes de rémunération ?",
     "p161, https://2017-2022.nosdeputes.fr/15/intervention/42555"),
    ("S'il ne le fait pas, quels seront ses critères de choix ?", "p182, https://2007-2012.nosdeputes.fr/intervention/604491"),
    ("Comment pourrions-nous soutenir financièrement ces centres de santé et garantir leur pérennité, très importante "
     "localement ?", "p89, https://nosdeputes.fr/16/intervention/612243"),
]


@pytest.mark.parametrize("sentence,source", QUESTIONS)
def test_question_about_means_is_a_demand(sentence: str, source: str) -> None:
    found = classify(sentence)
    assert found is not None and found[0] == "demand", source


def test_question_for_information_or_the_chair_is_no_demand() -> None:
    # p08 of realset.jsonl (https://www.france-assos-sante.org/2024/03/22/secpa-la-sante-participative-en-phase-dexperimentation/,
    # an interview question) and p142 (the chair asking the committee's opinion).
    assert classify("Quelle est l'origine de ce projet, en quoi consiste la santé participative, que finance-t-on exactement ?") is None
    assert classify("Quel est l'avis de la commission ?") is None


REFUSED_AS_IMPOSSIBLE = [
    # What the speaker says cannot or need not be done refuses it (guide: « on peut difficilement généraliser une
    # expérimentation… » said against an amendment is a refusal).
    ("On peut difficilement généraliser une expérimentation d'à peine plus d'un an, sur laquelle nous ne disposons pas "
     "encore d'un retour suffisant.", "p128, https://2012-2017.nosdeputes.fr/14/intervention/46301"),
    ("Pour les raisons que j'ai évoquées, il n'était pas possible d'étendre les dispositions du Ségur à leurs soignants.",
     "p133, https://nosdeputes.fr/16/intervention/86994"),
    ("Il ne nous a donc pas paru utile de figer une définition dans la loi ou de prévoir des expérimentations « génériques » "
     "sur la notion de parcours de santé.", "p170, https://archive.nossenateurs.fr/intervention/1823461"),
]


@pytest.mark.parametrize("sentence,source", REFUSED_AS_IMPOSSIBLE)
def test_impossible_or_useless_is_a_refusal(sentence: str, source: str) -> None:
    found = classify(sentence)
    assert found is not None and found[0] == "refusal", source


def test_refusing_a_closure_is_a_demand() -> None:
    # p148 (https://politis.fr/articles/2010/12/quand-les-maires-soccupent-de-sante-12581), guide: demonstrators gathered
    # « pour refuser sa fermeture » make a demand.
    found = classify("Ainsi à Montreuil (Seine-Saint-Denis), où le 11 décembre près d’une centaine de personnes se sont "
                     "rassemblées devant le CMS Voltaire, le plus ancien des cinq centres de la ville, pour refuser sa fermeture.")
    assert found is not None and found[0] == "demand"
    assert classify("La CNAM refuse de financer les SEC-Pa sur le fonds d'intervention régional.") == ("refusal", 8, 14)


def test_requests_named_as_a_topic_are_no_demand() -> None:
    # p173 (https://senat.fr/seances/s200905/s20090526/s20090526014.html) and p164
    # (https://conferenceconsensuslogement.senat.fr/seances/s202107/s20210715/s20210715005.html): debate turns that name
    # requests already made.
    assert classify("La demande des auteurs de l'amendement n° 953 est donc satisfaite.") is None
    assert classify("Notre commission a bien entendu les demandes des élus de ces territoires, en particulier de Mayotte.") is None
    # The request's object kept (« la demande d'une enveloppe ») and a request made (« de demandes de rendez-vous »).
    assert classify("La DGOS a rejeté la demande d'une enveloppe supplémentaire pour les SEC-Pa.") == ("refusal", 10, 16)
    found = classify("On a harcelé de mails et de demandes de rendez-vous pour avoir des informations.")
    assert found is not None and found[0] == "demand"


def test_services_offered_are_no_proposal() -> None:
    # p122 of realset.jsonl, dev (https://www.assemblee-nationale.fr/dyn/17/questions/QANR5L17QE13027): « proposer » with a
    # service as object describes what a centre offers. p62 (https://www.staging.libe.io/politique/sebastien-lecornu-va-faire-
    # son-premier-samedi-en-saone-et-loire-sur-le-theme-de-la-sante-20250912_IR2OEM7D6JFDTHS7IK32GLRDJY): « viser » with a
    # number states a target (guide: a target is a commitment). The last sentence is constructed: a proposal still asks.
    assert classify("Actuellement, le centre propose des soins médicaux, mais également un soutien psycho-social.") is None
    found = classify("Sébastien Lecornu vise 5 000 maisons «France Santé» en 2027 qui seront conçues sur le modèle des "
                     "maisons «France Services» qui proposent un guichet unique pour diverses démarches administratives.")
    assert found is not None and found[0] == "commitment"
    found = classify("Nous proposons que le dispositif soit pérennisé.")
    assert found is not None and found[0] == "demand"
