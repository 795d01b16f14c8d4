"""The audit trail of admin actions and refused attempts, and the ingest log."""

from __future__ import annotations

from collections.abc import Sequence

from storage.convert import to_datetime
from storage.database import Database, Row
from storage.errors import NotFound
from storage.models import AdminAction, IngestRun


def _action(row: Row) -> AdminAction:
    return AdminAction(
        id=row["id"],
        user_id=row["user_id"],
        action=row["action"],
        target=row["target"],
        allowed=bool(row["allowed"]),
        detail=row["detail"],
        created_at=to_datetime(row["created_at"]),
    )


class AdminActions:
    """Repository of the audit trail."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        user_id: int,
        action: str,
        *,
        allowed: bool,
        target: str | None = None,
        detail: str = "",
    ) -> int:
        """Append one line to the audit trail; returns its id."""
        async with self._db.transaction():
            added = await self._db.fetch_value(
                "INSERT INTO admin_actions (user_id, action, target, allowed, detail) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (user_id, action, target, allowed, detail),
            )
        return int(added)

    async def get(self, action_id: int) -> AdminAction:
        """One line of the audit trail; ``NotFound`` if there is none with that id."""
        row = await self._db.fetch_one("SELECT * FROM admin_actions WHERE id = ?", (action_id,))
        if row is None:
            raise NotFound(f"no audit line {action_id}")
        return _action(row)

    async def recent(self, limit: int = 5) -> list[AdminAction]:
        """The newest lines of the audit trail, newest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM admin_actions ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [_action(row) for row in rows]


class IngestRuns:
    """Repository of the ingest log."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self, source: str, *, articles_added: int, articles_skipped: int, rates_added: int
    ) -> None:
        """Log one ingest of one source."""
        await self._db.execute(
            "INSERT INTO ingest_runs (source, articles_added, articles_skipped, rates_added) "
            "VALUES (?, ?, ?, ?)",
            (source, articles_added, articles_skipped, rates_added),
        )

    async def record_many(self, runs: Sequence[tuple[str, int, int, int]]) -> None:
        """Log several ingests, each ``(source, articles added, skipped, rates added)``, in one
        round trip."""
        async with self._db.transaction():
            await self._db.execute_many(
                "INSERT INTO ingest_runs (source, articles_added, articles_skipped, rates_added) "
                "VALUES (?, ?, ?, ?)",
                runs,
            )

    async def last(self) -> IngestRun | None:
        """The most recent ingest, if any."""
        row = await self._db.fetch_one("SELECT * FROM ingest_runs ORDER BY id DESC LIMIT 1")
        if row is None:
            return None
        return IngestRun(
            id=row["id"],
            source=row["source"],
            articles_added=row["articles_added"],
            articles_skipped=row["articles_skipped"],
            rates_added=row["rates_added"],
            created_at=to_datetime(row["created_at"]),
        )
