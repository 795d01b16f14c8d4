"""E2E: the news, search, admin, fallback and help replies in the reader's language.

Each area's test runs twice for a reader (and an admin) whose Telegram app is in Russian: with
a pseudo-translated Russian catalog (every message, Latin letters turned Cyrillic), where no
English word may be left but names, so every word we say goes through the translator; and with
the real Russian catalog.
"""

from __future__ import annotations

import contextlib
import gettext
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.handlers import start
from bot.i18n import Catalogs, Translator
from storage.models import NewArticle
from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot

READER = 7
LONG = 8  # the id of the long article
# Latin words that are names, not English: ours, the commands' arguments, a time zone.
NAMES = {"filmnews", "Telegram", "Asia", "Almaty", "ID", "WORDS", "TITLE", "BODY"}
_COMMAND = re.compile(r"/\w+")
_LATIN = re.compile(r"[A-Za-z]{2,}")
# What a translation keeps as it is: placeholders, tags, entities and commands.
_KEPT = re.compile(r"(\{\w*\}|<[^>]*>|&\w+;|/\w+)")
_CYRILLIC = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "абцдефгхийклмнопкрстуввхызАБЦДЕФГХИЙКЛМНОПКРСТУВВХЫЗ",
)


class _Pseudo(gettext.NullTranslations):
    """Every message "translated": its Latin letters turned Cyrillic, the rest kept."""

    def gettext(self, message: str) -> str:
        return "".join(
            part if _KEPT.fullmatch(part) else part.translate(_CYRILLIC)
            for part in _KEPT.split(message)
        )

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def english(text: str) -> list[str]:
    """The English words left in a reply (commands and names aside)."""
    return [word for word in _LATIN.findall(_COMMAND.sub(" ", text)) if word not in NAMES]


