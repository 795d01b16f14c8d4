"""Nothing received is lost: ``kill -9`` with commands fetched but not answered, then a restart.

Prints the figure: how many of the commands fetched before the SIGKILL got no answer at all.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.emulator import TEST_TOKEN, BotApiEmulator
from tests.test_ops_process import TIMEOUT, start

COMMANDS = 20  # from 20 chats: 4 handled at once, the others waiting for a worker


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A Bot API emulator on 127.0.0.1."""
    async with BotApiEmulator() as emu:
        yield emu


async def test_sigkill_loses_no_command_already_fetched(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    variables = {"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_URL": emulator.api_url}
    chats = range(101, 101 + COMMANDS)
    process = await start(tmp_path, "run", **variables)
    try:
        await emulator.wait_for(lambda: emulator.calls("getUpdates"), TIMEOUT, "polling")
        emulator.set_delay(30, "sendMessage")  # replies hang: every command is in the bot's hands
        for chat in chats:
            await emulator.send_text(chat, "/help", user_id=chat)
        # Fetched and confirmed to "Telegram": it will not deliver them again.
        await emulator.wait_for(lambda: not emulator.pending_updates, TIMEOUT, "confirmation")
        await emulator.wait_for(lambda: emulator.calls("sendMessage"), TIMEOUT, "first replies")
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert not emulator.sent()

    emulator.set_delay(0, "sendMessage")
    again = await start(tmp_path, "run", **variables)
    try:
        await emulator.wait_for(
            lambda: {m.chat_id for m in emulator.sent()} >= set(chats), TIMEOUT, "every answer"
        )
    finally:
        again.send_signal(signal.SIGTERM)
        async with asyncio.timeout(TIMEOUT):
            await again.communicate()
    answered = {m.chat_id for m in emulator.sent()}
    lost = COMMANDS - len(answered & set(chats))
    repeated = len(emulator.sent()) - len(answered)
    print(f"\nSIGKILL with {COMMANDS} commands fetched: {lost} lost, {repeated} answered twice")
    assert lost == 0
    assert repeated == 0  # the replies on the wire at the kill never arrived: none twice here
    assert all("Commands" in m.plain for m in emulator.sent())
