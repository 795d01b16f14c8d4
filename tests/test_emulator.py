"""The Bot API emulator, driven by a real PTB Bot and Application over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import (
    Bot,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from tests.emulator import BotApiEmulator, polling
from tests.telegram_html import EntityParseError, parse_telegram_html

CHAT = 4242


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as client:
        yield client


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user by name in HTML, with a button."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Next ▶", callback_data="page:2")]])
    name = update.effective_user.first_name
    await update.effective_message.reply_html(
        f"Hello <b>{name}</b> &amp; welcome", reply_markup=keyboard
    )


async def page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button and edit the message to the page asked for."""
    query = update.callback_query
    await query.answer(f"Opening {query.data}")
    await query.edit_message_text(f"Page {query.data.split(':')[1]}")


def echo_app(emu: BotApiEmulator) -> Application:
    """A tiny application: /start and its button."""
    app = emu.builder().build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(page, pattern=r"^page:"))
    return app


async def test_get_me_describes_the_bot(emu: BotApiEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.username, me.is_bot) == ("filmnews_test_bot", True)
    assert me.id == 123456
    assert [c.method for c in emu.requests] == ["getMe", "getMe"]  # initialize() + get_me()


async def test_typed_command_reaches_handler_over_polling(emu: BotApiEmulator) -> None:
    async with polling(echo_app(emu), poll_timeout=5):
        replies = await emu.ask(CHAT, "/start", first_name="Aida")
        assert replies[0].plain == "Hello Aida & welcome"
        assert replies[0].text == "Hello <b>Aida</b> &amp; welcome"
        assert replies[0].parse_mode == "HTML"
        assert replies[0].entities == [{"type": "bold", "offset": 6, "length": 4}]
        assert replies[0].callback_data == ["page:2"]

        await emu.press_button(CHAT, replies[0].message_id, label="Next")
        edits = await emu.wait_for_edits(CHAT)
        await emu.wait_for(lambda: emu.callback_answers)
    assert edits[0].plain == "Page 2"
    assert edits[0].reply_markup is None  # editing without reply_markup drops the keyboard
    assert emu.callback_answers[0]["text"] == "Opening page:2"
    assert emu.pending_updates == []  # the final getUpdates confirmed everything


async def test_command_with_bot_username_in_a_group(emu: BotApiEmulator) -> None:
    async with polling(echo_app(emu), poll_timeout=5):
        await emu.send_text(-100555, "/start@filmnews_test_bot", user_id=7, first_name="Timur")
        replies = await emu.wait_for_messages(-100555)
    assert replies[0].plain.startswith("Hello Timur")


async def test_long_poll_returns_when_an_update_arrives(emu: BotApiEmulator, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await emu.wait_for(lambda: emu.calls("getUpdates"))
    await emu.send_text(CHAT, "hello there")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in updates] == ["hello there"]
    assert updates[0].message.from_user.id == CHAT

    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert emu.pending_updates == []


async def test_direct_process_update_is_recorded_the_same_way(emu: BotApiEmulator) -> None:
    app = echo_app(emu)
    async with app:
        emu.deliver_to(app)
        await emu.send_text(CHAT, "/start", first_name="Dana")
    assert [m.plain for m in emu.sent(CHAT)] == ["Hello Dana & welcome"]
    assert emu.calls("getUpdates") == []


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("<b>bold", 'end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("a < b", 'Character "<" is reserved'),
        ("R&D dept", "Unsupported HTML entity"),
        ("Tom & Jerry", 'Character "&" is reserved'),
        ("a&b", 'Character "&" is reserved'),
        ("&nbsp;x", "Unsupported HTML entity"),
        ("<p>para</p>", 'Unsupported start tag "p"'),
        ("line<br/>", 'Unsupported start tag "br"'),
        ('<span class="x">s</span>', "tg-spoiler"),
        ("<a>link</a>", "href"),
    ],
)
async def test_malformed_html_is_refused(bot: Bot, source: str, complaint: str) -> None:
    with pytest.raises(BadRequest, match="parse entities") as caught:
        await bot.send_message(CHAT, source, parse_mode=ParseMode.HTML)
    assert complaint.lower() in caught.value.message.lower()


