"""Speed of the staff site and of the digest at 200k documents (issue 17): `page_p95` (the
worst staff page's p95 over real HTTP requests to a real `veille serve` on 127.0.0.1, beside
the same server's simplest answer, /-/versions.json; one `page_NAME` line per page, and
`page_first_visit`, the worst first visit after the server started) and `digest` (seconds,
beside the week's mentions query alone). Never run by the test suite (`make bench`;
`--quick` for 20k).

The corpus is the demo (the recorded sources crawled through the replay server and tagged,
as `make demo` does: real documents of every kind with their mentions, actors cited,
commitments, questions, amendments), cloned in bulk to the size: each clone is a demo
document with its mention and annotation rows (ids rewritten), a press passage appended to
its text and a date spread over the four years up to today. Cached in data/bench/."""

from __future__ import annotations

import http.client
import os
import shutil
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "bench")]

from bench_perf import CACHE, CONFIG, QUICK, cached_db, line, press_text, run_benches, timed, work_copy  # noqa: E402

from pipelines import db as database  # noqa: E402

SIZE = 20_000 if QUICK else 200_000
RARE_WORD = "hippothérapie"  # in one clone out of 10 000
COMMON_WORD = "financement"  # in three documents out of four
BASELINE_PAGE = "/-/versions.json"  # the same server's simplest answer
VEILLE = ROOT / ".venv" / "bin" / "veille"
# Tables whose rows hang off a document (cloned with it), and the column naming it.
DOCUMENT_TABLES = {"mentions": "document_id", "actor_mentions": "document_id", "commitments": "document_id",
                   "annotations": "document_id", "document_sources": "document_id", "questions": "document_id",
                   "amendments": "document_id"}
COMMITMENT_SHARE = 20  # one clone in 20 keeps its commitments (the demo is dense with them)


def demo_db(place: Path) -> Path:
    """The demo database: the recorded sources crawled through the replay server, then tagged."""
    from conftest import write_config
    from replay_server import ReplayServer

    place.mkdir(parents=True, exist_ok=True)
    config = write_config(place)
    with ReplayServer() as server:
        subprocess.run([str(VEILLE), "--config", str(config), "crawl", "--replay", server.url],
                       cwd=ROOT, capture_output=True, check=True, timeout=600)
    subprocess.run([str(VEILLE), "--config", str(config), "tag", "--quiet"], cwd=ROOT, capture_output=True,
                   check=True, timeout=600)
    return place / "veille.db"


def _rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple]]:
    cursor = conn.execute(f"SELECT * FROM [{table}]")
    return [d[0] for d in cursor.description], cursor.fetchall()


def _shift(published: str | None, minutes: float, now: datetime) -> str | None:
    """A clone's date: `minutes` before now, at the template's offset."""
    if not published:
        return published
    offset = datetime.fromisoformat(published).tzinfo or timezone.utc
    return (now - timedelta(minutes=minutes)).astimezone(offset).replace(microsecond=0).isoformat()


