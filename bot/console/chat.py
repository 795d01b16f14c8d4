"""``filmnews chat``: the real bot in a terminal, with the Bot API answered in-process.

The same Application as ``filmnews run`` is built, but with :class:`ConsoleRequest` as its HTTP
client: calls such as getMe and setMyCommands are answered locally, and what the bot sends or
edits is printed. Each typed line becomes a real ``Update`` handed to
``application.process_update()``, so the console can never drift from the bot.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, TextIO

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.app import build_application
from bot.config import Settings
from bot.console.input import MessageSource, PipedInput, TerminalInput
from bot.context import App

logger = logging.getLogger(__name__)

Params = dict[str, Any]

QUIT = frozenset({"/quit", "/exit"})
PROMPT = "you› "
# The terminal user, unless --user-id says otherwise; never the bot's own id.
DEFAULT_USER_ID = 1000
DEFAULT_LANGUAGE = "en"  # the app language the terminal user plays unless --lang says otherwise
BOT_USER: Params = {
    "id": 1,
    "is_bot": True,
    "first_name": "filmnews",
    "username": "filmnews_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# What Telegram marks as a bot command at the start of a message.
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,})?(?![A-Za-z0-9_@])")

# ANSI styles per Telegram HTML tag: (on, off).
_STYLES = {
    "b": ("\x1b[1m", "\x1b[22m"),
    "strong": ("\x1b[1m", "\x1b[22m"),
    "i": ("\x1b[3m", "\x1b[23m"),
    "em": ("\x1b[3m", "\x1b[23m"),
    "u": ("\x1b[4m", "\x1b[24m"),
    "ins": ("\x1b[4m", "\x1b[24m"),
    "s": ("\x1b[9m", "\x1b[29m"),
    "strike": ("\x1b[9m", "\x1b[29m"),
    "del": ("\x1b[9m", "\x1b[29m"),
    "code": ("\x1b[36m", "\x1b[39m"),
    "pre": ("\x1b[36m", "\x1b[39m"),
    "tg-spoiler": ("\x1b[2m", "\x1b[22m"),
}


class _TerminalHTML(HTMLParser):
    """Telegram HTML → terminal text: entities unescaped, styles as ANSI codes or dropped."""

    def __init__(self, ansi: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.ansi = ansi
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []  # href, index in parts where its text starts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a style; remember where a link's text starts."""
        if tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))
        elif tag == "blockquote":
            self.parts.append("│ ")
        elif self.ansi and tag in _STYLES:
            self.parts.append(_STYLES[tag][0])

    def handle_endtag(self, tag: str) -> None:
        """Close a style; show a link's address after its text unless the text is the address."""
        if tag == "a" and self.links:
            href, start = self.links.pop()
            if href and "".join(self.parts[start:]).strip() != href:
                self.parts.append(f" ({href})")
        elif self.ansi and tag in _STYLES:
            self.parts.append(_STYLES[tag][1])

    def handle_data(self, data: str) -> None:
        """Text, already unescaped."""
        self.parts.append(data)


def _label_key(label: str) -> str:
    """A button label as typed: casefolded, words only (``"More ▸"`` → ``"more"``)."""
    return " ".join(re.sub(r"[^\w\s]", " ", label.casefold()).split())


