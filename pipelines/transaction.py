"""One unit of writes: all of it happens, or none of it.

sqlite-utils 4 commits every write on its own, and `with db.conn:` opens no transaction
(`conn.in_transaction` stays False inside it). `write_unit` opens one: `BEGIN IMMEDIATE`, which
takes the write lock at once (waiting up to the connection's `busy_timeout`), so a unit that
reads then writes never fails half-way because another process wrote in between. Inside an
open transaction it is a savepoint (`db.atomic()`), so units nest.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import sqlite_utils


@contextmanager
def write_unit(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block as one transaction: committed when it ends, rolled back when it raises
    (a crash before the commit leaves the database as it was)."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise
