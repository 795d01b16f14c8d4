"""The ``filmnews`` command: run | ingest | chat | digest | fetch | check | webhook."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot import console, health, live
from bot.app import build_application
from bot.config import ConfigError, Settings
from bot.context import App
from bot.delivery.service import send_due
from bot.newsroom.ingest import IngestReport, ingest
from bot.newsroom.sources.registry import SourcesFileError
from bot.render import sources as render_sources
from bot.updates import webhook, webhook_admin
from bot.updates.runner import run
from storage import StorageError, Store
from storage.articles import AddOutcome

logger = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# `filmnews chat` logs here, beside the database: log lines (the audit trail's among them) would
# otherwise land in the middle of the conversation.
CHAT_LOG = "filmnews-chat.log"
_MARKS = {AddOutcome.ADDED: "+", AddOutcome.UPDATED: "~", AddOutcome.SKIPPED: "="}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subcommand per task."""
    parser = argparse.ArgumentParser(
        prog="filmnews", description="A Telegram bot that delivers Central Asian film news."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run", help="run the bot (long polling, or a webhook server; needs TELEGRAM_BOT_TOKEN)"
    )
    ingest_parser = commands.add_parser(
        "ingest", help="ingest seed pages and festivals files (files or folders); idempotent"
    )
    ingest_parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    chat = commands.add_parser("chat", help="talk to the bot in the terminal, no Telegram needed")
    chat.add_argument(
        "--user-id",
        type=int,
        default=console.DEFAULT_USER_ID,
        help=f"act as this Telegram user id (default {console.DEFAULT_USER_ID})",
    )
    chat.add_argument(
        "--lang",
        default=console.DEFAULT_LANGUAGE,
        metavar="CODE",
        help="act as a user whose Telegram app is in this language (ru, kk…; default "
        f"{console.DEFAULT_LANGUAGE}); /language still overrides it",
    )
    digest = commands.add_parser("digest", help="send every due digest now, then exit")
    digest.add_argument("--now", action="store_true", required=True, help="send them now")
    commands.add_parser("check", help="open the database and call getMe (container health check)")
    fetch = commands.add_parser(
        "fetch", help="poll the live sources once (all, or those named); print what each added"
    )
    fetch.add_argument("names", nargs="*", metavar="NAME", help="sources to poll (default: all)")
    add_webhook_parser(commands)
    return parser


