"""Benchmark of the foundation: topic matching, feed parsing, storage. Prints figures;
never run by the test suite (`make bench`)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import feedparser  # noqa: E402

from nlp.text import clean_text  # noqa: E402
from nlp.topic import TopicMatcher  # noqa: E402
from pipelines.config import load_config  # noqa: E402
from pipelines.db import open_db  # noqa: E402
from pipelines.store import store_document  # noqa: E402
from spiders.items import Document  # noqa: E402

FEEDS = sorted((ROOT / "tests" / "fixtures" / "press_rss").glob("*.xml"))


def timed(function, repeat: int = 5) -> tuple[float, float, float]:
    """Median, min and max seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def corpus() -> list[str]:
    """Plain texts of every recorded feed entry, repeated to about 20 MB."""
    texts = []
    for path in FEEDS:
        for entry in feedparser.parse(path.read_bytes()).entries:
            texts.append(clean_text(f"{entry.get('title', '')}\n{entry.get('summary', '')}") + " " + "Le texte continue. " * 100)
    repeat = max(1, 20_000_000 // sum(len(t) for t in texts))
    return texts * repeat


def main() -> None:
    config = load_config(ROOT / "veille.toml")
    matcher = TopicMatcher.from_topic(config.topic)
    texts = corpus()
    size = sum(len(t.encode()) for t in texts) / 1e6
    median, low, high = timed(lambda: [matcher.find(t) for t in texts], 3)
    print(f"repérage du sujet : {size:.1f} Mo, {len(texts)} textes, {size / median:.1f} Mo/s (médiane ; {size / high:.1f}–{size / low:.1f})")

    raw = [p.read_bytes() for p in FEEDS]
    entries = sum(len(feedparser.parse(b).entries) for b in raw)
    median, low, high = timed(lambda: [feedparser.parse(b, sanitize_html=False) for b in raw])
    print(f"lecture des flux (feedparser) : {entries} entrées, {entries / median:.0f} entrées/s (médiane)")

    realistic = "Le financement des SEC-Pa est maintenu. " + "Texte ordinaire sur la santé publique. " * 60
    dense = "Le financement des SEC-Pa est maintenu. " * 40
    for label, body in (("article de 2,4 ko, 1 mention", realistic), ("40 mentions par document", dense)):
        docs = [Document(source="bench", url=f"https://exemple.fr/{i}", title=f"Article {i}", summary=body) for i in range(1000)]
        with tempfile.TemporaryDirectory() as folder:
            db = open_db(Path(folder) / "bench.db")
            insert = timed(lambda: [store_document(db, matcher, d) for d in docs], 1)[0]
            noop = timed(lambda: [store_document(db, matcher, d) for d in docs], 1)[0]
            db.close()
        print(f"enregistrement ({label}) : {len(docs) / insert:.0f} documents/s à l'insertion "
              f"(FTS par déclencheurs), {len(docs) / noop:.0f} documents/s quand rien ne change")


if __name__ == "__main__":
    main()
