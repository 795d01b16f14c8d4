"""Storage's own exceptions, and ``DATABASE_ERRORS``: what a call into storage may raise when
the database itself fails, whichever backend it is."""

import sqlite3

import asyncpg


class StorageError(Exception):
    """Base class of every error raised by the storage layer."""


class NotFound(StorageError):
    """The row asked for does not exist."""


class Conflict(StorageError):
    """A write would duplicate an existing row; ``existing_id`` names it."""

    def __init__(self, message: str, existing_id: int | None = None) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class SchemaTooNew(StorageError):
    """The database was written by a newer filmnews than this one."""


class ConstraintError(StorageError):
    """A write broke a constraint of the schema (a unique column, a foreign key, a check)."""


# A failing database (locked, gone, full, refused): storage's own errors and each backend's, so
# that callers catch them without knowing which backend they talk to.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    StorageError,
    sqlite3.Error,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)
