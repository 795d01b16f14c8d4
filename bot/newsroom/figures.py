"""The newsroom's figures for /stats, gathered from the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage import Store
from storage.models import AdminAction, IngestRun

RECENT_ACTIONS = 5


@dataclass(frozen=True, slots=True)
class Stats:
    """The figures /stats shows."""

    articles: int
    festivals: int
    subscribers_active: int
    subscribers_inactive: int
    digests_today: int
    last_ingest: IngestRun | None
    recent: Sequence[AdminAction]


async def gather(store: Store, since: datetime, *, digest_kind: str) -> Stats:
    """The figures now; digests count from ``since`` (the local midnight)."""
    return Stats(
        articles=await store.articles.count(),
        festivals=await store.festivals.count(),
        subscribers_active=await store.subscribers.count(active=True),
        subscribers_inactive=await store.subscribers.count(active=False),
        digests_today=await store.outbox.sent_since(digest_kind, since),
        last_ingest=await store.ingest_runs.last(),
        recent=await store.admin_actions.recent(RECENT_ACTIONS),
    )
