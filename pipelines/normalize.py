"""Normalisation step: clean texts, canonical URL, stable document id."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import fields
from datetime import timezone
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from nlp.text import clean_text
from spiders.items import Document

TRACKING_PREFIXES = ("utm_", "at_", "xtor", "mc_", "ns_", "pk_", "_hs", "hsa_", "wt.", "piano_")
TRACKING_NAMES = {"fbclid", "gclid", "oc", "ocid", "xtref", "cmp", "partner", "dclid", "msclkid",
                  "twclid", "yclid", "igshid", "mkt_tok", "ito", "ncid", "_ga", "mbid", "xtmc", "xtcr",
                  "amp", "amp_js_v", "usqp", "outputtype=amp", "ref_src", "cid_source"}
MOBILE_HOSTS = re.compile(r"^(m|mobile|amp)\.")
AMP_CACHE = re.compile(r"^[\w-]+\.cdn\.ampproject\.org$")


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith(TRACKING_PREFIXES) or name in TRACKING_NAMES


def _query_parts(query: str) -> list[str]:
    """The parameters of a query string as written (`article8532` stays without `=`:
    SPIP's `spip.php?article8532` is not `spip.php?article8532=`), tracking ones left out."""
    kept = []
    for part in query.split("&"):
        if not part:
            continue
        name = unquote_plus(part.split("=", 1)[0])
        if not _is_tracking(name):
            kept.append(part)
    return kept


# A URL that `urlsplit` + `urlunsplit` give back as it is: a lower-case scheme, printable ASCII
# with a host, without query, fragment, IPv6 brackets or blank space (an AN question's, most links).
_PLAIN_URL = re.compile(r"[a-z][a-z0-9+.-]*://[!\"$-.0->@-Z\\^-~][!\"$->@-Z\\^-~]*\Z")


def clean_url(url: str) -> str:
    """The URL as published, without tracking parameters and fragment (the stored link)."""
    if _PLAIN_URL.match(url):
        return url
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(_query_parts(parts.query)), ""))


def _canonical_as_is(url: str) -> bool:
    """True when `canonical_url(url)` is `url` itself, seen without parsing it: a plain URL
    (no query, fragment, blank space), a lower-case host without user, port or mobile prefix,
    a path without trailing slash or AMP mark (`tests/test_canonical_url.py`)."""
    if not _PLAIN_URL.match(url) or "/amp" in url or ".amp" in url or "ampproject" in url:
        return False
    start = url.find("://") + 3
    slash = url.find("/", start)
    if slash <= start:
        return False
    host = url[start:slash]
    return ("@" not in host and ":" not in host and host == host.lower() and not MOBILE_HOSTS.match(host)
            and (slash == len(url) - 1 or url[-1] != "/"))


@functools.lru_cache(maxsize=8192)  # a pure function, asked 9 times per stored document
def canonical_url(url: str) -> str:
    """URL without tracking parameters, fragment, default port or trailing slash,
    with a lower-case scheme and host and sorted query parameters; AMP and mobile
    versions (amp./m. hosts, /amp paths, AMP cache URLs) map to the article itself."""
    return url if _canonical_as_is(url) else canonical_parse(url)


def canonical_parse(url: str) -> str:
    """`canonical_url` by parsing `url`, whatever it is."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if AMP_CACHE.match(host) and re.match(r"^/[cvi]/(s/)?", parts.path):
        # https://www-lemonde-fr.cdn.ampproject.org/c/s/www.lemonde.fr/... -> https://www.lemonde.fr/...
        inner = re.sub(r"^/[cvi]/(s/)?", "", parts.path)
        scheme = "https" if parts.path[3:5] == "s/" else "http"
        return canonical_url(f"{scheme}://{inner}" + (f"?{parts.query}" if parts.query else ""))
    if MOBILE_HOSTS.match(host):
        host = MOBILE_HOSTS.sub("www.", host)
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k) and f"{k}={v}".lower() not in TRACKING_NAMES
    )
    path = re.sub(r"(/amp)+/?$|\.amp(?=\.html?$)|^/amp(?=/)", "", parts.path) or "/"
    path = path.rstrip("/") if len(path) > 1 else path
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(query), ""))


def url_id(kind: str, url: str) -> str:
    """The id a document of `kind` published at `url` gets: a hash of its canonical URL."""
    digest = hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:16]
    return f"{kind}-{digest}"


def document_id(doc: Document) -> str:
    """Stable id: the spider's own id when it has one, else a hash of the canonical URL."""
    if doc.id:
        return doc.id
    return url_id(doc.kind, doc.url)


# Paths that name a site or a script, not one page: the root, index pages, bare scripts.
_SITE_PATH = re.compile(r"^/?((index|default|home|accueil)(\.\w+)?)?/?$", re.I)
_SCRIPT_PATH = re.compile(r"^/[\w-]+\.(php\d?|aspx?|jsp|cgi|pl|do)$", re.I)


def host_path_query(url: str) -> tuple[str, str, str]:
    """(lower-case host name, path, query) of `url`, as `urlsplit` gives them (an empty host
    name when it has none), read without parsing when `url` is plain (no query, fragment,
    user or port)."""
    if _PLAIN_URL.match(url):
        start = url.find("://") + 3
        slash = url.find("/", start)
        host = url[start:] if slash < 0 else url[start:slash]
        if "@" not in host and ":" not in host:
            return host.lower(), ("" if slash < 0 else url[slash:]), ""
    parts = urlsplit(url)
    return (parts.hostname or ""), parts.path, parts.query


def identifies_one_page(alias: str, url: str = "") -> bool:
    """True when `alias` (a URL given for the document at `url`) can name one article.

    False for a site root or its index page, for a bare script at the root (`/spip.php`,
    `/index.php` without the query that names the article), and for `url` with its query stripped
    (SPIP's `spip.php?article8532` → `spip.php`, a CMS canonical that lost the article)."""
    if not alias.startswith(("http://", "https://")):
        return False
    host, path, query = host_path_query(canonical_url(alias))
    if not host:
        return False
    if not query and (_SITE_PATH.match(path) or _SCRIPT_PATH.search(path)):
        return False
    if url and not query:
        own_host, own_path, own_query = host_path_query(canonical_url(url))
        if own_query and own_host == host and own_path == path:
            return False
    return True


_DOCUMENT_FIELDS = tuple(f.name for f in fields(Document))


def matched_fields(doc: Document) -> tuple[str, str]:
    """The title and text of `doc` as `normalize_document` cleans them: what the topic
    matcher reads (the text falls back on the summary)."""
    return clean_text(doc.title), clean_text(doc.text) or clean_text(doc.summary)


def normalize_document(doc: Document) -> Document:
    """Return a cleaned copy: plain-text title, summary and text; UTC date; stable id."""
    published = doc.published
    if published is not None and published.tzinfo is not None:
        published = published.astimezone(timezone.utc)
    # What `dataclasses.replace` gives (the fields only, shared lists and dicts, the precision
    # inferred when empty), without building the arguments of `__init__` again.
    cleaned = object.__new__(Document)
    values = doc.__dict__
    cleaned.__dict__.update({name: values[name] for name in _DOCUMENT_FIELDS})
    cleaned.url = clean_url(doc.url)
    cleaned.title, cleaned.text = matched_fields(doc)
    cleaned.summary = clean_text(doc.summary)
    cleaned.publisher = clean_text(doc.publisher)
    cleaned.author = clean_text(doc.author)
    cleaned.published = published
    cleaned.__post_init__()
    cleaned.id = document_id(cleaned)
    return cleaned
