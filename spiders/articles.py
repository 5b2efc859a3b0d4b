"""Article pages: text, author, date and canonical URL, and the access the page gives.

`extract_article` is pure (bytes in, `Article` out): it decodes the page (a wrong or
missing charset is corrected and noted), reads a PDF served as HTML, extracts the main
text with trafilatura (comments excluded, dates bounded by today through htmldate) and
flags the access: "full", "paywall" (only the visible teaser is kept), "teaser" (no usable
article text) or "blocked" (consent wall, anti-bot page, Google redirect page). A blocked
page never yields text. `apply_article` puts the result on the feed's `Document`.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TypedDict
from urllib.parse import urlsplit

import trafilatura
from lxml import html as lxml_html

from nlp.text import fold
from spiders.dates import parse_date
from spiders.items import Document

MAX_PAGE_BYTES = 5 * 1024 * 1024
MIN_TEXT_CHARS = 200
GOOGLE_HOSTS = ("news.google.com", "consent.google.com", "consent.youtube.com")

# Folded (lower case, no accents) phrases; see research/press.md §4 (paywalls, consent walls).
PAYWALL_PHRASES = (
    "la suite est reservee aux abonnes",
    "cet article est reserve aux abonnes",
    "la suite de cet article est reservee",
    "abonnez-vous pour lire la suite",
    "pour lire la suite de cet article",
    "il vous reste",  # "Il vous reste 78 % de cet article à lire" (checked with the regex below)
)
SUBSCRIBE_PHRASES = ("s'abonner", "deja abonne", "se connecter", "abonnez-vous", "offre d'abonnement")
_LEFT_TO_READ = re.compile(r"il vous reste \d+ ?% de cet article a lire")
_NOT_FREE = re.compile(r'"isaccessibleforfree"\s*:\s*"?(false|no)"?', re.I)
CONSENT_PHRASES = (
    "before you continue", "avant d'acceder a", "vos choix concernant les cookies",
    "accepter et continuer", "continuer sans accepter", "nous et nos partenaires",
    "gerer mes choix", "parametrer les cookies", "consentement", "accepter les cookies",
    "refuser et s'abonner", "tout accepter",
)
BLOCK_PHRASES = (
    "just a moment", "attention required! | cloudflare", "checking your browser",
    "captcha-delivery.com", "please enable js and disable any ad blocker", "access denied",
    "vous avez ete bloque", "acces refuse", "are you a robot", "verification que vous etes humain",
)


@dataclass
class Article:
    """What an article page gave: access flag, text and metadata, and any problem."""

    access: str
    text: str = ""
    title: str = ""
    author: str = ""
    published: datetime | None = None
    canonical_url: str = ""
    problem: str = ""
    notes: list[str] = field(default_factory=list)


class _PageMeta(TypedDict):
    """The metadata fields of an `Article`, shared by every access flag."""

    title: str
    author: str
    published: datetime | None
    canonical_url: str
    notes: list[str]


def extract_article(body: bytes, url: str, content_type: str = "", status: int = 200,
                    today: datetime | None = None, max_bytes: int = MAX_PAGE_BYTES) -> Article:
    """Extract the article of one fetched page and flag its access (never raises)."""
    host = (urlsplit(url).hostname or "").lower()
    if host in GOOGLE_HOSTS:
        return Article("blocked", problem=f"page Google ({host}) : redirection ou consentement, jamais enregistrée")
    if status >= 400:
        return Article("blocked", problem=f"HTTP {status} : page de blocage ou accès refusé")
    if len(body) > max_bytes:
        return Article("teaser", problem=f"page trop lourde ({len(body) / 1e6:.1f} Mo, limite {max_bytes / 1e6:.0f} Mo)")
    if body.lstrip()[:5] == b"%PDF-":
        return _pdf_article(body, content_type)
    page, notes = decode_html(body, charset_of(content_type))
    if not page.strip():
        return Article("teaser", problem="page vide", notes=notes)
    today = today or datetime.now(timezone.utc)
    try:
        result = trafilatura.bare_extraction(
            page, url=url, include_comments=False, with_metadata=True, include_tables=True,
            date_extraction_params={"max_date": today.strftime("%Y-%m-%d"), "extensive_search": True,
                                    "original_date": True},
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        return Article("teaser", problem=f"page illisible ({type(exc).__name__})", notes=notes)
    assert not isinstance(result, dict)  # as_dict=False: a trafilatura Document or None
    text = (result.text if result else "") or ""
    visible = _visible_text(page)
    folded_text, folded_page = fold(text), fold(visible)
    if _is_blocked(folded_page, len(text)):
        return Article("blocked", problem="page anti-robot : aucun texte enregistré", notes=notes)
    if _is_consent_wall(folded_text, folded_page, len(_strip_lines(text, CONSENT_PHRASES))):
        return Article("blocked", problem="mur de consentement aux cookies : aucun texte enregistré", notes=notes)
    meta: _PageMeta = {
        "title": (result.title if result else "") or "",
        "author": _author(page, (result.author if result else "") or ""),
        "published": _published(page, result.date if result else None, today),
        "canonical_url": (result.url if result else "") or "",
        "notes": notes,
    }
    if _is_paywalled(page, folded_page):
        teaser = _strip_lines(text, PAYWALL_PHRASES + CONSENT_PHRASES + SUBSCRIBE_PHRASES)
        return Article("paywall", text=teaser, problem="article réservé aux abonnés : seul le début est lu", **meta)
    text = _strip_lines(text, CONSENT_PHRASES)
    if not text.strip():
        return Article("teaser", problem="aucun texte d'article dans la page", **meta)
    if len(text) < MIN_TEXT_CHARS:
        return Article("teaser", problem=f"aucun texte d'article dans la page ({len(text)} caractères seulement)", **meta)
    return Article("full", text=text, **meta)


def apply_article(doc: Document, article: Article, final_url: str = "") -> Document:
    """The feed's document completed by its page: article text (never from a blocked
    page), access flag, missing author and date, canonical and final URLs as aliases."""
    aliases = list(doc.aliases)
    for url in (final_url, article.canonical_url):
        if url and url != doc.url and url not in aliases and same_site(url, doc.url):
            aliases.append(url)
    extra = dict(doc.extra)
    if article.problem:
        extra["article_problem"] = article.problem
    if article.notes:
        extra["article_notes"] = article.notes
    if article.title and article.title != doc.title:
        extra["page_title"] = article.title
    keep_text = article.access in ("full", "paywall")
    return replace(
        doc,
        text=article.text if keep_text else "",
        access=article.access,
        author=doc.author or article.author,
        published=doc.published or article.published,
        aliases=aliases,
        extra=extra,
    )


def same_site(a: str, b: str) -> bool:
    """True when two URLs are on the same site (ignoring www., m. and amp. prefixes)."""
    def site(url: str) -> str:
        host = (urlsplit(url).hostname or "").lower()
        return re.sub(r"^(www|m|mobile|amp)\.", "", host)
    return site(a) == site(b) and bool(site(a))


def decode_html(body: bytes, declared: str = "") -> tuple[str, list[str]]:
    """Decode a page whatever its declared charset says; return (text, notes).

    Valid UTF-8 wins (a Latin-1 French text is almost never valid UTF-8); otherwise the
    declared charset if the bytes fit it, else Windows-1252 (what browsers do)."""
    declared = (declared or _meta_charset(body)).lower().strip()
    notes: list[str] = []
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        text = body.decode("utf-8")
        if declared and declared not in ("utf-8", "utf8", "us-ascii", "ascii"):
            notes.append(f"charset déclaré {declared}, contenu lu en utf-8")
        return text, notes
    except UnicodeDecodeError:
        pass
    if declared and declared not in ("utf-8", "utf8"):
        encoding = "cp1252" if declared in ("iso-8859-1", "latin-1", "latin1", "iso8859-1") else declared
        try:
            return body.decode(encoding), notes
        except (UnicodeDecodeError, LookupError):
            pass
    notes.append(f"charset déclaré {declared} incorrect, contenu lu en windows-1252" if declared
                 else "charset non déclaré, contenu lu en windows-1252")
    return body.decode("cp1252", errors="replace"), notes


def charset_of(content_type: str) -> str:
    """The charset declared in a Content-Type header ("" when none)."""
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.I)
    return match.group(1) if match else ""


def _meta_charset(body: bytes) -> str:
    match = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", body[:4096], re.I)
    return match.group(1).decode("ascii", "replace") if match else ""


def _pdf_article(body: bytes, content_type: str) -> Article:
    from pypdf import PdfReader

    note = "PDF servi comme page HTML" if "html" in content_type.lower() else "document PDF"
    try:
        reader = PdfReader(io.BytesIO(body))
        text = "\n".join((page.extract_text() or "") for page in reader.pages).strip()
        title = (reader.metadata.title if reader.metadata else None) or ""
    except Exception as exc:  # pypdf raises many types on broken files
        return Article("teaser", problem=f"{note}, illisible ({type(exc).__name__})", notes=[note])
    if not text:
        return Article("teaser", problem=f"{note}, sans texte (scan ?)", notes=[note])
    return Article("full", text=text, title=title, notes=[note])


def _visible_text(page: str) -> str:
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    for element in tree.xpath("//script|//style|//noscript|//template"):
        if element.tag == "script" and "ld+json" in (element.get("type") or ""):
            continue
        element.drop_tree()
    return " ".join(tree.text_content().split())


def _is_blocked(folded_page: str, text_chars: int) -> bool:
    return text_chars < 1000 and len(folded_page) < 5000 and any(p in folded_page for p in BLOCK_PHRASES)


def _is_consent_wall(folded_text: str, folded_page: str, text_chars: int) -> bool:
    """Consent wording on the page or in the extracted text, and almost no text once the
    consent lines are removed (an article under a cookie banner keeps its text)."""
    in_page = sum(p in folded_page for p in CONSENT_PHRASES)
    in_text = sum(p in folded_text for p in CONSENT_PHRASES)
    return (in_text >= 1 and text_chars < 400) or (text_chars == 0 and in_page >= 2)


_META_AUTHOR = re.compile(r"""<meta\s+name=["']author["']\s+content="([^"]+)"|<meta\s+name=["']author["']\s+content='([^']+)'""", re.I)


