"""E2E: rates, festivals, reminders and live sources speak each reader's language (issue 14):
the replies through the update's translator, and the work done outside an update (reminders,
the admins' alerts) in each recipient's own language.

The tests that use the shipped Russian catalog are expected to fail until it is translated; the
others give the bot a catalog of a few Russian messages, so that they prove the plumbing now.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Mapping
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from bot.i18n import Catalogs, Translator
from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot
from tests.e2e.test_reminders import OPENING_DAY, PRESSED, add_didor, at, stop_clock
from tests.e2e.test_sources import fresh, poll_now, started_sources
from tests.source_server import SourceServer, rss, serving, sources_file

READER, OTHER, ADMIN_2 = 5, 6, 43
# What may stay Latin in a Russian reply: codes, banks, names the bot quotes.
CODES = {"USD", "KGS", "KZT", "TJS", "TMT", "UZS", "RUB", "EUR", "CNY", "NBK", "NBKR", "CBU"}
CODES |= {"NBT", "CBT", "HTTP", "URL"}


def catalogs_with(code: str, messages: Mapping[str, str]) -> Catalogs:
    """The shipped catalogs, with ``code`` speaking only ``messages`` (the rest in English)."""
    catalog = Catalog(locale=code)
    for message, translation in messages.items():
        catalog.add(message, translation)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    translators = {t.code: t for t in Catalogs.load()}
    translators[code] = Translator(code, gettext.GNUTranslations(compiled))
    return Catalogs(translators)


def desk(site: SourceServer, tmp_path: Path) -> Path:
    """A sources file of one feed, "desk", that works until the test makes it fail."""
    site.put("/desk/feed/", rss("Film desk", [fresh(2), fresh(3)]))
    return sources_file(tmp_path / "sources.toml", {"desk": site.url("/desk/feed/")})


def english_words(text: str, *names: str) -> list[str]:
    """The Latin words of ``text`` that are not commands, codes or the ``names`` given."""
    text = re.sub(r"/\w+|https?://\S+", " ", text)
    for name in names:
        text = text.replace(name, " ")
    return [word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in CODES]


async def test_rates_answer_in_the_readers_app_language(bot: RunningBot) -> None:
    heading = "💱 <b>Rates against {base}</b>"
    bot.app.bot_data.catalogs = catalogs_with("ru", {heading: "💱 <b>Курсы к {base}</b>"})
    bot.emulator.set_user_language(READER, "ru")

    russian = await bot.private(READER).send("/rates")
    english = await bot.private(OTHER).send("/rates")

    assert russian.text.splitlines()[0] == "💱 Курсы к USD"
    assert english.text.splitlines()[0] == "💱 Rates against USD"


async def test_a_convert_problem_is_said_in_the_readers_language(bot: RunningBot) -> None:
    problem = "“{amount}” is not an amount I can read."
    bot.app.bot_data.catalogs = catalogs_with(
        "ru", {problem: "Не могу прочесть сумму «{amount}»."}
    )
    bot.emulator.set_user_language(READER, "ru")

    replies = await bot.private(READER).send("/convert 1,2,3 <b> KZT")

    assert replies.text.startswith("Не могу прочесть сумму «1,2,3»")


async def test_festival_pages_answer_in_the_readers_language(bot: RunningBot) -> None:
    bot.app.bot_data.catalogs = catalogs_with("ru", {"Upcoming": "Скоро", "Past": "Прошедшие"})
    bot.emulator.set_user_language(READER, "ru")
    await add_didor(bot.store)

    russian = await bot.private(READER).send("/festivals")
    english = await bot.private(OTHER).send("/festivals")

    assert "Скоро" in russian.text
    assert "Upcoming" not in russian.text
    assert "Upcoming" in english.text


async def test_reminders_go_out_in_each_recipients_language(bot: RunningBot) -> None:
    today = "🔔 <b>{name}</b> opens today."
    bot.app.bot_data.catalogs = catalogs_with(
        "ru", {today: "🔔 <b>{name}</b> открывается сегодня."}
    )
    bot.emulator.set_user_language(READER, "ru")  # the app's language when the reader asked
    festival = await add_didor(bot.store)
    clock = stop_clock(bot, PRESSED)
    for chat_id in (READER, OTHER, 7):
        card = (await bot.private(chat_id).send("/festival didor")).last
        await bot.private(chat_id).press(card, "Remind me")
    bot.emulator.set_user_language(READER, "en")  # changing the app later changes nothing
    chosen = await bot.private(7).send("/language")
    await bot.private(7).press(chosen.last, "Русский")  # a choice beats the app's language

    await at(bot, clock, OPENING_DAY)

    def reminder(chat_id: int) -> str:
        [sent] = [m.plain for m in bot.emulator.sent(chat_id) if m.plain.startswith("🔔 ")]
        return sent.splitlines()[0]

    assert reminder(READER) == f"🔔 {festival.name} открывается сегодня."
    assert reminder(7) == f"🔔 {festival.name} открывается сегодня."
    assert reminder(OTHER) == f"🔔 {festival.name} opens today."


async def test_source_alerts_go_to_each_admin_in_their_language(
    launch: Launcher, tmp_path: Path
) -> None:
    keep_trying = (
        "I keep trying, less often, and will tell you once when it works again. "
        "/sources shows every source."
    )
    async with (
        serving() as site,
        launch(sources=desk(site, tmp_path), admin_ids={ADMIN_ID, ADMIN_2}) as bot,
    ):
        bot.app.bot_data.catalogs = catalogs_with(
            "ru", {keep_trying: "Я пробую снова, реже, и скажу, когда он заработает."}
        )
        await bot.store.languages.set(ADMIN_2, "ru")
        await started_sources(bot)
        site.fail("/desk/feed/", "500", "500", "500")
        for _ in range(3):
            await poll_now(bot)
        await bot.emulator.wait_for_messages(ADMIN_2, 1)
        await bot.emulator.wait_for_messages(ADMIN_ID, 1)

    [russian] = [m.plain for m in bot.emulator.sent(ADMIN_2)]
    [english] = [m.plain for m in bot.emulator.sent(ADMIN_ID)]
    assert russian.endswith("Я пробую снова, реже, и скажу, когда он заработает.")
    assert english.endswith(keep_trying)


# With the shipped Russian catalog: nothing English is left but names.


async def test_rates_and_convert_in_russian(bot: RunningBot) -> None:
    bot.emulator.set_user_language(READER, "ru")
    chat = bot.private(READER)

    for command in ("/rates", "/rates KZT", "/convert 100 USD KZT", "/convert 1,2,3 KZT"):
        replies = await chat.send(command)
        assert not english_words(replies.text), command


async def test_festivals_and_a_card_in_russian(bot: RunningBot) -> None:
    bot.emulator.set_user_language(READER, "ru")
    festival = await add_didor(bot.store)
    chat = bot.private(READER)

    listing = await chat.send("/festivals")
    card = await chat.send("/festival didor")
    pressed = await chat.press(card.last, "🔔")

    known = await bot.store.festivals.all()
    names = sorted(
        {part for f in known for part in (f.name, f.city, f.country, *f.aliases) if part},
        key=len,
        reverse=True,  # "Didor Film Festival" before "Didor"
    )
    assert festival.name in names
    assert not english_words(listing.text, *names)
    assert not english_words(card.text, *names)
    assert not english_words(" ".join(b["text"] for b in pressed.edits[0].buttons), *names)


async def test_a_reminder_in_russian(bot: RunningBot) -> None:
    bot.emulator.set_user_language(READER, "ru")
    festival = await add_didor(bot.store)
    clock = stop_clock(bot, PRESSED)
    card = (await bot.private(READER).send("/festival didor")).last
    await bot.private(READER).press(card, "🔔")

    await at(bot, clock, OPENING_DAY)

    [sent] = [m for m in bot.emulator.sent(READER) if m.plain.startswith("🔔 ")]
    assert not english_words(sent.plain, festival.name, "Dushanbe", "Tajikistan")
    assert not english_words(" ".join(b["text"] for b in sent.buttons), festival.name)


async def test_sources_and_alerts_in_russian(launch: Launcher, tmp_path: Path) -> None:
    async with (
        serving() as site,
        launch(sources=desk(site, tmp_path), admin_ids={ADMIN_ID}) as bot,
    ):
        bot.emulator.set_user_language(ADMIN_ID, "ru")
        await bot.store.languages.set(ADMIN_ID, "ru")  # alerts go by the admin's choice
        await started_sources(bot)
        site.fail("/desk/feed/", "500", "500", "500")
        for _ in range(3):
            await poll_now(bot)
        await bot.emulator.wait_for_messages(ADMIN_ID, 1)
        listing = await bot.private(ADMIN_ID).send("/sources")

    [alert] = [m.plain for m in bot.emulator.sent(ADMIN_ID) if m.plain.startswith("⚠️")]
    assert not english_words(alert, "desk")
    assert not english_words(listing.text, "desk")
