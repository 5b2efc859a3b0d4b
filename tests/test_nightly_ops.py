"""`veille nightly` without crawling: the lock, recorded runs, source alerts, the digest day."""

import json
import re
from datetime import date

import pytest
from aiosmtpd.controller import Controller

import digest_fixtures as fx
from conftest import free_port, run_veille
from test_digest_mail import Inbox


def _db(config_path):
    from pipelines.config import load_config
    from pipelines.db import open_db

    return open_db(load_config(config_path).database)


def _nightly_runs(db):
    return list(db.query("SELECT * FROM runs WHERE command LIKE 'nightly%' ORDER BY started"))


def test_a_second_run_stops_while_the_lock_is_held(tmp_path):
    from pipelines.config import load_config
    from pipelines.nightly import NightlyLock, lock_path

    config = fx.small_config(tmp_path)
    path = lock_path(load_config(config))
    with NightlyLock(path):
        result = run_veille(config, "nightly", "--skip", "crawl", "--skip", "tag", "--no-digest")
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        f"Erreur : veille nightly est déjà en cours (pid {__import__('os').getpid()}, verrou {path}) : "
        "cette exécution s'arrête sans rien faire."]
    assert result.stdout == ""
    assert _nightly_runs(_db(config)) == []
    # released: the next run goes through and is recorded
    result = run_veille(config, "nightly", "--skip", "crawl", "--skip", "tag", "--no-digest")
    assert result.returncode == 0, result.stderr
    [run] = _nightly_runs(_db(config))
    assert run["status"] == "ok" and run["finished"]
    assert [(s["name"], s["status"]) for s in json.loads(run["steps"])] == [
        ("collecte", "skipped"), ("étiquetage", "skipped"), ("publication", "skipped"), ("alertes", "skipped"),
        ("résumé", "skipped")]
    assert path.read_text() == ""  # the lock file stays, empty, unlocked


def test_a_source_failing_three_nights_in_a_row_gives_exit_code_1(tmp_path):
    from pipelines import db as database

    config = fx.small_config(tmp_path)
    db = _db(config)
    for night in range(3):
        run_id = database.start_run(db, "crawl", run_id=f"night{night}")
        database.record_source_result(db, run_id, {"source": "egora", "status": "failed", "error": "HTTP 404 (introuvable)"})
        database.record_source_result(db, run_id, {"source": "lemonde_sante", "status": "failed" if night == 2 else "ok",
                                                   "error": "délai dépassé (pas de réponse en 30 s)" if night == 2 else None})
        database.finish_run(db, run_id)
    result = run_veille(config, "nightly", "--skip", "crawl", "--skip", "tag", "--no-digest")
    assert result.returncode == 1
    alerts = [line.strip() for line in result.stdout.splitlines() if "ALERTE" in line]
    assert alerts == ["ALERTE egora : en échec depuis 3 nuits (HTTP 404 (introuvable)) ; dernière réussite : jamais"]
    assert re.fullmatch(r"terminé en \d+ s, code de sortie 1", result.stdout.splitlines()[-1])
    [run] = _nightly_runs(db)
    assert run["status"] == "failed" and json.loads(run["errors"]) == alerts


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), server_hostname="localhost")
    controller.start()
    yield controller, inbox
    controller.stop()


def test_the_digest_is_sent_on_the_configured_day_once_a_week(tmp_path, smtp):
    from pipelines.config import load_config
    from pipelines.nightly import NightlyOptions, run_nightly

    controller, inbox = smtp
    config_path = fx.small_config(tmp_path)
    text = config_path.read_text(encoding="utf-8").replace('host = ""', f'host = "127.0.0.1"\nport = {controller.port}\ntls = "none"')
    config_path.write_text(text, encoding="utf-8")
    fx.build(config_path).close()
    config = load_config(config_path)
    skip = ("crawl", "tag")

    lines = []
    assert run_nightly(config, NightlyOptions(skip=skip, today=date(2026, 2, 17)), lines.append) == 0
    assert lines[4] == "  alertes : aucune alerte ([[alerts]] vide)"
    assert lines[5] == "  résumé : pas aujourd'hui (envoi le lundi)"
    assert inbox.messages == []

    for attempt in range(2):  # Monday 16 February: last week's digest, sent once
        lines = []
        assert run_nightly(config, NightlyOptions(skip=skip, today=date(2026, 2, 16)), lines.append) == 0
        digest_line = lines[5]
        assert digest_line.startswith(f"  résumé : semaine 2026-W07 écrite dans {tmp_path / 'digests'} (html, md, csv, json) ; ")
        assert digest_line.endswith(" ; envoyé à 2 destinataire(s)" if attempt == 0 else " ; déjà envoyé cette semaine")
    assert len(inbox.messages) == 1
    subject = inbox.messages[0][2]["Subject"]
    assert subject.startswith("[Veille SEC-Pa] ") and subject.endswith(" — semaine 2026-W07 ; 1 source en échec")
    assert "financement" in subject  # the week's news, not a count
    runs = _nightly_runs(_db(config_path))
    assert len(runs) == 3
    sent = [s for s in json.loads(runs[1]["steps"]) if s["name"] == "résumé"][0]
    assert sent["data"]["week"] == "2026-W07" and sent["data"]["sent"] is True


def test_an_smtp_failure_fails_the_step_and_keeps_the_digest(tmp_path):
    from pipelines.config import load_config
    from pipelines.nightly import NightlyOptions, run_nightly

    config_path = fx.small_config(tmp_path)
    port = free_port()
    text = config_path.read_text(encoding="utf-8").replace('host = ""', f'host = "127.0.0.1"\nport = {port}\ntls = "none"')
    config_path.write_text(text, encoding="utf-8")
    fx.build(config_path).close()
    lines = []
    code = run_nightly(load_config(config_path), NightlyOptions(skip=("crawl", "tag"), today=date(2026, 2, 16)), lines.append)
    assert code == 1
    assert lines[5].startswith("  ÉCHEC résumé : semaine 2026-W07 écrite dans ")
    assert f"envoi SMTP impossible vers 127.0.0.1:{port} : [Errno 111] Connection refused" in lines[5]
    assert len(list((tmp_path / "digests").glob("veille-2026-W07.*"))) == 4


def test_a_bad_nightly_setting_stops_before_the_lock_and_the_run(tmp_path):
    config = fx.small_config(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[nightly]\n", '[nightly]\ncrawl_timeout_s = "long"\n'), encoding="utf-8")
    result = run_veille(config, "nightly", "--skip", "crawl", "--skip", "tag", "--no-digest")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"Erreur : {config}: nightly.crawl_timeout_s: nombre attendu, pas 'long'"]
    assert not (tmp_path / "nightly.lock").exists()


def test_the_nightly_settings_are_the_typed_ones_of_the_config(tmp_path):
    from pipelines.config import load_config
    from pipelines.nightly import lock_path

    config = fx.small_config(tmp_path, "")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[nightly]\n", '[nightly]\nlock_file = "run/veille.lock"\ntag_timeout_s = 60\n'), encoding="utf-8")
    loaded = load_config(config)
    assert lock_path(loaded) == tmp_path / "run" / "veille.lock"
    assert loaded.nightly.tag_timeout_s == 60.0 and isinstance(loaded.nightly.tag_timeout_s, float)
