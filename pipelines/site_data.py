"""How the site's pages get their data: the one database the site serves (named
`DATABASE_NAME` whatever its file is called), the named queries of `metadata.yml` run on it,
and the check that the visitor may see the site. Never imports the store (`pipelines.db`)."""

from __future__ import annotations

from typing import Any

from pipelines.queries import DATABASE_NAME, bind


def site_database(datasette):
    """The database the site serves, or None before `veille serve` has given it one."""
    return datasette.databases.get(DATABASE_NAME)


async def table_names(db) -> set[str]:
    """The tables and views of a Datasette database (what a query's `requires` may name)."""
    return set(await db.table_names()) | set(await db.view_names())


async def named_rows(db, name: str, tables: set[str] | None = None, **params: Any) -> list[dict[str, Any]]:
    """The rows of the named query `name` (its fallback while a required table is missing),
    run on a Datasette database; parameters not given are passed as ""."""
    sql, values = bind(name, tables if tables is not None else await table_names(db), params)
    return [dict(r) for r in (await db.execute(sql, values)).rows]


async def check_view(datasette, request) -> None:
    """Refuse a reading page to a visitor who may not see the site (login required)."""
    from datasette.utils.asgi import Forbidden

    if not await datasette.permission_allowed(request.actor, "view-instance", default=True):
        raise Forbidden("Connexion requise")
