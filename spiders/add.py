"""`veille add`: put a document received by hand (text, HTML, PDF or a mailed message,
`.eml`; file or URL) through the same matching and storage as a crawled one.

A message (RFC 5322, as mail programs save it) gives its subject as the title, its Date
header as the publication instant and its decoded body (quoted-printable, base64, any
charset; an HTML-only body goes through the article extraction). When the body is only a
cover note (« Veuillez trouver ci-joint… ») and a PDF is attached, the PDF is the document.
No address of the message (sender, recipients, forwarded headers) is kept in the text."""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import re
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from spiders.articles import _visible_text, charset_of, decode_html, extract_article
from spiders.dates import INSTANT, SourceDate, read_date, to_paris
from spiders.items import Document

MAX_BYTES = 50 * 1024 * 1024


class AddError(ValueError):
    """The document could not be read; the message says why, in one line."""


def fetch(location: str, user_agent: str, timeout: float) -> tuple[bytes, str, str]:
    """Bytes, content type and URL of a local file or an http(s) URL."""
    if location.startswith(("http://", "https://")):
        request = urllib.request.Request(location, headers={"User-Agent": user_agent})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    raise AddError(f"{location} : document trop gros (plus de {MAX_BYTES // 2**20} Mo), refusé")
                return body, response.headers.get("Content-Type", ""), response.url
        except OSError as exc:
            raise AddError(f"{location} : téléchargement impossible ({exc})") from None
    path = Path(location)
    if not path.is_file():
        raise AddError(f"{location} : fichier introuvable")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise AddError(f"{location} : fichier trop gros ({size / 2**20:.0f} Mo, limite {MAX_BYTES // 2**20} Mo), refusé")
    return path.read_bytes(), "", path.resolve().as_uri()


def is_binary(body: bytes) -> bool:
    """True for bytes that are not text (an executable, an image, random data): NUL bytes,
    or many control characters, in the first 8 KB."""
    head = body[:8192]
    if b"\x00" in head or head.startswith((b"MZ", b"\x7fELF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04")):
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05


def extract(body: bytes, content_type: str, name: str) -> tuple[str, str]:
    """(title, text) of a PDF, an HTML page or a plain-text file. PDF and HTML go through
    the article extraction of the press stage (charset repair, boilerplate removed)."""
    kind = content_type.split(";")[0].strip().lower()
    if body[:5] != b"%PDF-" and kind != "application/pdf" and is_binary(body):
        raise AddError(f"{name} : fichier binaire (ni texte, ni HTML, ni PDF, ni courriel), refusé")
    text, _ = decode_html(body, charset_of(content_type))
    is_html = kind in ("text/html", "application/xhtml+xml") or name.lower().endswith((".html", ".htm")) \
        or "<html" in text[:1000].lower()
    if body[:5] != b"%PDF-" and kind != "application/pdf" and not is_html:
        return "", text
    article = extract_article(body, name, content_type or ("text/html" if is_html else "application/pdf"),
                              max_bytes=MAX_BYTES)
    if not article.text and article.problem:
        raise AddError(f"{name} : {article.problem}")
    return article.title, article.text


# --- Mailed messages -------------------------------------------------------------------

COVER_NOTE_WORDS = 120  # a body shorter than this, with a PDF attached, only presents the PDF
ADDRESS_HEADERS = ("from", "sender", "reply-to", "to", "cc", "bcc", "return-path", "delivered-to",
                   "x-original-to", "resent-from", "resent-to", "disposition-notification-to")