def build_site_corpus(path: Path, size: int = SIZE) -> None:
    """The demo cloned to `size` documents in bulk (see the module docstring)."""
    with tempfile.TemporaryDirectory() as folder:
        demo = demo_db(Path(folder) / "demo")
        conn = sqlite3.connect(demo)
        conn.execute(f"VACUUM INTO '{path}'")
        conn.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'documents'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER [{name}]")
    doc_columns, templates = _rows(conn, "documents")
    templates = [dict(zip(doc_columns, t)) for t in templates if t[doc_columns.index("relevant")]]
    children: dict[str, tuple[list[str], dict[str, list[tuple]]]] = {}
    for table, key in DOCUMENT_TABLES.items():
        columns, rows = _rows(conn, table)
        by_doc: dict[str, list[tuple]] = {}
        for row in rows:
            by_doc.setdefault(row[columns.index(key)], []).append(row)
        children[table] = (columns, by_doc)
    rng = random.Random(17)
    pool = [press_text(rng, words=110, topic=False) for _ in range(4000)]
    now = datetime.now(timezone.utc)
    step = 4 * 365 * 24 * 60 / size  # minutes between two clones: four years up to now
    documents: list[tuple] = []
    rows_of: dict[str, list[tuple]] = {table: [] for table in DOCUMENT_TABLES}

    def flush() -> None:
        conn.executemany(f"INSERT INTO documents ({', '.join(doc_columns)}) VALUES ({', '.join('?' * len(doc_columns))})",
                         documents)
        documents.clear()
        for table, (columns, _) in children.items():
            conn.executemany(f"INSERT OR IGNORE INTO [{table}] ({', '.join(f'[{c}]' for c in columns)})"
                             f" VALUES ({', '.join('?' * len(columns))})", rows_of[table])
            rows_of[table].clear()

    for i in range(size - len(templates)):
        template = templates[i % len(templates)]
        suffix = f"-b{i:07d}"
        new_id = template["id"] + suffix
        doc = dict(template)
        extra = pool[i % len(pool)] + (f" Une séance d'{RARE_WORD} est évoquée." if i % 10_000 == 5 else "")
        published = _shift(template["published"], step * i, now)
        doc.update(id=new_id, url=f"{template['url']}#b{i}", text=(template["text"] or "") + "\n\n" + extra,
                   published=published, content_hash=f"{template['content_hash']}{suffix}",
                   first_seen=published, updated_at=published)
        documents.append(tuple(doc[c] for c in doc_columns))
        for table, (columns, by_doc) in children.items():
            if table == "commitments" and i % COMMITMENT_SHARE:
                continue
            for row in by_doc.get(template["id"], ()):
                values = dict(zip(columns, row))
                values[DOCUMENT_TABLES[table]] = new_id
                if "id" in values and table != "annotations":
                    values["id"] = f"{values['id']}{suffix}"
                if table == "questions":
                    values["number"] = f"{values['number']}{i}"
                    values["published"] = (published or "")[:10] or values["published"]
                    values["answer_document_id"] = None
                rows_of[table].append(tuple(values[c] for c in columns))
        if len(documents) >= 5000:
            flush()
    flush()
    for name, sql in triggers:
        conn.execute(sql)
    conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('rebuild')")
    conn.commit()
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    db = database.open_db(path)
    database.optimize(db)
    db.close()


def site_corpus() -> Path:
    """The cached site corpus (built on first use, and again once a week: its dates run up to
    the day it was built, and « Cette semaine », the chart and the digest read the last days)."""
    path = CACHE / f"site_{SIZE}.db"
    if path.exists() and time.time() - path.stat().st_mtime > 7 * 24 * 3600:
        for old in CACHE.glob(f"site_{SIZE}.db*"):
            old.unlink()
    return cached_db(f"site_{SIZE}", build_site_corpus)


# ------------------------------------------------------------------ the staff pages over HTTP
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def staff_pages(db_path: Path) -> dict[str, str]:
    """Name → path of every staff page, on documents, actors… found in the corpus."""
    from datasette.utils import tilde_encode

    conn = sqlite3.connect(db_path)

    def one(sql: str) -> str:
        row = conn.execute(sql).fetchone()
        return tilde_encode(str(row[0])) if row else "absent"

    press = one("SELECT id FROM documents WHERE kind = 'press' ORDER BY published DESC LIMIT 1")
    actor = one("SELECT actor_id FROM actor_mentions GROUP BY actor_id ORDER BY count(*) DESC LIMIT 1")
    dossier = one("SELECT id FROM dossiers ORDER BY id LIMIT 1")
    thread = one("SELECT id FROM commitment_threads ORDER BY id LIMIT 1")
    conn.close()
    return {
        "home": "/",
        "search_secpa": "/veille/documents?_q=secpa",
        "search_rare": f"/veille/documents?_q={quote(RARE_WORD)}",
        "search_common": f"/veille/documents?_q={quote(COMMON_WORD)}",
        "documents": "/veille/documents",
        "document": f"/document/{press}",
        "actor": f"/acteur/{actor}",
        "actor_feed": f"/acteur/{actor}.atom",
        "feed_mentions": "/veille/flux_mentions.atom",
        "feed_commitments": "/veille/flux_engagements.atom",
        "feed_search": "/veille/documents.atom?_q=secpa",
        "ics": "/veille/calendrier_engagements.ics",
        "ledger": "/engagements",
        "ledger_thread": f"/engagement/{thread}",
        "dossier": f"/dossier/{dossier}",
        "week": "/cette-semaine",
        "actors": "/acteurs",
        "questions": "/questions",
        "sources": "/sources",
        "about": "/-/a-propos",
    }


