"""Duplicates and stories.

Same article, several addresses: `same_document` gives an incoming document the id of the
document already stored under one of its URLs (feed link, final URL after redirects,
canonical link), and matches a Google News item to the publisher's own item by publisher
site, title and date (in either arrival order), so both become one document with aliases.

Same story, several outlets: `group_stories` finds near-duplicate texts (an agency
dispatch reprinted by regional titles, lightly edited) with MinHash signatures of 5-word
shingles, verified by exact shingle containment, and stores each group as a story whose
lead is the earliest copy; the others are pick-ups.

The grouping is incremental: a run looks only at the relevant documents inserted or changed
since the last one (and at those no longer relevant). Each placed document keeps its LSH band
keys in the indexed table `story_bands`, so its candidates are index look-ups; containment is
computed for candidate pairs only, and the verified pairs are kept in `story_links`. Only the
stories of the groups a change touches are rewritten. The result is the one `find_stories`
gives over every relevant document at once (`tests/test_perf_stories.py`).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import sqlite_utils

from nlp.text import fold
from pipelines import db as database
from pipelines.normalize import canonical_url, host_path_query, identifies_one_page, url_id
from pipelines.transaction import write_unit
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


def identity_urls(doc: Document) -> list[str]:
    """The addresses of `doc` that `same_document` looks up to find its stored counterpart."""
    return [alias for alias in _url_aliases(doc) if identifies_one_page(alias, doc.url)]


def _stored_counterpart(db: sqlite_utils.Database, doc: Document) -> str | None:
    own = {doc.url, canonical_url(doc.url)}
    itself = False
    candidates = identity_urls(doc)
    stored = database.document_ids_for_aliases(db, candidates)  # one query for every address
    for alias in candidates:
        found = stored.get(alias)
        if found == doc.id:
            itself = True
        if not found or found == doc.id:
            continue
        if alias in own or canonical_url(alias) in own or _own_url_of(db, found, alias) \
                or _titles_agree(db, doc, found):
            return found
    if itself:
        # Already stored under its own id: its Google News counterpart, if any, was matched
        # when the later of the two arrived (the match works in either arrival order).
        return None
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
    # Only rows on the other side can match: Google News items for a publisher's item, the
    # publisher's site for a Google News item (a superset, checked exactly below).
    other_side = ("AND url LIKE '%://news.google.com/%'" if not is_google
                  else "AND url NOT LIKE '%://news.google.com/%' AND url LIKE '%' || ? || '%'")
    # Plain tuples from the connection (no sqlite-utils savepoint, no dict per row): most
    # publishers' articles have no Google News item in their 96 hours, and this runs for each.
    rows = db.conn.execute(
        f"SELECT id, url, title, published, extra FROM documents WHERE published BETWEEN ? AND ? AND id != ? {other_side}",
        [low, high, doc.id, *([site] if is_google else [])]).fetchall()
    if not rows:
        return None
    titles = [doc.title, doc.extra.get("page_title", "")]
    matches = []
    for row_id, row_url, row_title, row_published, row_extra in rows:
        extra = json.loads(row_extra or "{}")
        row_google = _host(row_url) == GOOGLE_NEWS_HOST
        if row_google == is_google:
            continue
        row_site = _site(extra.get("publisher_site", "")) if row_google else _site(row_url)
        if row_site != site:
            continue
        similarity = max(title_similarity(a, b) for a in titles if a
                         for b in (row_title, extra.get("page_title", "")) if b)
        hours = abs((datetime.fromisoformat(row_published) - doc.published).total_seconds()) / 3600
        if similarity >= 0.8 or (similarity >= 0.5 and hours <= 3):
            matches.append((similarity, -hours, row_id))
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
    return host_path_query(url or "")[0]


def _site(url: str) -> str:
    return re.sub(r"^(www|m|mobile|amp)\.", "", _host(url))


# ------------------------------------------------------------------ one story, several outlets
SHINGLE_WORDS = 5
PERMUTATIONS = 128
BANDS = 64  # 2 rows per band: generous candidates, verified exactly afterwards
MIN_WORDS = 60
MIN_SHINGLES = MIN_WORDS - SHINGLE_WORDS + 1
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


def minhash_reference(shingle_set: set[int]) -> list[int]:
    """MinHash signature (PERMUTATIONS values) of a set of shingles, in plain Python: the
    definition `minhash` computes (kept to check it, and for readers)."""
    if not shingle_set:
        return []
    return [min((a * s + b) % _PRIME for s in shingle_set) for a, b in _COEFFICIENTS]


_U64 = np.uint64
_P = _U64(_PRIME)
_LOW29 = _U64((1 << 29) - 1)
_LOW32 = _U64((1 << 32) - 1)
_A = np.array([a for a, _ in _COEFFICIENTS], dtype=np.uint64)[:, None]
_A_LOW, _A_HIGH = _A & _LOW32, _A >> _U64(32)
_B = np.array([b for _, b in _COEFFICIENTS], dtype=np.uint64)[:, None]
_CHUNK = 4096  # shingles per block: memory stays bounded on a whole debate transcript


def minhash(shingle_set: set[int]) -> list[int]:
    """MinHash signature (PERMUTATIONS values) of a set of shingles: for each coefficient
    pair (a, b), the least (a·s + b) mod (2⁶¹ − 1) over the shingles s. Computed exactly
    with 64-bit integer arrays (the product split in 32-bit halves, reduced with
    2⁶¹ ≡ 1), equal to `minhash_reference` and ~40× faster."""
    if not shingle_set:
        return []
    values = np.fromiter(shingle_set, dtype=np.uint64, count=len(shingle_set))
    best = None
    for first in range(0, len(values), _CHUNK):
        s = values[first:first + _CHUNK][None, :]
        x = (s & _P) + (s >> _U64(61))           # s mod P (s < 2^64), maybe one P too many
        x = np.where(x >= _P, x - _P, x)
        x_low, x_high = x & _LOW32, x >> _U64(32)
        low = _A_LOW * x_low                      # < 2^64
        mid = _A_HIGH * x_low + _A_LOW * x_high   # < 2^62
        high = _A_HIGH * x_high                   # < 2^58
        total = ((high << _U64(3)) + (mid >> _U64(29)) + ((mid & _LOW29) << _U64(32))
                 + (low & _P) + (low >> _U64(61)) + _B)   # ≡ a·x + b (mod P), < 2^64
        total = (total & _P) + (total >> _U64(61))
        total = np.where(total >= _P, total - _P, total)
        block = total.min(axis=1)
        best = block if best is None else np.minimum(best, block)
    assert best is not None
    return [int(v) for v in best]


def containment(a: set[int], b: set[int]) -> float:
    """Share of the smaller set found in the larger one (a cut copy still scores high)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _order_key(doc: dict) -> tuple[str, str, str]:
    return (doc["published"] or doc["first_seen"] or "", doc["first_seen"] or "", doc["id"])


