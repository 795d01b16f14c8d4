"""Storage for filmnews on SQLite or PostgreSQL: connections, migrations and repositories. No
Telegram here."""

from storage.errors import DATABASE_ERRORS, Conflict, NotFound, SchemaTooNew, StorageError
from storage.store import Store

__all__ = ["DATABASE_ERRORS", "Conflict", "NotFound", "SchemaTooNew", "StorageError", "Store"]
