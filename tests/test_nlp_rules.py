"""Model-free tests: amounts, deadlines, commitment kinds, role resolution from the real
AN files plus hand-written mandate records."""

import pytest

from nlp.commitments import classify
from nlp.quantities import amounts, deadlines, pick_deadline
from nlp.roles import resolve
from nlp_fixtures import reference


@pytest.mark.parametrize("text, value", [
    ("une enveloppe de 2,3 millions pour les SEC-Pa", 2_300_000), ("14 M€ sur trois ans", 14_000_000),
    ("130 millions d'euros", 130_000_000), ("500 000 euros", 500_000), ("1,5 Md€", 1_500_000_000),
    ("300 k€ par an", 300_000),
])
def test_amounts(text, value):
    assert [a.value for a in amounts(text)] == [value]


@pytest.mark.parametrize("text", ["7,4 millions de Français", "800.000 personnes", "26 structures"])
def test_counts_are_not_amounts(text):
    assert amounts(text) == []


@pytest.mark.parametrize("text, iso, precision", [
    ("jusqu'au 31/12/2026", "2026-12-31", "day"), ("avant fin juin", "2026-06-30", "month"),
    ("au 1er novembre 2026", "2026-11-01", "day"), ("d'ici la fin de l'année", "2026-12-31", "year"),
    ("au premier trimestre 2027", "2027-03-31", "quarter"), ("avant fin janvier", "2027-01-31", "month"),
])
def test_deadlines_against_document_date(text, iso, precision):
    found = pick_deadline(deadlines(text, "2026-02-18"))
    assert (found.date, found.precision) == (iso, precision)


def test_past_dates_and_bill_names_are_not_deadlines():
    assert deadlines("lancée en août 2021 et prévue jusqu'en avril 2025", "2026-02-18") == []
    assert deadlines("le PLFSS pour 2026", "2025-11-01") == []
    assert deadlines("avant fin juin", None) == []  # relative, no date: unresolved


@pytest.mark.parametrize("sentence, kind", [
    ("Le ministère a confirmé le maintien des financements jusqu'au 31 décembre.", "commitment"),
    ("La FNCS demande au gouvernement de pérenniser les SEC-Pa.", "demand"),
    ("Le ministère n'a pas souhaité prolonger l'expérimentation.", "refusal"),
    ("Le Gouvernement émet un avis défavorable.", "refusal"),
    ("La ministre a annoncé l'ouverture d'un groupe de travail.", "announcement"),
    ("Le Gouvernement ne laissera pas tomber les SEC-Pa.", "commitment"),
])
def test_commitment_kinds(sentence, kind):
    assert classify(sentence)[0] == kind


def test_roles_resolved_at_the_documents_date():
    ref = reference()
    assert resolve("role:ministre_sante", "la ministre de la Santé", "2026-02-18", ref).actor_id == "PA720066"
    assert resolve("role:ministre_sante", "la ministre de la Santé", "2024-10-08", ref).actor_id == "PA719914"
    # Bayrou government: "le ministre" is the delegated minister (gender), "la ministre" the full one.
    assert resolve("role:ministre_sante", "le ministre de la Santé", "2025-03-12", ref).actor_id == "PA794038"
    assert resolve("role:ministre_sante", "la ministre de la Santé", "2025-03-12", ref).actor_id == "PA900014"
    pm = resolve("role:premier_ministre", "le Premier ministre", "2026-02-18", ref)
    assert (pm.actor_id, pm.rule) == ("PA900017", "date:premier_ministre")
    assert resolve("role:matignon", "Matignon", "2024-05-22", ref).actor_id == "PA722190"
    assert resolve("role:gouvernement", "le gouvernement", "2026-02-18", ref).actor_id == "PO873634"
    assert resolve("role:ministere_sante", "le ministère de la Santé", "2026-02-18", ref).actor_id == "PO873673"
    assert resolve("role:segur", "l'avenue de Ségur", "2026-02-18", ref).actor_id == "PO873673"


def test_unresolvable_roles_stay_roles():
    ref = reference()
    no_date = resolve("role:premier_ministre", "le Premier ministre", None, ref)
    assert (no_date.kind, no_date.actor_id) == ("role", "role:premier_ministre")
    before_data = resolve("role:ministre_sante", "la ministre de la Santé", "2019-01-01", ref)
    assert before_data.kind == "role"
    other = resolve("role:ministre", "la ministre", "2026-02-18", ref, after=" de la Culture a dit")
    assert other.actor_id == "role:ministre_autre"
    # Wrong gender for the office holder on that date: no guess.
    assert resolve("role:premier_ministre", "la Première ministre", "2026-02-18", ref).kind == "role"