class Server:
    """A real `veille serve` on the bench database, on a free port of 127.0.0.1."""

    def __init__(self, db_path: Path, folder: Path):
        from conftest import write_config

        self.port = _free_port()
        config = write_config(folder)
        if db_path != folder / "veille.db":
            shutil.copyfile(db_path, folder / "veille.db")
        env = {k: v for k, v in os.environ.items() if k not in ("VEILLE_STAFF_PASSWORD_HASH", "VEILLE_CURATION_DB")}
        self.process = subprocess.Popen([str(VEILLE), "--config", str(config), "serve", "--port", str(self.port)],
                                        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                self.get("/-/a-propos")
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("veille serve ne répond pas")

    def get(self, path: str) -> tuple[int, float]:
        """Status and seconds of one GET (a new connection, as a browser's first request),
        following a redirect within the site as a browser would."""
        start = time.perf_counter()
        for _ in range(3):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
            location = response.getheader("location") or ""
            if response.status not in (301, 302) or not location.startswith("/"):
                break
            path = location
        return response.status, time.perf_counter() - start

    def stop(self) -> None:
        """Stop the server process (and only it)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def bench_page_p95(folder: Path) -> None:
    """p95 of each staff page (ms) over repeated visits, and the worst, beside the same
    server's simplest answer; then the worst first visit after the server started (nothing
    remembered yet: the first visitor after a write run)."""
    path = site_corpus()
    pages = staff_pages(path)
    server = Server(path, folder)
    try:
        for _ in range(3):
            server.get(BASELINE_PAGE)
        results: dict[str, float] = {}
        first: dict[str, float] = {}
        failures = []
        for name, page in pages.items():
            status, first[name] = server.get(page)  # the first visit (and a slow page gets fewer tries)
            if status != 200:
                failures.append(f"{name} ({page}) : HTTP {status}")
            tries = 20 if first[name] < 0.5 else 5
            results[name] = p95([server.get(page)[1] for _ in range(tries)]) * 1000
        baseline = p95([server.get(BASELINE_PAGE)[1] for _ in range(20)]) * 1000
    finally:
        server.stop()
    for name, value in results.items():
        line(f"page_{name}_{SIZE // 1000}k", value, baseline, "ms")
    worst = max(results, key=results.get)  # type: ignore[arg-type]
    line(f"page_p95_{SIZE // 1000}k", results[worst], baseline, "ms")
    print(f"   (page la plus lente : {worst} {pages[worst]} ; objectif < 100 ms)", flush=True)
    cold = max(first, key=first.get)  # type: ignore[arg-type]
    line(f"page_first_visit_{SIZE // 1000}k", first[cold] * 1000, baseline, "ms")
    print(f"   (première visite la plus lente : {cold} {pages[cold]})", flush=True)
    for failure in failures:
        print(f"   ÉCHEC {failure}", flush=True)


# ------------------------------------------------------------------ digest
def bench_digest(folder: Path) -> None:
    """Seconds to build the digest of the last week at SIZE documents, beside its mentions query."""
    from pipelines.digest import build_digest
    from pipelines.queries import run_query
    from pipelines.weeks import week_of

    path = work_copy(site_corpus(), folder)
    db = database.open_db(path)
    database.optimize(db)
    last = db.execute("SELECT max(published) FROM documents").fetchone()[0]
    today = datetime.fromisoformat(last).date()
    week = week_of(today)
    start = time.perf_counter()
    build_digest(CONFIG, week, db=db, today=today)
    veille = time.perf_counter() - start
    du, au = str(week.start), str(week.end)
    baseline = timed(lambda: run_query(db, "mentions_semaine", du=du, au=au), 3)
    db.close()
    line(f"digest_{SIZE // 1000}k", veille, baseline, "s")


BENCHES = [bench_page_p95, bench_digest]


def main() -> None:
    """Run the benches named on the command line (default: all)."""
    run_benches(BENCHES)


if __name__ == "__main__":
    main()
