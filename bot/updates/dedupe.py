"""Webhook mode: an update delivered twice (to this process or another) is handled once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.updates import SeenUpdates, journal_path

logger = logging.getLogger(__name__)

# Telegram redelivers within minutes; it reuses an update id only after a week without updates.
KEEP = timedelta(days=1)


class Dedupe:
    """The update ids taken by every process on one database, kept a day."""

    def __init__(self) -> None:
        self._seen: SeenUpdates | None = None

    async def open(self, database: Path) -> None:
        """Open the ids of ``database`` (in its update journal's file) and forget old ones."""
        seen = await SeenUpdates.open(journal_path(database))
        try:
            await seen.prune(datetime.now(UTC) - KEEP)
        except BaseException:
            await seen.close()
            raise
        self._seen = seen

    async def close(self) -> None:
        """Close the file."""
        seen, self._seen = self._seen, None
        if seen is not None:
            await seen.close()

    async def first(self, update_id: int) -> bool:
        """Take ``update_id``: True the first time any process on the database takes it.

        ``ValueError`` when closed; storage errors as they come (the caller refuses the update,
        so that Telegram delivers it again).
        """
        if self._seen is None:
            raise ValueError("the update ids are not open")
        return await self._seen.take(update_id)

    async def prune(self) -> int:
        """Forget the ids taken over a day ago; how many."""
        if self._seen is None:
            return 0
        forgotten = await self._seen.prune(datetime.now(UTC) - KEEP)
        if forgotten:
            logger.debug("forgot %d update ids taken over a day ago", forgotten)
        return forgotten
