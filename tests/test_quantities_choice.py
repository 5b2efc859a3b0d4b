"""Which date of a sentence is the promise's deadline (issue 13, point 4), on real dev sentences.

Each case is a sentence of a `dev` item of `tests/fixtures/nlp/realset_nearby.jsonl` or
`realset.jsonl` (sources in that folder's `SOURCES.md`; never a `test` item), read with the item's date, the trigger the stage finds in it (or the
promise's verb) and the gold kind; the expected value is the item's gold deadline, under the
rules of `REALSET_GUIDE.md`. The families are those the deadline errors of the dev parts fell into:
a date of another clause than the promise (a feared event, a consequence, a frame, a place's
opening), a meeting's day, a duration measuring something else, a month's start, a target's year.
"""

import json
from pathlib import Path

import pytest

from nlp.quantities import choose_amount, choose_deadline, deadlines, relative_deadlines

NEARBY = Path(__file__).parent / "fixtures" / "nlp" / "realset_nearby.jsonl"
REALSET = Path(__file__).parent / "fixtures" / "nlp" / "realset.jsonl"
ITEMS = {i["id"]: i for path in (NEARBY, REALSET)
         for i in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if i.get("split") == "dev"}


def _deadline(item_id: str, sentence: str, trigger: str, kind: str) -> str | None:
    item = ITEMS[item_id]
    assert sentence in item["text"].replace("’", "'") or sentence in item["text"]
    found = choose_deadline(sentence, item["date"], sentence.index(trigger), kind)
    return found.date if found else None


CASES = [
    # A scheduled meeting is a promise without a deadline: its day is an event date, and the
    # year of its purpose is not the meeting's deadline.
    ("p55", "Une réunion doit se tenir à l'ARS le 22 décembre pour finaliser l'engagement financier des partenaires publics pour l'année 2015.",
     "doit", "commitment", None),
    ("p127", "La Case de Santé, elle, sera reçue le 17 novembre par les mêmes interlocuteurs.", "sera", "commitment", None),
    # « , ce qui … »: a consequence clause has its own dates.
    ("p100", "L'accord national des centres de santé a été dénoncé par la Fédération nationale des centres de santé (FNCS), "
             "ce qui induit l'obligation de négocier un nouvel accord sous 6 mois.", "dénoncé", "refusal", None),
    # « dans le cadre de la convention … pour 2022-2024 »: the frame's period.
    ("p142", "À une question écrite et orale que je lui avais posée ici même lors de l'examen du projet de loi de financement de la "
             "sécurité sociale pour 2023, votre prédécesseur, M. François Braun, avait répondu que des réflexions étaient en cours pour "
             "assurer la pérennité de ces structures dans le cadre de la convention d'objectifs et de gestion conclue entre l'État et la "
             "CANSSM pour 2022-2024.", "répondu", "commitment", None),
    # The complement of a verb of fear is the feared event.
    ("p166", "C'est ce qu'apprend à ses dépens la Case de santé à Toulouse, une structure innovante qui craint de devoir fermer ses "
             "portes avant fin 2008, faute de financement.", "craint", "demand", None),
    ("p48", "Ces structures de soins, principalement implantées dans des quartiers populaires, avaient alerté la presse la semaine "
            "dernière, craignant une réduction drastique de leur budget, dès la fin de l'expérimentation en avril.", "alerté", "announcement", None),
    # « Début mars » names no day.
    ("p176", "Début mars, les engins de chantier entameront la démolition de la boulangerie et de la boucherie du petit centre "
             "commercial Ambroise-Croizat.", "entameront", "commitment", None),
    # « pour les dix ans de l'Accord »: the age of the Accord, not a span from the document's date.
    ("p76", "Mais pour les dix ans de l'Accord, nous nous devions de le dénoncer car il n'est plus adapté à l'évolution des pratiques "
            "des centres en équipe pluriprofessionnelle coordonnée, aux besoins de santé des patients qu'ils prennent en soins et à "
            "leur engagement dans la prévention.", "dénoncer", "refusal", None),
    # A place's opening told in a relative clause after the promise dates the place.
    ("p134", "Dans sa démarche de soutien à l'offre de soins de proximité, la Ville de Rennes a validé l'octroi d'une subvention "
             "exceptionnelle de 765 000 € à Territoires Publics pour contribuer aux travaux d'aménagement du futur Pôle de santé du "
             "Blosne qui ouvrira ses portes à l'automne 2024 place Jean Normand.", "validé", "commitment", None),
    # « À quelques mois de l'année 2024 »: the time of speaking, told by its distance to a date.
    ("p142", "À quelques mois de l'année 2024, il me paraît légitime de vous reposer la question.", "reposer", "demand", None),
    ("p142", "À quelques mois de l'année 2024, il me paraît légitime de vous reposer la question.", "reposer", "commitment", None),
    ("p55", "A une dizaine de jours de la fin de l'année, nous pouvons envisager d'équilibrer notre budget, et donc d'assurer la "
            "continuité de notre fonctionnement\" témoigne Fabien Maguin", "envisager", "commitment", None),
    # A count and its noun before « en » + a year: the target's year, for a promise and for a demand.
    ("p62", "Sébastien Lecornu vise 5 000 maisons «France Santé» en 2027 qui seront conçues sur le modèle des maisons «France "
            "Services» qui proposent un guichet unique pour diverses démarches administratives.", "vise", "commitment", "2027-12-31"),
    ("p62", "Sébastien Lecornu vise 5 000 maisons «France Santé» en 2027 qui seront conçues sur le modèle des maisons «France "
            "Services» qui proposent un guichet unique pour diverses démarches administratives.", "vise", "demand", "2027-12-31"),
    ("p181", "Je ne vous demande pas de nous admirer, mais je citerai quelques actions concrètes, comme le doublement des maisons de "
             "santé en trois ans – jusqu'à 4 000 en 2027 –, qui bénéficie d'un accompagnement financier de l'État à hauteur de 45 "
             "millions d'euros.", "citerai", "commitment", "2027-12-31"),
    ("p181", "Je ne vous demande pas de nous admirer, mais je citerai quelques actions concrètes, comme le doublement des maisons de "
             "santé en trois ans – jusqu'à 4 000 en 2027 –, qui bénéficie d'un accompagnement financier de l'État à hauteur de 45 "
             "millions d'euros.", "demande", "demand", "2027-12-31"),
]


