"""Shared end-to-end fixtures: the real bot, long-polling our Bot API emulator over real HTTP.

Fixtures
--------
``emulator``
    A started :class:`tests.emulator.BotApiEmulator` on 127.0.0.1 (a free port). Use its fault
    injection (``fail_next``, ``refuse``, ``set_delay``, ``block``, ``enable_rate_limit``) and
    its records (``sent()``, ``edits()``, ``calls()``, ``callback_answers``, ``commands``).
``bot_settings``
    The :class:`bot.config.Settings` the bot runs with: token and ``api_url`` of the emulator, a
    fresh database in ``tmp_path``, the shipped seeds, admin id ``ADMIN_ID`` (42). Change fields
    per test with the marker ``@pytest.mark.bot_settings(admin_ids={7}, digest_time=time(8))``
    (any ``Settings`` field; ``admin_ids`` may be any iterable of ints), or override the fixture.
``bot``
    A :class:`RunningBot`: the Application from ``build_application(bot_settings)``, started as
    ``filmnews run`` starts it (initialize, post_init: store opened, migrated, seeds ingested,
    setMyCommands; then polling and ``application.start()``), stopped and its store closed after
    the test. Inject faults that must hit start-up (e.g. ``emulator.refuse("setMyCommands")``)
    with ``launch`` instead, or in a fixture that the test requests before ``bot``.
``launch``
    ``async with launch(**settings_overrides) as bot:`` starts a bot by hand: for a database
    prepared before start-up, a restart on the same database, faults injected before start-up.

Talking to the bot
------------------
``chat = bot.private(user_id)`` (a private chat, chat id = user id) or ``bot.group(chat_id,
user_id)`` (a group; negative ids) gives a :class:`UserChat`. Every action waits until the bot
has *finished* handling the update (it was fetched by getUpdates and fully processed), then
returns a :class:`Replies` with exactly what the bot did in that chat meanwhile. So an empty
``Replies`` really means the bot stayed silent, without sleeping:

    replies = await bot.private(5).send("/latest")
    assert "Golden Panda" in replies.text
    page2 = await bot.private(5).press(replies.sent[0], "More")   # edits in place
    assert page2.edits and page2.answers
    assert not await bot.group(-100, 5).send("/latest@otherbot")

``replies.sent`` (new messages), ``replies.edits`` (editMessageText/ReplyMarkup),
``replies.answers`` (answerCallbackQuery parameters), ``replies.text`` (the visible text of the
new messages, or of the edits when there are none, joined by blank lines), ``replies.last`` and
``replies.update`` (the update as pushed, e.g. ``replies.update["message"]["message_id"]``).
Messages are :class:`tests.emulator.SentMessage`: ``.plain``, ``.text`` (HTML as sent),
``.buttons``, ``.button(label)``, ``.callback_data``.

The bot sends through the shipped ``AIORateLimiter``: like Telegram, it holds a group to 20
messages a minute (beyond a first burst of 20, one every 3 s), so keep group tests short.

``await bot.settle()`` waits until every update pushed so far is handled. ``bot.store`` is the
bot's own open store (for arranging data while it runs), ``bot.app`` the Application.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.context import App
from storage import Store
from tests.conftest import SEEDS
from tests.emulator import TEST_TOKEN, BotApiEmulator, SentMessage, running_emulator

ADMIN_ID = 42
SETTLE_TIMEOUT = 5.0
# Long-poll timeout handed to getUpdates; the emulator answers a poll as soon as an update
# arrives, and stopping cancels the poll, so this never makes a test wait.
POLL_TIMEOUT = 10
BACKENDS = ("sqlite", "postgres")
WORKER_WAIT = 5.0  # seconds a started bot may take to become the worker (another may hold it)

Launcher = Callable[..., AbstractAsyncContextManager["RunningBot"]]


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that changes the bot's settings for one test."""
    config.addinivalue_line(
        "markers", "bot_settings(**fields): Settings fields for the e2e `bot` fixture"
    )
    config.addinivalue_line(
        "markers", "sqlite_only(why): an e2e test of what only SQLite has (not run on PostgreSQL)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL runs of ``sqlite_only`` tests are dropped, not reported as skipped."""
    dropped = [
        item
        for item in items
        if item.get_closest_marker("sqlite_only") is not None
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("e2e_backend") == "postgres"  # type: ignore[attr-defined]
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


@dataclass
class Replies:
    """What the bot did in one chat while handling one update."""

    update: dict[str, Any]
    sent: list[SentMessage] = field(default_factory=list)
    edits: list[SentMessage] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sent or self.edits or self.answers)

    @property
    def texts(self) -> list[str]:
        """Visible text of each new message (or of each edit when nothing new was sent)."""
        return [message.plain for message in self.sent or self.edits]

    @property
    def text(self) -> str:
        """All of ``texts`` joined by blank lines."""
        return "\n\n".join(self.texts)

    @property
    def last(self) -> SentMessage:
        """The last message sent, or else the last edit."""
        messages = self.sent or self.edits
        if not messages:
            raise AssertionError(f"the bot did not answer {self.update}")
        return messages[-1]


class RunningBot:
    """The started bot, its emulator, and ways to act as users."""

    def __init__(self, app: App, emulator: BotApiEmulator, settings: Settings) -> None:
        self.app = app
        self.emulator = emulator
        self.settings = settings

    @property
    def store(self) -> Store:
        """The bot's own open store."""
        return self.app.bot_data.store

    @property
    def username(self) -> str:
        """The bot's @username (without the @)."""
        return self.app.bot.username

    def private(self, user_id: int = 1) -> UserChat:
        """The private chat of user ``user_id`` with the bot."""
        return UserChat(self, chat_id=user_id, user_id=user_id, chat_type="private")

    def group(self, chat_id: int = -1001, user_id: int = 1) -> UserChat:
        """A group chat in which ``user_id`` writes (``chat_id`` < 0; -100… is a supergroup)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return UserChat(self, chat_id=chat_id, user_id=user_id, chat_type=kind)

    async def settle(self, within: float = SETTLE_TIMEOUT) -> None:
        """Wait until every update pushed so far has been fetched and fully handled."""
        async with asyncio.timeout(within):
            # The updater confirms a batch (next getUpdates offset) only after queueing it, and
            # PTB marks a queued update done only once its handlers and error handler finished.
            # The emulator signals a getUpdates only when it returns, a long poll later: poll.
            while self.emulator.pending_updates:  # noqa: ASYNC110
                await asyncio.sleep(0.001)
            await self.app.update_queue.join()


@dataclass
class UserChat:
    """One user in one chat: type, send stickers and photos, edit, press buttons."""

    bot: RunningBot
    chat_id: int
    user_id: int
    chat_type: str

    @property
    def emulator(self) -> BotApiEmulator:
        """The emulator the bot talks to."""
        return self.bot.emulator

    async def send(self, text: str, **user: Any) -> Replies:
        """Type ``text`` (commands get their bot_command entity); return the bot's replies."""
        return await self._act(
            lambda: self.emulator.send_text(
                self.chat_id, text, user_id=self.user_id, chat_type=self.chat_type, **user
            )
        )

    async def send_sticker(self) -> Replies:
        """Send a sticker; return the bot's replies."""
        return await self._act(
            lambda: self.emulator.send_sticker(self.chat_id, user_id=self.user_id)
        )

    async def send_photo(self, caption: str | None = None) -> Replies:
        """Send a photo with an optional caption; return the bot's replies."""
        return await self._act(
            lambda: self.emulator.send_photo(self.chat_id, caption=caption, user_id=self.user_id)
        )

    async def edit(self, message_id: int, text: str) -> Replies:
        """Edit this user's earlier message ``message_id``; return the bot's replies."""
        return await self._act(
            lambda: self.emulator.edit_text(self.chat_id, message_id, text, user_id=self.user_id)
        )

    async def press(
        self,
        message: SentMessage | int,
        label: str | None = None,
        *,
        data: str | None = None,
        strict: bool = True,
    ) -> Replies:
        """Press the button whose label contains ``label`` (or with callback ``data``).

        With ``strict=False`` any ``data`` is sent, as an old client or a forger would.
        """
        message_id = message if isinstance(message, int) else message.message_id
        return await self._act(
            lambda: self.emulator.press_button(
                self.chat_id, message_id, data, label=label, user_id=self.user_id, strict=strict
            )
        )

    async def _act(self, push: Callable[[], Awaitable[dict[str, Any]]]) -> Replies:
        emulator = self.emulator
        sent, edits = len(emulator.sent(self.chat_id)), len(emulator.edits(self.chat_id))
        answered = len(emulator.callback_answers)
        update = await push()
        await self.bot.settle()
        query = update.get("callback_query")
        return Replies(
            update=update,
            sent=emulator.sent(self.chat_id)[sent:],
            edits=emulator.edits(self.chat_id)[edits:],
            answers=[
                answer
                for answer in emulator.callback_answers[answered:]
                if query is not None and answer["callback_query_id"] == query["id"]
            ],
        )


@contextlib.asynccontextmanager
async def started(app: App, *, worker: bool = True) -> AsyncIterator[App]:
    """Run ``app`` as ``run_polling`` does (post_init before polling), then stop it; with
    ``worker``, once it has become the worker (another replica may be it instead)."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)  # type: ignore[union-attr]
        await app.start()
        # The worker role is taken (and its catch-up composed) before a test moves the clock:
        # else that first compose could race the test's own.
        if worker:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(WORKER_WAIT):
                    await app.bot_data.delivery.became_worker()
        yield app
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A Bot API emulator listening on a free port of 127.0.0.1."""
    async with running_emulator() as emu:
        yield emu


@pytest.fixture(params=BACKENDS)
def e2e_backend(request: pytest.FixtureRequest) -> str:
    """Each backend in turn: SQLite, then PostgreSQL (tests marked ``sqlite_only`` are not
    collected for PostgreSQL)."""
    return str(request.param)


@pytest.fixture
def bot_settings(
    request: pytest.FixtureRequest, tmp_path: Path, emulator: BotApiEmulator, e2e_backend: str
) -> Settings:
    """Settings for the e2e bot, on each backend; the ``bot_settings`` marker overrides fields."""
    on_postgres = e2e_backend == "postgres"
    settings = Settings(
        token=TEST_TOKEN,
        api_url=emulator.api_url,
        database=tmp_path / "e2e.db",
        database_url=str(request.getfixturevalue("postgres_url")) if on_postgres else None,
        seeds=SEEDS,
        admin_ids=frozenset({ADMIN_ID}),
    )
    marker = request.node.get_closest_marker("bot_settings")
    return _with(settings, **(marker.kwargs if marker else {}))


@pytest.fixture
def launch(bot_settings: Settings, emulator: BotApiEmulator) -> Launcher:
    """``async with launch(**overrides) as bot``: start a bot by hand (and stop it after)."""

    @contextlib.asynccontextmanager
    async def launcher(**overrides: Any) -> AsyncIterator[RunningBot]:
        settings = _with(bot_settings, **overrides)
        async with started(build_application(settings)) as app:
            yield RunningBot(app, emulator, settings)

    return launcher


@pytest.fixture
async def bot(launch: Launcher) -> AsyncIterator[RunningBot]:
    """The real bot, long-polling the emulator, ready to be talked to."""
    async with launch() as running:
        yield running


def _with(settings: Settings, **overrides: Any) -> Settings:
    if "admin_ids" in overrides:
        overrides["admin_ids"] = frozenset(overrides["admin_ids"])
    return dataclasses.replace(settings, **overrides)
