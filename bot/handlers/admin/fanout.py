"""Sending one message to every subscriber through the outbox, and reporting how it went.

The outbox row of each (kind, ref, chat) is unique, so queueing the same fan-out again (a button
pressed twice, a press resent by the client, the bot restarted in between) adds nobody twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import InlineKeyboardMarkup
from telegram.error import TelegramError

from bot import delivery, digest
from bot.context import App, Context, store_of
from bot.render.admin import Delivered
from storage.outbox import OutboxReport

logger = logging.getLogger(__name__)

# How often the report of a fan-out in progress looks at the outbox.
FOLLOW_INTERVAL = 0.25


async def queue(
    context: Context,
    kind: str,
    ref: str,
    text: str,
    markup: InlineKeyboardMarkup | None,
    *,
    missing_article: int | None = None,
) -> int:
    """Queue ``text`` for every active subscriber; returns how many are new.

    ``missing_article`` leaves out the chats whose digest already carried that article. Call it
    inside the transaction that records the action, so both happen or neither.
    """
    store = store_of(context)
    chats = await store.subscribers.active_chat_ids(missing_article=missing_article)
    return await delivery.enqueue(store, kind, ref, ((chat, text, markup) for chat in chats))


def wake_sender(application: App) -> None:
    """Make the outbox sender look at the outbox now."""
    service = digest.service_of(application)
    service.start_sender(application)
    service.wake()


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
    kind: str,
    ref: str,
    queued: int,
    where: tuple[int, int],
    render: Callable[[Delivered], str],
) -> None:
    """Once the fan-out is done (or the bot stops), edit the message at ``where`` to report."""
    application.create_task(
        _follow(application, kind, ref, queued, where, render), name=f"report {kind} {ref}"
    )


async def _follow(
    application: App,
    kind: str,
    ref: str,
    queued: int,
    where: tuple[int, int],
    render: Callable[[Delivered], str],
) -> None:
    store = application.bot_data.store
    while True:
        report = await store.outbox.report(kind, ref)
        if report.done or not application.running:
            break
        await asyncio.sleep(FOLLOW_INTERVAL)
    chat_id, message_id = where
    try:
        await application.bot.edit_message_text(
            render(delivered(queued, report)), chat_id=chat_id, message_id=message_id
        )
    except TelegramError as error:
        logger.warning("could not report %s %s to chat %s: %s", kind, ref, chat_id, error)
