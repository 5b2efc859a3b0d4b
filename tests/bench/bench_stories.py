"""Story grouping and a nightly run with nothing new at real scale (issue 17): `stories` (ms
per new document with 10k and 50k documents stored, beside fingerprinting the same new
documents alone), `stories_noop` and `nightly_noop` (seconds of a whole `veille crawl` with
nothing new with 50k documents stored, beside the same crawl on the demo alone). Never run
by the test suite (`make bench`; `--quick` for 2k/5k).

The corpora are press rows from the real recorded articles (bench_perf.press_rows, a few
agency copies among them), already grouped: their fingerprints, LSH bands, verified links
and stories are written in bulk, computed with the grouping's own functions
(`shingles`, `minhash`, `band_keys`, `containment`), so that `group_stories` finds nothing
pending, exactly as after the nightly runs that stored them one by one. Cached in data/bench/."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "bench")]

from bench_perf import CACHE, QUICK, bulk_db, cached_db, line, press_rows, run_benches, timed, work_copy  # noqa: E402

from pipelines import db as database  # noqa: E402
from pipelines import stories as grouping  # noqa: E402

SIZES = (2000, 5000) if QUICK else (10_000, 50_000)
SEED = 50_000  # one stream of rows: a smaller corpus is the start of the larger one


def fingerprint(text: str) -> tuple[str, int, list[int], list[int], bytes]:
    """(text hash, shingle count, MinHash signature, band keys, shingles as uint64 bytes) of
    a text, as the grouping computes and stores them."""
    shingle_set = grouping.shingles(text or "")
    signature = grouping.minhash(shingle_set)
    eligible = len(shingle_set) >= grouping.MIN_SHINGLES and bool(signature)
    return (hashlib.sha256((text or "").encode("utf-8")).hexdigest(), len(shingle_set), signature,
            grouping.band_keys(signature) if eligible else [],
            np.fromiter(shingle_set, dtype=np.uint64, count=len(shingle_set)).tobytes())


def _fingerprints(rows: list[dict]) -> list[tuple]:
    """Fingerprints of every row (two processes), the signatures taken from a larger cached
    corpus when it holds them (its shingles are then computed when needed)."""
    known: dict[str, tuple] = {}
    for other in sorted(CACHE.glob("stories_bulk_*.db")):
        conn = sqlite3.connect(other)
        for document_id, text_hash, count, signature in conn.execute(
                "SELECT document_id, text_hash, shingles, minhash FROM document_fingerprints"):
            known[document_id] = (text_hash, count, json.loads(signature))
        conn.close()
    missing = [r["text"] for r in rows if r["id"] not in known]
    with Pool(2) as pool:
        computed = iter(pool.map(fingerprint, missing, chunksize=100))
    found = []
    for r in rows:
        if r["id"] in known:
            text_hash, count, signature = known[r["id"]]
            eligible = count >= grouping.MIN_SHINGLES and bool(signature)
            found.append((text_hash, count, signature, grouping.band_keys(signature) if eligible else [], None))
        else:
            found.append(next(computed))
    return found


def build_grouped(path: Path, count: int) -> None:
    """`count` press rows stored in bulk and grouped in bulk (see the module docstring)."""
    rows = press_rows(count, seed=SEED)
    bulk_db(path, rows)
    rows.sort(key=lambda r: r["id"])  # the order group_stories places them in
    prints = _fingerprints(rows)
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO document_fingerprints (document_id, text_hash, shingles, minhash) VALUES (?, ?, ?, ?)",
                     [(r["id"], p[0], p[1], json.dumps(p[2])) for r, p in zip(rows, prints)])
    conn.executemany("INSERT INTO story_documents (num, document_id, content_hash, eligible) VALUES (?, ?, ?, ?)",
                     [(num, r["id"], r["content_hash"], int(bool(p[3])))
                      for num, (r, p) in enumerate(zip(rows, prints), start=1)])
    bands: dict[int, list[int]] = defaultdict(list)
    for num, p in enumerate(prints, start=1):
        for key in set(p[3]):
            bands[key].append(num)
    conn.executemany("INSERT INTO story_bands (band_key, num) VALUES (?, ?)",
                     [(key, num) for key, nums in bands.items() for num in nums])
    pairs = set()  # candidates sharing a band, close in time (rows are in time order)
    for nums in bands.values():
        for i, a in enumerate(nums):
            for b in nums[i + 1:]:
                if not grouping._close_in_time(rows[a - 1], rows[b - 1]):
                    break
                pairs.add((a, b))
    shingle_sets: dict[int, set[int]] = {}

    def shingles_of(num: int) -> set[int]:
        if num not in shingle_sets:
            packed = prints[num - 1][4]
            shingle_sets[num] = (set(np.frombuffer(packed, dtype=np.uint64).tolist()) if packed is not None
                                 else grouping.shingles(rows[num - 1]["text"]))
        return shingle_sets[num]

    links = []
    for a, b in sorted(pairs):
        score = grouping.containment(shingles_of(a), shingles_of(b))
        if score >= grouping.MIN_CONTAINMENT:
            links.append((a, b, score))
    conn.executemany("INSERT INTO story_links (num, other, score) VALUES (?, ?, ?)", links)
    conn.commit()
    conn.close()
    db = database.open_db(path)
    seeds = {n for link in links for n in link[:2]}
    grouping._rewrite_stories(db, grouping._Texts(db), seeds, set())
    assert not [r for r in db.execute(
        "SELECT 1 FROM documents d WHERE d.relevant = 1 AND NOT EXISTS (SELECT 1 FROM story_documents s"
        " WHERE s.document_id = d.id AND s.content_hash IS d.content_hash) LIMIT 1")], "documents left to group"
    database.optimize(db)
    db.close()


def grouped_corpus(count: int) -> Path:
    """The cached grouped corpus of `count` documents (the largest is built first, so that
    a smaller one reuses its fingerprints)."""
    for size in sorted({*SIZES, count}, reverse=True):
        if size >= count:
            path = cached_db(f"stories_bulk_{size}", lambda p, s=size: build_grouped(p, s))
    return path


# ------------------------------------------------------------------ stories
def bench_stories(folder: Path) -> None:
    """ms per new document placed by group_stories, beside fingerprinting them alone."""
    for size in SIZES:
        path = work_copy(grouped_corpus(size), folder)
        db = database.open_db(path)
        new = press_rows(200, seed=size + 1)
        rng = random.Random(3)
        stored = [r["text"] for r in db.query("SELECT text FROM documents ORDER BY rowid DESC LIMIT 300")]
        for k, row in enumerate(new):
            row["id"] = f"press-new-{k:05d}"
            if k % 10 == 0:  # some pick-ups of stored articles
                row["text"] = " ".join(rng.choice(stored).split()[:350])
            database.upsert_document(db, row, [])
        start = time.perf_counter()
        grouping.group_stories(db)
        per_doc = (time.perf_counter() - start) / len(new) * 1000
        texts = [r["text"] for r in new]
        baseline = timed(lambda: [grouping.minhash(grouping.shingles(t)) for t in texts], 3) / len(new) * 1000
        line(f"stories_{size // 1000}k", per_doc, baseline, "ms/new-document")
        start = time.perf_counter()
        grouping.group_stories(db)
        noop = time.perf_counter() - start
        count_time = timed(lambda: db.execute("SELECT count(*) FROM documents WHERE relevant = 1").fetchone(), 3)
        line(f"stories_noop_{size // 1000}k", noop, count_time, "s")
        db.close()


# ------------------------------------------------------------------ nightly with nothing new
def bench_nightly_noop(folder: Path) -> None:
    """Seconds of a `veille crawl` through the replay server with nothing new, with the
    largest corpus stored, beside the same crawl on the demo alone."""
    from conftest import write_config
    from replay_server import ReplayServer

    size = SIZES[-1]
    stored = grouped_corpus(size)
    times = {}
    with ReplayServer() as server:
        for label, source in (("big", stored), ("demo", None)):
            place = folder / f"night_{label}"
            place.mkdir()
            config = write_config(place)
            if source is not None:
                shutil.copyfile(source, place / "veille.db")
            command = [str(ROOT / ".venv" / "bin" / "veille"), "--config", str(config), "crawl", "--replay", server.url]
            subprocess.run(command, cwd=ROOT, capture_output=True, timeout=900, check=True)
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, capture_output=True, timeout=900, check=True)
            times[label] = time.perf_counter() - start
    line(f"nightly_noop_{size // 1000}k", times["big"], times["demo"], "s")


BENCHES = [bench_stories, bench_nightly_noop]


def main() -> None:
    """Run the benches named on the command line (default: all)."""
    run_benches(BENCHES)


if __name__ == "__main__":
    main()
