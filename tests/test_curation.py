"""Staff curation of the ledger (issue 14): decisions kept in their own file, re-applied
after every annotation and after a rebuild; refused with a French message when they name
nothing; an older, locked or broken curation file never stops the ledger nor the site."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from datetime import date

import pytest
import sqlite_utils

from datasette_helpers import fetch
from digest_fixtures import build, small_config
from pipelines import curation, ledger, migrations
from pipelines import db as store

TODAY = date(2026, 2, 16)


@pytest.fixture
def world(tmp_path, monkeypatch):
    """The digest fixture database with its ledger built; its curation file beside it."""
    monkeypatch.delenv(curation.CURATION_ENV, raising=False)
    db = build(small_config(tmp_path))
    ledger.rebuild(db, today=TODAY)
    yield tmp_path / "veille.db", db
    db.close()


def _statement(db, part: str) -> dict:
    """The first statement (in date order) whose sentence contains `part`."""
    rows = list(db.query("SELECT * FROM commitment_statements WHERE text LIKE ? ORDER BY date, published, commitment_id",
                         [f"%{part}%"]))
    assert rows, part
    return rows[0]


def _thread(db, thread_id: str) -> dict | None:
    found = list(db.query("SELECT * FROM commitment_threads WHERE id = ?", [thread_id]))
    return found[0] if found else None


def _reannotate(db):
    """What `veille tag --all` does to the commitments: delete and insert them again."""
    for document_id in [r["document_id"] for r in db.query("SELECT DISTINCT document_id FROM commitments")]:
        rows = [{k: v for k, v in r.items() if k not in ("id", "document_id")}
                for r in db.query("SELECT * FROM commitments WHERE document_id = ?", [document_id])]
        store.replace_annotations(db, document_id, [], rows)


def test_rejection_and_amount_survive_reannotation_and_a_rebuild(world, tmp_path, monkeypatch):
    path, db = world
    dgos = _statement(db, "cahier des charges")
    funding = _statement(db, "maintenir le financement")
    outcome = ledger.decide(path, "reject", dgos["statement_key"], "Équipe", note="phrase d'annonce, pas une promesse",
                            today=TODAY)
    assert outcome.applied and outcome.message == "Décision enregistrée."
    ledger.decide(path, "correct", funding["commitment_id"], "Équipe", field="amount_eur", value="14 000 000 €",
                  today=TODAY)
    assert (tmp_path / "curation.db").exists()
    assert _thread(db, dgos["thread_id"]) is None
    assert _statement(db, "cahier des charges")["decision"] == "rejected"
    assert _thread(db, funding["thread_id"])["amount_eur"] == 14_000_000.0

    _reannotate(db)
    ledger.rebuild(db, today=TODAY)
    assert _thread(db, dgos["thread_id"]) is None
    again = _statement(db, "maintenir le financement")
    assert again["decision"] == "corrected" and again["amount_eur"] == 14_000_000.0
    assert json.loads(again["corrected"]) == {"amount_eur": None}
    assert _thread(db, funding["thread_id"])["amount_eur"] == 14_000_000.0

    # A rebuild from scratch in another folder, with the same curation file.
    other = tmp_path / "rebuilt"
    other.mkdir()
    monkeypatch.setenv(curation.CURATION_ENV, str(tmp_path / "curation.db"))
    fresh = build(small_config(other))
    ledger.rebuild(fresh, today=TODAY)
    assert _thread(fresh, funding["thread_id"])["amount_eur"] == 14_000_000.0
    assert _statement(fresh, "cahier des charges")["decision"] == "rejected"
    assert fresh["commitment_threads"].count == 2
    log = list(fresh.query("SELECT action, author, before, after, note FROM curation_log ORDER BY id"))
    assert log == [{"action": "reject", "author": "Équipe", "before": '"machine"',
                    "after": json.dumps({"thread": dgos["thread_id"]}), "note": "phrase d'annonce, pas une promesse"},
                   {"action": "correct", "author": "Équipe", "before": None, "after": "14000000.0", "note": None}]
    fresh.close()


@pytest.mark.parametrize(("action", "target", "field", "value", "note", "message"), [
    ("correct", "STATEMENT", "actor_id", "Personne Inconnue", None,
     "Acteur inconnu : « Personne Inconnue » (donnez l'identifiant ou le nom exact d'un acteur de la base)."),
    ("correct", "STATEMENT", "amount_eur", "beaucoup", None,
     "Montant illisible : « beaucoup » (exemples : 14 000 000, 1,5 million, 2 M€)."),
    ("correct", "STATEMENT", "deadline", "bientôt", None,
     "Échéance illisible : « bientôt » (exemples : 2026-12-31, 31/12/2026, 2026-12, 2026)."),
    ("reject", "doc-absent#000000000000", None, None, None, "Déclaration inconnue : « doc-absent#000000000000 »."),
    ("move", "STATEMENT", None, "eng-000000000000", None, "Engagement (fil) inconnu : « eng-000000000000 »."),
    ("merge", "eng-000000000000", None, "THREAD", None, "Engagement (fil) inconnu : « eng-000000000000 »."),
    ("irrelevant", "press-absent", None, None, None, "Document inconnu : « press-absent »."),
    ("status", "THREAD", None, "tenu", None, "Indiquez en une phrase la raison de ce statut."),
    ("status", "THREAD", None, "perdu", "x", "Statut inconnu : « perdu » (valeurs possibles : annoncé, en cours, "
     "échéance proche, en retard, tenu, abandonné, démenti, remplacé)."),
])
def test_a_decision_naming_nothing_is_refused_in_french(world, action, target, field, value, note, message):
    path, db = world
    funding = _statement(db, "maintenir le financement")
    target = {"STATEMENT": funding["statement_key"], "THREAD": funding["thread_id"]}.get(target, target)
    value = funding["thread_id"] if value == "THREAD" else value
    with pytest.raises(curation.CurationError) as refused:
        ledger.decide(path, action, target, "Équipe", field=field, value=value, note=note, today=TODAY)
    assert str(refused.value) == message
    assert curation.read_curations(path.parent / "curation.db") == []


def test_merge_split_move_status_note_and_owner(world):
    path, db = world
    funding = _statement(db, "maintenir le financement")
    debate = _statement(db, "groupe de travail")
    ledger.decide(path, "merge", debate["thread_id"], "Équipe", value=funding["thread_id"], today=TODAY)
    merged = _thread(db, funding["thread_id"])
    assert merged["statements"] == 3 and _thread(db, debate["thread_id"]) is None

    ledger.decide(path, "split", debate["statement_key"], "Équipe", today=TODAY)
    split_id = curation.split_thread_id(debate["statement_key"])
    assert _thread(db, split_id)["statements"] == 1 and _thread(db, funding["thread_id"])["statements"] == 2

    ledger.decide(path, "move", debate["statement_key"], "Équipe", value=funding["thread_id"], today=TODAY)
    assert _thread(db, split_id) is None and _thread(db, funding["thread_id"])["statements"] == 3

    ledger.decide(path, "status", funding["thread_id"], "Équipe", value="tenu", note="Arrêté du 20 février 2026.",
                  today=TODAY)
    ledger.decide(path, "note", funding["thread_id"], "Équipe", value="Vérifier auprès de l'ARS.", today=TODAY)
    ledger.decide(path, "owner", funding["thread_id"], "Équipe", value="Camille", today=TODAY)
    thread = _thread(db, funding["thread_id"])
    assert (thread["status"], thread["status_origin"]) == ("kept", "staff")
    assert thread["status_reason"] == "Arrêté du 20 février 2026. (décision de l'équipe)"
    assert (thread["note"], thread["owner"]) == ("Vérifier auprès de l'ARS.", "Camille")
    last = list(db.query("SELECT status, origin FROM commitment_events WHERE thread_id = ? ORDER BY seq DESC LIMIT 1",
                         [thread["id"]]))
    assert last == [{"status": "kept", "origin": "staff"}]
    # Undoing the status gives the machine's status back.
    status_row = [r for r in curation.read_curations(path.parent / "curation.db") if r["action"] == "status"][0]
    ledger.decide(path, "undo", str(status_row["id"]), "Équipe", today=TODAY)
    assert _thread(db, funding["thread_id"])["status_origin"] == "machine"


def test_a_rejected_document_and_statement_feed_the_suggestions(world, tmp_path):
    path, db = world
    dgos = _statement(db, "cahier des charges")
    funding = _statement(db, "maintenir le financement")
    ledger.decide(path, "reject", dgos["statement_key"], "Équipe", note="faux positif", today=TODAY)
    ledger.decide(path, "correct", funding["statement_key"], "Équipe", field="deadline", value="2026-12", today=TODAY)
    ledger.decide(path, "irrelevant", "QANR5L17QE5391", "Équipe", today=TODAY)
    found = curation.suggestions(db, tmp_path / "curation.db")
    assert [r["text"] for r in found["rejected"]] == [dgos["text"]]
    assert [d["id"] for d in found["documents"]] == ["QANR5L17QE5391"]
    assert [(i["text"], i["commitments"]) for i in found["devset"]] == [
        (dgos["text"], []),
        (funding["text"], [{"kind": "commitment", "actor": "role:ministre_sante", "amount": None,
                            "deadline": "2026-12-31"}])]
    thread = _thread(db, funding["thread_id"])
    assert (thread["deadline"], thread["deadline_precision"]) == ("2026-12-31", "month")


def test_an_older_curation_file_is_migrated(tmp_path):
    old = sqlite_utils.Database(tmp_path / "curation.db")
    migrations.CURATION_MIGRATIONS.apply(old, stop_before="042_curation_indexes")
    old.table("curations").insert({"created": "2026-02-20T10:00:00+00:00", "author": "Équipe", "action": "note",
                                   "target_kind": "thread", "target": "eng-1", "value": '"à voir"'})
    assert old.table("curations").indexes == []
    old.close()
    rows = curation.read_curations(tmp_path / "curation.db")
    assert [r["value"] for r in rows] == ['"à voir"']
    reopened = sqlite_utils.Database(tmp_path / "curation.db")
    assert {tuple(i.columns) for i in reopened.table("curations").indexes} == {("target",), ("document_id",)}
    assert [m.name for m in migrations.CURATION_MIGRATIONS.applied(reopened)] == ["041_curation", "042_curation_indexes"]


def test_a_broken_or_locked_curation_file_stops_neither_the_ledger_nor_a_reader(world, tmp_path):
    path, db = world
    funding = _statement(db, "maintenir le financement")
    ledger.decide(path, "correct", funding["statement_key"], "Équipe", field="amount_eur", value="2 M€", today=TODAY)
    # Locked by a writer: reading still works (WAL), a new decision is refused as unavailable.
    holder = sqlite3.connect(tmp_path / "curation.db")
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert len(curation.read_curations(tmp_path / "curation.db")) == 1
        with pytest.raises(curation.CurationUnavailable):
            curation.record(tmp_path / "curation.db", curation.prepare(path, "confirm", funding["statement_key"]), "Équipe")
    finally:
        holder.rollback()
        holder.close()
    # Broken: the tag hook logs and leaves the ledger as it was (the decision stays applied).
    (tmp_path / "curation.db").write_bytes(b"ceci n'est pas une base SQLite" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"curation.db{suffix}").unlink(missing_ok=True)
    with pytest.raises(curation.CurationUnavailable):
        curation.read_curations(tmp_path / "curation.db")
    ledger.after_tag(db)
    assert _thread(db, funding["thread_id"])["amount_eur"] == 2_000_000.0
    assert curation.unavailable(tmp_path / "curation.db").startswith("fichier des corrections")


# ------------------------------------------------------------------ the site (in-process)
@pytest.fixture
def site(world, monkeypatch):
    from pipelines.serve import PASSWORD_ENV, hash_password, make_datasette

    monkeypatch.setenv(PASSWORD_ENV, hash_password("bon mot de passe", iterations=1000))
    return make_datasette(world[0])


def _login(site) -> dict:
    form = fetch(site, "/-/connexion")
    csrf = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
    response = asyncio.run(site.client.post(
        "/-/connexion", data={"csrftoken": csrf, "mot_de_passe": "bon mot de passe", "suite": "/"},
        cookies={"ds_csrftoken": form.cookies["ds_csrftoken"]}))
    return {"ds_actor": response.cookies["ds_actor"], "ds_csrftoken": form.cookies["ds_csrftoken"]}


def test_only_logged_in_staff_with_the_csrf_token_can_decide(site, world):
    path, db = world
    funding = _statement(db, "maintenir le financement")
    page_path = f"/engagement/{funding['thread_id']}"
    cookies = _login(site)
    page = fetch(site, page_path, cookies=cookies)
    assert page.status_code == 200 and "Écarter : ce n&#39;est pas un engagement" in page.text
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    data = {"csrftoken": token, "action": "correct", "cible": funding["statement_key"], "champ": "amount_eur",
            "valeur": "1,5 million"}
    anonymous = asyncio.run(site.client.post(page_path, data=data, cookies={"ds_csrftoken": cookies["ds_csrftoken"]}))
    assert anonymous.status_code == 302 and anonymous.headers["location"].startswith("/-/connexion")
    forged = asyncio.run(site.client.post(page_path, data={**data, "csrftoken": "faux"}, cookies=cookies))
    assert forged.status_code == 403
    assert curation.read_curations(path.parent / "curation.db") == []
    done = asyncio.run(site.client.post(page_path, data=data, cookies=cookies))
    assert done.status_code == 302 and done.headers["location"] == page_path + "?fait=correct"
    shown = fetch(site, done.headers["location"], cookies=cookies)
    assert "Correction enregistrée." in shown.text
    assert re.search(r'thread-amount">([^<]*)<', shown.text).group(1) == "1\u202f500\u202f000\u00a0€"
    refused = asyncio.run(site.client.post(page_path, data={**data, "valeur": "beaucoup"}, cookies=cookies))
    assert refused.status_code == 400 and "Montant illisible : « beaucoup »" in refused.text


def test_the_register_lists_one_row_per_promise_in_french(site, world):
    cookies = _login(site)
    page = fetch(site, "/engagements", cookies=cookies)
    assert page.status_code == 200
    rows = re.findall(r'<tr class="thread status-(\w+)"', page.text)
    assert rows == ["late", "due_soon", "announced"]
    assert "3 engagements" in page.text and "2 sources" in page.text and "1 source<" in page.text
    assert "Échéance du 31 janvier 2026 dépassée depuis 16 jours" in page.text
    late = fetch(site, "/engagements?statut=en%20retard", cookies=cookies)
    assert re.findall(r'<tr class="thread status-(\w+)"', late.text) == ["late"]


def test_the_site_says_when_curation_is_unavailable(site, world, tmp_path):
    path, db = world
    (tmp_path / "curation.db").write_bytes(b"x" * 4096)
    funding = _statement(db, "maintenir le financement")
    page = fetch(site, f"/engagement/{funding['thread_id']}", cookies=_login(site))
    assert page.status_code == 200
    assert "Les corrections sont indisponibles pour le moment" in page.text
    assert "Écarter : ce n&#39;est pas un engagement" not in page.text
