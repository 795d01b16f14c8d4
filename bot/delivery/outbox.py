"""Writing to the outbox: fan-outs queued for the sender, and the clock they are queued by."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from telegram import InlineKeyboardMarkup

from bot.delivery.kinds import OutboxKind
from storage import Store
from storage.outbox import Outgoing

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def markup_json(markup: InlineKeyboardMarkup | None) -> str | None:
    """A reply markup as the outbox keeps it."""
    return None if markup is None else markup.to_json()


async def enqueue(
    store: Store,
    kind: OutboxKind,
    ref: str,
    messages: Iterable[tuple[int, str, InlineKeyboardMarkup | None]],
    *,
    now: datetime | None = None,
) -> int:
    """Queue one fan-out — ``(chat_id, html, markup)`` per chat — for the running sender.

    ``(kind, ref)`` names it (e.g. ``(OutboxKind.BROADCAST, "17")``): queueing it again adds
    only the chats not queued yet, so a retried command never sends twice. Returns how many
    were new; ``store.outbox.report(kind, ref)`` tells how they fare.
    """
    return await store.outbox.add(
        kind,
        ref,
        (Outgoing(chat_id, text, markup_json(markup)) for chat_id, text, markup in messages),
        now or utc_now(),
    )
