"""Amounts and deadlines as grammars, measured on real phrases (issue 13, point 2).

`tests/fixtures/nlp/quantities_phrases.jsonl`: real sentences, each with its source (the
real set's dev part, AN amendments, public pages of the `search` corpus, press fixtures),
the document's date (marked `date_note: assumed` when read from the page's context), the
trigger of the promise, and the value expected under the rules of `nlp/quantities.py`.
The constructed phrases at the end are marked as such: they pin the grammar's forms that
no real phrase of the table shows.
"""

import json
from pathlib import Path

import pytest

from nlp.quantities import amounts, before_trigger, choose_amount, choose_deadline, deadlines, pick_deadline, relative_deadlines

TABLE = Path(__file__).parent / "fixtures" / "nlp" / "quantities_phrases.jsonl"
ROWS = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def _value(row: dict) -> object:
    start = row["text"].index(row["trigger"]) if row["trigger"] else 0
    if row["field"] == "deadline":
        found = choose_deadline(row["text"], row["date"], start, row["kind"])
        return found.date if found else None
    amount = choose_amount(row["text"], start)
    return amount.value if amount else None


def test_the_table_is_large_and_sourced():
    assert len(ROWS) >= 40
    assert {r["field"] for r in ROWS} == {"deadline", "amount"}
    assert all(r["source"] and r["text"] for r in ROWS)
    assert len({r["id"] for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_real_phrase(row):
    got = _value(row)
    if isinstance(row["expected"], (int, float)):
        assert got == pytest.approx(row["expected"])
    else:
        assert got == row["expected"]


# Constructed phrases (not from a source): the forms the rules name.
DATE = "2026-02-10"


@pytest.mark.parametrize("text, iso", [
    ("d'ici la fin du trimestre", "2026-03-31"), ("au premier semestre 2026", "2026-06-30"),
    ("avant la fin du semestre", "2026-06-30"), ("courant 2026", "2026-12-31"), ("dès 2027", "2027-12-31"),
    ("l'an prochain", "2027-12-31"), ("l'année prochaine", "2027-12-31"), ("cette année", "2026-12-31"),
    ("au 1 er trimestre", "2026-03-31"), ("à la rentrée", "2026-09-30"), ("mi-mars", "2026-03-15"),
    ("fin janvier", "2027-01-31"), ("à l'horizon 2027", "2027-12-31"), ("avant l'été", "2026-06-20"),
    ("au printemps", "2026-06-20"), ("le 1<sup>er</sup> janvier 2027", "2027-01-01"), ("31/12/2026", "2026-12-31"),
    ("en avril 2026", "2026-04-30"), ("d'ici la fin du mois", "2026-02-28"), ("à Noël", "2026-12-25"),
    ("à partir du 1er mai et jusqu'à fin 2026", "2026-12-31"),
    ("pour un an", "2027-02-10"), ("dans cinq ans", "2031-02-10"), ("d'ici trois mois", "2026-05-10"),
    ("pour une durée de deux ans", "2028-02-10"), ("dans moins de 18 mois", "2027-08-10"),
    ("dans les trois mois", "2026-05-10"), ("avant sa démission, prévue fin mars", "2026-03-31"),
    # Added with the held-out set (tests/test_quantities_heldout.py): ranges and lists end with
    # their last element, durations of rescheduling, counts in words, other date layouts.
    ("sur la période 2026-2028", "2028-12-31"), ("entre 2027 et 2028", "2028-12-31"),
    ("de juin à septembre", "2026-09-30"), ("les mois de juin, juillet, août et septembre", "2026-09-30"),
    ("il a été décidé de reporter l'application du dispositif à 2027", "2027-12-31"),
    ("l'expérimentation a été prolongée d'un an", "2027-02-10"), ("d'ici deux à trois ans", "2029-02-10"),
    ("dans vingt-quatre mois", "2028-02-10"), ("sous 48 heures", "2026-02-12"),
    ("au cours des deux prochaines années", "2028-02-10"), ("au plus tard le 30.04.2026", "2026-04-30"),
    ("à l'échéance 2028", "2028-12-31"), ("au titre de l'année 2026", "2026-12-31"),
    ("la semaine prochaine", "2026-02-22"), ("d'ici la fin de la semaine", "2026-02-15"),  # 10 Feb 2026 is a Tuesday
])
def test_constructed_time_expressions(text, iso):
    found = pick_deadline(deadlines(text, DATE) + relative_deadlines(text, DATE))
    assert found is not None and found.date == iso


@pytest.mark.parametrize("text", [
    "dans les prochains mois", "prochainement", "à terme", "expérimentée pendant deux ans",
    "les projets de budget de l'État et de la Sécurité sociale pour 2027",
    "C'est fin janvier que le ministère a annoncé l'arrêt.", "en janvier dernier",
    "la dérogation avait été prolongée pour un an",
    "Fin janvier, le ministère a annoncé qu'il réfléchissait.",
    "Le ministère a annoncé fin janvier sa décision.",
    "La réunion prévue le 12 février a été reportée.",
    "leur journée de mobilisation, prévue ce jeudi 12 février.",
    "elle ignore si elle pourra poursuivre ses activités après l'automne 2026",
    "une visio sollicitée depuis le mois de juin",
    "un mouvement de grève est prévu à partir du 5 mars", "l'expérimentation avait été prolongée d'un an",
    "dans un délai de six mois à compter de la promulgation de la loi",
    "À l'issue de l'expérimentation, le directeur établit un rapport dans un délai de 6 mois",
    "un forfait de 2000 euros", "l'expérimentation, prolongée jusqu'en avril 2025, a pris fin",
    "le financement promis en 2024 n'est jamais arrivé", "Le ministère a annoncé la fin de l'expérimentation en 2024.",
    "La ministre rencontrera les représentants des structures le 12 mars.",
])
def test_constructed_vague_past_and_event_times_are_not_deadlines(text):
    assert pick_deadline(deadlines(text, DATE) + relative_deadlines(text, DATE)) is None


@pytest.mark.parametrize("text, iso", [
    ("La ministre avait promis de les pérenniser en 2024.", "2024-12-31"),
    ("Elle s'était engagée à rouvrir le centre d'ici fin 2023.", "2023-12-31"),
    ("Il a confirmé que les financements seraient maintenus jusqu'à fin 2025.", "2025-12-31"),
    ("On nous avait promis une généralisation en 2024.", "2024-12-31"),
])
def test_constructed_reported_past_promise_keeps_its_deadline(text, iso):
    """REALSET_GUIDE: « a reported past promise keeps its own deadline even when it is over »."""
    assert choose_deadline(text, DATE, 0, "commitment").date == iso


@pytest.mark.parametrize("text, trigger, iso", [
    ("La fédération demande que le financement soit maintenu en 2026.", "demande", "2026-12-31"),
    ("Elles dénoncent la décision d'arrêter l'expérimentation au 30 avril.", "dénoncent", None),
])
def test_constructed_demand_years_and_criticised_dates(text, trigger, iso):
    found = choose_deadline(text, DATE, text.index(trigger), "demand")
    assert (found.date if found else None) == iso


def test_real_fronted_subordinate_clause_dates_its_own_verb():
    """realset.jsonl p113 (dev; fecop.fr, CTIS/CSIS opinion): the end date belongs to « touche à
    sa fin », not to the trigger « se sont prononcés » (gold deadline null)."""
    text = ("Alors que l’expérimentation des Structures d’Exercice Coordonné PArticipatives (SECPA) touche à sa fin "
            "le 30 avril 2025, le comité technique et le conseil stratégique de l’innovation en santé se sont prononcés sur son avenir.")
    found = deadlines(text, "2025-03-01")
    assert [d.date for d in found] == ["2025-04-30"]
    assert before_trigger(found, text, text.index("prononcés")) == []
    fronted = "Jusqu'au 30 avril 2027, la ministre maintient les fonds."
    assert [d.date for d in before_trigger(deadlines(fronted, DATE), fronted, fronted.index("maintient"))] == ["2027-04-30"]


def test_constructed_start_date_gives_way_to_the_end_date():
    text = "Le financement sera versé à compter du 1er mai, et jusqu'au 31 octobre."
    assert choose_deadline(text, DATE, text.index("versé"), "commitment").date == "2026-10-31"


@pytest.mark.parametrize("text, value", [
    ("deux millions et demi d'euros", 2_500_000), ("cent cinquante mille euros", 150_000),
    ("un milliard d'euros", 1_000_000_000), ("trois millions d'euros", 3_000_000), ("2.3 M€", 2_300_000),
    ("1,5 milliard d'euros", 1_500_000_000), ("300 k€", 300_000), ("4,6 Md€", 4_600_000_000),
    ("un demi-milliard d'euros", 500_000_000), ("5,5 MdEUR", 5_500_000_000), ("300 000 EUR", 300_000),
    ("12 MEUR", 12_000_000), ("460M€", 460_000_000), ("cinquante euros", 50), ("vingt-cinq euros", 25),
])
def test_constructed_amount_forms(text, value):
    assert [a.value for a in amounts(text)] == [pytest.approx(value)]


def test_constructed_total_after_parmi_gives_way_to_the_part():
    text = "Parmi ces 13 millions d'euros, 4 millions sont destinés aux associations."
    assert choose_amount(text, text.index("destinés")).value == 4_000_000


@pytest.mark.parametrize("text, trigger, value", [
    ("La ministre a promis de maintenir les crédits, alors que le déficit atteint 23 milliards d'euros.", "promis", None),
    ("Alors que le déficit atteint 23 milliards d'euros, la ministre promet de maintenir les crédits.", "promet", None),
    ("Alors que le déficit atteint 23 milliards d'euros, la ministre promet 3 millions d'euros.", "promet", 3_000_000),
    ("Avec 14 millions d'euros, l'État finance le dispositif.", "finance", 14_000_000),
])
def test_constructed_figures_of_a_contrastive_clause_are_context(text, trigger, value):
    """REALSET_GUIDE: the amount is the object of the promise, « not a figure quoted as context »."""
    found = choose_amount(text, text.index(trigger))
    assert (found.value if found else None) == value


def test_constructed_range_gives_its_upper_bound():
    text = "une aide comprise entre 10 et 15 millions d'euros"
    assert choose_amount(text).value == 15_000_000
