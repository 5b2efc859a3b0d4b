"""`veille digest --send` against a real SMTP server on loopback (aiosmtpd), and its failures."""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

import digest_fixtures as fx
from conftest import free_port


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd naming)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"veille", b"s3cret")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1 (free port) that requires a login."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), server_hostname="localhost",
                            authenticator=_authenticator, auth_exclude_mechanism=["LOGIN"],
                            auth_require_tls=False)
    controller.start()
    yield controller, inbox
    controller.stop()


def _setup(tmp_path, host="127.0.0.1", port=25, user="veille"):
    mail = f'[mail]\nhost = "{host}"\nport = {port}\ntls = "none"\nuser = "{user}"\nsender = "veille@secpa.example"\n' \
           f'recipients = ["equipe@secpa.example", "direction@secpa.example"]\nsubject_prefix = "[Veille SEC-Pa]"\n'
    config = fx.small_config(tmp_path)
    text = config.read_text(encoding="utf-8")
    text = text[:text.index("[mail]")] + mail + text[text.index("[nightly]"):]
    config.write_text(text, encoding="utf-8")
    fx.build(config).close()
    return config


def _digest(config, *args):
    from pipelines.cli import cli

    return CliRunner().invoke(cli, ["--config", str(config), "digest", "--week", "2026-W07", *args], obj={})


def test_the_mail_arrives_with_a_text_and_an_html_part(tmp_path, smtp, monkeypatch):
    controller, inbox = smtp
    monkeypatch.setenv("VEILLE_SMTP_PASSWORD", "s3cret")
    config = _setup(tmp_path, port=controller.port)
    result = _digest(config, "--send", "--format", "md")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Envoyé à equipe@secpa.example, direction@secpa.example."
    assert len(inbox.messages) == 1
    sender, recipients, message = inbox.messages[0]
    assert (sender, recipients) == ("veille@secpa.example", ["equipe@secpa.example", "direction@secpa.example"])
    assert message["Subject"] == ("[Veille SEC-Pa] La ministre chargée de la Santé s'engage à maintenir le financement "
                                  "des SEC-Pa jusqu'au… — semaine 2026-W07 ; 1 source en échec")  # the news, not counts
    assert message["List-Unsubscribe"] == "<mailto:veille@secpa.example?subject=desabonnement>"
    assert message.get_content_type() == "multipart/alternative"
    parts = [(p.get_content_type(), p.get_content_charset()) for p in message.iter_parts()]
    assert parts == [("text/plain", "utf-8"), ("text/html", "utf-8")]
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert text == (tmp_path / "digests" / "veille-2026-W07.md").read_text(encoding="utf-8")
    assert html == (tmp_path / "digests" / "veille-2026-W07.html").read_text(encoding="utf-8")
    assert "Pourquoi : « SECPA » (sigle)" in text and "<script" not in html
    from pipelines.db import open_db

    sends = list(open_db(tmp_path / "veille.db")["digest_sends"].rows)
    assert [(s["week"], s["status"]) for s in sends] == [("2026-W07", "sent")]


def test_a_wrong_password_is_one_line_and_keeps_the_files(tmp_path, smtp, monkeypatch):
    controller, inbox = smtp
    monkeypatch.setenv("VEILLE_SMTP_PASSWORD", "wrong")
    config = _setup(tmp_path, port=controller.port)
    result = _digest(config, "--send")
    assert result.exit_code == 1 and inbox.messages == []
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Erreur : envoi SMTP refusé par 127.0.0.1:{controller.port} : 535 ")
    assert line.endswith("veille-2026-W07.json")
    assert len(list((tmp_path / "digests").iterdir())) == 4


def test_a_closed_port_is_one_line_and_keeps_the_files(tmp_path, monkeypatch):
    monkeypatch.setenv("VEILLE_SMTP_PASSWORD", "s3cret")
    port = free_port()  # nothing listens there
    config = _setup(tmp_path, port=port)
    result = _digest(config, "--send")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Erreur : envoi SMTP impossible vers 127.0.0.1:{port} : [Errno 111] Connection refused ; "
                           "le résumé reste sur le disque : ")
    assert sorted(p.suffix for p in (tmp_path / "digests").iterdir()) == [".csv", ".html", ".json", ".md"]
    from pipelines.db import open_db

    [send] = open_db(tmp_path / "veille.db")["digest_sends"].rows
    assert send["status"] == "failed" and "Connection refused" in send["error"]


def test_a_missing_password_is_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("VEILLE_SMTP_PASSWORD", raising=False)
    config = _setup(tmp_path, port=free_port())
    result = _digest(config, "--send")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        "Erreur : envoi impossible (127.0.0.1:") and "définir la variable VEILLE_SMTP_PASSWORD" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--week", "2026-W99"], "Erreur : semaine inconnue '2026-W99' : l'année 2026 n'a pas de semaine 99"),
    (["--week", "hier"], "Erreur : semaine inconnue 'hier' : format attendu AAAA-Wnn, par exemple 2026-W07"),
    (["--format", "pdf"], "Erreur : format inconnu 'pdf' : formats possibles html, md, csv, json"),
])
def test_bad_week_or_format_is_a_one_line_error(tmp_path, args, message):
    from pipelines.cli import cli

    config = fx.small_config(tmp_path)
    result = CliRunner().invoke(cli, ["--config", str(config), "digest", *args], obj={})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]
    assert not (tmp_path / "digests").exists()


def test_bad_tls_setting_is_a_one_line_error(tmp_path):
    from pipelines.cli import cli

    config = fx.small_config(tmp_path, '')
    config.write_text(config.read_text(encoding="utf-8").replace('[mail]\n', '[mail]\ntls = "tls1.3"\n'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "digest", "--send"], obj={})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Erreur : {config}: mail.tls: une valeur parmi starttls, ssl, none attendue, pas 'tls1.3'"]


def test_a_bad_mail_port_stops_even_a_digest_that_is_not_sent(tmp_path):
    from pipelines.cli import cli

    config = fx.small_config(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace('[mail]\n', '[mail]\nport = "abc"\n'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "digest", "--week", "2026-W07"], obj={})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Erreur : {config}: mail.port: nombre entier attendu, pas 'abc'"]
    assert not (tmp_path / "digests").exists()


def test_a_misspelt_mail_key_is_refused_instead_of_leaving_mail_unconfigured(tmp_path):
    from pipelines.cli import cli

    config = fx.small_config(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace("recipients = [", "recipents = ["), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "digest", "--send"], obj={})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Erreur : {config}: mail.recipents: clé inconnue — vouliez-vous dire « recipients » ?"]
