"""The search of the site and of the alerts, pure functions: what a person types becomes
groups of FTS5 terms (words are ANDed, OU/OR joins two terms into one group), each group
matching either the text index of documents or the names of the actors a document cites
(`actors_fts`, joined through `actor_mentions` and the authors of questions), so « Rist »
finds the documents where she is only « la ministre de la Santé ».

The SQL built here runs once per page: the site turns its rowids into one JSON array that
every part of the page (count, rows, facets, snippets) reads, instead of matching again.
Terms that every relevant document carries (its topic keywords, e.g. « secpa ») need no
index at all: they are `relevant = 1`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One search term: a word or a phrase (folded words), with a trailing * for a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        """The FTS5 form of the term: a quoted phrase, then " *" for a prefix."""
        return '"' + " ".join(self.words) + '"' + (" *" if self.prefix else "")


def fold_word(word: str) -> str:
    """Lower case without diacritics (what FTS5's unicode61 remove_diacritics 2 indexes)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_groups(query: str) -> list[list[Term]]:
    """The AND-groups of a query: each group is one term, or several joined by OU/OR.
    Punctuation never reaches FTS5 (SEC-Pa becomes the phrase "sec pa")."""
    groups: list[list[Term]] = []
    pending_or = False
    for phrase, word in re.findall(r'"([^"]*)"?|([^\s"]+)', query or ""):
        if word and word.upper() in ("OR", "OU"):
            pending_or = bool(groups)
            continue
        words = tuple(fold_word(w) for w in re.findall(r"\w+", phrase or word))
        if not words:
            continue
        term = Term(words, prefix=(phrase or word).rstrip().endswith("*"))
        if pending_or and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    return groups


def group_expression(group: list[Term]) -> str:
    """The FTS5 expression of one group: its terms joined by OR."""
    return " OR ".join(t.fts() for t in group)


def topic_tokens(topics: str | None) -> list[str]:
    """The folded tokens of a stored `documents.topics` value (« SEC-Pa secpa » → sec, pa, secpa)."""
    return [fold_word(w) for w in re.findall(r"\w+", topics or "")]


def covers_all_relevant(group: list[Term], tokens: list[str]) -> bool:
    """True when every term of the group is found in the topic keywords: every relevant
    document then matches it (the keywords are indexed with each of them)."""
    if not tokens:
        return False
    return all(_term_in_tokens(term, tokens) for term in group)


def _term_in_tokens(term: Term, tokens: list[str]) -> bool:
    n = len(term.words)
    for i in range(len(tokens) - n + 1):
        window = tokens[i:i + n]
        if window[:-1] == list(term.words[:-1]) and (
                window[-1] == term.words[-1] or (term.prefix and window[-1].startswith(term.words[-1]))):
            return True
    return False


@dataclass(frozen=True)
class SearchPlan:
    """How to find the documents of a query: `sql` gives their rowids (None when every
    relevant document matches), with `params`; `relevant_only` when a topic-wide term asks
    for relevant documents; `snippet_expression` for FTS5 snippet(): any of the text terms (a term matched only
    by an actor's name must not hide the others)."""

    sql: str | None
    params: dict[str, str]
    relevant_only: bool
    snippet_expression: str
    empty: bool


def search_plan(query: str, topics: str | None, tables: set[str], named: set[str] | None = None) -> SearchPlan:
    """The plan of a query on a database holding `tables` (the actor-name index and
    the questions join are used when present). With `named`, the FTS5 expressions of the
    groups that match an actor's name (`group_expression`): the other groups skip the
    actor-name joins (they would add nothing, and their union costs a third of a search
    matching most documents)."""
    groups = parse_groups(query)
    if not groups:
        return SearchPlan(None, {}, False, "", True)
    tokens = topic_tokens(topics)
    selects, params, text_groups = [], {}, []
    relevant_only = False
    for i, group in enumerate(groups):
        if covers_all_relevant(group, tokens):
            relevant_only = True
            continue
        key = f"veille_g{i}"
        params[key] = group_expression(group)
        text_groups.append(params[key])
        by_names = named is None or params[key] in named
        selects.append(group_sql(key, tables if by_names else tables - {"actors_fts"}))
    sql = " intersect ".join(f"select * from ({s})" for s in selects) if selects else None
    return SearchPlan(sql, params, relevant_only, " OR ".join(f"({g})" for g in text_groups), False)


def group_sql(key: str, tables: set[str]) -> str:
    """Rowids of the documents matching the group bound to `:key`: in their title, text or
    topic keywords, or by the name of an actor they cite (or of the author of their question)."""
    parts = [f"select rowid from documents_fts where documents_fts match :{key}"]
    if "actors_fts" in tables:
        actors = f"select a.id from actors a join actors_fts f on f.rowid = a.rowid where actors_fts match :{key}"
        parts.append("select d.rowid from documents d where d.id in "
                     f"(select am.document_id from actor_mentions am where am.actor_id in ({actors}))")
        if "questions" in tables:
            parts.append("select d.rowid from documents d where d.id in "
                         f"(select q.document_id from questions q where q.author_id in ({actors}))")
        if "debate_passages" in tables:
            parts.append("select d.rowid from documents d where d.id in "
                         f"(select p.document_id from debate_passages p where p.speaker_id in ({actors}))")
        if "amendments" in tables:
            parts.append("select d.rowid from documents d where d.id in "
                         f"(select m.document_id from amendments m where m.author_id in ({actors}))")
    return " union ".join(parts)


def actor_suggestions_sql(tables: set[str]) -> str | None:
    """Actors whose name matches every group of the query (bound as :veille_names), with
    the number of documents citing them, the most cited first; None without the index."""
    if "actors_fts" not in tables:
        return None
    return ("select a.id, a.name, a.kind, (select count(distinct am.document_id) from actor_mentions am "
            "where am.actor_id = a.id) as documents "
            "from actors a join actors_fts f on f.rowid = a.rowid where actors_fts match :veille_names "
            "order by documents desc, a.name limit 5")


def names_expression(query: str) -> str:
    """The FTS5 expression to match actor names: every group must match the name."""
    return " AND ".join(f"({group_expression(g)})" for g in parse_groups(query))
