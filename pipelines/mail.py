"""Sending the digest by e-mail: one multipart/alternative message (plain text + HTML).

SMTP host, port, TLS mode (starttls, ssl, none) and user come from [mail] in veille.toml;
the password only from the environment ($VEILLE_SMTP_PASSWORD by default). The server's
certificate is always verified (name included): against the system trust store, or only
against [mail] ca_file (a PEM bundle, e.g. a self-signed server certificate) when it is set. Any failure is a
`MailError` with a one-line French message; the caller keeps the digest files on disk.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from pipelines.config import MailSettings


class MailError(RuntimeError):
    """Sending failed; the message is one line naming the server and the cause."""


def build_message(settings: MailSettings, subject: str, text: str, html: str,
                  unsubscribe: bool = False) -> EmailMessage:
    """A multipart/alternative message: the plain-text part first, the HTML part last; with
    `unsubscribe`, a List-Unsubscribe header asking the sender by mail (the text says how too)."""
    message = EmailMessage()
    message["Subject"] = f"{settings.subject_prefix} {subject}".strip()
    message["From"] = settings.sender or settings.user or "veille@localhost"
    message["To"] = ", ".join(settings.recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="veille.local")
    sender = settings.sender or settings.user
    if unsubscribe and "@" in sender:
        message["List-Unsubscribe"] = f"<mailto:{sender}?subject=desabonnement>"
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def send_message(settings: MailSettings, message: EmailMessage) -> list[str]:
    """Send over SMTP; return the recipients accepted. Raise `MailError` on any failure."""
    where = f"{settings.host}:{settings.port}"
    if not settings.configured:
        raise MailError("envoi impossible : [mail] host et recipients doivent être renseignés dans veille.toml")
    password = os.environ.get(settings.password_env, "")
    if settings.user and not password:
        raise MailError(f"envoi impossible ({where}) : mot de passe absent, définir la variable {settings.password_env}")
    context = tls_context(settings) if settings.tls in ("ssl", "starttls") else None
    smtp: smtplib.SMTP
    try:
        if settings.tls == "ssl":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, local_hostname=_helo_name(settings),
                                    timeout=settings.timeout, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, local_hostname=_helo_name(settings),
                                timeout=settings.timeout)
        with smtp:
            if settings.tls == "starttls":
                smtp.starttls(context=context)
            if settings.user:
                smtp.login(settings.user, password)
            refused = smtp.send_message(message)
    except smtplib.SMTPException as exc:
        raise MailError(f"envoi SMTP refusé par {where} : {_one_line(exc)}") from None
    except ssl.SSLCertVerificationError as exc:
        detail = exc.verify_message or _one_line(exc)
        reason = (f"établi pour un autre nom que {settings.host}" if "mismatch" in detail
                  else _VERIFY_REASONS.get(detail, detail))
        trust = f"[mail] ca_file ({settings.ca_file})" if settings.ca_file else "le magasin de certificats du système"
        raise MailError(f"envoi SMTP impossible vers {where} : certificat du serveur refusé ({reason}), "
                        f"vérifié avec {trust}") from None
    except (OSError, ssl.SSLError) as exc:
        raise MailError(f"envoi SMTP impossible vers {where} : {_one_line(exc)}") from None
    return [r for r in settings.recipients if r not in refused]


def tls_context(settings: MailSettings) -> ssl.SSLContext:
    """A verifying client context: [mail] ca_file alone when set, else the system trust store."""
    if settings.ca_file is None:
        return ssl.create_default_context()
    where = f"{settings.host}:{settings.port}"
    if not settings.ca_file.is_file():
        raise MailError(f"envoi impossible ({where}) : [mail] ca_file introuvable : {settings.ca_file}")
    try:
        return ssl.create_default_context(cafile=str(settings.ca_file))
    except (ssl.SSLError, ValueError, OSError) as exc:
        raise MailError(f"envoi impossible ({where}) : [mail] ca_file illisible (certificats PEM attendus) : "
                        f"{settings.ca_file} : {_one_line(exc)}") from None


_VERIFY_REASONS = {
    "self-signed certificate": "certificat auto-signé non reconnu",
    "self signed certificate": "certificat auto-signé non reconnu",
    "self-signed certificate in certificate chain": "autorité auto-signée non reconnue",
    "unable to get local issuer certificate": "autorité de certification inconnue",
    "certificate has expired": "certificat expiré",
    "certificate is not yet valid": "certificat pas encore valide",
}


def _helo_name(settings: MailSettings) -> str:
    """The EHLO name: the sender's domain (avoids smtplib's slow reverse DNS lookup)."""
    domain = (settings.sender or settings.user).rpartition("@")[2]
    return domain or "localhost"


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {detail}".replace("\n", " ").strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "destinataires refusés : " + ", ".join(exc.recipients)
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())