async def test_plain_text_is_not_parsed_as_html(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.send_message(CHAT, "a < b & c")
    assert emu.sent(CHAT)[0].plain == "a < b & c"


def test_parse_telegram_html_entities_in_utf16_units() -> None:
    source = (
        '🎬 <b>Kino</b> <a href="https://x.kz/?a=1&amp;b=2">link</a> '
        '<span class="tg-spoiler">s</span> <pre><code class="language-py">x = 1</code></pre> &#65;'
    )
    plain, entities = parse_telegram_html(source)
    assert plain == "🎬 Kino link s x = 1 A"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "url": "https://x.kz/?a=1&b=2", "offset": 8, "length": 4},
        {"type": "spoiler", "offset": 13, "length": 1},
        {"type": "pre", "language": "py", "offset": 15, "length": 5},
    ]
    text = 'Tom & Jerry\'s <film> "x" — Кино 🎬'
    assert parse_telegram_html(html.escape(text)) == (text, [])
    with pytest.raises(EntityParseError, match="byte offset 5"):
        parse_telegram_html("🎬 <x>")  # the emoji is 4 bytes


async def test_text_length_counts_visible_characters(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.send_message(CHAT, "<b>" + "&amp;" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    assert len(emu.sent(CHAT)[0].plain) == 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(CHAT, "<b> </b>", parse_mode=ParseMode.HTML)
    assert len(emu.sent()) == 1


async def test_callback_data_over_64_bytes_is_refused(emu: BotApiEmulator, bot: Bot) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("go", callback_data=data)]])

    await bot.send_message(CHAT, "ok", reply_markup=keyboard("x" * 64))
    for data in ("x" * 65, "й" * 33):  # 33 Cyrillic letters are 66 bytes
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(CHAT, "too long", reply_markup=keyboard(data))
    assert [m.callback_data for m in emu.sent(CHAT)] == [["x" * 64]]


async def test_edit_rules(emu: BotApiEmulator, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    sent = await bot.send_message(CHAT, "one", reply_markup=keyboard)
    edited = await bot.edit_message_text("two", CHAT, sent.message_id, reply_markup=keyboard)
    assert edited.text == "two"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("two", CHAT, sent.message_id, reply_markup=keyboard)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("three", CHAT, 999)
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=None)
    assert "reply_markup" not in emu.message(CHAT, sent.message_id)
    assert [e.method for e in emu.edits(CHAT)] == ["editMessageText", "editMessageReplyMarkup"]


