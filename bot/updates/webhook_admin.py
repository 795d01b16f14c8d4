"""``filmnews webhook set|delete|info``: the webhook's registration, once per deployment.

Replicas never set the webhook themselves (each would undo the others' settings at every start);
``filmnews run`` in polling mode refuses to start while one is registered, since PTB would delete
it and take the updates from the replicas.
"""

from __future__ import annotations

import hashlib
import hmac
import sys
from datetime import UTC, datetime

from telegram import Bot, Update, WebhookInfo
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import Settings
from bot.context import App

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The update types the handlers take (bot/handlers): Telegram keeps the others to itself.
ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,  # answered with a note: send the command again
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
    Update.CHOSEN_INLINE_RESULT,
)
DEFAULT_MAX_CONNECTIONS = 40  # Telegram's own default; it allows 1 to 100
_SECRET_LABEL = b"filmnews webhook secret token"


class WebhookRegistered(Exception):
    """``filmnews run`` was to long-poll, but Telegram sends the updates to a webhook."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def secret_of(settings: Settings) -> str:
    """FILMNEWS_WEBHOOK_SECRET, else one derived from the token (the same on every replica)."""
    if settings.webhook_secret:
        return settings.webhook_secret
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    return hmac.new(settings.token.encode(), _SECRET_LABEL, hashlib.sha256).hexdigest()


def refuse_if_registered(application: App) -> App:
    """Make ``application`` check getWebhookInfo before it opens anything (polling mode)."""
    opening = application.post_init

    async def post_init(app: App) -> None:
        info = await app.bot.get_webhook_info()
        if info.url:
            raise WebhookRegistered(info.url)
        if opening is not None:
            await opening(app)

    application.post_init = post_init
    return application


async def command(
    settings: Settings,
    action: str,
    *,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    drop_pending_updates: bool = False,
) -> int:
    """Run ``filmnews webhook ACTION``, print what Telegram says; the exit code."""
    where = f"filmnews webhook {action}"
    if not settings.token:
        print(f"{where}: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    if action == "set" and not settings.webhook_url:
        print(
            f"{where}: FILMNEWS_WEBHOOK_URL is not set (the public https:// URL Telegram posts "
            "the updates to)",
            file=sys.stderr,
        )
        return 2
    try:
        async with Bot(settings.token, base_url=f"{settings.api_url}/bot") as bot:
            if action == "set":
                await bot.set_webhook(
                    url=settings.webhook_url or "",
                    secret_token=secret_of(settings),
                    allowed_updates=ALLOWED_UPDATES,
                    max_connections=max_connections,
                )
                print("Webhook set.")
            elif action == "delete":
                before = await bot.get_webhook_info()
                await bot.delete_webhook(drop_pending_updates=drop_pending_updates)
                print(_deleted(before, drop_pending_updates))
            print(describe(await bot.get_webhook_info(), settings))
    except InvalidToken as error:
        print(f"{where}: Telegram refused TELEGRAM_BOT_TOKEN ({error})", file=sys.stderr)
        return 2
    except NetworkError as error:
        print(f"{where}: cannot reach {settings.api_url}: {error}", file=sys.stderr)
        return 1
    except TelegramError as error:
        print(f"{where}: Telegram refused: {error}", file=sys.stderr)
        return 1
    return 0


def _deleted(before: WebhookInfo, dropped: bool) -> str:
    if not before.url:
        return "No webhook was set."
    pending = before.pending_update_count
    if dropped:
        return f"Webhook deleted; {pending} pending update(s) dropped."
    return f"Webhook deleted; {pending} pending update(s) kept for `filmnews run` (long polling)."


def describe(info: WebhookInfo, settings: Settings) -> str:
    """getWebhookInfo in one readable block."""
    if not info.url:
        lines = [
            "Webhook: none (updates wait for getUpdates: `filmnews run` long-polls)",
            f"Pending updates: {info.pending_update_count}",
        ]
        return "\n".join(lines)
    lines = [
        f"Webhook: {info.url}",
        f"Pending updates: {info.pending_update_count}",
        f"Max connections: {info.max_connections or DEFAULT_MAX_CONNECTIONS}",
        "Allowed updates: " + ", ".join(info.allowed_updates or ("all but chat_member",)),
        f"Last error: {_when(info.last_error_date)}: {info.last_error_message}"
        if info.last_error_date
        else "Last error: none",
    ]
    if info.ip_address:
        lines.insert(1, f"IP address: {info.ip_address}")
    if settings.webhook_url and settings.webhook_url != info.url:
        lines.append(f"Note: FILMNEWS_WEBHOOK_URL here is {settings.webhook_url}")
    return "\n".join(lines)


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
