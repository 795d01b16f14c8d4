"""A Telegram Bot API server emulator on 127.0.0.1 for end-to-end tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar

from aiohttp import web

from tests.telegram_html import EntityParseError, parse_telegram_html, utf16_len

if TYPE_CHECKING:
    from telegram.ext import Application, ApplicationBuilder

TEST_TOKEN = "123456:TEST"
BOT_USERNAME = "filmnews_test_bot"
MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64

T = TypeVar("T")
Params = dict[str, Any]

# Form fields that stay strings; every other form field is JSON-decoded when it can be
# (PTB sends ints, bools and objects JSON-encoded inside an x-www-form-urlencoded body).
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "action",
        "callback_query_id",
        "inline_message_id",
        "url",
        "description",
        "short_description",
        "name",
        "language_code",
        "title",
        "query",
        "next_offset",
        "inline_query_id",
        "emoji",
        "secret_token",
        "business_connection_id",
        "message_effect_id",
    }
)
# Methods that put something into a chat: refused when the user blocked the bot.
_CHAT_WRITE_METHODS = frozenset(
    {"sendmessage", "editmessagetext", "editmessagereplymarkup", "deletemessage", "sendchataction"}
)
_CHAT_READ_METHODS = frozenset({"getchat", "getchatmember", "getchatadministrators"})
_RATE_LIMITED_METHODS = frozenset({"sendmessage"})
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,})?(?![A-Za-z0-9_@])")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_URL_RE = re.compile(r"(?:https?|tg)://[^\s/$.?#][^\s]*", re.IGNORECASE)
_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})
_BLOCK_ERRORS = {
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "deactivated": (403, "Forbidden: user is deactivated"),
    "kicked": (403, "Forbidden: bot was kicked from the group chat"),
    "not_found": (400, "Bad Request: chat not found"),
}
BlockReason = Literal["blocked", "deactivated", "kicked", "not_found"]
MAX_INLINE_RESULTS = 50
_START_PARAMETER_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional parameters."""

    def __init__(
        self,
        status: int,
        description: str,
        parameters: Params | None = None,
        *,
        injected: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.injected = injected


def render_text(text: str, parse_mode: str | None) -> tuple[str, list[Params]]:
    """Visible text and entities of a message, checked like sendMessage checks them."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            plain, entities = parse_telegram_html(text)
        except EntityParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
    elif mode in ("", "markdown", "markdownv2"):
        plain, entities = text, []  # Markdown is not validated by this emulator
    else:
        raise ApiError(400, "Bad Request: unsupported parse_mode")
    if not plain.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(plain) > MAX_TEXT_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")
    return plain, entities


def check_reply_markup(markup: Any) -> Params | None:
    """Validate reply_markup like Telegram does; return it (or None)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(
            400,
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
            "must be an Array of Arrays",
        )
    if sum(len(row) for row in rows) > 100:
        raise ApiError(400, "Bad Request: reply markup is too long")
    for button in itertools.chain.from_iterable(rows):
        if not isinstance(button, dict) or not button.get("text"):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text is empty")
        if not _BUTTON_ACTIONS & button.keys():
            raise ApiError(
                400,
                "Bad Request: can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard",
            )
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        url = button.get("url")
        if url is not None and not _URL_RE.fullmatch(str(url)):
            raise ApiError(
                400, f"Bad Request: inline keyboard button URL '{url}' is invalid: Wrong HTTP URL"
            )
    return markup


@dataclass
class ApiCall:
    """One request the bot made: method, decoded parameters, arrival time and outcome."""

    method: str
    params: Params
    at: float
    status: int | None = None  # None while the request is still being answered
    description: str | None = None
    injected: bool = False


@dataclass
class SentMessage:
    """A message the bot sent or edited (one record per successful call)."""

    method: str
    chat_id: int
    message_id: int
    text: str  # the source as sent, e.g. HTML
    parse_mode: str | None
    reply_markup: Params | None
    plain: str  # visible text after entity parsing
    entities: list[Params]
    params: Params
    at: float

    @property
    def buttons(self) -> list[Params]:
        """All inline keyboard buttons, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return list(itertools.chain.from_iterable(rows))

    @property
    def callback_data(self) -> list[str]:
        """The callback_data of every inline button, in order."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def button(self, label: str) -> Params:
        """The inline button whose text contains label."""
        for candidate in self.buttons:
            if label in candidate["text"]:
                return candidate
        raise KeyError(f"no button {label!r} in {[b['text'] for b in self.buttons]}")


@dataclass
class _Fault:
    method: str
    status: int | Literal["drop"]
    retry_after: int
    chat_id: int | str | None
    remaining: int
    description: str | None


@dataclass
class _StoredMessage:
    data: Params  # the Message object as the Bot API returns it
    by_bot: bool
    source: str = ""
    parse_mode: str | None = None


@dataclass
class _RateLimit:
    overall: tuple[int, float]
    per_chat: tuple[int, float]
    group: tuple[int, float]
    methods: frozenset[str]
    sent_all: deque[float] = field(default_factory=deque)
    sent_chat: dict[int, deque[float]] = field(default_factory=dict)
    sent_group: dict[int, deque[float]] = field(default_factory=dict)


def _window_wait(times: deque[float], limit: tuple[int, float], now: float) -> float:
    """Seconds until one more event fits in the sliding window (0 when it fits now)."""
    count, period = limit
    while times and times[0] <= now - period:
        times.popleft()
    if len(times) < count:
        return 0.0
    return times[-count] + period - now


def _update_kind(update: Params) -> str:
    return next(key for key in update if key != "update_id")


class BotApiEmulator:
    """A Bot API server on 127.0.0.1: the bot's side over HTTP, the users' side for tests."""

    def __init__(
        self,
        *,
        token: str = TEST_TOKEN,
        bot_username: str = BOT_USERNAME,
        strict_chats: bool = False,
    ) -> None:
        self.token = token
        self.bot_user: Params = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "Filmnews Test",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.strict_chats = strict_chats
        self.requests: list[ApiCall] = []
        self.callback_answers: list[Params] = []
        self.deleted: list[tuple[int, int]] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.rate_limited = 0
        self._sent: list[SentMessage] = []
        self._edits: list[SentMessage] = []
        self._commands: dict[tuple[str, str], list[Params]] = {}
        self._chats: dict[int, Params] = {}
        self._users: dict[int, Params] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._blocked: dict[int, BlockReason] = {}
        self._messages: dict[tuple[int, int], _StoredMessage] = {}
        self._last_message_id: dict[int, int] = {}
        self._callback_queries: dict[str, bool] = {}  # id -> answered
        self._inline_queries: dict[str, Params] = {}  # id -> the query, until answered
        self.inline_answers: dict[str, Params] = {}  # inline query id -> answerInlineQuery
        self._topics: set[tuple[int, int]] = set()  # (forum chat, topic) seen
        self._migrated: dict[int, int] = {}  # old group id -> its supergroup
        self._faults: list[_Fault] = []
        self._refused: dict[str, int] = {}
        self._delays: dict[str | None, float] = {}
        self._rate: _RateLimit | None = None
        self._updates: list[Params] = []
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._allowed_updates: set[str] | None = None
        self._update_event = asyncio.Event()
        self._changed = asyncio.Event()
        self._poll_generation = 0
        self._closing = False
        self._webhook: Params | None = None  # setWebhook's parameters while one is set
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_error: tuple[int, str] | None = None
        self.webhook_retry = 0.05  # seconds between two attempts (Telegram waits longer)
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status; 0: none)
        self._application: Application | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._handlers: dict[str, tuple[str, Callable[[Params], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "deleteWebhook": self._delete_webhook,
                "setWebhook": self._set_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setMyDescription": self._accept,
                "setMyShortDescription": self._accept,
                "setChatMenuButton": self._accept,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "answerCallbackQuery": self._answer_callback_query,
                "answerInlineQuery": self._answer_inline_query,
                "deleteMessage": self._delete_message,
                "sendChatAction": self._send_chat_action,
                "getChat": self._get_chat,
                "getChatMember": self._get_chat_member,
                "getChatAdministrators": self._get_chat_administrators,
            }.items()
        }

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Answer pending long polls and close the server."""
        self._closing = True
        self._wake_pollers()
        await self._stop_webhook()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """Root URL of this server, the value for TELEGRAM_API_URL."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """The value for ApplicationBuilder.base_url / Bot(base_url=...)."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """The value for ApplicationBuilder.base_file_url."""
        return f"{self.api_url}/file/bot"

    def builder(self) -> ApplicationBuilder:
        """A PTB ApplicationBuilder pointed at this emulator (token and URLs set)."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    # ---- fault injection -------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int | Literal["drop"] = 429,
        retry_after: int = 1,
        chat_id: int | str | None = None,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Make the next `count` calls of method (to chat_id, if given) fail.

        status 429 answers "Too Many Requests: retry after N"; 403 "bot was blocked by the user";
        502 an HTML Bad Gateway page; "drop" closes the connection without an answer.
        """
        self._faults.append(
            _Fault(method.lower(), status, retry_after, chat_id, count, description)
        )

    def block(self, chat_id: int, reason: BlockReason = "blocked") -> None:
        """Refuse writes to chat_id: blocked/deactivated/kicked → 403, not_found → 400."""
        self._blocked[chat_id] = reason

    def unblock(self, chat_id: int) -> None:
        """Undo block()."""
        self._blocked.pop(chat_id, None)

    def set_delay(self, seconds: float, method: str | None = None) -> None:
        """Delay answers to method, or to every method but getUpdates when method is None."""
        key = method.lower() if method else None
        if seconds > 0:
            self._delays[key] = seconds
        else:
            self._delays.pop(key, None)

    def refuse(self, method: str, status: int = 404) -> None:
        """Answer every call of method with an error (404 "method not found", or 500)."""
        self._refused[method.lower()] = status

    def allow(self, method: str) -> None:
        """Undo refuse()."""
        self._refused.pop(method.lower(), None)

    def enable_rate_limit(
        self,
        *,
        overall: tuple[int, float] = (30, 1.0),
        per_chat: tuple[int, float] = (1, 1.0),
        group: tuple[int, float] = (20, 60.0),
        methods: tuple[str, ...] = ("sendMessage",),
    ) -> None:
        """Enforce sliding-window limits (count, seconds); excess calls get 429 retry_after."""
        self._rate = _RateLimit(overall, per_chat, group, frozenset(m.lower() for m in methods))

    def disable_rate_limit(self) -> None:
        """Undo enable_rate_limit()."""
        self._rate = None

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Set what getChatMember answers: creator, administrator, member, left or kicked."""
        if status not in _MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}")
        self._members[(chat_id, user_id)] = status

    # ---- the users' side -------------------------------------------------------------------

    def deliver_to(self, application: Application | None) -> None:
        """Hand user updates straight to application.process_update() instead of getUpdates."""
        self._application = application

    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> Params:
        """A user types text in chat_id; bot commands get their bot_command entity."""
        message = self._user_message(
            chat_id, user_id, chat_type, username, first_name, message_thread_id
        )
        message["text"] = text
        command = _COMMAND_RE.match(text)
        if command:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}
            ]
        if reply_to_message_id is not None:
            message["reply_to_message"] = self._message(chat_id, reply_to_message_id).data
        return await self._push("message", message)

    async def send_sticker(self, chat_id: int, *, user_id: int | None = None) -> Params:
        """A user sends a sticker (a message without text)."""
        message = self._user_message(chat_id, user_id, None, None, None, None)
        message["sticker"] = {
            "file_id": "sticker-file",
            "file_unique_id": "sticker-unique",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "emoji": "🎬",
        }
        return await self._push("message", message)

    async def send_photo(
        self, chat_id: int, *, caption: str | None = None, user_id: int | None = None
    ) -> Params:
        """A user sends a photo, with an optional caption."""
        message = self._user_message(chat_id, user_id, None, None, None, None)
        message["photo"] = [
            {
                "file_id": f"photo-{size}",
                "file_unique_id": f"p{size}",
                "width": size,
                "height": size,
            }
            for size in (90, 320, 800)
        ]
        if caption is not None:
            message["caption"] = caption
        return await self._push("message", message)

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, *, user_id: int | None = None
    ) -> Params:
        """A user edits their earlier message: an edited_message update."""
        stored = self._message(chat_id, message_id)
        if stored.by_bot:
            raise ValueError(f"message {message_id} in chat {chat_id} is the bot's")
        stored.data["text"] = text
        stored.data["edit_date"] = int(time.time())
        if user_id is not None:
            stored.data["from"] = self._user(user_id)
        return await self._push("edited_message", dict(stored.data))

    async def press_button(
        self,
        chat_id: int,
        message_id: int,
        data: str | None = None,
        *,
        label: str | None = None,
        user_id: int | None = None,
        strict: bool = True,
    ) -> Params:
        """A user presses an inline button (by callback data or label) on a bot message.

        With strict, the button must be on the message now, as only then could a client press it.
        """
        stored = self._message(chat_id, message_id)
        rows = stored.data.get("reply_markup", {}).get("inline_keyboard", [])
        buttons = list(itertools.chain.from_iterable(rows))
        if label is not None:
            matches = [b for b in buttons if label in b["text"] and "callback_data" in b]
            if not matches:
                raise ValueError(f"no callback button {label!r} on message {message_id}")
            data = matches[0]["callback_data"]
        if data is None:
            raise ValueError("press_button needs data or label")
        if strict and data not in [b.get("callback_data") for b in buttons]:
            raise ValueError(f"no button with data {data!r} on message {message_id}: {buttons}")
        chat = self._chat(chat_id)
        user = self._user(user_id if user_id is not None else self._default_user(chat))
        query_id = str(next(self._query_ids))
        self._callback_queries[query_id] = False
        query = {
            "id": query_id,
            "from": user,
            "chat_instance": str(abs(chat_id) * 7 + 1),
            "message": dict(stored.data),
            "data": data,
        }
        return await self._push("callback_query", query)

    async def send_inline_query(
        self, user_id: int, query: str, *, offset: str = "", chat_type: str = "private"
    ) -> Params:
        """A user types ``@bot query`` in a chat of ``chat_type``: an inline_query update."""
        query_id = str(next(self._query_ids))
        inline = {
            "id": query_id,
            "from": self._user(user_id),
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        self._inline_queries[query_id] = inline
        return await self._push("inline_query", inline)

    def inline_answer(self, query_id: str) -> Params:
        """What the bot answered to one inline query (KeyError if it did not)."""
        return self.inline_answers[query_id]

    async def choose_inline_result(self, chat_id: int, query_id: str, result_id: str) -> Params:
        """The user taps a result: their client posts its message in ``chat_id`` "via" the bot
        (as Telegram does), and the bot gets a chosen_inline_result update.

        Returns the message posted in the chat.
        """
        answer = self.inline_answers[query_id]
        result = next((r for r in answer["results"] if r["id"] == result_id), None)
        if result is None:
            raise KeyError(f"no result {result_id!r} in the answer to query {query_id}")
        inline = self._inline_queries[query_id]
        content = result["input_message_content"]
        plain, entities = render_text(content["message_text"], content.get("parse_mode"))
        message = self._user_message(chat_id, inline["from"]["id"], None, None, None, None)
        message |= {"text": plain, "via_bot": dict(self.bot_user)}
        if entities:
            message["entities"] = entities
        if result.get("reply_markup"):
            message["reply_markup"] = result["reply_markup"]
        chosen = {"result_id": result_id, "from": inline["from"], "query": inline["query"]}
        await self._push("chosen_inline_result", chosen)
        return message

    def add_channel(
        self, chat_id: int, username: str, *, bot_status: str = "administrator"
    ) -> None:
        """A channel ``@username`` in which the bot has ``bot_status`` (``administrator`` may
        post; ``member`` or ``left`` may not, as in Telegram)."""
        self._chats[chat_id] = {
            "id": chat_id,
            "type": "channel",
            "title": f"Channel {username}",
            "username": username,
        }
        self.set_member(chat_id, self.bot_user["id"], bot_status)

    async def migrate_group(
        self, old_id: int, new_id: int, *, user_id: int = 1001, announce: bool = True
    ) -> None:
        """A group becomes a supergroup (``new_id``, -100…): Telegram posts a service message
        with ``migrate_to_chat_id`` in the old group and one with ``migrate_from_chat_id`` in
        the new one (``announce=False``: the bot has not heard yet); sending to the old id is
        refused from then on, naming the new one."""
        self._chat(old_id, "group")
        self._chats[new_id] = {"id": new_id, "type": "supergroup", "title": f"Group {new_id}"}
        self._migrated[old_id] = new_id
        for (chat_id, user), status in list(self._members.items()):
            if chat_id == old_id:
                self._members[(new_id, user)] = status
        if not announce:
            return
        gone = self._user_message(old_id, user_id, None, None, None, None)
        gone["migrate_to_chat_id"] = new_id
        await self._push("message", gone)
        arrived = self._user_message(new_id, user_id, None, None, None, None)
        arrived["migrate_from_chat_id"] = old_id
        await self._push("message", arrived)

    async def enqueue(self, update: Params) -> Params:
        """Deliver a raw update (without update_id); returns it with its update_id."""
        kind = _update_kind({"update_id": 0, **update})
        return await self._push(kind, update[kind])

    # ---- what the bot did ------------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot sent successfully, oldest first, optionally to one chat."""
        return [m for m in self._sent if chat_id is None or m.chat_id == chat_id]

    def edits(self, chat_id: int | None = None) -> list[SentMessage]:
        """Successful editMessageText/editMessageReplyMarkup calls, oldest first."""
        return [m for m in self._edits if chat_id is None or m.chat_id == chat_id]

    def calls(self, method: str) -> list[ApiCall]:
        """All requests of one method (case-insensitive), oldest first."""
        return [c for c in self.requests if c.method.lower() == method.lower()]

    @property
    def errors(self) -> list[ApiCall]:
        """Requests answered with an error, injected ones included (see ApiCall.injected)."""
        return [c for c in self.requests if c.status not in (None, 200)]

    @property
    def bad_requests(self) -> list[ApiCall]:
        """400 answers the bot earned itself (not injected): rendering bugs, usually."""
        return [c for c in self.errors if c.status == 400 and not c.injected]

    @property
    def commands(self) -> list[Params]:
        """Commands set by setMyCommands for the default scope and no language."""
        return self._commands.get(("default", ""), [])

    def commands_for(self, scope: str = "default", language_code: str = "") -> list[Params]:
        """Commands set for one scope type and language."""
        return self._commands.get((scope, language_code), [])

    def message(self, chat_id: int, message_id: int) -> Params:
        """The current state of a message (after edits), as the Bot API would return it."""
        return self._message(chat_id, message_id).data

    @property
    def pending_updates(self) -> list[Params]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the whole wait, by design
        what: str = "condition",
    ) -> T:
        """Wait until predicate() is truthy (checked after every request); return its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [(c.method, c.status, c.description) for c in self.requests[-8:]]
                raise TimeoutError(f"waited {timeout}s for {what}; recent calls: {recent}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def wait_for_messages(
        self,
        chat_id: int,
        n: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait until at least n messages were sent to chat_id; return all sent to it."""
        return await self.wait_for(
            lambda: len(self.sent(chat_id)) >= n and self.sent(chat_id),
            timeout,
            f"{n} message(s) to chat {chat_id}",
        )

    async def wait_for_edits(
        self,
        chat_id: int,
        n: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait until at least n edits happened in chat_id; return all edits there."""
        return await self.wait_for(
            lambda: len(self.edits(chat_id)) >= n and self.edits(chat_id),
            timeout,
            f"{n} edit(s) in chat {chat_id}",
        )

    async def ask(
        self,
        chat_id: int,
        text: str,
        *,
        n: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
        **user: Any,
    ) -> list[SentMessage]:
        """Send text as a user and return the next n messages the bot sends to that chat."""
        before = len(self.sent(chat_id))
        await self.send_text(chat_id, text, **user)
        messages = await self.wait_for_messages(chat_id, before + n, timeout)
        return messages[before:]

    # ---- HTTP ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw_method = request.match_info["method"]
        key = raw_method.lower()
        name, handler = self._handlers.get(key, (raw_method, None))
        call = ApiCall(name, {}, time.monotonic())
        self.requests.append(call)
        try:
            call.params = await self._read_params(request)
            self._pulse()  # waiters may look for calls still being answered (long polls)
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            if key in self._refused:
                status = self._refused[key]
                text = "Not Found: method not found" if status == 404 else "Internal Server Error"
                raise ApiError(status, text, injected=True)
            delay = self._delays.get(key, 0 if key == "getupdates" else self._delays.get(None, 0))
            if delay:
                await asyncio.sleep(delay)
            fault = self._take_fault(key, call.params)
            if fault is not None:
                return self._fault_response(request, call, fault)
            try:
                result = handler(call.params)
                if asyncio.iscoroutine(result):
                    result = await result
            except (ApiError, asyncio.CancelledError):
                raise
            except Exception as exc:  # an emulator bug: make it visible in the bot's error
                raise ApiError(500, f"Internal Server Error: emulator failed: {exc!r}") from exc
        except ApiError as exc:
            call.status, call.description, call.injected = (
                exc.status,
                exc.description,
                exc.injected,
            )
            body: Params = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.status)
        else:
            call.status = 200
            return web.json_response({"ok": True, "result": result})
        finally:
            self._pulse()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _read_params(self, request: web.Request) -> Params:
        params: Params = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json() if request.can_read_body else None
            params.update(body or {})
            return params
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = {"filename": value.filename, "size": len(value.file.read())}
            else:
                params[key] = value
        for key, value in params.items():
            if isinstance(value, str) and key not in _STRING_FIELDS:
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params

    def _take_fault(self, key: str, params: Params) -> _Fault | None:
        for fault in self._faults:
            if fault.method == key and fault.chat_id in (None, params.get("chat_id")):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _fault_response(
        self, request: web.Request, call: ApiCall, fault: _Fault
    ) -> web.StreamResponse:
        call.injected = True
        if fault.status == "drop":
            call.status, call.description = 0, "connection dropped"
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # aiohttp treats this as a lost connection
        call.status = fault.status
        if fault.status == 502:
            call.description = "Bad Gateway"
            return web.Response(
                status=502,
                text="<html><body>502 Bad Gateway</body></html>",
                content_type="text/html",
            )
        parameters = None
        if fault.status == 429:
            description = f"Too Many Requests: retry after {fault.retry_after}"
            parameters = {"retry_after": fault.retry_after}
        elif fault.status == 403:
            description = "Forbidden: bot was blocked by the user"
        elif fault.status == 400:
            description = "Bad Request: injected failure"
        else:
            description = "Internal Server Error"
        call.description = fault.description or description
        body: Params = {"ok": False, "error_code": fault.status, "description": call.description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=fault.status)

    def _pulse(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _wake_pollers(self) -> None:
        self._update_event.set()
        self._update_event = asyncio.Event()

    # ---- chats, users, messages ------------------------------------------------------------

    def _chat(self, chat_id: int, chat_type: str | None = None) -> Params:
        chat = self._chats.get(chat_id)
        if chat is None:
            kind = chat_type or (
                "private"
                if chat_id > 0
                else "supergroup"
                if str(chat_id).startswith("-100")
                else "group"
            )
            chat = {"id": chat_id, "type": kind}
            if kind == "private":
                chat |= {"first_name": f"User{chat_id}", "username": f"user{chat_id}"}
            else:
                chat["title"] = f"Group {chat_id}"
            self._chats[chat_id] = chat
        return chat

    def _user(
        self, user_id: int, username: str | None = None, first_name: str | None = None
    ) -> Params:
        user = self._users.setdefault(
            user_id,
            {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User{user_id}",
                "username": f"user{user_id}",
                "language_code": "en",
            },
        )
        if username is not None:
            user["username"] = username
        if first_name is not None:
            user["first_name"] = first_name
        return user

    def set_user_language(self, user_id: int, language_code: str | None) -> None:
        """The language of the user's Telegram app, sent with each of their updates."""
        user = self._user(user_id)
        if language_code is None:
            user.pop("language_code", None)
        else:
            user["language_code"] = language_code

    @staticmethod
    def _default_user(chat: Params) -> int:
        return chat["id"] if chat["type"] == "private" else 1001

    def _next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _message(self, chat_id: int, message_id: int) -> _StoredMessage:
        try:
            return self._messages[(chat_id, message_id)]
        except KeyError:
            raise KeyError(f"no message {message_id} in chat {chat_id}") from None

    def _user_message(
        self,
        chat_id: int,
        user_id: int | None,
        chat_type: str | None,
        username: str | None,
        first_name: str | None,
        message_thread_id: int | None,
    ) -> Params:
        chat = self._chat(chat_id, chat_type)
        user = self._user(
            user_id if user_id is not None else self._default_user(chat), username, first_name
        )
        message: Params = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
        }
        if message_thread_id is not None:
            message |= {"message_thread_id": message_thread_id, "is_topic_message": True}
            chat["is_forum"] = True
            self._topics.add((chat_id, message_thread_id))
        self._messages[(chat_id, message["message_id"])] = _StoredMessage(message, by_bot=False)
        return message

    async def _push(self, kind: str, payload: Params) -> Params:
        update = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        if self._application is not None:
            from telegram import Update

            await self._application.process_update(Update.de_json(update, self._application.bot))
        else:
            self._updates.append(update)
            self._wake_pollers()
        self._pulse()
        return update

    def _target_chat(self, key: str, params: Params) -> int:
        """The chat_id of a request, after unknown/blocked checks."""
        chat_id = params.get("chat_id")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            chat_id = next(
                (c["id"] for c in self._chats.values() if c.get("username") == chat_id[1:]),
                None,
            )
        if not isinstance(chat_id, int) or (self.strict_chats and chat_id not in self._chats):
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self._migrated and key in _CHAT_WRITE_METHODS:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        reason = self._blocked.get(chat_id)
        if reason == "not_found" or (reason and key in _CHAT_WRITE_METHODS):
            raise ApiError(*_BLOCK_ERRORS[reason])
        self._chat(chat_id)
        return chat_id

    def _take_rate(self, key: str, chat_id: int) -> None:
        rate = self._rate
        if rate is None or key not in rate.methods:
            return
        now = time.monotonic()
        chat_times = rate.sent_chat.setdefault(chat_id, deque())
        waits = [_window_wait(rate.sent_all, rate.overall, now)]
        waits.append(_window_wait(chat_times, rate.per_chat, now))
        is_group = self._chat(chat_id)["type"] in ("group", "supergroup")
        if is_group:
            waits.append(
                _window_wait(rate.sent_group.setdefault(chat_id, deque()), rate.group, now)
            )
        wait = max(waits)
        if wait > 0:
            self.rate_limited += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        rate.sent_all.append(now)
        chat_times.append(now)
        if is_group:
            rate.sent_group[chat_id].append(now)

    def _record(
        self, method: str, stored: _StoredMessage, params: Params, into: list[SentMessage]
    ) -> None:
        data = stored.data
        into.append(
            SentMessage(
                method=method,
                chat_id=data["chat"]["id"],
                message_id=data["message_id"],
                text=stored.source,
                parse_mode=stored.parse_mode,
                reply_markup=data.get("reply_markup"),
                plain=data.get("text", ""),
                entities=data.get("entities", []),
                params=params,
                at=time.monotonic(),
            )
        )

    # ---- Bot API methods -------------------------------------------------------------------

    def _get_me(self, params: Params) -> Params:
        return self.bot_user

    def _accept(self, params: Params) -> bool:
        return True

    async def _get_updates(self, params: Params) -> list[Params]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates")
        if allowed is not None:
            self._allowed_updates = set(allowed) or None
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        self._pulse()  # confirmed updates are gone: wake waiters on pending_updates
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older long poll is terminated, as Telegram does
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            allowed_kinds = self._allowed_updates
            batch = [
                u
                for u in self._updates
                if allowed_kinds is None or _update_kind(u) in allowed_kinds
            ][:limit]
            remaining = deadline - loop.time()
            if batch or self._closing or remaining <= 0:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._update_event.wait(), remaining)

    async def _delete_webhook(self, params: Params) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook, self._webhook_error = None, None
        await self._stop_webhook()
        return True

    # ---- webhooks --------------------------------------------------------------------------

    @property
    def webhook(self) -> Params | None:
        """setWebhook's parameters (url, secret_token, allowed_updates…) while one is set."""
        return self._webhook

    async def _set_webhook(self, params: Params) -> bool:
        """setWebhook: from now on updates are POSTed to the URL, retried until a 2xx."""
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        if not re.fullmatch(r"https?://[^\s/?#]+(?:/\S*)?", url):
            raise ApiError(400, "Bad Request: bad webhook: invalid webhook URL specified")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        connections = params.get("max_connections", 40)
        if not isinstance(connections, int) or not 1 <= connections <= 100:
            raise ApiError(400, "Bad Request: bad webhook: invalid max_connections specified")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {**params, "url": url, "max_connections": connections}
        self._webhook_error = None
        if self._webhook_task is None:
            self._webhook_task = asyncio.create_task(self._deliver_webhook())
        self._wake_pollers()
        return True

    def _get_webhook_info(self, params: Params) -> Params:
        info: Params = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        hook = self._webhook
        if hook is None:
            return info
        info |= {"url": hook["url"], "max_connections": hook["max_connections"]}
        if hook.get("allowed_updates") is not None:
            info["allowed_updates"] = hook["allowed_updates"]
        if self._webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    async def _stop_webhook(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_webhook(self) -> None:
        """POST pending updates one by one, oldest first, as Telegram does; retry on non-2xx."""
        from aiohttp import ClientError, ClientSession, ClientTimeout

        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            while self._webhook is not None and not self._closing:
                hook, arrived = self._webhook, self._update_event
                allowed = hook.get("allowed_updates") or None
                self._updates = [
                    u for u in self._updates if allowed is None or _update_kind(u) in allowed
                ]
                if not self._updates:
                    await arrived.wait()
                    continue
                update = self._updates[0]
                headers = {}
                if hook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = str(hook["secret_token"])
                try:
                    async with session.post(hook["url"], json=update, headers=headers) as answer:
                        status, reason = answer.status, answer.reason or ""
                except (ClientError, OSError, TimeoutError) as error:
                    status, reason = 0, type(error).__name__
                self.webhook_deliveries.append((update["update_id"], status))
                if 200 <= status < 300:
                    if self._updates and self._updates[0] is update:
                        self._updates.pop(0)
                else:
                    message = (
                        f"Wrong response from the webhook: {status} {reason}"
                        if status
                        else f"Connection failed: {reason}"
                    )
                    self._webhook_error = (int(time.time()), message)
                self._pulse()
                if not 200 <= status < 300:
                    await asyncio.sleep(self.webhook_retry)

    @staticmethod
    def _scope_key(params: Params) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return scope.get("type", "default"), params.get("language_code") or ""

    def _set_my_commands(self, params: Params) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not _BOT_COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_key(params)
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, params: Params) -> list[Params]:
        return self._commands.get(self._scope_key(params), [])

    def _delete_my_commands(self, params: Params) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True

    def _send_message(self, params: Params) -> Params:
        chat_id = self._target_chat("sendmessage", params)
        source = str(params.get("text") or "")
        parse_mode = params.get("parse_mode")
        plain, entities = render_text(source, parse_mode)
        markup = check_reply_markup(params.get("reply_markup"))
        reply_to = None
        reply = params.get("reply_parameters") or {}
        if "message_id" in reply:
            stored_reply = self._messages.get((chat_id, reply["message_id"]))
            if stored_reply is None and not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
            reply_to = stored_reply.data if stored_reply else None
        chat = self._chat(chat_id)
        if chat["type"] == "channel":
            self._check_channel_rights(chat_id)
        thread = params.get("message_thread_id")
        if thread is not None and chat.get("is_forum") and (chat_id, thread) not in self._topics:
            raise ApiError(400, "Bad Request: message thread not found")
        self._take_rate("sendmessage", chat_id)
        message: Params = {
            "message_id": self._next_message_id(chat_id),
            "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            "text": plain,
        }
        if entities:
            message["entities"] = entities
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if thread is not None and chat.get("is_forum"):
            message |= {"message_thread_id": thread, "is_topic_message": True}
        stored = _StoredMessage(message, by_bot=True, source=source, parse_mode=parse_mode)
        self._messages[(chat_id, message["message_id"])] = stored
        self._record("sendMessage", stored, params, self._sent)
        if markup and "inline_keyboard" not in markup:
            self._sent[-1].reply_markup = markup  # reply keyboards are recorded, not echoed
        return message

    def _check_channel_rights(self, chat_id: int) -> None:
        """Only a channel's admins post there."""
        status = self._members.get((chat_id, self.bot_user["id"]), "left")
        if status in ("left", "kicked"):
            raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
        if status not in ("administrator", "creator"):
            raise ApiError(400, "Bad Request: need administrator rights in the channel chat")

    def _answer_inline_query(self, params: Params) -> bool:
        """answerInlineQuery, checked as the Bot API documents it."""
        query_id = str(params.get("inline_query_id"))
        if query_id not in self._inline_queries or query_id in self.inline_answers:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired "
                "or query ID is invalid",
            )
        results = params.get("results")
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(result.get("id", "")) for result in results]
        if any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        if len(set(ids)) != len(ids):
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        for result in results:
            self._check_inline_result(result)
        if len(str(params.get("next_offset") or "").encode()) > 64:
            raise ApiError(400, "Bad Request: NEXT_OFFSET_INVALID")
        button = params.get("button")
        if button is not None and not (
            button.get("text")
            and _START_PARAMETER_RE.fullmatch(str(button.get("start_parameter", "")))
        ):
            raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
        self.inline_answers[query_id] = {**params, "results": results}
        return True

    @staticmethod
    def _check_inline_result(result: Params) -> None:
        if result.get("type") != "article":
            return  # the only type this emulator checks in depth
        if not result.get("title"):
            raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
        content = result.get("input_message_content")
        if not isinstance(content, dict) or "message_text" not in content:
            raise ApiError(400, "Bad Request: SEND_MESSAGE_MEDIA_INVALID")
        render_text(str(content["message_text"]), content.get("parse_mode"))
        check_reply_markup(result.get("reply_markup"))

    def _editable(self, key: str, params: Params) -> _StoredMessage:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the emulator")
        chat_id = self._target_chat(key, params)
        stored = self._messages.get((chat_id, params.get("message_id")))  # type: ignore[arg-type]
        if stored is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not stored.by_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return stored

    @staticmethod
    def _not_modified() -> ApiError:
        return ApiError(
            400,
            "Bad Request: message is not modified: specified new message content and reply "
            "markup are exactly the same as a current content and reply markup of the message",
        )

    def _edit_message_text(self, params: Params) -> Params:
        stored = self._editable("editmessagetext", params)
        source = str(params.get("text") or "")
        parse_mode = params.get("parse_mode")
        plain, entities = render_text(source, parse_mode)
        markup = check_reply_markup(params.get("reply_markup"))
        data = stored.data
        if (plain, entities, markup) == (
            data["text"],
            data.get("entities", []),
            data.get("reply_markup"),
        ):
            raise self._not_modified()
        data["text"] = plain
        data.pop("entities", None)
        data.pop("reply_markup", None)  # an edit without reply_markup removes the keyboard
        if entities:
            data["entities"] = entities
        if markup:
            data["reply_markup"] = markup
        data["edit_date"] = int(time.time())
        stored.source, stored.parse_mode = source, parse_mode
        self._record("editMessageText", stored, params, self._edits)
        return data

    def _edit_message_reply_markup(self, params: Params) -> Params:
        stored = self._editable("editmessagereplymarkup", params)
        markup = check_reply_markup(params.get("reply_markup"))
        if markup == stored.data.get("reply_markup"):
            raise self._not_modified()
        stored.data.pop("reply_markup", None)
        if markup:
            stored.data["reply_markup"] = markup
        stored.data["edit_date"] = int(time.time())
        self._record("editMessageReplyMarkup", stored, params, self._edits)
        return stored.data

    def _answer_callback_query(self, params: Params) -> bool:
        query_id = str(params.get("callback_query_id"))
        if self._callback_queries.get(query_id, True):
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired "
                "or query ID is invalid",
            )
        self._callback_queries[query_id] = True
        self.callback_answers.append({**params, "callback_query_id": query_id})
        return True

    def _delete_message(self, params: Params) -> bool:
        chat_id = self._target_chat("deletemessage", params)
        if self._messages.pop((chat_id, params.get("message_id")), None) is None:  # type: ignore[arg-type]
            raise ApiError(400, "Bad Request: message to delete not found")
        self.deleted.append((chat_id, params["message_id"]))
        return True

    def _send_chat_action(self, params: Params) -> bool:
        chat_id = self._target_chat("sendchataction", params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        self.chat_actions.append((chat_id, params["action"]))
        return True

    def _get_chat(self, params: Params) -> Params:
        chat = self._chat(self._target_chat("getchat", params))
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    def _member(self, chat_id: int, user_id: int) -> Params:
        user = self.bot_user if user_id == self.bot_user["id"] else self._user(user_id)
        status = self._members.get((chat_id, user_id), "member")
        member: Params = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member |= {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": False,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": False,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
            if self._chat(chat_id)["type"] == "channel":
                member |= {"can_post_messages": True, "can_edit_messages": True}
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _get_chat_member(self, params: Params) -> Params:
        chat_id = self._target_chat("getchatmember", params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise ApiError(400, "Bad Request: invalid user_id specified")
        return self._member(chat_id, user_id)

    def _get_chat_administrators(self, params: Params) -> list[Params]:
        chat_id = self._target_chat("getchatadministrators", params)
        if self._chat(chat_id)["type"] == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        return [
            self._member(chat, user)
            for (chat, user), status in self._members.items()
            if chat == chat_id and status in ("creator", "administrator")
        ]


@contextlib.asynccontextmanager
async def running_emulator(**options: Any) -> AsyncIterator[BotApiEmulator]:
    """`async with running_emulator() as emu:` — the same as `async with BotApiEmulator()`."""
    async with BotApiEmulator(**options) as emu:
        yield emu


@contextlib.asynccontextmanager
async def polling(
    application: Application, *, poll_timeout: int = 10
) -> AsyncIterator[Application]:
    """Run application with long polling as run_polling() would (post_init and all), then stop."""
    updater = application.updater
    if updater is None:
        raise ValueError("polling() needs an Application built with an updater")
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await updater.start_polling(poll_interval=0, timeout=poll_timeout)
        await application.start()
        yield application
    finally:
        if updater.running:
            await updater.stop()
        if application.running:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
