"""The batched write path (issue 17) over real records: the real AN questions (QE 5268, QG 1,
67, 608) and amendments archives as the spiders parse them, and documents built from the real
press pages of `press_articles/` (their texts; source, URL and copies constructed), stored
a few at a time in write batches, give the database that one transaction per item gives:
every table, every column but the time stamps, the search index."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from conftest import FIXTURES, ROOT
from parliament_helpers import body_response, make_zip, response
from pipelines import db as database
from pipelines.dispatch import store_item
from spiders.an_amendments import AnAmendmentsSpider
from spiders.an_questions import AnQuestionsSpider
from spiders.articles import extract_article
from spiders.items import Document
from test_faults_writes import snapshot

DAY = datetime(2026, 2, 7, 6, 30, tzinfo=timezone.utc)
STAMPS = {"first_seen", "updated_at"}
TOPIC = "Les SEC-Pa, structures d'exercice coordonné participatives, attendent leur financement. "


def _press() -> list[Document]:
    """Documents carrying the real press texts: each once, a few again from another source
    (the same URL with a tracking parameter, a longer text), one twice unchanged."""
    docs: list[Document] = []
    for i, path in enumerate(sorted((FIXTURES / "press_articles").glob("*.html"))):
        text = extract_article(path.read_bytes(), f"https://ex.fr/{path.name}", "text/html").text or ""
        if len(text.split()) < 80:
            continue
        docs.append(Document(source=f"src{i % 3}", url=f"https://journal{i % 4}.example/{path.stem}",
                             title=f"Article {path.stem}", text=(TOPIC if i % 2 else "") + text,
                             published=DAY + timedelta(hours=i), guid=f"guid-{path.stem}"))
    copies = [Document(source="bing_news_secpa", url=f"{d.url}?utm_source=bing", title=d.title,
                       text=d.text + " Mise à jour.", published=d.published) for d in docs[:4]]
    return docs + copies + [docs[1]]


def _questions(spider: AnQuestionsSpider) -> list:
    """The real archives, plus QE 5268 with the topic named in its question and, in a copy,
    in its answer only (constructed variants of the real record)."""
    items = list(spider.parse(response(spider, "an_questions_ecrites", "an_questions", "Questions_ecrites_L17.json.zip")))
    items += spider.parse(response(spider, "an_questions_gouvernement", "an_questions", "Questions_gouvernement_L16.json.zip"))
    real = json.loads((FIXTURES / "an_questions" / "QANR5L17QE5268.json").read_text(encoding="utf-8"))
    members = []
    for number, field in ((90001, "textesQuestion"), (90002, "textesReponse")):
        variant = json.loads(json.dumps(real).replace("QANR5L17QE5268", f"QANR5L17QE{number}")
                             .replace('"5268"', f'"{number}"'))
        part = variant["question"][field]["texteQuestion" if field == "textesQuestion" else "texteReponse"]
        part["texte"] = TOPIC + part["texte"]
        members.append((f"json/QANR5L17QE{number}.json", json.dumps(variant, ensure_ascii=False).encode("utf-8")))
    # At a URL of its own: two different archives at one URL would each rewrite its version row.
    items += spider.parse(body_response(spider, "an_questions_ecrites", make_zip(members),
                                        url="https://data.assemblee-nationale.fr/constructed/Questions_ecrites_variants.json.zip"))
    return items


PRODUCTION = str(ROOT / "veille.toml")  # read from its path, whatever VEILLE_CONFIG says


@pytest.fixture(scope="module")
def production_config():
    """The production configuration."""
    from pipelines.config import load_config

    return load_config(PRODUCTION)


@pytest.fixture(scope="module")
def items():
    amendments = AnAmendmentsSpider(config_path=PRODUCTION)  # its archive source is disabled there
    amendments.sources.append(next(s for s in amendments.config.sources if s.name == "an_amendements_archive"))
    found = _press() + _questions(AnQuestionsSpider(config_path=PRODUCTION))
    found += amendments.parse_archive(response(amendments, "an_amendements_archive", "an_amendments",
                                               "Amendements_L17.json.zip"))
    return found


@pytest.fixture(scope="module")
def matcher(production_config):
    from nlp.topic import TopicMatcher

    return TopicMatcher.from_topic(production_config.topic)


def _store(path, matcher, items, size: int | None) -> list[str]:
    db = database.open_db(path)
    if size is None:
        actions = [store_item(db, matcher, item) for item in items]
    else:
        actions = []
        with database.write_batch(db, size=size) as batch:
            for item in items:
                with batch.unit():
                    actions.append(store_item(db, matcher, item))
    assert not db.conn.in_transaction
    db.close()
    return actions


def content(path, stamps: bool = False) -> dict[str, list]:
    """Every row of every table but the search index's own (`snapshot` reads it), without
    the time stamps unless `stamps`."""
    conn = sqlite3.connect(path)
    try:
        shot = {}
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for name in names:
            if name.startswith(("documents_fts", "sqlite_", "_")) or name.endswith(("_fts", "_data", "_idx", "_docsize",
                                                                                   "_config", "_content")):
                continue
            columns = [c[1] for c in conn.execute(f"PRAGMA table_info([{name}])") if stamps or c[1] not in STAMPS]
            shot[name] = sorted(conn.execute(f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{name}]").fetchall(),
                                key=repr)
        return shot
    finally:
        conn.close()


@pytest.mark.parametrize("size", [3, 1000], ids=["several-transactions", "one-transaction"])
def test_real_records_stored_in_batches_give_the_database_one_transaction_per_item_gives(tmp_path, matcher, items, size):
    one = _store(tmp_path / "one.db", matcher, items, None)
    batched = _store(tmp_path / "batched.db", matcher, items, size)
    assert one == batched
    assert {"insert", "noop", "irrelevant"} <= set(one)
    expected, found = content(tmp_path / "one.db"), content(tmp_path / "batched.db")
    assert expected == found
    assert snapshot(tmp_path / "one.db") == snapshot(tmp_path / "batched.db")  # the search index included
    kinds = {row[3] for row in expected["documents"]}
    assert {"press", "question", "reponse", "amendement"} <= kinds  # every path was taken
    assert len(expected["questions"]) == 6 and len(expected["mentions"]) > 10 and expected["document_aliases"]


def test_a_second_pass_over_the_same_records_writes_nothing(tmp_path, matcher, items):
    _store(tmp_path / "v.db", matcher, items, 50)
    before = content(tmp_path / "v.db", stamps=True)
    again = _store(tmp_path / "v.db", matcher, items, 50)
    assert set(again) == {"noop", "irrelevant"}
    assert content(tmp_path / "v.db", stamps=True) == before  # time stamps included: nothing rewritten
