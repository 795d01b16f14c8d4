"""``filmnews check``: is the bot healthy? The database opens and the Bot API answers getMe."""

from __future__ import annotations

from telegram import Bot
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.config import Settings
from storage import DATABASE_ERRORS, Store

# The database cannot be opened: it fails, or its file or server is out of reach.
_UNOPENED: tuple[type[Exception], ...] = (*DATABASE_ERRORS, OSError)

# A health check must answer well within the container's HEALTHCHECK timeout.
TIMEOUT_SECONDS = 5.0


class Unhealthy(Exception):
    """The one-line reason why the bot cannot work."""


async def check(settings: Settings) -> str:
    """One line on what was checked; ``Unhealthy`` with the reason when something fails."""
    try:
        store = await Store.open(settings.store_location)
    except _UNOPENED as error:
        raise Unhealthy(f"database {settings.store_name}: {error}") from None
    try:
        articles = await store.articles.count()
    except DATABASE_ERRORS as error:
        raise Unhealthy(f"database {settings.store_name}: {error}") from None
    finally:
        await store.close()
    if not settings.token:
        raise Unhealthy("TELEGRAM_BOT_TOKEN is not set")
    request = HTTPXRequest(
        connect_timeout=TIMEOUT_SECONDS,
        read_timeout=TIMEOUT_SECONDS,
        write_timeout=TIMEOUT_SECONDS,
        pool_timeout=TIMEOUT_SECONDS,
    )
    bot = Bot(settings.token, base_url=f"{settings.api_url}/bot", request=request)
    try:
        async with bot:
            me = await bot.get_me()
    except TelegramError as error:
        raise Unhealthy(f"Bot API at {settings.api_url}: getMe failed: {error}") from None
    return f"ok: database {settings.store_name} ({articles} articles), bot @{me.username}"
