"""Duplicates and stories.

Same article, several addresses: `same_document` gives an incoming document the id of the
document already stored under one of its URLs (feed link, final URL after redirects,
canonical link), and matches a Google News item to the publisher's own item by publisher
site, title and date (in either arrival order), so both become one document with aliases.

Same story, several outlets: `group_stories` finds near-duplicate texts (an agency
dispatch reprinted by regional titles, lightly edited) with MinHash signatures of 5-word
shingles, verified by exact shingle containment, and stores each group as a story whose
lead is the earliest copy; the others are pick-ups. Pure Python, no extra dependency.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlite_utils

from nlp.text import fold
from pipelines import db as database
from pipelines.normalize import canonical_url, identifies_one_page, url_id
from spiders.items import Document

GOOGLE_NEWS_HOST = "news.google.com"
STOP_WORDS = set(
    "le la les l un une des de du d et a au aux en dans pour par sur avec sans ce ces cette son sa ses "
    "leur leurs qui que qu ne pas plus se s est sont il elle ils elles on y ou".split()
)


# ------------------------------------------------------------------ one article, several addresses
_RENAMES_ATTRIBUTE = "_renames"


def same_document(db: sqlite_utils.Database, doc: Document) -> Document:
    """`doc` with the id of the stored document it duplicates (unchanged when none).

    The id of an article stored under several addresses does not depend on which one came
    first: it is the best of their ids (a publisher's URL before a Google News link, then
    the smallest). When `doc`'s own id is the better one, the returned document carries the
    stored id to rename (`renames`); the store step renames it in the same transaction.

    An alias only merges when it can name one article (`normalize.identifies_one_page`: no
    site root, no query-stripped CMS URL), and a page's canonical link that is neither
    document's own URL merges only when the titles agree too (a canonical shared by several
    pages, an un-rendered JS page's home-page canonical, never merges distinct articles).

    A document whose source names it with a stable id of its own (`extra["keep_id"]`:
    parliamentary uids, where a question and its answer, or the passages of one sitting,
    share one public page) is never merged by URL."""
    if doc.extra.get("keep_id"):
        return doc
    found = _stored_counterpart(db, doc)
    if not found or found == doc.id:
        return doc
    if _ranks_before(db, doc, found):
        setattr(doc, _RENAMES_ATTRIBUTE, found)
        return doc
    return replace(doc, id=found)


def renames(doc: Document) -> str | None:
    """The id of the stored document that `doc` (returned by `same_document`) replaces."""
    return getattr(doc, _RENAMES_ATTRIBUTE, None)


def _stored_counterpart(db: sqlite_utils.Database, doc: Document) -> str | None:
    own = {doc.url, canonical_url(doc.url)}
    for alias in _url_aliases(doc):
        if not identifies_one_page(alias, doc.url):
            continue
        found = database.document_id_for_alias(db, alias)
        if not found or found == doc.id:
            continue
        if alias in own or canonical_url(alias) in own or _own_url_of(db, found, alias) \
                or _titles_agree(db, doc, found):
            return found
    match = google_news_match(db, doc)
    if match and match != doc.id:
        return match
    return None


def _own_url_of(db: sqlite_utils.Database, document_id: str, alias: str) -> bool:
    """True when `alias` is the stored document's own address (the URL its id comes from,
    or the URL stored with it)."""
    row = db.execute("SELECT kind, url FROM documents WHERE id = ?", [document_id]).fetchone()
    if row is None:
        return False
    return url_id(row[0], alias) == document_id or canonical_url(row[1] or "") == canonical_url(alias)


def _titles_agree(db: sqlite_utils.Database, doc: Document, document_id: str) -> bool:
    row = db.execute("SELECT title, extra FROM documents WHERE id = ?", [document_id]).fetchone()
    if row is None:
        return False
    extra = json.loads(row[1] or "{}") if (row[1] or "").startswith("{") else {}
    mine = [t for t in (doc.title, doc.extra.get("page_title", "")) if t]
    theirs = [t for t in (row[0], extra.get("page_title", "")) if t]
    return any(title_similarity(a, b) >= 0.8 for a in mine for b in theirs)


def _identity_rank(kind: str, document_id: str, urls: list[str]) -> tuple[int, str] | None:
    """How good an id is as the identity of an article: (1 for a Google News link, else 0;
    the id). None when the id does not come from one of `urls` (a spider's own id)."""
    for url in urls:
        if url and url_id(kind, url) == document_id:
            return (int(_host(url) == GOOGLE_NEWS_HOST), document_id)
    return None


def _ranks_before(db: sqlite_utils.Database, doc: Document, stored_id: str) -> bool:
    """True when `doc`'s own id is a better identity than the stored document's."""
    mine = _identity_rank(doc.kind, doc.id, [doc.url])
    row = db.execute("SELECT kind, url FROM documents WHERE id = ?", [stored_id]).fetchone()
    if mine is None or row is None or db.execute("SELECT 1 FROM documents WHERE id = ?", [doc.id]).fetchone():
        return False
    urls = [row[1]] + [r[0] for r in db.execute(
        "SELECT alias FROM document_aliases WHERE document_id = ?", [stored_id]).fetchall()]
    theirs = _identity_rank(row[0], stored_id, urls)
    return theirs is not None and mine < theirs


def _url_aliases(doc: Document) -> list[str]:
    urls = [doc.url, canonical_url(doc.url), *doc.aliases]
    if doc.guid.startswith(("http://", "https://")):
        urls.append(doc.guid)
    return [u for u in dict.fromkeys(urls) if u.startswith(("http://", "https://"))]


def google_news_match(db: sqlite_utils.Database, doc: Document) -> str | None:
    """Id of the stored counterpart of `doc`: the publisher's item for a Google News
    item, or the Google News item for a publisher's item (same site, similar title, close
    dates). None when there is none or when it is ambiguous."""
    if doc.published is None:
        return None
    is_google = _host(doc.url) == GOOGLE_NEWS_HOST
    site = _site(doc.extra.get("publisher_site", "")) if is_google else _site(doc.url)
    if not site:
        return None
    low = (doc.published - timedelta(hours=48)).isoformat()
    high = (doc.published + timedelta(hours=48)).isoformat()
    rows = db.query(
        "SELECT id, url, title, published, extra FROM documents WHERE published BETWEEN ? AND ? AND id != ?",
        [low, high, doc.id])
    titles = [doc.title, doc.extra.get("page_title", "")]
    matches = []
    for row in rows:
        extra = json.loads(row["extra"] or "{}")
        row_google = _host(row["url"]) == GOOGLE_NEWS_HOST
        if row_google == is_google:
            continue
        row_site = _site(extra.get("publisher_site", "")) if row_google else _site(row["url"])
        if row_site != site:
            continue
        similarity = max(title_similarity(a, b) for a in titles if a
                         for b in (row["title"], extra.get("page_title", "")) if b)
        hours = abs((datetime.fromisoformat(row["published"]) - doc.published).total_seconds()) / 3600
        if similarity >= 0.8 or (similarity >= 0.5 and hours <= 3):
            matches.append((similarity, -hours, row["id"]))
    if not matches:
        return None
    matches.sort(reverse=True)
    if len(matches) > 1 and matches[0][:2] == matches[1][:2]:
        return None
    return matches[0][2]


def title_similarity(a: str, b: str) -> float:
    """Share of the shorter title's words found in the other (folded, stop words out,
    Google's trailing "..." ignored)."""
    wa, wb = _title_words(a), _title_words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def _title_words(title: str) -> set[str]:
    title = re.sub(r"(\.\.\.|…)\s*$", "", title)
    return {w for w in re.findall(r"\w+", fold(title)) if w not in STOP_WORDS}


def _host(url: str) -> str:
    return (urlsplit(url or "").hostname or "").lower()


def _site(url: str) -> str:
    return re.sub(r"^(www|m|mobile|amp)\.", "", _host(url))


# ------------------------------------------------------------------ one story, several outlets
SHINGLE_WORDS = 5
PERMUTATIONS = 128
BANDS = 64  # 2 rows per band: generous candidates, verified exactly afterwards
MIN_WORDS = 60
MIN_CONTAINMENT = 0.5
MAX_DAYS_APART = 7
_PRIME = (1 << 61) - 1
_rng = random.Random(20260217)
_COEFFICIENTS = [(_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(PERMUTATIONS)]


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[int]:
    """64-bit hashes of the overlapping `size`-word sequences of a folded text."""
    words = re.findall(r"\w+", fold(text))
    if len(words) < size:
        return set()
    return {
        int.from_bytes(hashlib.blake2b(" ".join(words[i:i + size]).encode(), digest_size=8).digest(), "big")
        for i in range(len(words) - size + 1)
    }


def minhash(shingle_set: set[int]) -> list[int]:
    """MinHash signature (PERMUTATIONS values) of a set of shingles."""
    if not shingle_set:
        return []
    return [min((a * s + b) % _PRIME for s in shingle_set) for a, b in _COEFFICIENTS]


def containment(a: set[int], b: set[int]) -> float:
    """Share of the smaller set found in the larger one (a cut copy still scores high)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def find_stories(documents: list[dict]) -> list[dict]:
    """Group documents (id, title, text, published, first_seen) into stories of
    near-duplicate copies; each story has its lead (earliest) and pick-ups."""
    sets = {d["id"]: shingles(d["text"] or "") for d in documents}
    docs = {d["id"]: d for d in documents if len(sets[d["id"]]) >= MIN_WORDS - SHINGLE_WORDS + 1}
    signatures = {i: d.get("minhash") or minhash(sets[i]) for i, d in docs.items()}
    rows = PERMUTATIONS // BANDS
    buckets: dict[tuple, list[str]] = {}
    for doc_id, signature in signatures.items():
        for band in range(BANDS):
            buckets.setdefault((band, *signature[band * rows:(band + 1) * rows]), []).append(doc_id)
    parent = {i: i for i in docs}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    scores: dict[str, float] = {}
    checked = set()
    for members in buckets.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = sorted((members[x], members[y]))
                if (a, b) in checked:
                    continue
                checked.add((a, b))
                if not _close_in_time(docs[a], docs[b]):
                    continue
                score = containment(sets[a], sets[b])
                if score >= MIN_CONTAINMENT:
                    parent[root(a)] = root(b)
                    scores[a] = max(scores.get(a, 0), score)
                    scores[b] = max(scores.get(b, 0), score)
    groups: dict[str, list[str]] = {}
    for doc_id in docs:
        groups.setdefault(root(doc_id), []).append(doc_id)
    stories = []
    for members in groups.values():
        if len(members) < 2:
            continue
        ordered = sorted(members, key=lambda i: (docs[i]["published"] or docs[i]["first_seen"] or "", docs[i]["first_seen"] or "", i))
        lead = docs[ordered[0]]
        stories.append({
            "id": "story-" + hashlib.sha1(lead["id"].encode()).hexdigest()[:12],
            "lead_document_id": lead["id"], "title": lead["title"], "published": lead["published"],
            "members": [
                {"document_id": i, "role": "lead" if i == lead["id"] else "pickup",
                 "similarity": round(containment(sets[lead["id"]], sets[i]), 3) if i != lead["id"] else 1.0,
                 "published": docs[i]["published"]}
                for i in ordered
            ],
        })
    return sorted(stories, key=lambda s: (s["published"] or "", s["id"]))


def _close_in_time(a: dict, b: dict) -> bool:
    if not a["published"] or not b["published"]:
        return True
    delta = datetime.fromisoformat(a["published"]) - datetime.fromisoformat(b["published"])
    return abs(delta) <= timedelta(days=MAX_DAYS_APART)


def group_stories(db: sqlite_utils.Database) -> list[dict]:
    """Recompute the stories of the relevant documents and store them (no write when
    nothing changed); signatures are cached per text in `document_fingerprints`."""
    cached = {r["document_id"]: r for r in db.query("SELECT * FROM document_fingerprints")}
    documents = []
    for row in list(db.query("SELECT id, title, text, published, first_seen FROM documents WHERE relevant = 1")):
        text = row["text"] or ""
        text_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
        entry = cached.get(row["id"])
        if entry is None or entry["text_hash"] != text_hash:
            shingle_set = shingles(text)
            signature = minhash(shingle_set)
            database.upsert_fingerprint(db, row["id"], text_hash, len(shingle_set), signature)
        else:
            signature = json.loads(entry["minhash"])
        documents.append({**row, "minhash": signature})
    stories = find_stories(documents)
    database.replace_stories(db, stories)
    return stories
