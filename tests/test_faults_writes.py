"""Fault injection: the process dies (`os._exit`, in a forked child) at the N-th write
statement of a real `veille import` and of a real tagging run, for every N; the command is
then run again and the database must be exactly the database of a clean run: same ids,
rows, aliases, sources, mentions, annotations and search index, `integrity_check` ok, and
no run left "running".

The write statements are counted with sqlite3's trace callback on the command's own
connection (every statement SQLite runs: BEGIN, each INSERT/UPDATE/DELETE, SAVEPOINT,
COMMIT...), so the death lands between any two statements, including just before COMMIT.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import write_config
from nlp_fixtures import DEVSET, nlp_model, ref, topic  # noqa: F401  (fixtures)
from pipelines import db as database
from pipelines.config import load_config
from pipelines.raw import raw_line
from spiders.items import Document

DIED = 77


def is_write(sql: str) -> bool:
    """A statement that can change the database file (reads and trigger markers left out)."""
    head = sql.lstrip().upper()
    return bool(head) and not head.startswith(("SELECT", "PRAGMA", "--"))


def run_dying_at(n: int, action, path: Path) -> tuple[int, int]:
    """Run `action()` in a forked child whose connections to `path` die at their n-th write
    statement (n = 0: never); return (exit status, write statements seen)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: count, die at n
        os.close(read)
        seen = [0]
        real_open = database.open_db

        def traced_open(target, *args, **kwargs):
            db = real_open(target, *args, **kwargs)

            def trace(sql: str) -> None:
                if is_write(sql):
                    seen[0] += 1
                    if seen[0] == n:
                        os._exit(DIED)
            db.conn.set_trace_callback(trace)
            return db

        database.open_db = traced_open
        code = 0
        try:
            action()
        except BaseException:  # noqa: BLE001  (the parent sees the code)
            code = 1
        os.write(write, str(seen[0]).encode())
        os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        seen_text = pipe.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), int(seen_text or 0)


def snapshot(path: Path) -> dict:
    """What must not depend on a crash: content rows (no timestamps), links, mentions,
    annotations, the search index; plus the integrity checks."""
    conn = sqlite3.connect(path)
    try:
        def rows(sql):
            return sorted(conn.execute(sql).fetchall(), key=repr)

        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        documents = [c[1] for c in conn.execute("PRAGMA table_info(documents)") if c[1] not in ("first_seen", "updated_at")]
        shot = {
            "documents": rows(f"SELECT {', '.join(documents)} FROM documents"),
            "aliases": rows("SELECT alias, document_id FROM document_aliases"),
            "sources": rows("SELECT document_id, source FROM document_sources"),
            "mentions": rows("SELECT * FROM mentions"),
            "fts": rows("SELECT d.id, f.title, f.text, f.topics FROM documents_fts f JOIN documents d ON d.rowid = f.rowid"),
            "actor_mentions": rows("SELECT * FROM actor_mentions"),
            "commitments": rows("SELECT * FROM commitments"),
            "actors": rows("SELECT * FROM actors"),
        }
        if "annotations" in tables:
            shot["annotations"] = rows("SELECT document_id, model, actor_mentions, commitments, notes FROM annotations")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        running = conn.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0]
        assert running == 0, "a killed run was left running"
        return shot
    finally:
        conn.close()


def check_every_point(tmp_path: Path, template: Path, action_on, every: int = 1) -> int:
    """Kill `action_on(path)` at each write statement of a copy of `template`, rerun it,
    compare with a clean run; return how many points were tried."""
    clean = tmp_path / "clean.db"
    shutil.copyfile(template, clean)
    code, total = run_dying_at(0, lambda: action_on(clean), clean)
    assert code == 0 and total > 10, (code, total)
    expected = snapshot(clean)
    points = sorted(set(range(1, total + 1, every)) | {total - 1, total})
    for n in points:
        path = tmp_path / f"at{n}.db"
        shutil.copyfile(template, path)
        for suffix in ("-wal", "-shm"):
            if Path(f"{template}{suffix}").exists():
                shutil.copyfile(f"{template}{suffix}", f"{path}{suffix}")
        code, _ = run_dying_at(n, lambda: action_on(path), path)
        assert code == DIED, (n, code)
        code, _ = run_dying_at(0, lambda: action_on(path), path)  # the same command, run again
        assert code == 0, n
        assert snapshot(path) == expected, f"différence après une mort à l'écriture {n}/{total}"
        for leftover in tmp_path.glob(f"at{n}.db*"):
            leftover.unlink()
    return len(points)


# ------------------------------------------------------------------ import
DAY = datetime(2026, 2, 7, 6, 30, tzinfo=timezone.utc)
TEXT = "Les SEC-Pa, structures d'exercice coordonné participatives, attendent la décision du ministère. "


def _items() -> list:
    """Items of a raw file: a publisher's article whose Google News item is already stored
    (its id is renamed), an update of a stored article, new ones, an off-topic item, an
    article under a second address, and a parliamentary question."""
    from spiders.parl_items import ParliamentQuestion  # noqa: F401  (the import handles every item type)

    publisher = Document(source="ledauphine", url="https://www.ledauphine.com/sante/2026/02/07/echirolles-secpa",
                         title="Échirolles : mobilisation pour sauver l'expérimentation Secpa", text=TEXT * 6,
                         access="full", published=DAY)
    items = [publisher,
             Document(source="lemonde_sante", url="https://www.lemonde.fr/sante/secpa.html",
                      title="Les SEC-Pa prolongées", summary=TEXT + "Version longue, mise à jour.", published=DAY),
             Document(source="lemonde_sante", url="https://www.lemonde.fr/sante/grippe.html", title="Grippe",
                      summary="La grippe progresse.", published=DAY)]
    for i in range(3):
        items.append(Document(source="basta", url=f"https://basta.media/secpa-{i}", title=f"Les SEC-Pa, épisode {i}",
                              summary=TEXT * (i + 1), published=DAY))
    items.append(Document(source="bing_news_secpa", url="https://basta.media/secpa-1?utm_source=bing",
                          title="Les SEC-Pa, épisode 1", summary=TEXT, published=DAY))
    return items