_ADDRESS = re.compile(r"(?:mailto:)?[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
_SUBJECT_PREFIX = re.compile(r"^(?:\s*(?:tr|fwd?|re|réf|ref|rép|rep)\s*:\s*)+", re.IGNORECASE)
# A forwarded or quoted message's header block, as mail programs write it in the body: a
# separator line, then « De : … <adresse> », « Envoyé : … », « À : … », « Objet : … ».
_SEPARATOR = re.compile(r"^[ \t>]*(?:[-_]{2,}\s*)?(?:forwarded message|message transf[ée]r[ée]|original message|"
                        r"message d'origine|début du message réexpédié)\b.*$", re.IGNORECASE)
_QUOTED_HEADER = re.compile(r"^[ \t>]*(?:de|from|à|a|to|cc|cci|bcc|envoyé|envoyé le|sent|date|objet|subject|"
                            r"reply-to|répondre à)\s?:", re.IGNORECASE)
WITHHELD = "[adresse retirée]"


@dataclass
class MailedText:
    """What a message gave: title, text, the Date header and which part was read."""

    title: str
    text: str
    published: SourceDate | None
    part: str


def is_email(body: bytes, content_type: str, name: str) -> bool:
    """A saved message: `.eml`, `message/rfc822`, or bytes that open with mail headers
    (From: and one of Date:, Subject:, MIME-Version:, Received:, Message-ID:)."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "message/rfc822" or name.lower().endswith(".eml"):
        return True
    if kind in ("text/html", "application/pdf") or body[:5] == b"%PDF-":
        return False
    head = body[:16384].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    lines = head.split(b"\n")
    if not lines or not (_HEADER_LINE.match(lines[0]) or lines[0].startswith(b"From ")):
        return False
    names = {line.split(b":", 1)[0].strip().lower() for line in lines if _HEADER_LINE.match(line)}
    return b"from" in names and bool(names & {b"date", b"subject", b"mime-version", b"received", b"message-id"})


def read_email(body: bytes, name: str) -> MailedText:
    """Title, text, date and part of a saved message; raises AddError when nothing is readable."""
    message = email.message_from_bytes(body, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage objects
    found = _read_message(message, name)
    if not found.text.strip():
        raise AddError(f"{name} : courriel sans texte lisible (ni dans le message, ni en pièce jointe)")
    return found


def _read_message(message: EmailMessage, name: str) -> MailedText:
    title = _SUBJECT_PREFIX.sub("", " ".join(str(message.get("subject", "") or "").split()))
    addresses = _addresses(message)
    text, part = _body(message, name)
    text = _without_addresses(_without_forward_headers(text), addresses, everywhere=True)
    if len(text.split()) < COVER_NOTE_WORDS:
        for attachment in message.iter_attachments():
            if not isinstance(attachment, EmailMessage):
                continue
            filename = attachment.get_filename() or ""
            if attachment.get_content_type() == "message/rfc822":
                inner = attachment.get_payload()
                inner = inner[0] if isinstance(inner, list) and inner else inner
                if isinstance(inner, EmailMessage):
                    forwarded = _read_message(inner, name)
                    if forwarded.text.strip():
                        return MailedText(title or forwarded.title, forwarded.text,
                                          _date(message) or forwarded.published, f"message joint, {forwarded.part}")
            elif attachment.get_content_type() == "application/pdf" or filename.lower().endswith(".pdf"):
                data = attachment.get_payload(decode=True)
                if not isinstance(data, bytes):
                    continue
                with _quiet("pypdf"):  # a broken attachment is skipped, not logged in English
                    article = extract_article(data, filename or name, "application/pdf", max_bytes=MAX_BYTES)
                if article.text.strip():
                    return MailedText(title or article.title, _without_addresses(article.text, addresses),
                                      _date(message), f"PDF joint « {filename or 'sans nom'} »")
    return MailedText(title, text, _date(message), part)


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _body(message: EmailMessage, name: str) -> tuple[str, str]:
    """The text of the message body: the plain part, else the HTML part through the article
    extraction (its visible text when the extraction keeps nothing)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if not isinstance(part, EmailMessage):
        return "", "aucun texte"
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return "", "aucun texte"
    charset = part.get_content_charset() or ""
    if part.get_content_subtype() == "html":
        article = extract_article(data, name, f"text/html; charset={charset or 'utf-8'}", max_bytes=MAX_BYTES)
        text = article.text or _visible_text(decode_html(data, charset)[0])
        return text, "texte du message (HTML)"
    text, _ = decode_html(data, charset)
    return text.replace("\r\n", "\n"), "texte du message"


def _addresses(message: EmailMessage) -> set[str]:
    found: set[str] = set()
    for header in ADDRESS_HEADERS:
        for value in message.get_all(header, []) or []:
            found.update(match.removeprefix("mailto:").lower() for match in _ADDRESS.findall(str(value)))
    return found


def _without_forward_headers(text: str) -> str:
    """`text` without the header blocks of forwarded or quoted messages: a block is a run of
    header-like lines that follows a separator line or holds an address; a lone « Date : »
    line of a communiqué stays."""
    lines = text.split("\n")
    drop = [bool(_SEPARATOR.match(line)) for line in lines]
    if True in drop:  # a forwarded message: the forwarder's note before it is not the document
        first = drop.index(True)
        if len(" ".join(lines[first:]).split()) > len(" ".join(lines[:first]).split()):
            drop[:first] = [True] * first
    index = 0
    while index < len(lines):
        if not _QUOTED_HEADER.match(lines[index]):
            index += 1
            continue
        end = index
        while end < len(lines) and _QUOTED_HEADER.match(lines[end]):
            end += 1
        block = lines[index:end]
        after_separator = index > 0 and drop[index - 1]
        if after_separator or any(_ADDRESS.search(line) for line in block):
            drop[index:end] = [True] * (end - index)
        index = end
    return "\n".join(line for line, dropped in zip(lines, drop) if not dropped)


def _without_addresses(text: str, addresses: set[str], everywhere: bool = False) -> str:
    """`text` with the message's addresses withheld (all addresses when `everywhere`: the body
    of a mail is private correspondence, a PDF communiqué is a public document)."""
    def withhold(match: re.Match[str]) -> str:
        address = match.group(0).removeprefix("mailto:").lower()
        return WITHHELD if everywhere or address in addresses else match.group(0)

    cleaned = _ADDRESS.sub(withhold, text)
    cleaned = re.sub(r"<\s*" + re.escape(WITHHELD) + r"\s*>", WITHHELD, cleaned)
    return re.sub(r"\n{3,}", "\n\n", cleaned).strip()


def _date(message: EmailMessage) -> SourceDate | None:
    header = message.get("date")
    moment = getattr(header, "datetime", None) if header is not None else None
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:  # "-0000": UTC, zone unknown (RFC 5322 § 3.3)
        moment = moment.replace(tzinfo=timezone.utc)
    return SourceDate(to_paris(moment), INSTANT)


def build_document(location: str, body: bytes, content_type: str, url: str, *, title: str | None,
                   published: str | None, source: str, kind: str) -> Document:
    """The `Document` for a file, page or message added by hand (id from its content hash)."""
    mailed: MailedText | None = None
    if is_email(body, content_type, location):
        if is_binary(body):
            raise AddError(f"{location} : fichier binaire (ni texte, ni HTML, ni PDF, ni courriel), refusé")
        mailed = read_email(body, location)
        found_title, text = mailed.title, mailed.text
    else:
        found_title, text = extract(body, content_type, location)
    if not text.strip():
        raise AddError(f"{location} : aucun texte lisible")
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    date = (read_date(published) if published else
            (mailed.published if mailed and mailed.published else SourceDate(datetime.now(timezone.utc), INSTANT)))
    if date is None:
        raise AddError(f"--published « {published} » : date illisible (AAAA-MM-JJ ou JJ/MM/AAAA attendu)")
    extra: dict[str, str] = {"added_from": location}
    if mailed:
        extra["email"] = mailed.part
    return Document(
        source=source,
        kind=kind,
        url=url,
        title=title or found_title or first_line[:200] or Path(location).name,
        published=date.moment,
        published_precision=date.precision,  # --published 2026-03-03 is the day 3 March, not a time
        text=text,
        access="full",
        id=f"{kind}-{hashlib.sha1(body).hexdigest()[:16]}",
        extra=extra,
    )
