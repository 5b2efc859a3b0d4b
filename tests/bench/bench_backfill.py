"""Back-fill of the AN amendments archive at real scale (issue 17).

- `backfill_amendments_<N>k`: seconds to parse and store every amendment of a zip through the
  spider and the storer (in transactions, as a `mode = "zip"` crawl does), beside reading and
  parsing the same zip's JSON alone.
- `backfill_memory_<N>k`: peak RSS (MB) of a real `veille crawl --spider an_amendments
  --source an_amendements_archive` in a subprocess, the zip served over HTTP on 127.0.0.1 by
  the project's replay server (the real download path: Scrapy, the archive download handler,
  the store), beside the peak RSS of a subprocess that only reads and parses the same zip from
  its file member by member. Run at two sizes (6 000 and 24 000 amendments; `--quick`: 1 000
  and 4 000; VEILLE_BENCH_AMENDMENTS=6000,96000 for others): the goal is memory flat whatever
  the zip size (< 500 MB). With VEILLE_BENCH_CODE=<checkout> the crawl runs that checkout's
  code (a before/after comparison).

The zips are built from the real amendments of tests/fixtures/an_amendments/real_sample/ cloned
to size (uids renumbered), with one in 250 taken from the fixture archive's real amendments
(most on the topic), and cached in data/bench/. Never run by the test suite (`make bench`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "bench")]

from bench_perf import CACHE, CONFIG, FIXTURES, MATCHER, QUICK, line, run_benches, timed  # noqa: E402

from pipelines import db as database  # noqa: E402

COUNT = 1000 if QUICK else 6000  # 20 000 take two minutes; the ratio is the same
# VEILLE_BENCH_AMENDMENTS=6000,96000 for other sizes (the smallest and the largest are compared).
MEMORY_COUNTS = tuple(int(n) for n in os.environ.get("VEILLE_BENCH_AMENDMENTS", "").split(",") if n.strip()) \
    or ((1000, 4000) if QUICK else (6000, 24000))
SAMPLE = FIXTURES / "an_amendments" / "real_sample"  # none on the topic
TOPIC_EVERY = 250  # one clone in 250 is one of the real amendments of the fixture archive (4 of 5 on the topic)
ARCHIVE_SOURCE = "an_amendements_archive"
_UID = re.compile(r"^(AMANR5L\d+PO\d+B\w*?P\d+D\d+N)(\d+)$")
# The memory baseline: read and parse every member of the zip from its file, one at a time.
BASELINE_SCRIPT = """
import json, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    for info in archive.infolist():
        with archive.open(info) as member:
            json.loads(member.read().decode("utf-8-sig"))
"""


def amendments_zip(count: int = COUNT) -> Path:
    """A zip file laid out as the AN archive (json/<dossier>/<text>/<uid>.json) of `count` real
    amendments cloned from the sample, each under a new uid; built once into data/bench/."""
    path = CACHE / f"amendments_{count}.zip"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SAMPLE.glob("AMANR*.json"))]
    topic = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SAMPLE.parent.glob("AMANR*.json"))]
    partial = path.with_suffix(".tmp")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(count):
            uid, text = topic[i // TOPIC_EVERY % len(topic)] if i % TOPIC_EVERY == 0 else texts[i % len(texts)]
            prefix, number = _UID.match(uid).groups()  # type: ignore[union-attr]
            new_uid = f"{prefix}{500000 + i:06d}"
            archive.writestr(f"json/DLR5L17N50588/PRJLANR5L17B{i % 900:04d}/{new_uid}.json", text.replace(uid, new_uid))
    partial.replace(path)
    return path


def read_parse_zip_file(path: Path) -> None:
    """The back-fill time baseline: read every member of the zip file and parse its JSON."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            with archive.open(info) as member:
                json.loads(member.read().decode("utf-8-sig"))


def bench_backfill_amendments(folder: Path) -> None:
    """Seconds to parse and store the whole zip, read from its file as a crawl reads it once
    downloaded, beside reading and parsing its JSON."""
    import hashlib
    import shutil

    from scrapy.http import Response

    from pipelines.dispatch import store_item
    from spiders.an_amendments import AnAmendmentsSpider
    from spiders.items import CrawlState
    from spiders.streaming import ARCHIVE_FILE, ARCHIVE_SHA256, ARCHIVE_SIZE

    path = amendments_zip()
    baseline = timed(lambda: read_parse_zip_file(path), 3)
    db = database.open_db(folder / "amendments.db")
    spider = AnAmendmentsSpider(config_path=str(ROOT / "veille.toml"))
    spider.previous = CrawlState()
    source = next(s for s in CONFIG.sources if s.name == ARCHIVE_SOURCE)
    if source not in spider.sources:
        spider.sources.append(source)
    request = spider.archive_request(source, source.url, spider.parse_archive)
    copy = folder / "download.part"  # what the download handler leaves for the spider (removed once read)
    shutil.copyfile(path, copy)
    request.meta.update({ARCHIVE_FILE: str(copy), ARCHIVE_SHA256: hashlib.sha256(copy.read_bytes()).hexdigest(),
                         ARCHIVE_SIZE: copy.stat().st_size})
    response = Response(source.url, body=b"", request=request)
    start = time.perf_counter()
    items = 0
    with database.write_batch(db) as batch:
        for item in spider.parse_archive(response):
            with batch.unit():
                store_item(db, MATCHER, item)
            items += 1
    veille = time.perf_counter() - start
    stored = db.execute("SELECT count(*) FROM amendments").fetchone()[0]
    db.close()
    line(f"backfill_amendments_{COUNT // 1000}k", veille, baseline, "s")
    print(f"   ({items} éléments lus, {stored} amendements sur le sujet enregistrés, zip de {path.stat().st_size / 1e6:.1f} Mo)",
          flush=True)


