"""Whole pages remembered until the database changes (`pipelines.site_pages`): a staff page
visited again, by the same visitor, the same day, before any write, is sent again as it was."""

from __future__ import annotations

from datasette import hookimpl

from pipelines.site_data import site_database
from pipelines.site_pages import PageMemory


def _database_path(datasette):
    def path():
        db = site_database(datasette)
        return getattr(db, "path", None) if db is not None else None
    return path


@hookimpl
def asgi_wrapper(datasette):
    """Answer a kept page without building it again."""
    return PageMemory(_database_path(datasette)).wrap
