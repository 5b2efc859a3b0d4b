"""Canned queries whose `requires` tables are missing (a step not run yet) run their
`fallback_sql` instead, on the site as in the digest (`pipelines.queries.effective_sql`)."""

from __future__ import annotations

from datasette import hookimpl

from pipelines.queries import DATABASE_NAME, effective_sql, load_queries
from pipelines.site_data import site_database, table_names


@hookimpl
def canned_queries(datasette, database, actor):
    """The SQL each query with `requires` runs on the tables present."""
    if database != DATABASE_NAME:
        return None

    async def inner():
        tables = await table_names(site_database(datasette))
        return {name: {**query, "sql": effective_sql(query, tables)}
                for name, query in load_queries().items() if query.get("requires")}

    return inner