def add_webhook_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``filmnews webhook set|delete|info``."""
    hook = commands.add_parser(
        "webhook", help="set, delete or show Telegram's webhook (once per deployment)"
    )
    actions = hook.add_subparsers(dest="action", required=True, metavar="ACTION")
    setting = actions.add_parser(
        "set", help="register FILMNEWS_WEBHOOK_URL with the secret and the updates the bot uses"
    )
    setting.add_argument(
        "--max-connections",
        type=_connections,
        default=webhook_admin.DEFAULT_MAX_CONNECTIONS,
        metavar="N",
        help=f"connections Telegram opens at once, 1-100 (default "
        f"{webhook_admin.DEFAULT_MAX_CONNECTIONS})",
    )
    deleting = actions.add_parser("delete", help="remove the webhook (to long-poll again)")
    deleting.add_argument(
        "--drop-pending-updates", action="store_true", help="also drop the updates not delivered"
    )
    actions.add_parser("info", help="show the webhook: URL, pending updates, last error")


def _connections(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 1 to 100")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``filmnews`` console script."""
    args = build_parser().parse_args(argv)
    # PTB 22 reports RetryAfter.retry_after as a timedelta only when asked to (and warns if not).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"filmnews: bad configuration: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if settings.log_level != "DEBUG":
        # The job queue would log two lines a minute (each run of the digest job), ~2,900 a day.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        match args.command:
            case "ingest":
                return asyncio.run(ingest_command(settings, args.paths))
            case "run":
                return run_command(settings)
            case "chat":
                return chat_command(settings, args.user_id, args.lang)
            case "check":
                return asyncio.run(check_command(settings))
            case "fetch":
                return asyncio.run(fetch_command(settings, args.names))
            case "digest":
                return asyncio.run(digest_command(settings))
            case "webhook":
                return asyncio.run(
                    webhook_admin.command(
                        settings,
                        args.action,
                        max_connections=getattr(
                            args, "max_connections", webhook_admin.DEFAULT_MAX_CONNECTIONS
                        ),
                        drop_pending_updates=getattr(args, "drop_pending_updates", False),
                    )
                )
            case _:
                print(f"filmnews {args.command}: not built yet", file=sys.stderr)
                return 1
    except StorageError as error:
        print(f"filmnews: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


NO_TOKEN = """filmnews run: TELEGRAM_BOT_TOKEN is not set.
Create a bot and get its token from @BotFather in Telegram (https://t.me/BotFather, send /newbot),
then run:  TELEGRAM_BOT_TOKEN=123456:ABC-your-token filmnews run  (or put it in .env).
To try the bot without Telegram first, run:  filmnews chat"""


def run_command(settings: Settings) -> int:
    """``filmnews run``: long-poll Telegram, or serve its webhook, until Ctrl-C or SIGTERM."""
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    if (settings.webhook_url is None) != (settings.listen is None):
        given, missing = ("FILMNEWS_WEBHOOK_URL", "FILMNEWS_LISTEN")
        if settings.webhook_url is None:
            given, missing = missing, given
        print(
            f"filmnews run: {missing} is not set ({given} is): set both to serve a webhook, "
            "or neither to long-poll",
            file=sys.stderr,
        )
        return 2
    try:
        if settings.listen is not None:
            asyncio.run(webhook.run(settings, build_application))
        else:
            asyncio.run(run(settings, _polling_application))
    except webhook_admin.WebhookRegistered as error:
        print(
            f"filmnews run: a webhook is registered ({error.url}), so Telegram refuses long "
            "polling: run `filmnews webhook delete` first, or set FILMNEWS_WEBHOOK_URL and "
            "FILMNEWS_LISTEN to serve it",
            file=sys.stderr,
        )
        return 2
    except webhook.CannotListen as error:
        print(f"filmnews run: FILMNEWS_LISTEN: {error}", file=sys.stderr)
        return 2
    except InvalidToken as error:
        print(
            f"filmnews run: Telegram refused TELEGRAM_BOT_TOKEN ({error}); "
            "check it with @BotFather, or try the bot with: filmnews chat",
            file=sys.stderr,
        )
        return 2
    except NetworkError as error:  # lost again between the first answer and start-up
        print(f"filmnews run: cannot reach {settings.api_url}: {error}", file=sys.stderr)
        return 1
    return 0


def _polling_application(settings: Settings) -> App:
    """The bot for long polling: it first checks that no webhook takes the updates."""
    return webhook_admin.refuse_if_registered(build_application(settings))


def chat_command(
    settings: Settings, user_id: int, language: str = console.DEFAULT_LANGUAGE
) -> int:
    """``filmnews chat``: the bot in the terminal; its log goes to a file, not the conversation."""
    root = logging.getLogger()
    log_file = settings.database.parent / CHAT_LOG
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # no writable folder: no log rather than a noisy chat
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    for existing in root.handlers[:]:
        root.removeHandler(existing)
    root.addHandler(handler)
    return asyncio.run(console.chat(settings, user_id, language=language))


async def check_command(settings: Settings) -> int:
    """``filmnews check``: one line; 0 when the database opens and getMe answers, else 1."""
    if settings.log_level == "INFO":
        logging.getLogger().setLevel(logging.WARNING)  # one line, not the migrations' log
    try:
        print(await health.check(settings))
    except health.Unhealthy as error:
        print(f"filmnews check: {error}", file=sys.stderr)
        return 1
    return 0


async def digest_command(settings: Settings) -> int:
    """``filmnews digest --now``: queue every due digest, send the outbox, say what happened."""
    if not settings.token:
        print(
            "filmnews digest: TELEGRAM_BOT_TOKEN is not set; get a bot's token from @BotFather "
            "(https://t.me/BotFather, send /newbot) and put it in the environment or in .env.",
            file=sys.stderr,
        )
        return 2
    try:
        composed, sent = await send_due(settings, lanes=settings.sender_lanes)
    except InvalidToken as error:
        print(f"filmnews digest: Telegram refused TELEGRAM_BOT_TOKEN ({error})", file=sys.stderr)
        return 2
    except NetworkError as error:
        print(f"filmnews digest: cannot reach {settings.api_url}: {error}", file=sys.stderr)
        return 1
    print(
        f"Digests: {composed.due} due, {composed.queued} queued, {composed.empty} with nothing "
        f"new, {composed.repeated} already sent that day."
    )
    if sent is None:
        print("Another filmnews process is sending the outbox; it will send them.")
    else:
        print(
            f"Outbox: {sent.sent} sent, {sent.blocked} blocked (unsubscribed), {sent.failed} "
            f"failed, {sent.uncertain} uncertain (timed out, not repeated)."
        )
    return 0


async def fetch_command(settings: Settings, names: Sequence[str]) -> int:
    """``filmnews fetch [NAME...]``: what each source added; 1 naming each one that failed."""
    if settings.sources is None:
        print("filmnews fetch: live sources are off (FILMNEWS_SOURCES=none)", file=sys.stderr)
        return 2
    try:
        result = await live.fetch_once(settings, names)
    except SourcesFileError as error:
        print(f"filmnews fetch: {error}", file=sys.stderr)
        return 2
    if result is None:
        print("filmnews fetch: another filmnews process is fetching; try again", file=sys.stderr)
        return 1
    outcomes, unknown = result
    print(render_sources.fetch_report(outcomes))
    for name in unknown:
        print(f"filmnews fetch: {name}: no source has that name", file=sys.stderr)
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    for outcome in failed:
        print(f"filmnews fetch: {outcome.name} failed: {outcome.error}", file=sys.stderr)
    return 1 if failed or unknown else 0


async def ingest_command(settings: Settings, paths: Sequence[Path]) -> int:
    """``filmnews ingest PATH...``: print what was added and skipped; 1 if a file failed."""
    try:
        store = await Store.open(settings.store_location)
    except StorageError as error:
        print(f"filmnews: {settings.store_name}: {error}", file=sys.stderr)
        return 1
    try:
        report = await ingest(store, paths)
    except FileNotFoundError as error:
        print(f"filmnews ingest: {error}", file=sys.stderr)
        return 1
    finally:
        await store.close()
    print(format_report(report))
    for problem in report.errors:
        print(f"filmnews ingest: skipped, nothing written: {problem}", file=sys.stderr)
    return 1 if report.errors else 0


def format_report(report: IngestReport) -> str:
    """A human-readable account of an ingest."""
    lines = []
    for file in report.files:
        if file.error:
            lines.append(f"{file.path}: ERROR {file.error}")
            continue
        if file.festivals_added or file.festivals_updated:
            lines.append(
                f"{file.path}: {len(file.festivals_added)} festivals added, "
                f"{len(file.festivals_updated)} already known"
            )
            lines.extend(f"  + {name}" for name in file.festivals_added)
            continue
        dated = f" ({file.page_date:%d %B %Y})" if file.page_date else ""
        lines.append(
            f"{file.path}{dated}: {_articles(file.count(AddOutcome.ADDED))} added, "
            f"{file.count(AddOutcome.UPDATED)} completed, {file.count(AddOutcome.SKIPPED)} "
            f"skipped; {len(file.rates_added)} rates added, {file.rates_skipped} skipped"
        )
        for article in file.articles:
            festivals = f"  [{', '.join(article.festivals)}]" if article.festivals else ""
            lines.append(f"  {_MARKS[article.outcome]} #{article.article_id} {article.title}")
            if festivals:
                lines[-1] += festivals
        for rate in file.rates_added:
            change = (
                "" if rate.change_pct is None else f"{rate.change_pct:+}%".replace("+0%", "0%")
            )
            lines.append(
                f"  $ {rate.currency}/{rate.base} = {rate.value} {change} on {rate.as_of}"
            )
    lines.append(
        f"Total: {_articles(report.count(AddOutcome.ADDED))} added, "
        f"{report.count(AddOutcome.UPDATED)} completed, {report.count(AddOutcome.SKIPPED)} "
        f"skipped; {report.rates_added} rates added; {report.links} festival links."
    )
    return "\n".join(lines)


def _articles(count: int) -> str:
    return f"{count} article" if count == 1 else f"{count} articles"