def _story(members: list[dict], sets: dict[str, set[int]]) -> dict:
    """The story of a group of documents: the earliest leads, the others are pick-ups."""
    ordered = sorted(members, key=_order_key)
    lead = ordered[0]
    return {
        "id": "story-" + hashlib.sha1(lead["id"].encode()).hexdigest()[:12],
        "lead_document_id": lead["id"], "title": lead["title"], "published": lead["published"],
        "members": [
            {"document_id": d["id"], "role": "lead" if d["id"] == lead["id"] else "pickup",
             "similarity": round(containment(sets[lead["id"]], sets[d["id"]]), 3) if d["id"] != lead["id"] else 1.0,
             "published": d["published"]}
            for d in ordered
        ],
    }


def _sorted_stories(stories: Iterable[dict]) -> list[dict]:
    return sorted(stories, key=lambda s: (s["published"] or "", s["id"]))


def find_stories(documents: list[dict]) -> list[dict]:
    """Group documents (id, title, text, published, first_seen) into stories of
    near-duplicate copies; each story has its lead (earliest) and pick-ups. Every document
    at once, in memory: the reference the incremental `group_stories` is held to."""
    sets = {d["id"]: shingles(d["text"] or "") for d in documents}
    docs = {d["id"]: d for d in documents if len(sets[d["id"]]) >= MIN_SHINGLES}
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
                if containment(sets[a], sets[b]) >= MIN_CONTAINMENT:
                    parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for doc_id in docs:
        groups.setdefault(root(doc_id), []).append(doc_id)
    return _sorted_stories(_story([docs[i] for i in members], sets) for members in groups.values() if len(members) >= 2)