@pytest.mark.parametrize("item_id, sentence, trigger, kind, expected", CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_the_promise_keeps_its_own_date(item_id, sentence, trigger, kind, expected):
    assert _deadline(item_id, sentence, trigger, kind) == expected


# Constructed phrases (not from a source): the limits of each rule, so that it does not eat
# the deadlines it must keep.
DATE = "2026-02-10"


@pytest.mark.parametrize("text, trigger, kind, iso", [
    ("La ministre réunira les structures le 5 mars et maintiendra le financement jusqu'à fin 2026.", "maintiendra", "commitment", "2026-12-31"),
    ("Les structures recevront leur dotation au 1er novembre 2026.", "recevront", "commitment", "2026-11-01"),
    ("La ministre recevra les représentants des structures le 17 février.", "recevra", "commitment", None),
    # A frame dates the verb unless a participle attaches the date to the frame's noun.
    ("Les structures seront financées dans le cadre de France Santé en 2026.", "financées", "commitment", "2026-12-31"),
    ("Le financement sera assuré dans le cadre de la convention signée avec la CNAM pour 2023-2027.", "assuré", "commitment", None),
    # A sitting of Parliament is an event, as a vote is; a due date before it is kept.
    ("Le projet de loi sera examiné au Sénat le 12 mars.", "examiné", "commitment", None),
    ("Le texte sera examiné en séance avant le 30 juin.", "examiné", "commitment", "2026-06-30"),
    ("Le financement sera maintenu jusqu'au 31 décembre, ce qui rassure les équipes.", "maintenu", "commitment", "2026-12-31"),
    ("Le ministère s'engage à verser les fonds avant début avril.", "engage", "commitment", "2026-04-10"),
    ("Le financement sera prolongé pour trois ans.", "prolongé", "commitment", "2029-02-10"),
    ("Ils réclament 2 000 postes en 2027.", "réclament", "demand", "2027-12-31"),
    # An announced end keeps its date whether it is « la fin » or « l'arrêt »; a demand against it does not.
    ("Le ministère a annoncé l'arrêt du financement le 30 avril.", "annoncé", "announcement", "2026-04-30"),
    ("Le ministère a annoncé la fin du financement le 30 avril.", "annoncé", "announcement", "2026-04-30"),
    ("Les structures dénoncent l'arrêt du financement le 30 avril.", "dénoncent", "demand", None),
    ("Ils dénoncent la suppression de 2 000 postes en 2027.", "dénoncent", "demand", None),
])
def test_constructed_limits(text, trigger, kind, iso):
    found = choose_deadline(text, DATE, text.index(trigger), kind)
    assert (found.date if found else None) == iso


def test_the_end_of_a_named_year_is_that_year():
    # p152 (nearby dev, 2023-03-14): « plus de 2 250 à la fin de l'année 2022 » is past, not the end of 2023.
    assert [d.date for d in deadlines("il en existe désormais plus de 2 250 à la fin de l'année 2022.", "2023-03-14")] == []
    assert [d.date for d in deadlines("avant la fin de l'année 2024", "2023-03-14")] == ["2024-12-31"]
    assert [d.date for d in deadlines("d'ici la fin d'année 2026", "2023-03-14")] == ["2026-12-31"]
    assert [d.date for d in deadlines("jusqu'à la fin de l'année", "2023-03-14")] == ["2023-12-31"]


def test_a_per_structure_sum_gives_way_to_its_envelope():
    # p125 (nearby dev): the guide's rule, « the amount is the envelope ».
    item = ITEMS["p125"]
    start = item["text"].index("Sébastien Lecornu souhaite")
    sentence = item["text"][start:item["text"].index("Carentan.", start) + 9]
    found = choose_amount(sentence, sentence.index("souhaite"))
    assert found is not None and found.value == 130_000_000
    # A sentence that names only the per-structure sum keeps it; so does a dotation « chacune ».
    alone = choose_amount("Elles recevront chacune 50 000 euros.", 0)
    assert alone is not None and alone.value == 50_000
    text = "les 26 SEC-Pa recevront leur dotation de 500 000 euros chacune au 1er novembre 2026."
    each = choose_amount(text, text.index("recevront"))
    assert each is not None and each.value == 500_000


def test_the_budget_of_the_antecedent_is_context():
    # p55 (nearby dev): the demand asks for a commitment, not for the structure's annual budget.
    item = ITEMS["p55"]
    start = item["text"].index("Les médecins, psychologues")
    sentence = item["text"][start:item["text"].index("Haute-Garonne.", start) + 14]
    assert choose_amount(sentence, sentence.index("réclament")) is None
    # A relative clause that gives the amount of the promised thing itself keeps it.
    text = "La ministre a annoncé un financement dont le montant sera de 14 millions d'euros."
    found = choose_amount(text, text.index("annoncé"))
    assert found is not None and found.value == 14_000_000


def test_a_duration_of_its_own_still_moves_the_date():
    assert [d.date for d in relative_deadlines("dans les trois mois", DATE)] == ["2026-05-10"]
    assert relative_deadlines("dans les trois mois de sa publication", DATE) == []
