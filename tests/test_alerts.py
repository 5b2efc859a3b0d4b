"""Saved-search alerts by mail, through the real command and a real SMTP server on loopback
(aiosmtpd): the first run sets the alert up, a new matching document is mailed once, the next
run sends nothing; a name resolved from a role (« la ministre ») is found; daily waits."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

import digest_fixtures as fx
from conftest import free_port
from test_digest_mail import Inbox

PUBLIC = "https://veille.secpa.example"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), server_hostname="localhost")
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def setup(tmp_path, smtp):
    controller, inbox = smtp
    config = fx.small_config(tmp_path)
    text = config.read_text(encoding="utf-8").replace(f'site_url = "{fx.SITE}"', f'site_url = "{PUBLIC}"')
    mail = (f'[mail]\nhost = "127.0.0.1"\nport = {controller.port}\ntls = "none"\nsender = "veille@secpa.example"\n'
            'recipients = ["equipe@secpa.example"]\nsubject_prefix = "[Veille SEC-Pa]"\n')
    text = text[:text.index("[mail]")] + mail + text[text.index("[nightly]"):]
    config.write_text(text, encoding="utf-8")
    fx.build(config).close()
    return config, inbox


def _alert(config, *args):
    from pipelines.cli import cli

    return CliRunner().invoke(cli, ["--config", str(config), "alertes", *args], obj={})


def _add(config, title: str, text: str, url: str):
    from nlp.topic import TopicMatcher
    from pipelines import db as database
    from pipelines.config import load_config
    from pipelines.store import store_document
    from spiders.items import Document

    loaded = load_config(config)
    db = database.open_db(loaded.database)
    doc = Document(url=url, source="lemonde_sante", kind="press", title=title, text=text, publisher="Le Monde",
                   published=datetime.now(timezone.utc) - timedelta(hours=1))
    assert store_document(db, TopicMatcher.from_topic(loaded.topic), doc) == "insert"
    return db


def test_a_new_match_is_mailed_once_and_not_on_the_next_run(setup):
    config, inbox = setup
    args = ["--nom", "financement", "--requete", "financement", "--a", "direction@secpa.example"]
    first = _alert(config, *args)
    assert first.exit_code == 0, first.output
    assert "créée : les documents déjà enregistrés ne sont pas envoyés" in first.output and inbox.messages == []
    assert "rien de nouveau" in _alert(config, *args).output and inbox.messages == []
    _add(config, "Les SEC-Pa obtiennent un financement pérenne", "Le financement des SEC-Pa est voté.",
         "https://www.lemonde.fr/sante/article/2026/12/01/secpa-financement.html").close()
    sent = _alert(config, *args)
    assert sent.exit_code == 0, sent.output
    assert "1 document envoyé à direction@secpa.example" in sent.output
    [(sender, recipients, message)] = inbox.messages
    assert recipients == ["direction@secpa.example"]
    assert message["Subject"] == ("[Veille SEC-Pa] Alerte « financement » : 1 nouveau document — "
                                  "Les SEC-Pa obtiennent un financement pérenne")
    assert message["List-Unsubscribe"] == "<mailto:veille@secpa.example?subject=desabonnement>"
    body = message.get_body(("plain",)).get_content()
    assert f"Sur le site : {PUBLIC}/document/" in body
    assert "Original : https://www.lemonde.fr/sante/article/2026/12/01/secpa-financement.html" in body
    assert "Pour ne plus recevoir cette alerte" in body
    again = _alert(config, *args)
    assert "rien de nouveau" in again.output and len(inbox.messages) == 1  # sent once, recorded
    from pipelines import db as database
    from pipelines.config import load_config

    db = database.open_db(load_config(config).database)
    assert [r["status"] for r in db.query("select status from alert_runs order by started, rowid")] == [
        "baseline", "nothing", "sent", "nothing"]
    assert db.execute("select count(*) from alert_sends where alert = 'financement'").fetchone()[0] == 1


def test_an_alert_on_a_name_finds_the_role_it_was_resolved_from(setup):
    config, inbox = setup
    from pipelines import db as database

    assert _alert(config, "--requete", "Hendrik").exit_code == 0  # set up
    db = _add(config, "Le député interpelle le Gouvernement sur les SEC-Pa", "Le député a interpellé la ministre.",
              "https://www.lemonde.fr/sante/article/2026/12/01/depute-secpa.html")
    doc_id = db.execute("select id from documents where title like 'Le député interpelle%'").fetchone()[0]
    text = db.execute("select text from documents where id = ?", [doc_id]).fetchone()[0]
    start = text.index("Le député")
    database.replace_annotations(db, doc_id, [{"actor_id": "PA793452", "text": "Le député", "start": start,
                                               "end": start + len("Le député"), "rule": "test"}], [])
    db.close()
    result = _alert(config, "--requete", "Hendrik")
    assert "1 document envoyé" in result.output, result.output
    assert "Le député interpelle" in inbox.messages[0][2]["Subject"]


def test_an_alert_mail_carries_no_active_link_from_a_hostile_feed():
    from pipelines.alerts import Alert, alert_bodies, alert_subject

    alert = Alert("x", "Rist", ("a@b.example",), "daily")
    docs = [{"id": "d1", "title": "=HYPERLINK(\"javascript:alert(1)\") <b>titre</b>", "url": "javascript:alert(1)",
             "published": "2026-02-18T10:00:00+01:00", "kind": "press", "outlet": "Le Monde", "snippet": None}]
    text, html = alert_bodies(alert, docs, None, "veille@secpa.example")
    assert "javascript:" not in text and "javascript:" not in html and "<b>" not in html and "&lt;b&gt;" in html
    assert "Original" not in text and "Sur le site" not in text  # no public site, no safe original: no link
    assert alert_subject(alert, docs).startswith("Alerte « Rist » : 1 nouveau document")


def test_daily_cadence_sends_at_most_once_a_day(setup):
    config, inbox = setup
    from pipelines import db as database
    from pipelines.alerts import Alert, run_alert
    from pipelines.config import load_config

    loaded = load_config(config)
    alert = Alert("quotidienne", "SEC-Pa", ("equipe@secpa.example",), "daily")
    db = database.open_db(loaded.database)
    noon = datetime.now(timezone.utc).replace(microsecond=0)
    assert run_alert(db, loaded, alert, now=noon - timedelta(days=1))["status"] == "baseline"
    db.close()
    _add(config, "SEC-Pa : première", "Les SEC-Pa.", "https://www.lemonde.fr/a.html").close()
    db = database.open_db(loaded.database)
    assert run_alert(db, loaded, alert, now=noon)["status"] == "sent"
    db.close()
    _add(config, "SEC-Pa : seconde", "Les SEC-Pa encore.", "https://www.lemonde.fr/b.html").close()
    db = database.open_db(loaded.database)
    assert run_alert(db, loaded, alert, now=noon + timedelta(minutes=1))["status"] == "waiting"
    assert run_alert(db, loaded, alert, now=noon + timedelta(days=1))["status"] == "sent"
    assert len(inbox.messages) == 2


def test_configured_alerts_run_in_the_nightly_once_per_new_match(setup):
    from pipelines import db as database
    from pipelines.config import load_config
    from pipelines.nightly import NightlyOptions, step_alerts

    config, inbox = setup
    text = config.read_text(encoding="utf-8")
    config.write_text(text + '\n[[alerts]]\nname = "financement"\nquery = "financement"\ncadence = "immediate"\n',
                      encoding="utf-8")
    loaded = load_config(config)
    assert [(a.name, a.query, a.recipients, a.cadence) for a in loaded.alerts] == [
        ("financement", "financement", (), "immediate")]
    db = database.open_db(loaded.database)
    options = NightlyOptions(replay="", skip=(), digest="never", send=True)
    first = step_alerts(loaded, db, "run", "", options)
    assert first.status == "ok" and "créée" in first.summary and inbox.messages == []
    _add(config, "Les SEC-Pa obtiennent un financement pérenne", "Le financement des SEC-Pa est voté.",
         "https://www.lemonde.fr/sante/article/2026/12/01/secpa-financement.html").close()
    sent = step_alerts(loaded, db, "run", "", options)
    assert "1 document envoyé à equipe@secpa.example" in sent.summary and len(inbox.messages) == 1
    assert "rien de nouveau" in step_alerts(loaded, db, "run", "", options).summary and len(inbox.messages) == 1


def test_an_alert_entry_is_checked_when_the_config_loads(tmp_path):
    from pipelines.config import ConfigError, load_config

    config = fx.small_config(tmp_path)
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[[alerts]]\nname = "x"\nquery = "secpa"\ncadence = "hebdo"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"alerts\[0\]\.cadence"):
        load_config(config)
    config.write_text(config.read_text(encoding="utf-8").replace('cadence = "hebdo"', 'cadance = "daily"'),
                      encoding="utf-8")
    with pytest.raises(ConfigError, match="vouliez-vous dire « cadence »"):
        load_config(config)