def _close_in_time(a: dict, b: dict) -> bool:
    if not a["published"] or not b["published"]:
        return True
    delta = datetime.fromisoformat(a["published"]) - datetime.fromisoformat(b["published"])
    return abs(delta) <= timedelta(days=MAX_DAYS_APART)


def band_keys(signature: list[int]) -> list[int]:
    """The LSH band keys of a signature (one per band: band number and its values hashed
    to a signed 64-bit integer, the type of a SQLite INTEGER)."""
    rows = PERMUTATIONS // BANDS
    return [
        int.from_bytes(hashlib.blake2b(repr((band, *signature[band * rows:(band + 1) * rows])).encode(),
                                       digest_size=8).digest(), "big", signed=True)
        for band in range(BANDS)
    ]


CHUNK_DOCUMENTS = 500  # documents placed per transaction


class _Texts:
    """Documents read by id (text, title, dates) and their shingle sets, cached for one run."""

    def __init__(self, db: sqlite_utils.Database):
        self.db, self.rows, self.sets = db, {}, {}  # type: ignore[var-annotated]

    def row(self, document_id: str) -> dict:
        if document_id not in self.rows:
            found = self.db.execute(
                "SELECT id, title, text, published, first_seen FROM documents WHERE id = ?", [document_id]).fetchone()
            self.rows[document_id] = dict(zip(("id", "title", "text", "published", "first_seen"), found))
        return self.rows[document_id]

    def shingles(self, document_id: str) -> set[int]:
        if document_id not in self.sets:
            self.sets[document_id] = shingles(self.row(document_id)["text"] or "")
        return self.sets[document_id]


def group_stories(db: sqlite_utils.Database) -> list[dict]:
    """Place the relevant documents inserted or changed since the last call (and take out
    those no longer relevant), rewrite the stories of the groups they touch, and return every
    stored story. Nothing new: two index reads and no write. Signatures are cached per text
    in `document_fingerprints`; each block of documents is one transaction."""
    pending = [r[0] for r in db.execute(
        "SELECT d.id FROM documents d WHERE d.relevant = 1 AND NOT EXISTS (SELECT 1 FROM story_documents s"
        " WHERE s.document_id = d.id AND s.content_hash IS d.content_hash) ORDER BY d.id")]
    gone = [r[0] for r in db.execute(
        "SELECT s.document_id FROM story_documents s WHERE NOT EXISTS (SELECT 1 FROM documents d"
        " WHERE d.relevant = 1 AND d.id = s.document_id) ORDER BY s.document_id")]
    work = [(i, False) for i in gone] + [(i, True) for i in pending]
    for first in range(0, len(work), CHUNK_DOCUMENTS):
        with write_unit(db):
            _place(db, work[first:first + CHUNK_DOCUMENTS])
    return stored_stories(db)


def _place(db: sqlite_utils.Database, work: list[tuple[str, bool]]) -> None:
    texts = _Texts(db)
    seeds: set[int] = set()
    touched_ids: set[str] = set()
    for document_id, present in work:
        touched_ids.add(document_id)
        old = db.execute("SELECT num, eligible FROM story_documents WHERE document_id = ?", [document_id]).fetchone()
        if old is not None:
            num = old[0]
            seeds.update(database.story_neighbours(db, num))
            signature = _cached_signature(db, document_id) if old[1] else []
            database.unplace_story_document(db, num, band_keys(signature) if signature else None, bool(old[1]))
        if not present:
            database.forget_story_document(db, document_id)
            continue
        num, eligible = _place_one(db, texts, document_id)
        if eligible:
            seeds.add(num)
    _rewrite_stories(db, texts, seeds, touched_ids)


