"""`veille nightly` twice in a row on the replay: two recorded runs, nothing added the second time."""

import json
import re
from datetime import datetime

import pytest
from aiosmtpd.controller import Controller

from conftest import free_port, run_veille, write_config
from test_digest_mail import Inbox

pytestmark = pytest.mark.slow


def test_nightly_twice_on_the_replay(tmp_path, replay):
    from pipelines.config import load_config
    from pipelines.db import open_db
    from pipelines.config import WEEKDAYS
    from pipelines.weeks import PARIS

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port(), server_hostname="localhost")
    smtp.start()
    try:
        today = WEEKDAYS[datetime.now(PARIS).weekday()]
        config = write_config(tmp_path)
        text = config.read_text(encoding="utf-8")
        text = text.replace('weekday = "lundi"', f'weekday = "{today}"')
        mail = text.index("[mail]")
        end = text.index("\n[", mail + 1)
        section = text[mail:end]
        section = re.sub(r'^host = ".*"$', 'host = "127.0.0.1"', section, flags=re.M)
        section = re.sub(r"^port = .*$", f"port = {smtp.port}", section, flags=re.M)
        section = re.sub(r'^tls = ".*"$', 'tls = "none"', section, flags=re.M)
        text = text[:mail] + section + text[end:]
        text = text.replace("recipients = []", 'recipients = ["equipe@secpa.example"]', 1)
        # Recipients need the public site (the digest never mails links to 127.0.0.1).
        text = text.replace('public_url = "http://127.0.0.1:8001"', 'public_url = "https://veille.secpa.example"', 1)
        config.write_text(text, encoding="utf-8")
        first = run_veille(config, "nightly", "--replay", replay.url, timeout=600)
        documents = open_db(load_config(config).database)["documents"].count
        second = run_veille(config, "nightly", "--replay", replay.url, timeout=600)
    finally:
        smtp.stop()
    assert first.returncode == 0, first.stdout + first.stderr
    assert second.returncode == 0, second.stdout + second.stderr

    db = open_db(load_config(config).database)
    nightly = list(db.query("SELECT * FROM runs WHERE command = 'nightly (replay)' ORDER BY started"))
    crawls = list(db.query("SELECT * FROM runs WHERE command = 'crawl (replay)' ORDER BY started"))
    assert len(nightly) == 2 and len(crawls) == 2
    assert [c["parent_id"] for c in crawls] == [n["id"] for n in nightly]
    assert nightly[0]["inserted"] > 10 and nightly[0]["inserted"] == crawls[0]["inserted"]
    assert (nightly[1]["inserted"], nightly[1]["updated"]) == (0, 0)
    assert nightly[1]["unchanged"] > 0 and db["documents"].count == documents

    # the short log says what changed
    crawl_line = next(line for line in first.stdout.splitlines() if line.startswith("  collecte : "))
    assert re.search(r", (\d+) nouveaux?, ", crawl_line)[1] == str(nightly[0]["inserted"])
    assert sum(1 for line in first.stdout.splitlines() if line.startswith("    + « ")) == 5
    assert ", 0 nouveau, 0 modifié, " in second.stdout
    assert not any(line.startswith("    + « ") for line in second.stdout.splitlines())
    assert len(first.stdout.splitlines()) <= 20

    # the digest of last week went out once
    steps = [{s["name"]: s for s in json.loads(n["steps"])} for n in nightly]
    assert steps[0]["résumé"]["data"]["sent"] is True
    assert steps[1]["résumé"]["summary"].endswith("déjà envoyé cette semaine")
    assert len(inbox.messages) == 1
    assert inbox.messages[0][2].get_content_type() == "multipart/alternative"
