"""Model tests (one session-wide model): extract() on a press release, bad input, chunk
offsets, the evaluation targets, the `tag` command end to end on SQLite."""

import logging

from click.testing import CliRunner

from nlp.evaluate import evaluate, load_devset
from nlp.extract import chunks, extract
from nlp_fixtures import DEVSET, nlp_model, ref, topic  # noqa: F401  (fixtures)

RELEASE = ("Communiqué de presse. Structures d'exercice coordonné participatives : la ministre de la Santé, "
           "Stéphanie Rist, confirme le maintien des financements des SEC-Pa jusqu'au 31 décembre 2026, "
           "soit une enveloppe de 2,3 millions d'euros.")


def test_press_release_gives_resolved_actor_kind_amount_deadline(nlp_model, ref, topic):
    [annotations] = list(extract([(RELEASE, "2026-02-18", "d1")], nlp_model, ref, topic))
    [commitment] = annotations.commitments
    assert (commitment.kind, commitment.actor_id, commitment.amount_eur, commitment.deadline,
            commitment.deadline_precision, commitment.status) == (
        "commitment", "PA720066", 2_300_000, "2026-12-31", "day", "open")
    role = next(m for m in annotations.actor_mentions if m.text == "la ministre de la Santé")
    assert (role.actor_id, role.rule) == ("PA720066", "date:ministre_sante")
    assert RELEASE[commitment.start:commitment.end].startswith("Structures")


def test_bad_input_never_crashes_and_says_why(nlp_model, ref, topic, caplog):
    caplog.set_level(logging.INFO, logger="nlp")
    huge = ("Les SEC-Pa sont financées. " + "Texte de remplissage sans rapport avec le sujet. " * 21_000)
    docs = [("", "2026-01-01", "empty"), (huge, "2026-01-01", "huge"),
            ("The minister said the government would keep funding community health centres until June.", "2026-01-01", "en"),
            ("La DGOS confirme le maintien des SEC-Pa \ud800 jusqu'au 31/12/2026.", "2026-01-01", "broken"),
            ("Le Premier ministre a promis de pérenniser les SEC-Pa avant fin juin.", None, "dateless")]
    results = {a.doc_id: a for a in extract(docs, nlp_model, ref, topic)}
    assert set(results) == {"empty", "huge", "en", "broken", "dateless"}
    assert any("vide" in n for n in results["empty"].notes)
    assert any("caractères" in n for n in results["huge"].notes)
    assert any("non français" in n for n in results["en"].notes)
    assert results["broken"].commitments[0].deadline == "2026-12-31"
    dateless = results["dateless"]
    assert dateless.actor_mentions[0].kind == "role" and dateless.commitments[0].deadline is None
    assert "sans date" in caplog.text


def test_chunked_offsets_point_into_the_original_text(nlp_model, ref, topic, monkeypatch):
    import nlp.extract as module

    monkeypatch.setattr(module, "CHUNK_CHARS", 200)
    text = "\n".join(f"Paragraphe {i}. La DGOS soutient les SEC-Pa de la région." for i in range(30))
    [annotations] = list(extract([(text, "2026-02-18", "long")], nlp_model, ref, topic))
    assert len([m for m in annotations.actor_mentions if m.actor_id == "org:dgos"]) == 30
    assert all(text[m.start:m.end] == m.text for m in annotations.actor_mentions)
    assert chunks("a" * 50, 20) == [(0, 20), (20, 40), (40, 50)]


def test_evaluation_meets_the_targets(nlp_model, ref, topic):
    report = evaluate(load_devset(DEVSET), nlp_model, ref, topic)
    assert report.items >= 150
    assert report.failures() == [], report.failures()


def test_tag_command_is_idempotent_and_upserts_actors(nlp_model, tmp_path, monkeypatch):
    from pipelines import db as store
    from pipelines import tag as tag_module
    from pipelines.cli_nlp import tag

    path = tmp_path / "veille.db"
    db = store.open_db(path)
    store.upsert_document(db, {"id": "doc1", "url": "https://example.org/1", "source": "test", "kind": "press",
                               "title": "SEC-Pa", "published": "2026-02-18T10:00:00+01:00", "text": RELEASE,
                               "relevant": True}, [])
    db["mandates"].insert({"id": "PM1", "actor_id": "PA720066", "organe_id": "PO873673", "organe_kind": "MINISTERE",
                           "role": "Ministre", "start": "2025-10-12", "end": None})
    db["organes"].insert({"id": "PO873673", "kind": "MINISTERE", "name": "Ministère de la santé, des familles"})
    db["actors"].insert({"id": "PA720066", "name": "Stéphanie Rist", "kind": "person", "extra": '{"civ": "Mme"}'})
    monkeypatch.setattr(tag_module, "load_pipeline", lambda *a, **k: nlp_model)
    runner = CliRunner()
    first = runner.invoke(tag, ["--db", str(path), "--quiet"])
    assert first.exit_code == 0, first.output
    assert "1 document annoté" in first.output
    again = runner.invoke(tag, ["--db", str(path), "--quiet"])
    assert "0 document annoté" in again.output
    runner.invoke(tag, ["--db", str(path), "--quiet", "--all"])
    rows = list(db.query("SELECT kind, actor_id, amount_eur, deadline FROM commitments"))
    assert rows == [{"kind": "commitment", "actor_id": "PA720066", "amount_eur": 2300000.0, "deadline": "2026-12-31"}]
    assert db["actors"].get("org:dgos" if False else "PA720066")["name"] == "Stéphanie Rist"
    assert db.execute("SELECT count(*) FROM actor_mentions").fetchone()[0] == 2


def test_commands_are_documented_with_an_example():
    from pipelines.cli_nlp import evaluate as evaluate_command, tag

    for command in (tag, evaluate_command):
        assert "Exemple : veille" in command.help