def _cached_signature(db: sqlite_utils.Database, document_id: str) -> list[int]:
    row = db.execute("SELECT minhash FROM document_fingerprints WHERE document_id = ?", [document_id]).fetchone()
    return json.loads(row[0]) if row else []


def _place_one(db: sqlite_utils.Database, texts: _Texts, document_id: str) -> tuple[int, bool]:
    """Fingerprint one document, store its band keys and its verified links; (num, eligible)."""
    row = texts.row(document_id)
    text = row["text"] or ""
    text_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    cached = db.execute("SELECT text_hash, shingles, minhash FROM document_fingerprints WHERE document_id = ?",
                        [document_id]).fetchone()
    if cached is not None and cached[0] == text_hash:
        count, signature = cached[1], json.loads(cached[2])
    else:
        shingle_set = texts.shingles(document_id)
        count, signature = len(shingle_set), minhash(shingle_set)
        database.upsert_fingerprint(db, document_id, text_hash, count, signature)
    content = db.execute("SELECT content_hash FROM documents WHERE id = ?", [document_id]).fetchone()[0]
    eligible = count >= MIN_SHINGLES and bool(signature)
    keys = band_keys(signature) if eligible else []
    num = database.place_story_document(db, document_id, content, keys)
    if not eligible:
        return num, False
    marks = ", ".join("?" for _ in keys)
    candidates = db.execute(
        f"SELECT DISTINCT s.num, s.document_id FROM story_bands b JOIN story_documents s ON s.num = b.num"
        f" WHERE b.band_key IN ({marks}) AND b.num != ?", [*keys, num]).fetchall()
    links = []
    for other, other_id in candidates:
        if not _close_in_time(row, texts.row(other_id)):
            continue
        score = containment(texts.shingles(document_id), texts.shingles(other_id))
        if score >= MIN_CONTAINMENT:
            links.append((min(num, other), max(num, other), score))
    database.link_story_documents(db, links)
    return num, True


def _rewrite_stories(db: sqlite_utils.Database, texts: _Texts, seeds: set[int], touched_ids: set[str]) -> None:
    """Rebuild the stories of the groups reachable from `seeds` (and drop the stories of the
    documents in `touched_ids` that are no longer in any group)."""
    seen: set[int] = set()
    groups: list[list[int]] = []
    for seed in sorted(seeds):
        if seed in seen:
            continue
        group, queue = [], [seed]
        seen.add(seed)
        while queue:
            num = queue.pop()
            group.append(num)
            for other in database.story_neighbours(db, num):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        groups.append(group)
    ids = dict(database.story_document_ids(db, seen))
    stories = []
    for group in groups:
        if len(group) < 2:
            continue
        members = [texts.row(ids[num]) for num in group]
        stories.append(_story(members, {m["id"]: texts.shingles(m["id"]) for m in members}))
    database.replace_some_stories(db, set(ids.values()) | touched_ids, stories)


def stored_stories(db: sqlite_utils.Database) -> list[dict]:
    """Every stored story, as `find_stories` gives them (members earliest first)."""
    members: dict[str, list[dict]] = {}
    for row in db.query(
            "SELECT m.story_id, m.document_id, m.role, m.similarity, m.published, d.published AS sort_published,"
            " d.first_seen FROM story_members m JOIN documents d ON d.id = m.document_id"):
        members.setdefault(row["story_id"], []).append(row)
    stories = []
    for story in db.query("SELECT id, lead_document_id, title, published FROM stories"):
        ordered = sorted(members.get(story["id"], []), key=lambda m: (
            m["sort_published"] or m["first_seen"] or "", m["first_seen"] or "", m["document_id"]))
        stories.append({**story, "members": [
            {"document_id": m["document_id"], "role": m["role"], "similarity": m["similarity"],
             "published": m["published"]} for m in ordered]})
    return _sorted_stories(stories)
