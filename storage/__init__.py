"""SQLite storage for filmnews: connection, migrations and repositories. No Telegram here."""

from storage.errors import Conflict, NotFound, SchemaTooNew, StorageError
from storage.store import Store

__all__ = ["Conflict", "NotFound", "SchemaTooNew", "StorageError", "Store"]
