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

from nlp.commitments import choose_deadline
from nlp.quantities import amounts, choose_amount, deadlines, pick_deadline, relative_deadlines

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
])
def test_constructed_vague_past_and_event_times_are_not_deadlines(text):
    assert pick_deadline(deadlines(text, DATE) + relative_deadlines(text, DATE)) is None


def test_constructed_start_date_gives_way_to_the_end_date():
    text = "Le financement sera versé à compter du 1er mai, et jusqu'au 31 octobre."
    assert choose_deadline(text, DATE, text.index("versé"), "commitment").date == "2026-10-31"


@pytest.mark.parametrize("text, value", [
    ("deux millions et demi d'euros", 2_500_000), ("cent cinquante mille euros", 150_000),
    ("un milliard d'euros", 1_000_000_000), ("trois millions d'euros", 3_000_000), ("2.3 M€", 2_300_000),
    ("1,5 milliard d'euros", 1_500_000_000), ("300 k€", 300_000), ("4,6 Md€", 4_600_000_000),
])
def test_constructed_amount_forms(text, value):
    assert [a.value for a in amounts(text)] == [pytest.approx(value)]


def test_constructed_range_gives_its_upper_bound():
    text = "une aide comprise entre 10 et 15 millions d'euros"
    assert choose_amount(text).value == 15_000_000
