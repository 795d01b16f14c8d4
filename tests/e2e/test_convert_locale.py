"""E2E: a rounded /convert result is written in the reader's number format, like its rates."""

from __future__ import annotations

from babel.numbers import format_decimal

from tests.e2e.conftest import RunningBot

READER = 5


async def test_a_rounded_conversion_uses_the_readers_digit_grouping(bot: RunningBot) -> None:
    bot.emulator.set_user_language(READER, "ru")

    replies = await bot.private(READER).send("/convert 1000000 KZT USD")

    headline = replies.text.splitlines()[0]
    grouped = format_decimal(2020, locale="ru")  # 1,000,000 x 0.00202, three digits as given
    assert headline == f"💱 {format_decimal(1000000, locale='ru')} KZT ≈ {grouped} USD"
