"""`veille add`: put a document received by hand (text, HTML or PDF; file or URL) through
the same matching and storage as a crawled one."""

from __future__ import annotations

import hashlib
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from spiders.articles import charset_of, decode_html, extract_article
from spiders.dates import INSTANT, SourceDate, read_date
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
        raise AddError(f"{name} : fichier binaire (ni texte, ni HTML, ni PDF), refusé")
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


def build_document(location: str, body: bytes, content_type: str, url: str, *, title: str | None,
                   published: str | None, source: str, kind: str) -> Document:
    """The `Document` for a file or page added by hand (id from its content hash)."""
    found_title, text = extract(body, content_type, location)
    if not text.strip():
        raise AddError(f"{location} : aucun texte lisible")
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    date = read_date(published) if published else SourceDate(datetime.now(timezone.utc), INSTANT)
    if date is None:
        raise AddError(f"--published {published!r} : date illisible (attendu AAAA-MM-JJ)")
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
        extra={"added_from": location},
    )
