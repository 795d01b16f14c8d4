"""``build_application(settings)``: the only place the Telegram application is assembled."""

from __future__ import annotations

import logging
from enum import IntEnum
from pathlib import Path
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    BaseRateLimiter,
    Defaults,
    TypeHandler,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.commands import announce_admins, announce_public
from bot.config import Settings
from bot.context import CONTEXT_TYPES, App
from bot.delivery.service import DeliveryService
from bot.handlers import (
    admin,
    chats,
    digest_settings,
    fallback,
    festivals,
    inline,
    language,
    news,
    rates,
    receive,
    search,
    start,
    subscriptions,
)
from bot.live import LiveSources
from bot.newsroom.ingest import ingest
from bot.newsroom.tagging import tag_pending
from bot.updates import log as update_log
from bot.updates.concurrency import PerChatUpdateProcessor
from bot.updates.errors import on_error
from bot.updates.journal import JournalingRequest
from bot.updates.retry import ReplyRetryingRateLimiter
from storage import Store
from storage.articles import AddOutcome

logger = logging.getLogger(__name__)


class Group(IntEnum):
    """PTB's handler groups, in the order each update passes through them."""

    PACER_IN = -50  # the delivery pacer hears of the update before anything answers it
    EDITS = -1  # edited messages stop here: PTB's CommandHandler would run them again
    COMMANDS = 0  # the areas (HANDLER_MODULES); within a group the first match wins
    PACER_OUT = 1000  # after every other group: the update's reply is out


# The areas register in this order, in Group.COMMANDS: /start and /help first, the areas next,
# and the fallback (unknown commands, stickers, plain text, stray buttons) last, so that it
# only sees what nobody else took.
HANDLER_MODULES = (
    chats,  # service messages first: a group that migrated is followed before anything else
    start,
    news,
    search,
    festivals,
    rates,
    subscriptions,
    digest_settings,
    receive,  # "What I receive", the cards' Follow
    inline,  # @bot WORDS in any chat
    language,
    admin,
    fallback,
)

# A token is needed to build an Application even where no Telegram is reached (filmnews chat).
OFFLINE_TOKEN = "0:offline"


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    rate_limiter: bool | BaseRateLimiter[Any] = True,
) -> App:
    """Build the bot: handlers, error handler and lifecycle (store opened in post_init).

    ``request`` replaces the HTTP client (``filmnews chat`` and benchmarks answer the Bot API
    in-process); ``rate_limiter`` is True for PTB's ``AIORateLimiter``, False for none, or a
    limiter of the caller's own.
    """
    processor = PerChatUpdateProcessor()
    builder = (
        ApplicationBuilder()
        .token(settings.token or OFFLINE_TOKEN)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(processor)
        .post_init(_open)
        .post_shutdown(_close)
    )
    # Each getUpdates batch is kept in the update journal before Telegram is told it arrived.
    polling = request if request is not None else HTTPXRequest(connection_pool_size=1)
    builder = builder.get_updates_request(JournalingRequest(polling, processor.journal))
    if request is not None:
        builder = builder.request(request)
    if isinstance(rate_limiter, BaseRateLimiter):
        builder = builder.rate_limiter(rate_limiter)
    elif rate_limiter:
        # Holds sends to Telegram's flood limits and, on a 429, waits retry_after and resends;
        # a reply lost to a network error or a 5xx is sent again, a few times.
        # (arg-type: PTB types the limiter by the builder's still unset generic, [None].)
        limiter = ReplyRetryingRateLimiter(max_retries=3)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    # (assignment: the builder's generics don't follow .context_types(); App names them.)
    application: App = builder.build()  # type: ignore[assignment]
    delivery = DeliveryService(lanes=settings.sender_lanes)
    application.bot_data.settings = settings
    application.bot_data.delivery = delivery
    application.add_handler(TypeHandler(Update, delivery.expect_reply), group=Group.PACER_IN)
    application.add_handler(fallback.edits_gate(), group=Group.EDITS)
    for module in HANDLER_MODULES:
        module.register(application)
    application.add_handler(TypeHandler(Update, delivery.replied), group=Group.PACER_OUT)
    delivery.schedule(application)
    LiveSources().schedule(application)  # the sources file at start, then what is due
    if application.job_queue is not None:
        # However late the start (APScheduler drops a run missed by more than 1 s by default).
        application.job_queue.run_once(
            announce_admins,
            when=0,
            name="admin command menu",
            job_kwargs={"misfire_grace_time": None},
        )
    application.add_error_handler(on_error)
    application.add_error_handler(update_log.on_error)  # the update's log line says "error"
    return application


async def _open(application: App) -> None:
    """Open and migrate the store, ingest the seeds, queue the updates left unhandled, announce
    the commands."""
    settings = application.bot_data.settings
    store = await Store.open(settings.store_location)
    application.bot_data.store = store
    if not settings.seeds.exists():
        logger.warning(
            "FILMNEWS_SEEDS: %s does not exist (the working directory is %s); no seeds ingested",
            settings.seeds,
            Path.cwd(),
        )
    else:
        report = await ingest(store, [settings.seeds])
        for error in report.errors:
            logger.error("seed not ingested: %s", error)
        logger.info(
            "seeds from %s: %d articles added, %d rates added",
            settings.seeds,
            report.count(AddOutcome.ADDED),
            report.rates_added,
        )
    if tagged := await tag_pending(store):  # articles stored before tags (migration 0013)
        logger.info("tagged %d articles stored without their countries and topics", tagged)
    if not await store.articles.count():
        logger.warning(
            "the database %s has no articles: /latest and /search will find nothing until "
            "something is ingested (filmnews ingest PATH, or FILMNEWS_SEEDS)",
            settings.store_name,
        )
    processor = application.update_processor
    if isinstance(processor, PerChatUpdateProcessor):
        left = await processor.journal.open(settings.store_location)
        if left:
            logger.warning("handling %d update(s) received but not handled before", len(left))
        for payload in left:
            await application.update_queue.put(Update.de_json(payload, application.bot))
    await announce_public(application.bot, application.bot_data.catalogs)


async def _close(application: App) -> None:
    """Close the store."""
    processor = application.update_processor
    if isinstance(processor, PerChatUpdateProcessor):
        await processor.journal.close()
    store = application.bot_data.release_store()
    if store is not None:
        await store.close()