def _import_template(tmp_path: Path) -> tuple[Path, Path]:
    """A database holding what an earlier night stored (a Google News item, an article
    about to change), and the raw file of the next night."""
    from pipelines.importer import import_files

    config = load_config(write_config(tmp_path))
    earlier = tmp_path / "earlier.jsonl"
    google = Document(source="google_news_secpa", url="https://news.google.com/rss/articles/CBMiSECPA?oc=5",
                      guid="CBMiSECPA", title="Échirolles : mobilisation pour sauver l'expérimentation Secpa",
                      summary="Échirolles : mobilisation pour sauver l'expérimentation Secpa", published=DAY,
                      extra={"publisher_site": "https://www.ledauphine.com"})
    old = Document(source="lemonde_sante", url="https://www.lemonde.fr/sante/secpa.html", title="Les SEC-Pa prolongées",
                   summary=TEXT, published=DAY)
    earlier.write_text(raw_line(google) + raw_line(old), encoding="utf-8")
    assert import_files(config, [earlier])["status"] == "ok"
    raw = tmp_path / "night.jsonl"
    raw.write_text("".join(raw_line(item) for item in _items()) + "{ligne cassée\n", encoding="utf-8")
    template = tmp_path / "template.db"
    with sqlite3.connect(config.database) as source, sqlite3.connect(template) as target:
        source.backup(target)
    return template, raw


def _importing(tmp_path: Path, raw: Path):
    def action_on(path: Path) -> None:
        from pipelines.importer import import_files

        os.environ["VEILLE_DB"] = str(path)
        try:
            config = load_config(tmp_path / "veille.toml")
        finally:
            del os.environ["VEILLE_DB"]
        run = import_files(config, [raw])
        assert run["status"] == "failed" and "night.jsonl:8: ligne illisible" in run["errors"]
    return action_on


def _import_points(tmp_path: Path, every: int) -> None:
    template, raw = _import_template(tmp_path)
    tried = check_every_point(tmp_path, template, _importing(tmp_path, raw), every)
    assert tried > (40 if every == 1 else 8)
    final = snapshot(tmp_path / "clean.db")
    publisher_id = [d[0] for d in final["documents"] if d[1].startswith("https://www.ledauphine.com")]
    assert publisher_id and not any(d[1].startswith("https://news.google.com") for d in final["documents"])


def test_an_import_killed_at_write_statements_is_repaired_by_running_it_again(tmp_path):
    _import_points(tmp_path, every=5)


@pytest.mark.slow
def test_an_import_killed_at_any_write_statement_is_repaired_by_running_it_again(tmp_path):
    _import_points(tmp_path, every=1)


# ------------------------------------------------------------------ tag
def _tag_template(tmp_path: Path) -> Path:
    """A database with relevant documents (texts of the dev set that hold actors and
    commitments) and the reference data, one of them annotated already."""
    path = tmp_path / "template.db"
    db = database.open_db(path)
    texts = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    chosen = [t for t in texts if t["commitments"]][:3] + [t for t in texts if not t["commitments"]][:1]
    for t in chosen:
        database.upsert_document(db, {"id": t["id"], "url": f"https://example.org/{t['id']}", "source": "test",
                                      "kind": "press", "title": "SEC-Pa", "published": t["date"], "text": t["text"],
                                      "relevant": True}, [])
    from nlp_fixtures import reference_rows

    mandates, organes, actors = reference_rows()
    db["organes"].insert_all(organes, pk="id", replace=True, alter=True)
    db["mandates"].insert_all(mandates, pk="id", replace=True, alter=True)
    db["actors"].insert_all(actors, pk="id", replace=True, alter=True)
    db.close()
    return path


@pytest.mark.parametrize("everything", [False, True], ids=["tag", "tag-all"])
def test_a_tag_killed_at_write_statements_is_repaired_by_running_it_again(tmp_path, nlp_model, topic, everything):
    _tag_points(tmp_path, nlp_model, topic, everything, every=4)


@pytest.mark.slow
@pytest.mark.parametrize("everything", [False, True], ids=["tag", "tag-all"])
def test_a_tag_killed_at_any_write_statement_is_repaired_by_running_it_again(tmp_path, nlp_model, topic, everything):
    _tag_points(tmp_path, nlp_model, topic, everything, every=1)


def _tag_points(tmp_path, nlp_model, topic, everything, every):
    from pipelines.tag import tag

    template = _tag_template(tmp_path)
    if everything:  # a second tagging of annotated documents replaces their annotations
        db = database.open_db(template)
        tag(db, topic, nlp=nlp_model)
        db.close()

    def action_on(path: Path) -> None:
        db = database.open_db(path)
        counts = tag(db, topic, everything=everything, nlp=nlp_model)
        assert counts["documents"] >= 0
        db.close()

    tried = check_every_point(tmp_path, template, action_on, every)
    assert tried > (20 if every == 1 else 5)
    final = snapshot(tmp_path / "clean.db")
    assert len(final["annotations"]) == 4 and final["commitments"]
    # Each annotations row agrees with the rows it claims.
    for document_id, _, mentions, commitments, _ in final["annotations"]:
        assert mentions == sum(1 for r in final["actor_mentions"] if r[1] == document_id)
        assert commitments == sum(1 for r in final["commitments"] if r[1] == document_id)
