"""Incremental story grouping (issue 17): run after run, documents added, edited, renamed,
made irrelevant, the stored stories are exactly those `find_stories` computes over every
relevant document at once; a run with nothing new writes nothing; the fast MinHash equals
its plain-Python definition."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from conftest import FIXTURES
from pipelines import db as database
from pipelines.stories import (
    find_stories, group_stories, minhash, minhash_reference, shingles, stored_stories,
)
from spiders.articles import extract_article

PAGES = FIXTURES / "press_articles"
REAL = ["leprogres_afp_secpa.html", "liberation_quartiers.html", "humanite_pas_un_luxe.html",
        "basta_fin_programmee.html", "mediacites_chateau_en_sante.html", "quotidien_fin_secpa.html",
        "egora_fncs.html", "gazette_elus_locaux.html", "ars_idf_maintien.html", "ledauphine_echirolles.html"]
DAY = datetime(2026, 2, 1, 8, 0, tzinfo=timezone.utc)


def _sentences() -> list[list[str]]:
    """The sentences of real articles (one list per article)."""
    texts = []
    for name in REAL:
        text = extract_article((PAGES / name).read_bytes(), f"https://ex.fr/{name}", "text/html").text
        sentences = [s.strip() + "." for s in text.replace("\n", " ").split(". ") if len(s.split()) > 3]
        texts.append(sentences)
    return texts


def _corpus(count: int, seed: int) -> list[dict]:
    """Documents as outlets publish them: copies of a real article cut or lightly edited
    (near-duplicates, some just around the containment threshold), days or weeks apart,
    and mixes of sentences from several articles."""
    rng = random.Random(seed)
    articles = _sentences()
    documents = []
    for i in range(count):
        base = rng.choice(articles)
        kind = rng.random()
        if kind < 0.6:  # a copy: a contiguous cut, a few sentences dropped or added
            start = rng.randrange(0, max(1, len(base) // 3))
            end = rng.randrange(min(len(base), start + 8), len(base) + 1)
            sentences = [s for s in base[start:end] if rng.random() > 0.15]
            sentences += rng.sample(rng.choice(articles), min(3, len(base)))
        else:  # a mix
            sentences = [s for a in rng.sample(articles, 3) for s in rng.sample(a, min(6, len(a)))]
        published = DAY + timedelta(days=rng.choice([0, 0, 1, 2, 3, 6, 9, 20]), hours=rng.randrange(24))
        documents.append({"id": f"press-{seed}-{i:04d}", "url": f"https://journal{i % 9}.example/{seed}/{i}",
                          "source": f"src{i % 9}", "kind": "press", "title": f"Article {i}",
                          "published": published.isoformat(), "text": " ".join(sentences), "relevant": True})
    return documents


def _store(db, documents):
    for record in documents:
        database.upsert_document(db, record, [])


def _full(db) -> list[dict]:
    rows = list(db.query("SELECT id, title, text, published, first_seen FROM documents WHERE relevant = 1"))
    return find_stories(rows)


def _groups(stories):
    return sorted(tuple(m["document_id"] for m in s["members"]) for s in stories)


def test_fast_minhash_equals_its_definition():
    rng = random.Random(5)
    for size in (1, 7, 300, 5000):
        values = {rng.getrandbits(64) for _ in range(size)} | {0, (1 << 64) - 1, (1 << 61) - 1, 1 << 61}
        assert minhash(values) == minhash_reference(values)
    text = " ".join(" ".join(a) for a in _sentences()[:2])
    assert minhash(shingles(text)) == minhash_reference(shingles(text))


def test_incremental_grouping_run_after_run_gives_the_full_regrouping(db):
    corpus = _corpus(160, seed=3)
    for first in range(0, 120, 30):  # four nights
        _store(db, corpus[first:first + 30])
        assert group_stories(db) == _full(db)
    full = _full(db)
    assert len(full) >= 5 and max(len(s["members"]) for s in full) >= 3  # the corpus does make stories
    # A night with edits: copies rewritten (some leave their story, some join one), new ones.
    rng = random.Random(8)
    edited = [dict(d, text=rng.choice(corpus[120:])["text"] + " Mise à jour.") for d in rng.sample(corpus[:120], 12)]
    redated = [dict(d, published=(DAY + timedelta(days=40)).isoformat()) for d in rng.sample(corpus[:120], 5)]
    _store(db, edited + redated + corpus[120:])
    assert group_stories(db) == _full(db)
    # Documents no longer relevant leave their stories (which may split).
    leads = [s["lead_document_id"] for s in _full(db)[:4]]
    db.execute(f"UPDATE documents SET relevant = 0 WHERE id IN ({', '.join('?' * len(leads))})", leads)
    db.conn.commit()
    assert group_stories(db) == _full(db)
    assert not {m["document_id"] for s in stored_stories(db) for m in s["members"]} & set(leads)
    assert _groups(stored_stories(db)) == _groups(_full(db))


def test_a_renamed_lead_names_its_story_as_a_full_regrouping_does(db):
    corpus = _corpus(60, seed=4)
    _store(db, corpus)
    group_stories(db)
    lead = _full(db)[0]["lead_document_id"]
    database.rename_document(db, lead, "press-renamed-lead")
    assert group_stories(db) == _full(db)
    assert any("press-renamed-lead" in [m["document_id"] for m in s["members"]] for s in stored_stories(db))
    assert lead not in {m["document_id"] for s in stored_stories(db) for m in s["members"]}


def test_a_night_with_nothing_new_writes_nothing(db):
    _store(db, _corpus(50, seed=6))
    stories = group_stories(db)
    assert stories
    writes: list[str] = []
    changing = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN", "COMMIT", "CREATE", "DROP")
    db.conn.set_trace_callback(lambda sql: writes.append(sql) if sql.lstrip().upper().startswith(changing) else None)
    assert group_stories(db) == stories
    db.conn.set_trace_callback(None)
    assert writes == []


def _distinct(count: int, seed: int) -> list[dict]:
    """Documents that share no passage: the words of the real articles, shuffled."""
    rng = random.Random(seed)
    words = " ".join(" ".join(a) for a in _sentences()).split()
    return [{"id": f"press-d{i:04d}", "url": f"https://journal.example/d/{i}", "source": "src", "kind": "press",
             "title": f"Article {i}", "published": DAY.isoformat(), "text": " ".join(rng.sample(words, 300)),
             "relevant": True} for i in range(count)]


def test_one_new_copy_reads_only_its_candidates(db):
    corpus = _distinct(80, seed=9)
    _store(db, corpus)
    group_stories(db)
    copy = dict(corpus[0], id="press-new-copy", url="https://autre.example/copie")
    _store(db, [copy])
    reads: list[str] = []
    db.conn.set_trace_callback(reads.append)
    group_stories(db)
    db.conn.set_trace_callback(None)
    text_reads = [sql for sql in reads if "text" in sql and "FROM documents WHERE id" in sql]
    assert 2 <= len(text_reads) <= 4  # the new copy and its original: not the 80 stored texts
    assert _groups(group_stories(db)) == [(corpus[0]["id"], "press-new-copy")] == _groups(_full(db))


@pytest.mark.parametrize("chunk", [1, 7])
def test_blocks_of_documents_in_separate_transactions_give_the_same_stories(db, monkeypatch, chunk):
    import pipelines.stories

    monkeypatch.setattr(pipelines.stories, "CHUNK_DOCUMENTS", chunk)
    _store(db, _corpus(40, seed=12))
    assert group_stories(db) == _full(db)
