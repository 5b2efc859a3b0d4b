"""Normalisation step: clean texts, canonical URL, stable document id."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


def clean_url(url: str) -> str:
    """The URL as published, without tracking parameters and fragment (the stored link)."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def canonical_url(url: str) -> str:
    """URL without tracking parameters, fragment, default port or trailing slash,
    with a lower-case scheme and host and sorted query parameters; AMP and mobile
    versions (amp./m. hosts, /amp paths, AMP cache URLs) map to the article itself."""
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


def document_id(doc: Document) -> str:
    """Stable id: the spider's own id when it has one, else a hash of the canonical URL."""
    if doc.id:
        return doc.id
    digest = hashlib.sha1(canonical_url(doc.url).encode("utf-8")).hexdigest()[:16]
    return f"{doc.kind}-{digest}"


def normalize_document(doc: Document) -> Document:
    """Return a cleaned copy: plain-text title, summary and text; UTC date; stable id."""
    published = doc.published
    if published is not None and published.tzinfo is not None:
        published = published.astimezone(timezone.utc)
    cleaned = replace(
        doc,
        url=clean_url(doc.url),
        title=clean_text(doc.title),
        summary=clean_text(doc.summary),
        text=clean_text(doc.text) or clean_text(doc.summary),
        publisher=clean_text(doc.publisher),
        author=clean_text(doc.author),
        published=published,
    )
    cleaned.id = document_id(cleaned)
    return cleaned

