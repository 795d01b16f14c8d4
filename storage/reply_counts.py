"""Readers' replies per replica, so that the one sender's pacer leaves room for all of them.

Each replica keeps one row: the replies it counted in Telegram's last second, whether it is
sending the outbox, and when it wrote them by the database's clock (seconds since the epoch, one
clock for every replica, so a replica's own clock being off cannot make stale counts look fresh).
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.database import Database, Dialect

# A count older than this is of a replica that stopped writing (stopped, died, or idle).
FRESH = 2.0
# Rows of replicas gone for longer than this are cleared away when a replica starts sharing.
GONE = 60.0

_NOW = {
    Dialect.SQLITE: "((julianday('now') - 2440587.5) * 86400.0)",
    Dialect.POSTGRES: "extract(epoch FROM clock_timestamp())::double precision",
}


@dataclass(frozen=True)
class Elsewhere:
    """What the other replicas wrote lately: their replies, and whether one of them sends."""

    replies: int
    sending: bool


class ReplyCounts:
    """Repository of the replicas' reply counts."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._now = _NOW[db.dialect]

    async def publish(self, replica: str, replies: int, *, sending: bool) -> None:
        """Write this replica's count of replies in the last second, now."""
        await self._db.execute(
            "INSERT INTO reply_counts (replica, replies, sending, at)"
            f" VALUES (?, ?, ?, {self._now})"
            " ON CONFLICT (replica) DO UPDATE"
            " SET replies = excluded.replies, sending = excluded.sending, at = excluded.at",
            (replica, replies, int(sending)),
        )

    async def elsewhere(self, replica: str, fresh: float = FRESH) -> Elsewhere:
        """The other replicas' replies written in the last ``fresh`` seconds, and whether one of
        them was sending then."""
        row = await self._db.fetch_one(
            "SELECT coalesce(sum(replies), 0) AS replies, coalesce(max(sending), 0) AS sending"
            " FROM reply_counts WHERE replica <> ?"
            f" AND at > {self._now} - CAST(? AS double precision)",
            (replica, fresh),
        )
        assert row is not None  # an aggregate always has its row
        return Elsewhere(int(row["replies"]), bool(row["sending"]))

    async def leave(self, replica: str) -> None:
        """Remove this replica's row (it stops), and rows of replicas long gone."""
        await self._db.execute(
            "DELETE FROM reply_counts WHERE replica = ?"
            f" OR at < {self._now} - CAST(? AS double precision)",
            (replica, GONE),
        )
