"""One unit of writes: all of it happens, or none of it.

sqlite-utils 4 commits every write on its own, and `with db.conn:` opens no transaction
(`conn.in_transaction` stays False inside it). `write_unit` opens one: `BEGIN IMMEDIATE`, which
takes the write lock at once (waiting up to the connection's `busy_timeout`), so a unit that
reads then writes never fails half-way because another process wrote in between. Inside an
open transaction it is a savepoint (`savepoint`), so units nest.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator

import sqlite_utils


class write_unit:  # noqa: N801  (used as a function: `with write_unit(db):`)
    """Run the block as one transaction: committed when it ends, rolled back when it raises
    (a crash before the commit leaves the database as it was). Inside an open transaction,
    a `savepoint`."""

    __slots__ = ("db", "inner")

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.inner: savepoint | None = None

    def __enter__(self) -> sqlite_utils.Database:
        if self.db.conn.in_transaction:
            self.inner = savepoint(self.db)
            return self.inner.__enter__()
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        if self.inner is not None:
            self.inner.__exit__(exc_type, exc, traceback)
            return
        if exc_type is not None:
            self.db.rollback()
            return
        try:
            self.db.execute("COMMIT")
        except BaseException:
            self.db.rollback()
            raise


class savepoint:  # noqa: N801  (used as a function: `with savepoint(db):`)
    """A savepoint inside the open transaction: released when the block ends, rolled back
    to when it raises. One fixed name (SQLite rolls back to the innermost savepoint of that
    name), so the statements are compiled once per connection, not once per unit. A class,
    not a generator: it is entered twice per stored document."""

    __slots__ = ("db", "conn")

    def __init__(self, db: sqlite_utils.Database):
        self.db, self.conn = db, db.conn

    def __enter__(self) -> sqlite_utils.Database:
        self.conn.execute("SAVEPOINT veille_unit")
        return self.db

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        conn = self.conn
        if exc_type is None:
            conn.execute("RELEASE SAVEPOINT veille_unit")
        elif conn.in_transaction:
            # An error can end the whole transaction (a RAISE(ROLLBACK) trigger, a full disk):
            # then there is no savepoint left to roll back to.
            conn.execute("ROLLBACK TO SAVEPOINT veille_unit")
            conn.execute("RELEASE SAVEPOINT veille_unit")


BATCH_SIZE = 300  # units per transaction in a batch
BATCH_SECONDS = 2.0  # and no transaction held open longer than this between units


class BatchLost(RuntimeError):
    """SQLite rolled back a whole batch transaction (disk full, I/O error): the units it
    held are not stored. Never caught per item: the run stops and the next one redoes them."""


class WriteBatch:
    """Units of writes grouped in transactions: a back-fill or an import writes its items
    `size` at a time (or every `seconds`), in one `BEGIN IMMEDIATE … COMMIT` each, instead
    of one transaction per item. Each unit is a savepoint inside it, so a unit that raises
    is rolled back alone and the batch goes on. A crash loses only the units not committed
    yet, whole: the next run writes them again. `on_begin` callables run in each new
    transaction, `before_commit` ones just before its COMMIT (in it: an index built once for
    the whole batch, `pipelines.db.write_batch`), `after_commit` ones after it (to record,
    outside the database, what is now stored)."""

    def __init__(self, db: sqlite_utils.Database, size: int = BATCH_SIZE, seconds: float = BATCH_SECONDS):
        self.db, self.size, self.seconds = db, size, seconds
        self.pending = 0
        self.opened = 0.0
        self.on_begin: list[Callable[[], None]] = []
        self.before_commit: list[Callable[[], None]] = []
        self.after_commit: list[Callable[[], None]] = []

    @contextmanager
    def unit(self) -> Iterator[sqlite_utils.Database]:
        """One unit of the batch (a savepoint in the batch's transaction, opened when none
        is); the transaction is committed once it holds `size` units or is `seconds` old."""
        conn = self.db.conn
        if not conn.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
            self.opened, self.pending = time.monotonic(), 0
            try:
                for callback in self.on_begin:
                    callback()
            except BaseException:
                self.db.rollback()
                raise
        try:
            with savepoint(self.db):
                yield self.db
        except BaseException as exc:
            lost, self.pending = self.pending, self.pending if conn.in_transaction else 0
            if lost and not conn.in_transaction:
                raise BatchLost(f"transaction annulée par SQLite, {lost} écritures perdues : {exc}") from exc
            raise
        self.pending += 1
        if self.pending >= self.size or time.monotonic() - self.opened >= self.seconds:
            self.commit()

    def commit(self) -> None:
        """Commit the units written so far (between units only), then run `after_commit`.
        When a `before_commit` callable fails, the whole transaction is rolled back."""
        if self.db.conn.in_transaction:
            try:
                for callback in self.before_commit:
                    callback()
            except BaseException:
                self.pending = 0
                self.db.rollback()
                raise
            self.db.execute("COMMIT")
        self.pending = 0
        for callback in self.after_commit:
            callback()

    def __enter__(self) -> "WriteBatch":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.commit()