def render_html(text: str, *, ansi: bool) -> str:
    """Telegram HTML as terminal text: bold and friends as ANSI when ``ansi``, else plain."""
    parser = _TerminalHTML(ansi)
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button as shown in the terminal."""

    label: str
    data: str | None
    url: str | None
    message_id: int


@dataclass
class ConsoleChat:
    """The one private chat between the terminal user and the bot."""

    user_id: int
    out: TextIO
    ansi: bool
    language: str = DEFAULT_LANGUAGE  # the language_code of the user's Telegram app
    messages: dict[int, Params] = field(default_factory=dict)  # message_id → Message JSON
    buttons: list[Button] = field(default_factory=list)  # the keyboard shown last
    prompt: int | None = None  # a ForceReply message: the next typed line replies to it
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def user(self) -> Params:
        """The terminal user as a Telegram User."""
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": "You",
            "language_code": self.language,
        }

    @property
    def chat(self) -> Params:
        """The private chat as a Telegram Chat."""
        return {"id": self.user_id, "type": "private", "first_name": "You"}

    def typed(self, text: str) -> Params:
        """The update for a line the user typed (commands carry their bot_command entity)."""
        message: Params = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.user,
            "text": text,
        }
        if self.prompt is not None:  # as a Telegram app does after a ForceReply
            message["reply_to_message"] = self.messages[self.prompt]
            self.prompt = None
        command = _COMMAND.match(text)
        if command:
            length = len(command.group().encode("utf-16-le")) // 2
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        self.messages[message["message_id"]] = message
        return {"update_id": next(self._update_ids), "message": message}

    def pressed(self, button: Button) -> Params:
        """The update for pressing an inline button of one of the bot's messages."""
        query = {
            "id": str(next(self._update_ids)),
            "from": self.user,
            "chat_instance": str(self.user_id),
            "message": self.messages[button.message_id],
            "data": button.data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    def button_for(self, line: str) -> Button | None:
        """The shown button that ``line`` presses (its number or its label), if any."""
        wanted = line.strip()
        if wanted.isdigit() and 1 <= int(wanted) <= len(self.buttons):
            return self.buttons[int(wanted) - 1]
        key = _label_key(wanted)
        if not key or wanted.startswith("/"):
            return None
        for button in self.buttons:
            if _label_key(button.label) == key:
                return button
        starting = [button for button in self.buttons if _label_key(button.label).startswith(key)]
        return starting[0] if len(starting) == 1 else None

    # ---- what the bot does --------------------------------------------------------------

    def send(self, params: Params) -> Params:
        """The bot sends a message: print it, keep it, return it as Telegram would."""
        message: Params = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat,
            "from": BOT_USER,
        }
        self._set_content(message, params)
        self.messages[message["message_id"]] = message
        if _markup(params).get("force_reply"):
            self.prompt = message["message_id"]
        self._show(message, params)
        return message

    def edit(self, params: Params) -> Params | bool:
        """The bot edits one of its messages: print the new version."""
        message = self.messages.get(int(params.get("message_id") or 0))
        if message is None:
            return True
        message["edit_date"] = int(time.time())
        self._set_content(message, params, keep_text=("text" not in params))
        self._show(message, params, edited=True)
        return message

    def notice(self, params: Params) -> bool:
        """The bot answers a button press: show its text, if any."""
        if params.get("text"):
            self._print(f"» {params['text']}")
        return True

    def _set_content(self, message: Params, params: Params, *, keep_text: bool = False) -> None:
        if not keep_text:
            source = str(params.get("text", ""))
            html = str(params.get("parse_mode") or "").upper() == "HTML"
            message["text"] = render_html(source, ansi=False) if html else source
        markup = _markup(params)
        message.pop("reply_markup", None)
        if markup.get("inline_keyboard"):
            message["reply_markup"] = markup

    def _show(self, message: Params, params: Params, *, edited: bool = False) -> None:
        source = str(params.get("text", message.get("text", "")))
        html = str(params.get("parse_mode") or "").upper() == "HTML"
        text = render_html(source, ansi=self.ansi) if html else source
        lines = ["(edited)"] if edited else []
        if "text" in params or not edited:
            lines.append(text)
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        if rows or any(b.message_id == message["message_id"] for b in self.buttons):
            self.buttons = []
        for row in rows:
            labels = []
            for raw in row:
                self.buttons.append(
                    Button(
                        raw["text"],
                        raw.get("callback_data"),
                        raw.get("url"),
                        message["message_id"],
                    )
                )
                labels.append(f"[{len(self.buttons)}] {raw['text']}")
            lines.append("  ".join(labels))
        self._print("\n".join(lines) + "\n")

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


class ConsoleRequest(BaseRequest):
    """The Bot API answered in-process: what the bot sends is printed, nothing goes online."""

    def __init__(self, chat: ConsoleChat) -> None:
        self._chat = chat
        self._methods: dict[str, Callable[[Params], Any]] = {
            "getme": lambda _: BOT_USER,
            "getupdates": lambda _: [],
            "sendmessage": chat.send,
            "editmessagetext": chat.edit,
            "editmessagereplymarkup": chat.edit,
            "answercallbackquery": chat.notice,
            "getchat": lambda _: chat.chat,
            "getchatmember": lambda _: {"status": "member", "user": chat.user},
        }

    @property
    def read_timeout(self) -> float | None:
        """No network, so no timeout."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Answer one Bot API call; methods not listed (setMyCommands, …) simply succeed."""
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        answer = self._methods.get(name.lower(), _succeed)
        return 200, json.dumps({"ok": True, "result": answer(params)}).encode()


async def chat(
    settings: Settings,
    user_id: int,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    source: MessageSource | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> int:
    """Talk to the bot in the terminal until ``/quit`` or end of input, as a user whose
    Telegram app is in ``language``."""
    interactive = source is not None or stdin.isatty()
    if source is None:
        source = TerminalInput(PROMPT) if interactive else PipedInput(stdin)
    console = ConsoleChat(user_id=user_id, out=stdout, ansi=stdout.isatty(), language=language)
    application = build_application(settings, request=ConsoleRequest(console), rate_limiter=False)
    # The application is initialised but never started: no polling, and no jobs (digests must
    # not go out from a terminal session). PTB warns that tasks of non-blocking handlers are then
    # not awaited on shutdown; they still run on this loop, and the warning would only confuse.
    warnings.filterwarnings("ignore", "Tasks created via `Application.create_task`")
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        if interactive:
            print(
                f"filmnews chat, as user {user_id}. Send /help to begin, /quit to leave; "
                "press a button by typing its number or its label; end a line with \\ to "
                "go on on the next (or paste several lines).",
                file=stdout,
            )
        while True:
            text = await source.read()
            if text is None or text.strip() in QUIT:
                break
            if not text.strip():
                continue
            if not interactive:
                print(f"{PROMPT}{text}", file=stdout, flush=True)
            await _handle(application, console, text)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
    return 0


async def _handle(application: App, console: ConsoleChat, line: str) -> None:
    button = console.button_for(line)
    if button is not None and button.data is None:
        console.notice({"text": f"opens {button.url}" if button.url else "nothing to press"})
        return
    raw = console.pressed(button) if button is not None else console.typed(line)
    await application.process_update(Update.de_json(raw, application.bot))


def _markup(params: Params) -> Params:
    """The reply markup of a sent message's parameters, decoded (empty when there is none)."""
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return markup if isinstance(markup, dict) else {}


def _succeed(params: Params) -> bool:
    """The answer of a Bot API method the console has no use for."""
    return True
