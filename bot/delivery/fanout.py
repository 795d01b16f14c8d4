"""Fan-outs: one message to every active subscriber through the outbox, and how it went.

Each subscriber gets it in their language (the chat's choice, else their app's when they
subscribed, else English): it is rendered once per language, however many chats speak it.
The outbox row of each (kind, ref, chat) is unique, so queueing the same fan-out again (a button
pressed twice, a press resent by the client, the bot restarted in between) adds nobody twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.context import App
from bot.delivery.filtered import readers_of
from bot.delivery.kinds import OutboxKind
from bot.delivery.outbox import markup_json, utc_now
from bot.i18n import DEFAULT, Catalogs, Translator
from storage import Store
from storage.outbox import OutboxReport, Outgoing

logger = logging.getLogger(__name__)

# How often the report of a fan-out in progress looks at the outbox.
FOLLOW_INTERVAL = 0.25


@dataclass(frozen=True, slots=True)
class FanOut:
    """One message for every active subscriber, named by (kind, ref) in the outbox; ``render``
    gives its text and buttons in one language."""

    kind: OutboxKind
    ref: str
    render: Callable[[Translator], tuple[str, InlineKeyboardMarkup | None]]
    missing_article: int | None = None  # leave out the chats whose digest carried this article


@dataclass(frozen=True, slots=True)
class Delivered:
    """How a send to many chats went."""

    queued: int  # the chats this fan-out was queued for
    sent: int
    blocked: int  # the chat blocked the bot (and is unsubscribed)
    failed: int
    pending: int = 0  # still queued when the bot stopped: sent after the restart


async def queue(
    store: Store,
    catalogs: Catalogs,
    fanout: FanOut,
    record: Callable[[int], Awaitable[object]],
) -> int:
    """Queue ``fanout`` for every active subscriber not queued yet, each in their language;
    returns how many are new.

    When any are, ``record(queued)`` runs in the same transaction (the audit line): both
    happen or neither.
    """
    async with store.transaction():
        chats = await store.subscribers.active_chat_ids(missing_article=fanout.missing_article)
        if fanout.missing_article is not None:  # an article: to those who chose such news
            chats = await readers_of(store, chats, fanout.missing_article)
        languages = await store.languages.of_subscribers(chats)
        rendered: dict[str, tuple[str, str | None]] = {}
        messages = []
        for chat in chats:
            t = catalogs.get(languages.get(chat, DEFAULT))
            if t.code not in rendered:
                text, markup = fanout.render(t)
                rendered[t.code] = text, markup_json(markup)
            messages.append(Outgoing(chat, *rendered[t.code]))
        queued = await store.outbox.add(fanout.kind, fanout.ref, messages, utc_now())
        if queued:
            await record(queued)
    return queued


def delivered(queued: int, report: OutboxReport) -> Delivered:
    """The figures an admin sees; a send that timed out counts as failed (it is not retried)."""
    return Delivered(
        queued=queued,
        sent=report.sent,
        blocked=report.blocked,
        failed=report.failed + report.uncertain,
        pending=report.pending + report.sending,
    )


def follow(
    application: App,
    fanout: FanOut,
    queued: int,
    where: tuple[int, int],
    render: Callable[[Delivered], str],
) -> None:
    """Once the fan-out is done (or the bot stops), edit the message at ``where`` to report."""
    application.create_task(
        _follow(application, fanout, queued, where, render),
        name=f"report {fanout.kind} {fanout.ref}",
    )


async def _follow(
    application: App,
    fanout: FanOut,
    queued: int,
    where: tuple[int, int],
    render: Callable[[Delivered], str],
) -> None:
    store = application.bot_data.store
    while True:
        report = await store.outbox.report(fanout.kind, fanout.ref)
        if report.done or not application.running:
            break
        await asyncio.sleep(FOLLOW_INTERVAL)
    chat_id, message_id = where
    try:
        await application.bot.edit_message_text(
            render(delivered(queued, report)), chat_id=chat_id, message_id=message_id
        )
    except TelegramError as error:
        logger.warning(
            "could not report %s %s to chat %s: %s", fanout.kind, fanout.ref, chat_id, error
        )