# Peak RSS as the kernel counts it for the process's own memory since it started (VmHWM),
# written at exit. Not ru_maxrss: a child forked from this bench process (~140 MB of Scrapy
# and the rest imported) inherits that size as its ru_maxrss floor, and would hide the figure.
PEAK_PROLOGUE = """
import atexit, os, sys
def _report_peak():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["VEILLE_BENCH_PEAK_FILE"], "w") as out:
        out.write(peak)
atexit.register(_report_peak)
"""
CRAWL_SCRIPT = "from pipelines.cli import main\nsys.exit(main())\n"


def peak_rss(script: str, args: list[str], folder: Path, cwd: Path = ROOT,
             env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """Run the Python `script` with `args` in a subprocess in `cwd`; return its wall seconds,
    its peak RSS in MB (VmHWM, written by the child at exit), its exit code and the end of
    its stderr."""
    peak_file = folder / f"peak-{time.monotonic_ns()}"
    env = {**(env or os.environ), "VEILLE_BENCH_PEAK_FILE": str(peak_file)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK_PROLOGUE + script, *args], env=env, cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("nan")
    return seconds, peak, done.returncode, done.stderr.decode("utf-8", "replace")[-2000:]


def crawl_config(folder: Path) -> Path:
    """A copy of veille.toml whose database and raw files live in `folder`, with the
    amendments archive source enabled (disabled in production: a back-fill is asked for)."""
    text = (ROOT / "veille.toml").read_text(encoding="utf-8")
    text = re.sub(r'^database = ".*"$', f'database = "{folder / "veille.db"}"', text, flags=re.M)
    text = re.sub(r'^raw_dir = ".*"$', f'raw_dir = "{folder / "raw"}"', text, flags=re.M)
    text, changed = re.subn(rf'(name = "{ARCHIVE_SOURCE}"(?:\n(?!\[).*)*?\nenabled = )false', r"\1true", text)
    assert changed == 1, "source an_amendements_archive introuvable dans veille.toml"
    path = folder / "veille.toml"
    path.write_text(text, encoding="utf-8")
    return path


def bench_backfill_memory(folder: Path) -> None:
    """Peak RSS of a real archive back-fill crawl over HTTP at two zip sizes, each beside the
    peak RSS of reading and parsing the same zip file member by member."""
    import sqlite3

    from replay_server import ReplayServer

    code = os.environ.get("VEILLE_BENCH_CODE")
    env = {**os.environ, "VEILLE_LOG_LEVEL": "WARNING"}
    checkout = Path(code).resolve() if code else ROOT  # `python -c` imports from its working folder first
    source = next(s for s in CONFIG.sources if s.name == ARCHIVE_SOURCE)
    measured = []
    for count in MEMORY_COUNTS:
        path = amendments_zip(count)
        _, baseline, code_rc, err = peak_rss(BASELINE_SCRIPT, [str(path)], folder)
        assert code_rc == 0, err
        run = folder / f"crawl_{count}"
        (run / "routes" / "bench").mkdir(parents=True)
        (run / "routes" / "bench" / "routes.json").write_text(json.dumps(
            [{"url": source.url, "file": str(path), "content_type": "application/zip"}]), encoding="utf-8")
        config = crawl_config(run)
        with ReplayServer(root=run / "routes") as server:
            seconds, veille, rc, err = peak_rss(
                CRAWL_SCRIPT, ["--config", str(config), "crawl", "--replay", server.url, "--spider", "an_amendments",
                               "--source", ARCHIVE_SOURCE], folder, checkout, env)
        assert rc == 0, err
        db = sqlite3.connect(run / "veille.db")
        stored = db.execute("SELECT count(*) FROM amendments").fetchone()[0]
        members = db.execute("SELECT members FROM datasets WHERE url = ?", (source.url,)).fetchone()
        db.close()
        assert members and members[0] == count, f"archive non lue en entier : {members}"
        raw = [line for f in (run / "raw").glob("*/*.jsonl") for line in f.read_text(encoding="utf-8").splitlines()]
        raw_amendments = sum('"item_type": "an_amendment"' in line for line in raw)
        assert raw_amendments == stored, f"{raw_amendments} lignes brutes d'amendements pour {stored} enregistrés"
        line(f"backfill_memory_{count // 1000}k", veille, baseline, "MB")
        print(f"   (collecte réelle en {seconds:.1f} s : {count} amendements lus, {stored} enregistrés, "
              f"zip de {path.stat().st_size / 1e6:.1f} Mo, fichier brut de {len(raw)} lignes"
              f"{', code de ' + code if code else ''})", flush=True)
        measured.append((count, path.stat().st_size / 1e6, veille))
    (small, small_mb, small_rss), (big, big_mb, big_rss) = measured[0], measured[-1]
    print(f"   (de {small // 1000}k à {big // 1000}k : zip +{big_mb - small_mb:.1f} Mo, pic de mémoire "
          f"{big_rss - small_rss:+.1f} Mo, soit {(big_rss - small_rss) / (big_mb - small_mb):.2f} Mo par Mo de zip)",
          flush=True)


BENCHES = [bench_backfill_amendments, bench_backfill_memory]


def main() -> None:
    """Run the benches named on the command line (default: all)."""
    run_benches(BENCHES)


if __name__ == "__main__":
    main()
