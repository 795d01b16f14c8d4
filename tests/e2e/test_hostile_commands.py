"""Hostile input to every command (issue 10 items 4, 5, 7): every reply is one Telegram takes,
none is the generic error, and the news still comes afterwards."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS
from bot.render.common import quote, visible_len
from tests.e2e.conftest import ADMIN_ID, RunningBot
from tests.e2e.hostile import EVERYWHERE, HOSTILE, READER_ID, Watch, module_bot
from tests.telegram_html import utf16_len

pytestmark = pytest.mark.asyncio(loop_scope="module")
__all__ = ["module_bot"]

# What every argument gets; numeric and search arguments get their own kinds of trouble too.
NUMBERS = ("huge", "tiny", "nan", "inf", "minus-zero", "ten-to-forty", "past-int64", "23-digits",
           "negative", "zero", "hex", "amp")  # fmt: skip
SEARCHES = ("fts-quote", "fts-near", "fts-star", "fts-ops", "fts-mixed", "zero-width-word",
            "long-words")  # fmt: skip
# Every command with the hostile text as its arguments, and the hostile text in each argument
# position of the commands that take several: (template, the extra inputs it gets).
TEMPLATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    *((f"/{command.name} {{x}}", NUMBERS if command.args else ()) for command in COMMANDS),
    ("/search {x}", SEARCHES),
    ("{x}", SEARCHES),  # plain text in a private chat is a search
    ("/festival {x}", SEARCHES),
    ("/start a{x}", NUMBERS),
    ("/start f{x}", NUMBERS),
    ("/setrate {x} 1", ()),
    ("/setrate TMT {x}", NUMBERS),
    ("/setrate KZT 505 {x}", NUMBERS),
    ("/convert {x} USD", NUMBERS),
    ("/convert 100 {x}", ()),
    ("/convert 100 USD {x}", ()),
    ("/subscribe 08:30 {x}", ()),
    ("/subscribe {x} Bishkek", NUMBERS),
    ("/edit 1 {x}", ()),
    ("/edit {x} A new title", NUMBERS),
    ("/edit 1 -\n{x}", ()),
    ("/post {x}\n{x}", ()),
    ("/post A title | {x}", ()),
    ("/addfestival {x} | Bishkek | Kyrgyzstan | 2026-06-11..2026-06-15 | about", ()),
    ("/addfestival Hostile Film Festival | {x} | {x} | {x} | {x}", ()),
    ("/addfestival Hostile Film Festival | Bishkek | Kyrgyzstan | 2026 | x edition: {x}", NUMBERS),
    ("/addsource https://example.com/{x}", ()),
    ("/addsource https://example.com/feed/ {x}", NUMBERS),
)


@pytest.mark.parametrize(("template", "extra"), TEMPLATES, ids=[t for t, _ in TEMPLATES])
async def test_every_command_survives_hostile_arguments(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture, template: str, extra: tuple[str]
) -> None:
    """An admin (who reaches every command's parsing) types each hostile argument."""
    watch = Watch(module_bot, caplog)
    chat = module_bot.private(ADMIN_ID)
    for name in (*EVERYWHERE, *extra):
        typed = template.format(x=HOSTILE[name])
        replies = await chat.send(typed[:4096])
        watch.check(replies, f"{template} with {name}")
    if template.startswith("/addfestival"):
        await chat.send("/cancel")  # a guided form, if one was opened
    await watch.sane()


@pytest.mark.parametrize("name", ["html"])
async def test_commands_from_a_reader_with_hostile_text(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    """A reader (admin commands refused) types every command with hostile arguments."""
    watch = Watch(module_bot, caplog)
    chat = module_bot.private(READER_ID)
    for command in COMMANDS:
        replies = await chat.send(f"/{command.name} {HOSTILE[name]}")
        watch.check(replies, f"/{command.name} {name}")
    await watch.sane()


@pytest.mark.parametrize(
    ("typed", "argument"),
    [
        ("/subscribe {}", "z" * 4000),
        ("/subscribe 08:30 {}", "Zone" * 1000),
        ("/setrate {} 1", "Q" * 4000),
        ("/festival {}", "щ" * 4000),
        ("/convert 100 {}", "W" * 4000),
        ("/convert {} USD", "7" * 4000),
        ("/edit {} Title", "8" * 4000),
        ("/delfestival {}", "#" + "9" * 4000),
        ("/addfestival Hostile Film Festival | {} | Kyrgyzstan", "Бишкек" * 600),
        ("/search {}", "<" * 4000),
    ],
    ids=lambda value: value[:16],
)
async def test_a_reply_quoting_long_input_is_cut_to_fit(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture, typed: str, argument: str
) -> None:
    """The input is quoted cut short (with an ellipsis), or not at all: the reply is one
    message, well within Telegram's limit."""
    watch = Watch(module_bot, caplog)
    replies = await module_bot.private(ADMIN_ID).send(typed.format(argument))
    watch.check(replies, typed)
    assert len(replies.sent) == 1
    assert argument[:200] not in replies.text
    if argument[1:11] in replies.text:
        assert "…" in replies.text
    assert utf16_len(replies.text) < 1000


async def test_broadcast_counts_what_subscribers_see(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """2,000 '<' are 2,000 characters, not their 8,000-character HTML: the broadcast is asked
    for (its preview cut); one visible character past Telegram's limit is refused, counted as
    the subscribers would see it."""
    watch = Watch(module_bot, caplog)
    await module_bot.private(READER_ID).send("/subscribe 08:30")
    chat = module_bot.private(ADMIN_ID)
    replies = await chat.send("/broadcast " + "<" * 2000)
    watch.check(replies, "/broadcast <×2000")
    assert "<" * 300 in replies.text
    assert any(data.startswith("admin:send:") for data in replies.last.callback_data)
    fits = await chat.send("/broadcast " + "<" * 4093)  # "📣 " and 4,093 characters: 4,096
    watch.check(fits, "/broadcast <×4093")
    assert any(data.startswith("admin:send:") for data in fits.last.callback_data)
    over = await chat.send("/broadcast " + "<" * 4094)
    watch.check(over, "/broadcast <×4094")
    assert not over.last.callback_data
    assert "1 character" in over.text


@pytest.mark.parametrize("number", ["9223372036854775808", "9" * 23, "9" * 32])
async def test_ids_past_sqlite_are_refused_kindly(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture, number: str
) -> None:
    """An id past SQLite's 64-bit integers is no id: each command says so (no OverflowError)."""
    watch = Watch(module_bot, caplog)
    chat = module_bot.private(ADMIN_ID)
    for typed in ("/article {}", "/delete {}", "/edit {} Title", "/delfestival {}"):
        replies = await chat.send(typed.format(number))
        watch.check(replies, typed)
        assert "id" in replies.text or "number" in replies.text, replies.text
        assert not replies.last.callback_data
    for typed in ("/start a{}", "/start f{}"):
        watch.check(await chat.send(typed.format(number)), typed)


async def test_quote_counts_as_telegram_does() -> None:
    """``quote`` cuts to visible UTF-16 units (an emoji is two, "&lt;" one), never inside an
    emoji; ``visible_len`` counts a message's text as Telegram shows it."""
    assert quote("<b>" * 10, 12) == "&lt;b&gt;" * 3 + "&lt;b…"
    assert quote("🎬" * 10, 6) == "🎬🎬…"
    assert quote("  one\n two  ") == "one two"
    assert visible_len(quote("<" * 500)) == 100
    assert visible_len("<b>📣</b> &lt;&amp;") == 5
