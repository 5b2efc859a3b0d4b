"""Shared NLP test fixtures: one loaded model for the session, and the reference data
(real AN files + hand-written records in tests/fixtures/nlp/), built the way `veille
evaluate` builds it: through a database, as `veille tag` reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.gazetteer import reference_patterns
from nlp.roles import Reference
from nlp.topic import TopicMatcher

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "nlp"
DEVSET = FIXTURES / "devset.jsonl"


def reference() -> Reference:
    """The test reference (mandates joined with names), as `veille evaluate` builds it."""
    from pipelines.cli_nlp import evaluation_reference

    return evaluation_reference(FIXTURES)


def reference_rows() -> tuple[list[dict], list[dict], list[dict]]:
    """Mandates, organes and actors of the test reference."""
    ref = reference()
    return ref.mandates, ref.organes, ref.actors


def topic_matcher() -> TopicMatcher:
    """The topic matcher of the shipped veille.toml."""
    from pipelines.config import load_config

    return TopicMatcher.from_topic(load_config(Path(__file__).resolve().parent.parent / "veille.toml").topic)


@pytest.fixture(scope="session")
def nlp_model():
    """The NLP pipeline with the reference people as extra patterns, loaded once."""
    from nlp.pipeline import load_pipeline

    return load_pipeline(extra_patterns=reference_patterns(reference()))


@pytest.fixture(scope="session")
def ref() -> Reference:
    return reference()


@pytest.fixture(scope="session")
def topic() -> TopicMatcher:
    return topic_matcher()
