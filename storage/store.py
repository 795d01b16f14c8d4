"""The store: one database connection and the repositories on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from storage import postgres
from storage.articles import Articles
from storage.audit import AdminActions, IngestRuns
from storage.chats import Chats
from storage.conversations import Conversations
from storage.database import Database, SqliteDatabase, connect, migrate
from storage.drafts import Drafts
from storage.festivals import Festivals
from storage.filters import ReaderFilters
from storage.languages import ChatLanguages
from storage.outbox import Outbox
from storage.rates import Rates
from storage.reminders import Reminders
from storage.reply_counts import ReplyCounts
from storage.runner_locks import AdvisoryLock, FileLock, RunnerLock
from storage.search import Search
from storage.search_index import reindex, reindex_postgres
from storage.sources import Sources
from storage.subscribers import Subscribers
from storage.tags import ArticleTags


class Store:
    """Everything the bot keeps, one repository per table group."""

    def __init__(self, db: Database, location: Path | str) -> None:
        self.db = db
        self.location = location  # the SQLite file, or the PostgreSQL URL
        self.articles = Articles(db)
        self.festivals = Festivals(db)
        self.reminders = Reminders(db)
        self.rates = Rates(db)
        self.admin_actions = AdminActions(db)
        self.ingest_runs = IngestRuns(db)
        self.subscribers = Subscribers(db)
        self.outbox = Outbox(db)
        self.sources = Sources(db)
        self.drafts = Drafts(db)
        self.languages = ChatLanguages(db)
        self.search = Search(db)
        self.tags = ArticleTags(db)
        self.filters = ReaderFilters(db)
        self.chats = Chats(db, self.languages)
        self.conversations = Conversations(db)
        self.reply_counts = ReplyCounts(db)

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating if need be) and migrate the database at ``path``, a SQLite file or a
        ``postgresql://`` URL; search terms made by another analysis (or none) are computed
        again."""
        if postgres.is_postgres_url(path):
            pool = await postgres.connect(str(path))
            db = postgres.PostgresDatabase(pool)
            try:
                await postgres.migrate(pool)
                await reindex_postgres(db)
            except BaseException:
                await pool.close()
                raise
            return cls(db, str(path))
        connection = await connect(path)
        try:
            await migrate(connection)
            await reindex(connection)
        except BaseException:
            await connection.close()
            raise
        return cls(SqliteDatabase(connection), Path(path))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Group several repository writes into one transaction."""
        async with self.db.transaction():
            yield

    def runner_lock(self, runner: str) -> RunnerLock:
        """The lock that makes one process of this database the ``runner`` (``sender``,
        ``fetch``): a file beside a SQLite database, an advisory lock on PostgreSQL."""
        if isinstance(self.location, str):
            return AdvisoryLock(self.location, runner)
        return FileLock.beside(self.location, runner)

    async def close(self) -> None:
        """Close the database."""
        await self.db.close()
