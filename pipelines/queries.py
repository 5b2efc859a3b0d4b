"""Named queries shared by the Datasette site and the weekly digest.

The SQL lives in one place, the `queries:` section of `datasette/metadata.yml`, so the web
page, its Atom/ICS feeds and the digest cannot drift apart. Use:

    from pipelines.queries import load_queries, run_query
    rows = run_query(db, "mentions_semaine", du="2026-02-16", au="2026-02-22")

Every named parameter of a query (`:du`, `:au`...) defaults to "" when not given; the SQL
treats "" as "use the default" (for instance: the last seven days, today). A query may
declare `requires: [table, ...]` and a `fallback_sql` used while one of those tables does
not exist yet (for instance before the parliament step has created `questions`).

Labels come from `pipelines.labels` through the SQL function `veille_label(table, code)`,
registered on the connection before a query runs (the site registers it on its own).
The site serves the database under the name `DATABASE_NAME` whatever its file is called,
the name its metadata, templates and links use.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipelines.labels import register_sql_functions
from pipelines.resources import site_path

METADATA = site_path("metadata.yml")
DATABASE_NAME = "veille"
_PARAM = re.compile(r"(?<!:):([a-zA-Z_][a-zA-Z0-9_]*)")


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict[str, dict[str, Any]]:
    metadata = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    databases = metadata.get("databases") or {}
    queries = (databases.get(DATABASE_NAME) or {}).get("queries") or {}
    result = {}
    for name, query in queries.items():
        query = {"sql": query} if isinstance(query, str) else dict(query)
        query["name"] = name
        result[name] = query
    return result


def load_queries(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The named canned queries of `datasette/metadata.yml`: {name: {sql, title,
    description, params?, requires?, fallback_sql?, name}} (a fresh copy each call)."""
    path = Path(path or METADATA)
    return {k: dict(v) for k, v in _load(str(path), path.stat().st_mtime).items()}


def query_params(sql: str) -> list[str]:
    """Names of the `:named` parameters of a SQL string, in order of first use."""
    seen: list[str] = []
    for name in _PARAM.findall(re.sub(r"'(?:[^']|'')*'", "''", sql)):
        if name not in seen:
            seen.append(name)
    return seen


def effective_sql(query: dict[str, Any], table_names: set[str] | list[str]) -> str:
    """The SQL to run given the tables that exist: `fallback_sql` while a table listed in
    `requires` is missing, `sql` otherwise."""
    missing = [t for t in query.get("requires") or [] if t not in set(table_names)]
    if missing and query.get("fallback_sql"):
        return query["fallback_sql"]
    return query["sql"]


def bind(name: str, table_names: set[str] | list[str], params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The SQL of the named query for these tables and the values of its parameters
    (a parameter not given is passed as ""). Unknown names raise KeyError."""
    queries = load_queries()
    if name not in queries:
        raise KeyError(f"requête inconnue : {name} (connues : {', '.join(sorted(queries))})")
    sql = effective_sql(queries[name], table_names)
    return sql, {p: ("" if params.get(p) is None else params[p]) for p in query_params(sql)}


def run_query(db, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run the named query against a sqlite-utils Database and return its rows as dicts.
    Unknown names raise KeyError; parameters not given are passed as ""."""
    sql, values = bind(name, [*db.table_names(), *db.view_names()], params)
    register_sql_functions(db.conn)
    return list(db.query(sql, values))
