"""Webhook settings, its secret, and the update ids taken across processes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.updates.dedupe import Dedupe
from bot.webhook import url_path
from bot.webhook_admin import secret_of
from storage.updates import SeenUpdates, journal_path

TOKEN = "123456:ABC"


def settings(**environ: str) -> Settings:
    """Settings from exactly ``environ`` (no .env)."""
    return Settings.from_env(environ, env_file=None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.0.0.0:8080", ("0.0.0.0", 8080)),
        ("127.0.0.1:8443", ("127.0.0.1", 8443)),
        ("localhost:80", ("localhost", 80)),
        (":8080", ("0.0.0.0", 8080)),
        ("[::]:8443", ("::", 8443)),
        ("[::1]:9000", ("::1", 9000)),
    ],
)
def test_listen_is_host_and_port(raw: str, expected: tuple[str, int]) -> None:
    assert settings(FILMNEWS_LISTEN=raw).listen == expected


@pytest.mark.parametrize("raw", ["8080", "host:", "host:0", "host:70000", "::1:80", "a b:80"])
def test_a_malformed_listen_is_refused_naming_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError, match=r"^FILMNEWS_LISTEN: .*host:port"):
        settings(FILMNEWS_LISTEN=raw)


def test_webhook_url_and_secret_are_checked() -> None:
    assert settings(FILMNEWS_WEBHOOK_URL="https://bot.example.com/tg").webhook_url == (
        "https://bot.example.com/tg"
    )
    with pytest.raises(ConfigError, match=r"^FILMNEWS_WEBHOOK_URL: "):
        settings(FILMNEWS_WEBHOOK_URL="bot.example.com/tg")
    with pytest.raises(ConfigError, match=r"^FILMNEWS_WEBHOOK_SECRET: "):
        settings(FILMNEWS_WEBHOOK_SECRET="has spaces!")
    unset = settings()
    assert (unset.webhook_url, unset.listen, unset.webhook_secret) == (None, None, None)


def test_the_default_secret_is_derived_from_the_token_the_same_on_every_replica() -> None:
    first = secret_of(settings(TELEGRAM_BOT_TOKEN=TOKEN))
    again = secret_of(settings(TELEGRAM_BOT_TOKEN=TOKEN, FILMNEWS_DATABASE="other.db"))
    other_bot = secret_of(settings(TELEGRAM_BOT_TOKEN="654321:XYZ"))

    assert first == again != other_bot
    assert TOKEN.split(":")[1] not in first
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,256}", first)  # what Telegram accepts


def test_a_configured_secret_wins() -> None:
    chosen = settings(TELEGRAM_BOT_TOKEN=TOKEN, FILMNEWS_WEBHOOK_SECRET="s3cret_-x")
    assert secret_of(chosen) == "s3cret_-x"


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://bot.example.com", "/"),
        ("https://bot.example.com/", "/"),
        ("https://bot.example.com:8443/telegram/hook", "/telegram/hook"),
    ],
)
def test_the_server_serves_the_webhook_urls_path(url: str, path: str) -> None:
    assert url_path(url) == path


async def test_an_update_id_is_taken_once_across_processes(tmp_path: Path) -> None:
    path = journal_path(tmp_path / "filmnews.db")
    replica_a, replica_b = await SeenUpdates.open(path), await SeenUpdates.open(path)
    try:
        assert await replica_a.take(10)
        assert not await replica_b.take(10)
        assert not await replica_a.take(10)
        assert await replica_b.take(11)
    finally:
        await replica_a.close()
        await replica_b.close()

    reopened = await SeenUpdates.open(path)
    try:
        assert not await reopened.take(11)  # kept in the file, not in the process
    finally:
        await reopened.close()


async def test_ids_are_forgotten_after_a_day(tmp_path: Path) -> None:
    path = journal_path(tmp_path / "filmnews.db")
    now = datetime.now(UTC)
    seen = await SeenUpdates.open(path)
    try:
        assert await seen.take(1, now - timedelta(days=1, minutes=1))
        assert await seen.take(2, now - timedelta(hours=23))
    finally:
        await seen.close()

    dedupe = Dedupe()
    await dedupe.open(tmp_path / "filmnews.db")  # forgets what is over a day old
    try:
        assert await dedupe.first(1)  # forgotten: Telegram may reuse an id after a week
        assert not await dedupe.first(2)
        assert await dedupe.prune() == 0
    finally:
        await dedupe.close()
    with pytest.raises(ValueError, match="not open"):
        await dedupe.first(3)
