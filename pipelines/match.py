"""Matching step: find the topic's mentions in a document (title and text)."""

from __future__ import annotations

from nlp.topic import Mention, TopicMatcher
from spiders.items import Document


def match_document(doc: Document, matcher: TopicMatcher) -> list[Mention]:
    """Mentions in the document's text, plus those only found in its title.

    Offsets of text mentions point into `documents.text`; a title-only mention has
    rule prefix "title:" and offsets into the title.
    """
    mentions = matcher.find(doc.text)
    if not matcher.is_relevant(mentions):
        title_hits = [m for m in matcher.find(doc.title) if m.strength == "strong"]
        mentions += [Mention(m.start, m.end, m.matched, f"title:{m.rule}", m.strength, m.snippet) for m in title_hits]
    return mentions


def mention_rows(mentions: list[Mention]) -> list[dict]:
    """Mentions as rows for the `mentions` table."""
    return [
        {"start": m.start, "end": m.end, "matched": m.matched, "rule": m.rule, "strength": m.strength,
         "snippet": m.snippet, "field": "title" if m.rule.startswith("title:") else "text"}
        for m in mentions
    ]