async def test_message_ids_increase_per_chat(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(1, "hi")
    first = await bot.send_message(1, "a")
    second = await bot.send_message(1, "b")
    other = await bot.send_message(2, "c")
    assert (first.message_id, second.message_id, other.message_id) == (2, 3, 1)


async def test_retry_after_arrives_as_retry_after(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail_next("sendMessage", retry_after=7, chat_id=CHAT)
    await bot.send_message(5, "other chat is not affected")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    await bot.send_message(CHAT, "hi again")
    assert [m.plain for m in emu.sent(CHAT)] == ["hi again"]
    assert [(e.status, e.injected) for e in emu.errors] == [(429, True)]


@pytest.mark.parametrize(
    ("reason", "error", "text"),
    [
        ("blocked", Forbidden, "bot was blocked by the user"),
        ("deactivated", Forbidden, "user is deactivated"),
        ("not_found", BadRequest, "Chat not found"),
    ],
)
async def test_blocked_chats(
    emu: BotApiEmulator, bot: Bot, reason: str, error: type[Exception], text: str
) -> None:
    emu.block(CHAT, reason)  # type: ignore[arg-type]
    with pytest.raises(error, match=text):
        await bot.send_message(CHAT, "hi")
    emu.unblock(CHAT)
    await bot.send_message(CHAT, "hi")
    assert len(emu.sent(CHAT)) == 1


async def test_strict_chats_refuses_unknown_chats(bot: Bot) -> None:
    async with BotApiEmulator(strict_chats=True) as strict:
        await strict.send_text(10, "hi")
        async with Bot(strict.token, base_url=strict.base_url) as client:
            await client.send_message(10, "known")
            with pytest.raises(BadRequest, match="Chat not found"):
                await client.send_message(11, "unknown")


async def test_rate_limit_mode(emu: BotApiEmulator, bot: Bot) -> None:
    emu.enable_rate_limit(overall=(3, 1.0), per_chat=(1, 1.0))
    await bot.send_message(1, "first")
    with pytest.raises(RetryAfter):
        await bot.send_message(1, "same chat again")
    await bot.send_message(2, "second chat")
    await bot.send_message(3, "third chat")
    with pytest.raises(RetryAfter):
        await bot.send_message(4, "over the overall limit")
    assert emu.rate_limited == 2
    assert [m.chat_id for m in emu.sent()] == [1, 2, 3]


async def test_refused_set_my_commands(emu: BotApiEmulator, bot: Bot) -> None:
    emu.refuse("setMyCommands")
    with pytest.raises(InvalidToken, match="method not found"):
        await bot.set_my_commands([("latest", "Newest articles")])
    emu.refuse("setMyCommands", status=500)
    with pytest.raises(NetworkError):
        await bot.set_my_commands([("latest", "Newest articles")])
    emu.allow("setMyCommands")
    await bot.set_my_commands([("latest", "Newest articles")])
    assert emu.commands == [{"command": "latest", "description": "Newest articles"}]
    assert [c.command for c in await bot.get_my_commands()] == ["latest"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Latest-News", "bad name")])


async def test_network_faults(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail_next("sendMessage", status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(CHAT, "x")
    emu.fail_next("sendMessage", status="drop")
    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "x")
    await bot.send_message(CHAT, "through")
    assert [m.plain for m in emu.sent(CHAT)] == ["through"]


async def test_slow_replies_time_out(emu: BotApiEmulator) -> None:
    emu.set_delay(2.0, "sendMessage")
    request = HTTPXRequest(read_timeout=0.05)
    async with Bot(emu.token, base_url=emu.base_url, request=request) as client:
        with pytest.raises(TimedOut):
            await client.send_message(CHAT, "slow")
        await client.get_me()  # other methods are not delayed


async def test_unknown_method_and_json_bodies(emu: BotApiEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        url = f"{emu.base_url}{emu.token}"
        async with session.post(f"{url}/fooBar", json={}) as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        markup = {"inline_keyboard": [[{"text": "x", "callback_data": "d"}]]}
        body = {"chat_id": CHAT, "text": "json", "reply_markup": markup}
        async with session.post(f"{url}/sendMessage", json=body) as response:
            assert (await response.json())["result"]["reply_markup"] == markup
        async with session.post(f"{emu.base_url}999:WRONG/getMe") as response:
            assert response.status == 401
    assert emu.sent(CHAT)[0].callback_data == ["d"]


async def test_chat_members_and_admins(emu: BotApiEmulator, bot: Bot) -> None:
    group = -100777
    emu.set_member(group, 1, "creator")
    emu.set_member(group, 2, "administrator")
    assert isinstance(await bot.get_chat_member(group, 1), ChatMemberOwner)
    assert isinstance(await bot.get_chat_member(group, 2), ChatMemberAdministrator)
    assert isinstance(await bot.get_chat_member(group, 3), ChatMemberMember)
    admins = await bot.get_chat_administrators(group)
    assert sorted(a.user.id for a in admins) == [1, 2]
    assert (await bot.get_chat(group)).type == "supergroup"


async def test_other_bot_calls(emu: BotApiEmulator, bot: Bot) -> None:
    message = await bot.send_message(CHAT, "bye")
    await bot.send_chat_action(CHAT, "typing")
    assert await bot.delete_message(CHAT, message.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(CHAT, message.message_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("nonexistent")
    assert emu.chat_actions == [(CHAT, "typing")]
    assert emu.deleted == [(CHAT, message.message_id)]


async def test_user_side_updates_parse_in_ptb(emu: BotApiEmulator, bot: Bot) -> None:
    typed = await emu.send_text(CHAT, "/festival Kinoshok")
    await emu.edit_text(CHAT, typed["message"]["message_id"], "/festival Didor")
    await emu.send_sticker(CHAT)
    await emu.send_photo(CHAT, caption="poster")
    updates = await bot.get_updates(timeout=0)
    command = updates[0].message
    assert command.text == "/festival Kinoshok"
    assert command.parse_entities() == {command.entities[0]: "/festival"}
    assert updates[1].edited_message.text == "/festival Didor"
    assert updates[2].message.sticker is not None
    assert updates[2].message.text is None
    assert updates[3].message.caption == "poster"
    with pytest.raises(ValueError, match="no button"):
        await emu.press_button(CHAT, typed["message"]["message_id"], "x")


async def test_raw_updates_and_waiting(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.enqueue(
        {"message": {"message_id": 1, "date": 0, "chat": {"id": 9, "type": "private"}}}
    )
    (update,) = await bot.get_updates(timeout=0)
    assert update.message.chat.id == 9
    with pytest.raises(TimeoutError, match="1 message"):
        await emu.wait_for_messages(9, timeout=0.05)
    with pytest.raises(BadRequest):
        await bot.send_message(CHAT, "<i>x</b>", parse_mode=ParseMode.HTML)
    emu.fail_next("sendMessage", status=400)
    with pytest.raises(BadRequest, match="Injected failure"):
        await bot.send_message(CHAT, "x")
    assert [c.params["text"] for c in emu.bad_requests] == ["<i>x</b>"]


async def test_confirmation_wakes_waiters_on_pending_updates(emu: BotApiEmulator) -> None:
    async with polling(echo_app(emu), poll_timeout=30):
        await emu.send_text(CHAT, "not a command")
        await emu.wait_for(lambda: not emu.pending_updates, timeout=3)
