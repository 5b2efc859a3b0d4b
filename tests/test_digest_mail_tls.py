"""`veille digest --send` over real TLS on loopback: STARTTLS and implicit TLS (SMTPS) with
aiosmtpd, a self-signed certificate made in the test, AUTH only over TLS, and the client
verifying the certificate ([mail] ca_file) or refusing it in one line."""

import datetime
import email
import email.policy
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import digest_fixtures as fx
from conftest import free_port

RECIPIENTS = ["equipe@secpa.example", "direction@secpa.example"]


def make_certificate(folder, name="serveur", hosts=("localhost",), ips=("127.0.0.1",)):
    """A self-signed certificate (its own CA) for `hosts`/`ips`; return (cert path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"veille test {name}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    names = [x509.DNSName(h) for h in hosts] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    public = key.public_key()
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def server_context(cert_path, key_path) -> ssl.SSLContext:
    """The server side of TLS, with the test certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


class Inbox:
    """aiosmtpd handler keeping every message with the TLS version and login it arrived with."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd naming)
        tls = server.transport.get_extra_info("ssl_object")
        self.messages.append({"tls": tls.version() if tls else None, "login": session.auth_data if session.authenticated else None,
                              "from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "message": email.message_from_bytes(envelope.content, policy=email.policy.default)})
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"veille", b"s3cret")
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


class ImplicitTLSSMTP(SMTP):
    """aiosmtpd 1.4.6 only counts STARTTLS as TLS, so with auth_require_tls it refuses AUTH on an
    SMTPS connection (aio-libs/aiosmtpd#281): mark a connection that arrived already encrypted."""

    def connection_made(self, transport):
        super().connection_made(transport)
        if transport.get_extra_info("ssl_object") is not None and self._tls_protocol is None:
            self._tls_protocol = transport.get_extra_info("ssl_object")


class SMTPSController(Controller):
    """A Controller whose sessions use `ImplicitTLSSMTP`."""

    def factory(self):
        return ImplicitTLSSMTP(self.handler, **self.SMTP_kwargs)


AUTH = {"authenticator": _authenticator, "auth_required": True, "auth_require_tls": True,
        "auth_exclude_mechanism": ["LOGIN"]}


@pytest.fixture
def certificate(tmp_path):
    """(cert, key) of a self-signed certificate for localhost / 127.0.0.1."""
    return make_certificate(tmp_path)


@pytest.fixture
def starttls_server(certificate):
    """Plain SMTP that requires STARTTLS before anything else, and AUTH over TLS."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), server_hostname="localhost",
                            tls_context=server_context(*certificate), require_starttls=True, **AUTH)
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def smtps_server(certificate):
    """SMTPS: TLS from the first byte, AUTH required."""
    inbox = Inbox()
    controller = SMTPSController(inbox, hostname="127.0.0.1", port=free_port(), server_hostname="localhost",
                                 ssl_context=server_context(*certificate), **AUTH)
    controller.start()
    yield controller, inbox
    controller.stop()


def _setup(tmp_path, port, tls, ca_file=None):
    mail = (f'[mail]\nhost = "127.0.0.1"\nport = {port}\ntls = "{tls}"\nuser = "veille"\n'
            f'sender = "veille@secpa.example"\nrecipients = {RECIPIENTS!r}\nsubject_prefix = "[Veille SEC-Pa]"\n'.replace("'", '"'))
    if ca_file is not None:
        mail += f'ca_file = "{ca_file}"\n'
    config = fx.small_config(tmp_path)
    text = config.read_text(encoding="utf-8")
    config.write_text(text[:text.index("[mail]")] + mail + text[text.index("[nightly]"):], encoding="utf-8")
    fx.build(config).close()
    return config


def _digest(config, *args):
    from pipelines.cli import cli

    return CliRunner().invoke(cli, ["--config", str(config), "digest", "--week", "2026-W07", *args], obj={})


def _sends(tmp_path):
    from pipelines.db import open_db

    return [(s["status"], s["error"]) for s in open_db(tmp_path / "veille.db")["digest_sends"].rows]


@pytest.mark.parametrize("mode, server", [("starttls", "starttls_server"), ("ssl", "smtps_server")])
def test_the_mail_arrives_over_tls_with_a_verified_certificate(tmp_path, certificate, mode, server, request, monkeypatch):
    controller, inbox = request.getfixturevalue(server)
    monkeypatch.setenv("VEILLE_SMTP_PASSWORD", "s3cret")
    config = _setup(tmp_path, controller.port, mode, ca_file=certificate[0].name)  # relative to veille.toml
    result = _digest(config, "--send", "--format", "md")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Envoyé à equipe@secpa.example, direction@secpa.example."
    [received] = inbox.messages
    assert received["tls"] in ("TLSv1.2", "TLSv1.3") and received["login"] == b"veille"
    assert (received["from"], received["to"]) == ("veille@secpa.example", RECIPIENTS)
    message = received["message"]
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert text == (tmp_path / "digests" / "veille-2026-W07.md").read_text(encoding="utf-8")
    assert html == (tmp_path / "digests" / "veille-2026-W07.html").read_text(encoding="utf-8")
    assert _sends(tmp_path) == [("sent", None)]


def test_no_password_goes_over_a_plain_session(tmp_path, starttls_server, monkeypatch):
    """tls = "none" against this server: AUTH is not offered in clear, smtplib does not send the password."""
    controller, inbox = starttls_server
    monkeypatch.setenv("VEILLE_SMTP_PASSWORD", "s3cret")
    result = _digest(_setup(tmp_path, controller.port, "none"), "--send")
    assert result.exit_code == 1 and inbox.messages == []
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Erreur : envoi SMTP refusé par 127.0.0.1:{controller.port} : SMTP AUTH extension not supported by server. ; ")


@pytest.mark.parametrize("mode, server, trust, reason", [
    ("starttls", "starttls_server", None, "certificat auto-signé non reconnu"),
    ("ssl", "smtps_server", "autre", "certificat auto-signé non reconnu"),
    ("starttls", "starttls_server", "autre-nom", "établi pour un autre nom que 127.0.0.1"),
])
def test_an_untrusted_certificate_is_one_line_and_keeps_the_files(tmp_path, mode, server, trust, reason, request, monkeypatch):
    controller, inbox = request.getfixturevalue(server)
    monkeypatch.setenv("VEILLE_SMTP_PASSWORD", "s3cret")
    ca_file = None
    if trust == "autre":  # another self-signed certificate: not the one the server shows
        ca_file = make_certificate(tmp_path, "autre")[0]
    elif trust == "autre-nom":  # the server presents a trusted certificate made for other names
        ca_file, key = make_certificate(tmp_path, "autre-nom", hosts=("smtp.secpa.example",), ips=())
        controller.SMTP_kwargs["tls_context"] = server_context(ca_file, key)
    config = _setup(tmp_path, controller.port, mode, ca_file=ca_file)
    result = _digest(config, "--send")
    assert result.exit_code == 1 and inbox.messages == []
    [line] = result.stderr.splitlines()
    trusted_with = f"[mail] ca_file ({ca_file})" if ca_file else "le magasin de certificats du système"
    assert line.startswith(f"Erreur : envoi SMTP impossible vers 127.0.0.1:{controller.port} : certificat du serveur "
                           f"refusé ({reason}), vérifié avec {trusted_with} ; le résumé reste sur le disque : "), line
    assert sorted(p.suffix for p in (tmp_path / "digests").iterdir()) == [".csv", ".html", ".json", ".md"]
    [(status, error)] = _sends(tmp_path)
    assert status == "failed" and reason in error


def test_a_missing_ca_file_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("VEILLE_SMTP_PASSWORD", "s3cret")
    port = free_port()
    config = _setup(tmp_path, port, "starttls", ca_file="certs/absent.pem")
    result = _digest(config, "--send")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Erreur : envoi impossible (127.0.0.1:{port}) : [mail] ca_file introuvable : "
                           f"{tmp_path / 'certs' / 'absent.pem'} ; le résumé reste sur le disque : ")
