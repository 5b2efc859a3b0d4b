"""Article pages: text, author, date and canonical URL, and the access the page gives.

`extract_article` is pure (bytes in, `Article` out): it decodes the page (a wrong or
missing charset is corrected and noted), reads a PDF served as HTML, extracts the main
text with trafilatura (comments excluded, dates bounded by today through htmldate) and
flags the access: "full", "paywall" (only the visible teaser is kept), "teaser" (no usable
article text, or a page that needs JavaScript: template placeholders such as
`{{rubedo.current.page.title}}`, a CMS editor title, a canonical that is the site root) or
"blocked" (consent wall, anti-bot page, Google redirect page). A blocked page never yields
text. Consent managers' banners (Didomi, Sirdata, OneTrust, Quantcast...) are removed before
extraction, so their text is never taken for the article.

The page's date is read from what the page declares, in this order: JSON-LD
(`datePublished` of the article), `<time itemprop="datePublished">` and other microdata,
Open Graph / meta dates (`article:published_time`...), and only then htmldate's heuristic
day. The time of day and the precision are kept (`Article.published_precision`).
`apply_article` puts the result on the feed's `Document`.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TypedDict
from urllib.parse import urlsplit

import trafilatura
from lxml import html as lxml_html

from nlp.text import fold
from spiders.dates import DAY, INSTANT, SourceDate, read_date, to_paris
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
    "la lecture des articles est reservee aux abonnes",  # Mediapart
    "il vous reste",  # "Il vous reste 82.23% de cet article à lire" (checked with the regex below)
)
SUBSCRIBE_PHRASES = ("s'abonner", "deja abonne", "se connecter", "abonnez-vous", "offre d'abonnement")
# Le Monde: "Il vous reste 78 % de cet article à lire." and, with decimals, "Il vous reste
# 82.23% de cet article à lire."; Le Figaro: "Il vous reste 85 % à découvrir."
_LEFT_TO_READ = re.compile(r"il vous reste \d+(?:[.,]\d+)?[\s\u00a0\u202f]?%\s*(?:de cet article\s*)?a (?:lire|decouvrir)")
_NOT_FREE = re.compile(r'"isaccessibleforfree"\s*:\s*"?(false|no)"?', re.I)
CONSENT_PHRASES = (
    "before you continue", "avant d'acceder a", "vos choix concernant les cookies",
    "accepter et continuer", "continuer sans accepter", "nous et nos partenaires",
    "gerer mes choix", "parametrer les cookies", "consentement", "accepter les cookies",
    "refuser et s'abonner", "tout accepter",
    "avec votre accord, nos partenaires et nous",  # Didomi's French notice
    "vous pouvez modifier vos choix a tout moment",
)
# Containers of consent managers' banners (ids and classes as the managers render them).
CONSENT_CONTAINERS = re.compile(
    r"^(didomi-(host|popup|notice|popup-container|consent-popup)|onetrust-(consent-sdk|banner-sdk|pc-sdk)"
    r"|sd-cmp|sirdata-cmp|qc-cmp2-(container|ui)|cmp-container|truste-consent-track|CybotCookiebotDialog"
    r"|usercentrics-root|sp_message_container_\d+)$", re.I)
# Titles of pages served before their JavaScript ran, or by a CMS's editor.
JS_TITLES = ("modification de page en cours",)
_TEMPLATE = re.compile(r"\{\{\s*[\w$]+(?:\.[\w$]+|\s*\|[^{}]*|\s*\*[^{}]*)+\s*\}\}")
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
    published_precision: str = ""
    published_from: str = ""


class _PageMeta(TypedDict):
    """The metadata fields of an `Article`, shared by every access flag."""

    title: str
    author: str
    published: datetime | None
    published_precision: str
    published_from: str
    canonical_url: str
    notes: list[str]


JS_PROBLEM = "page à rendre en JavaScript"


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
    page = _without_consent_managers(page)
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
    dated = page_date(page, result.date if result else None, today)
    meta: _PageMeta = {
        "title": (result.title if result else "") or "",
        "author": _author(page, (result.author if result else "") or ""),
        "published": dated[0].moment if dated else None,
        "published_precision": dated[0].precision if dated else "",
        "published_from": dated[1] if dated else "",
        "canonical_url": (result.url if result else "") or "",
        "notes": notes,
    }
    javascript = needs_javascript(page, visible, url, meta["canonical_url"], meta["title"])
    if javascript:
        meta["canonical_url"] = ""  # the root a template points at names no article
        return Article("teaser", problem=f"{JS_PROBLEM} ({javascript})", **meta)
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
    published, precision = doc.published, doc.published_precision
    if article.published and (published is None or _finer(article, published, precision)):
        published, precision = article.published, article.published_precision
        if article.published_from:
            extra["published_from"] = f"page ({article.published_from})"
    return replace(
        doc,
        text=article.text if keep_text else "",
        access=article.access,
        author=doc.author or article.author,
        published=published,
        published_precision=precision,
        aliases=aliases,
        extra=extra,
    )


def _finer(article: Article, published: datetime, precision: str) -> bool:
    """True when the page dates the same Paris day (or month) more finely than the feed or
    listing did: a listing's « 18 février 2026 » and the page's 18 February 09:00."""
    if article.published is None or precision == INSTANT or article.published_precision != INSTANT:
        return False
    page_day, given = to_paris(article.published).date(), to_paris(published).date()
    return page_day == given if precision == DAY else (page_day.year, page_day.month) == (given.year, given.month)


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


def page_date(page: str, heuristic_day: str | None, today: datetime) -> tuple[SourceDate, str] | None:
    """The page's publication date and where it was read: "json-ld" (the article's
    `datePublished`), "microdonnées" (`<time itemprop="datePublished">`), "meta" (Open Graph
    `article:published_time` and other meta tags), other microdata, else "htmldate"
    (trafilatura's heuristic, a day only); never after today."""
    limit = today if today.tzinfo else today.replace(tzinfo=timezone.utc)
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        tree = None
    groups = [("json-ld", _json_ld_dates(page, tree))]
    if tree is not None:
        groups.append(("microdonnées", [el.get("datetime") or el.text_content()
                                         for el in tree.xpath('//time[@itemprop="datePublished"]')]))
        groups.append(("meta", [el.get("content") for el in tree.xpath("//meta[@content]")
                                if (el.get("property") or el.get("name") or "").lower() in _META_DATES]))
        # Other microdata last: some CMSs fill a <meta itemprop="datePublished"> with the
        # date of the last edit (Madame Figaro: 2020 for an article of 2017).
        groups.append(("microdonnées", [el.get("content") or el.get("datetime") or el.text_content()
                                         for el in tree.xpath('//*[@itemprop="datePublished"][not(self::time)]')]))
    heuristic = read_date(heuristic_day)
    if heuristic is not None:  # htmldate gives a day; only a day, whatever its format
        groups.append(("htmldate", [heuristic.day.isoformat()]))
    for origin, values in groups:
        for value in values:
            found = read_date(value)
            if found and found.moment <= limit:
                return found, origin
    return None


_META_DATES = ("article:published_time", "og:article:published_time", "og:published_time", "published_time",
               "datepublished", "publication_date", "publish-date", "pubdate", "dc.date.issued", "dc.date",
               "dcterms.created", "dcterms.issued", "date", "parsely-pub-date", "sailthru.date")
_ARTICLE_TYPES = ("article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
                  "blogposting", "report", "liveblogposting", "backgroundnewsarticle")


def _json_ld_dates(page: str, tree) -> list[str]:
    """`datePublished` values of the page's JSON-LD, the article's first; a block that is
    not valid JSON is searched as text."""
    blocks = ([el.text_content() for el in tree.xpath('//script[contains(@type, "ld+json")]')] if tree is not None
              else re.findall(r'<script[^>]+ld\+json[^>]*>(.*?)</script>', page, re.S | re.I))
    articles: list[str] = []
    others: list[str] = []
    for block in blocks:
        try:
            data = json.loads(block)
        except ValueError:
            others += re.findall(r'"datePublished"\s*:\s*"([^"]+)"', block)
            continue
        for node in _json_nodes(data):
            value = node.get("datePublished")
            if not isinstance(value, str):
                continue
            types = node.get("@type") or ""
            names = [t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
            (articles if any(n in _ARTICLE_TYPES for n in names) else others).append(value)
    return articles + others


def _json_nodes(data):
    """Every object of a JSON-LD document (lists and @graph included)."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from _json_nodes(value)
    elif isinstance(data, list):
        for value in data:
            yield from _json_nodes(value)


def needs_javascript(page: str, visible: str, url: str, canonical: str, found_title: str = "") -> str:
    """Why a page is only a template that JavaScript fills ("" when it is not): template
    placeholders in its title or text, a CMS editor's title, or a canonical URL that is the
    site's root while the page is not."""
    match = re.search(r"<title[^>]*>(.*?)</title>", page, re.S | re.I)
    title = html.unescape(match.group(1)).strip() if match else ""
    for shown in (found_title.strip(), title):
        if fold(shown) in JS_TITLES:
            return f"titre « {shown} »"
    if "{{" in title and "}}" in title:
        return f"titre « {title[:60]} »"
    placeholders = _TEMPLATE.findall(visible)
    if len(placeholders) >= 2:
        return f"{len(placeholders)} gabarits non remplis, dont « {placeholders[0][:60]} »"
    root = urlsplit(canonical)
    if canonical and root.path in ("", "/") and not root.query and urlsplit(url).path not in ("", "/") and same_site(canonical, url):
        return f"adresse canonique {canonical} (racine du site)"
    return ""


def _without_consent_managers(page: str) -> str:
    """The page without the banners of consent managers (their text is never the article)."""
    if not re.search(r"didomi|onetrust|sd-cmp|sirdata|qc-cmp2|cmp-container|truste|cookiebot|usercentrics|sp_message",
                     page[:2_000_000], re.I):
        return page
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return page
    removed = 0
    for element in tree.xpath("//*[@id or @class]"):
        names = [element.get("id") or "", *(element.get("class") or "").split()]
        if any(CONSENT_CONTAINERS.match(n) for n in names if n) and element.getparent() is not None:
            element.drop_tree()
            removed += 1
    return lxml_html.tostring(tree, encoding="unicode") if removed else page