def _author(page: str, found: str) -> str:
    """The author trafilatura found, unless it is only a cut-off start of the page's own
    <meta name="author"> (trafilatura cuts names at an apostrophe: "L'Est…" gives "L")."""
    match = _META_AUTHOR.search(page)
    declared = html.unescape(next((g for g in match.groups() if g), "")).strip() if match else ""
    if declared and (not found or (declared.startswith(found) and len(found) < len(declared))):
        return declared
    return found


def _is_paywalled(page: str, folded_page: str) -> bool:
    if _NOT_FREE.search(page):
        return True
    return bool(_LEFT_TO_READ.search(folded_page)) or any(p in folded_page for p in PAYWALL_PHRASES[:5])


def _strip_lines(text: str, phrases: tuple[str, ...]) -> str:
    lines = [line for line in text.splitlines() if not any(p in fold(line) for p in phrases)
             and not _LEFT_TO_READ.search(fold(line))]
    return "\n".join(lines).strip()


def _published(page: str, day: str | None, today: datetime) -> datetime | None:
    """Full timestamp from JSON-LD or article:published_time, else htmldate's day;
    never after today."""
    candidates = re.findall(r'"datePublished"\s*:\s*"([^"]+)"', page)
    candidates += re.findall(r'<meta[^>]+property="article:published_time"[^>]+content="([^"]+)"', page)
    candidates.append(day or "")
    limit = today if today.tzinfo else today.replace(tzinfo=timezone.utc)
    for value in candidates:
        parsed = parse_date(value)
        if parsed and parsed <= limit:
            return parsed
    return None
