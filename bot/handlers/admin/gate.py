"""The admin gate and the audit trail: who may run admin commands, and what they did."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from bot.context import Context, settings_of, store_of
from bot.i18n import mark
from bot.updates import log as update_log

logger = logging.getLogger(__name__)

REFUSAL = mark("Sorry, that is for the newsroom's admins only.")
# How much of a refused command's text the audit trail keeps (and of any detail, the log).
DETAIL_LIMIT = 200

Callback = Callable[[Update, Context], Coroutine[Any, Any, Any]]


def user_id_of(update: Update) -> int:
    """The id of the user behind an update (0 when there is none, as in channel posts)."""
    return update.effective_user.id if update.effective_user else 0


def is_admin(context: Context, user_id: int) -> bool:
    """Whether ``user_id`` is one of ``FILMNEWS_ADMIN_IDS`` (ids only, never usernames)."""
    return user_id in settings_of(context).admin_ids


async def record(
    context: Context, user_id: int, action: str, *, target: object = None, detail: str = ""
) -> int:
    """Write an admin's action to the audit trail and the log; returns the audit line's id."""
    shown = None if target is None else str(target)
    action_id = await store_of(context).admin_actions.record(
        user_id, action, allowed=True, target=shown, detail=detail
    )
    logger.info("admin %s: %s %s %r", user_id, action, shown or "-", detail[:DETAIL_LIMIT])
    return action_id


async def refuse(update: Update, context: Context, action: str) -> None:
    """Turn a non-admin away politely, changing nothing but the audit trail and the log."""
    user_id = user_id_of(update)
    attempt = _attempt(update)
    logger.warning("refused %s to user %s (not in FILMNEWS_ADMIN_IDS)", action, user_id)
    await store_of(context).admin_actions.record(
        user_id, action, allowed=False, detail=attempt[:DETAIL_LIMIT]
    )
    update_log.mark(update_log.Outcome.REFUSED)
    if update.callback_query is not None:
        await update.callback_query.answer(context.t(REFUSAL), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(context.t(REFUSAL))


def admin_only(action: str) -> Callable[[Callback], Callback]:
    """Run the handler for admins only; refuse (and record) everyone else."""

    def decorate(handler: Callback) -> Callback:
        @functools.wraps(handler)
        async def gated(update: Update, context: Context) -> Any:
            if is_admin(context, user_id_of(update)):
                return await handler(update, context)
            await refuse(update, context, action)
            return None

        return gated

    return decorate


def _attempt(update: Update) -> str:
    if update.callback_query is not None:
        return f"button {update.callback_query.data}"
    message = update.effective_message
    return (message.text or message.caption or "") if message else ""