@contextlib.asynccontextmanager
async def _russian_news(launch: Launcher, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """A bot whose news is Russian (no seeds), read by a reader and an admin with Russian apps."""
    async with launch(seeds=tmp_path / "no-seeds") as bot:
        for day in range(1, 8):
            await bot.store.articles.create(
                NewArticle(
                    title=f"Фестиваль «Дидор» открывается в Душанбе, день {day}",
                    body="Программа фестиваля: таджикские короткометражные фильмы. " * 40,
                    source="test",
                )
            )
        long = "Длинная статья о кино Центральной Азии. " * 1000
        await bot.store.articles.create(NewArticle(title="Длинная статья", body=long, source="t"))
        bot.emulator.set_user_language(READER, "ru")
        bot.emulator.set_user_language(ADMIN_ID, "ru")
        yield bot


@pytest.fixture
async def ru(launch: Launcher, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The Russian bot with the shipped catalogs."""
    async with _russian_news(launch, tmp_path) as bot:
        yield bot


@pytest.fixture(params=["pseudo", "ru"])
async def russian(
    request: pytest.FixtureRequest,
    launch: Launcher,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[RunningBot]:
    """The Russian bot, its Russian catalog the pseudo-translation or the shipped one."""
    if request.param == "pseudo":
        real = Catalogs.load()
        pseudo = Catalogs({**{t.code: t for t in real}, "ru": Translator("ru", _Pseudo())})
        monkeypatch.setattr(Catalogs, "load", classmethod(lambda cls: pseudo))
    async with _russian_news(launch, tmp_path) as bot:
        yield bot


async def test_help_lists_every_command_with_its_description_in_the_readers_language(
    ru: RunningBot,
) -> None:
    reader = await ru.private(READER).send("/help")
    admin = await ru.private(ADMIN_ID).send("/help")

    assert "/language — язык, на котором я с вами говорю" in reader.text
    assert "/latest [N] — свежие статьи" in reader.text
    assert "the language I speak with you" not in reader.text
    assert "/post" not in reader.text
    assert "/post TITLE⏎BODY" in admin.text


async def test_a_subscriber_keeps_the_language_their_app_had_when_subscribing(
    ru: RunningBot,
) -> None:
    ru.emulator.set_user_language(8, "fr")  # a language we don't speak
    await ru.private(READER).send("/subscribe 08:30 Almaty")
    await ru.private(8).send("/subscribe 09:00")

    assert (await ru.store.subscribers.find(READER)).language == "ru"  # type: ignore[union-attr]
    assert await ru.store.languages.of_subscribers([READER, 8]) == {READER: "ru"}


async def test_reading_the_news_in_russian(russian: RunningBot) -> None:
    chat = russian.private(READER)
    latest = await chat.send("/latest")
    older = await chat.press(latest.last, data=latest.last.callback_data[-1])
    again = await chat.send("/latest")
    opened = await chat.press(again.last, data=again.last.callback_data[0])
    long = await chat.send(f"/article {LONG}")
    usage = await chat.send("/latest many")
    missing = await chat.send("/article 999")

    for replies in (latest, older, opened, long, usage, missing):
        assert not english(replies.text), replies.text
        labels = " ".join(button["text"] for button in replies.last.buttons)
        assert not english(labels), labels
    assert any("▸" in button["text"] for button in long.last.buttons)  # continue reading


async def test_searching_in_russian(russian: RunningBot) -> None:
    chat = russian.private(READER)
    found = await chat.send("/search Дидор")
    next_page = await chat.press(found.last, data=found.last.callback_data[-1])
    nothing = await chat.send("/search абракадабра")
    typo = await chat.send("/search Дидорр")
    plain = await chat.send("Душанбе")  # plain text in a private chat is searched
    bad = await chat.send("/search д*")

    for replies in (found, next_page, nothing, typo, plain, bad):
        assert not english(replies.text), replies.text
        labels = " ".join(button["text"] for button in replies.last.buttons)
        assert not english(labels), labels
    assert "Дидор" in found.text


async def test_an_admins_post_and_figures_in_russian(russian: RunningBot) -> None:
    due = datetime.now(UTC) + timedelta(hours=6)
    await russian.store.subscribers.subscribe(READER, READER, time(9), "Asia/Almaty", due, 0)
    admin = russian.private(ADMIN_ID)
    stats = await admin.send("/stats")
    preview = await admin.send("/post Новый фильм «Дидор»\nСъёмки начались в Худжанде.")
    publish = await admin.press(preview.last, data=preview.last.callback_data[0])
    at = preview.last.message_id
    # The preview is edited twice: "publishing…", then the report once the reader got it.
    report = await russian.emulator.wait_for(
        lambda: [e for e in russian.emulator.edits(ADMIN_ID) if e.message_id == at][1:],
        10,
        "the report",
    )
    broadcast = await admin.send("/broadcast Завтра открытие фестиваля")
    sent = await admin.press(broadcast.last, data=broadcast.last.callback_data[0])
    delete = await admin.send("/delete 1")
    edit = await admin.send("/edit 2")
    edited = await admin.send("/edit 2 Новое название")
    digest = await admin.send("/digest")
    refused = await russian.private(READER).send("/stats")

    replies = (stats, preview, publish, broadcast, sent, delete, edit, edited, refused)
    for reply in replies:
        assert not english(reply.text), reply.text
        labels = " ".join(button["text"] for button in reply.last.buttons)
        assert not english(labels), labels
    note = digest.sent[0].plain  # the preview after it is the digest's (another area)
    assert not english(note), note
    assert not english(report[-1].plain), report[-1].plain
    received = await russian.emulator.wait_for(
        lambda: [m.plain for m in russian.emulator.sent(READER) if m.plain.startswith("📣")],
        10,
        "the broadcast",
    )
    assert received == ["📣 Завтра открытие фестиваля"]  # the admin's words, as written
    assert "Новый фильм «Дидор»" in russian.emulator.sent(READER)[0].plain


async def test_the_fallbacks_and_the_apology_in_russian(
    russian: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = russian.private(READER)
    unknown = await chat.send("/frobnicate")
    sticker = await chat.send_sticker()
    welcome = await chat.send("/start")
    stale = await chat.press(welcome.last, data="gone:1", strict=False)
    cancel = await chat.send("/cancel")
    edited = await chat.edit(unknown.update["message"]["message_id"], "/latest")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("help text exploded")

    monkeypatch.setattr(start, "help_text", broken)
    sorry = await chat.send("/help")

    texts = [reply.text for reply in (unknown, sticker, welcome, cancel, edited, sorry)]
    for text in (*texts, stale.answers[-1]["text"]):
        assert not english(text), text
    assert not english(" ".join(button["text"] for button in welcome.last.buttons))
