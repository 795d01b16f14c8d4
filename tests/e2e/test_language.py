"""E2E: /language, the app's language as the default, and the command menu in every language."""

from __future__ import annotations

from bot.i18n import LANGUAGES
from tests.e2e.conftest import ADMIN_ID, RunningBot


async def test_language_offers_every_language_named_in_itself(bot: RunningBot) -> None:
    replies = await bot.private(7).send("/language")

    labels = [button["text"] for button in replies.last.buttons]
    assert [label.removeprefix("✓ ") for label in labels] == list(LANGUAGES.values())
    assert "✓ English" in labels  # the app speaks English: that is the language in use


async def test_choosing_a_language_is_remembered_and_answered_in_it(bot: RunningBot) -> None:
    chat = bot.private(7)
    choice = await chat.send("/language")

    replies = await chat.press(choice.last, "Русский")

    assert replies.edits[-1].plain == "Готово: теперь я говорю в этом чате по-русски."
    assert await bot.store.languages.get(7) == "ru"
    again = await chat.send("/language")
    assert "✓ Русский" in [b["text"] for b in again.last.buttons]
    assert again.last.plain.startswith("Выберите язык")


async def test_the_apps_language_is_used_until_one_is_chosen(bot: RunningBot) -> None:
    bot.emulator.set_user_language(8, "kk")

    replies = await bot.private(8).send("/language")

    assert "✓ Қазақша" in [b["text"] for b in replies.last.buttons]
    assert await bot.store.languages.get(8) is None


async def test_a_language_we_do_not_speak_falls_back_to_english(bot: RunningBot) -> None:
    bot.emulator.set_user_language(9, "fr-FR")

    replies = await bot.private(9).send("/language")

    assert replies.last.plain.startswith("Choose the language")


async def test_a_forged_language_button_changes_nothing(bot: RunningBot) -> None:
    chat = bot.private(7)
    choice = await chat.send("/language")

    replies = await chat.press(choice.last, data="lang:xx", strict=False)

    assert "I don't speak that language" in replies.answers[-1]["text"]
    assert await bot.store.languages.get(7) is None


async def test_in_a_group_only_admins_change_the_language(bot: RunningBot) -> None:
    member = bot.group(-1001, user_id=55)
    choice = await member.send("/language")

    replies = await member.press(choice.last, "Русский")

    assert "Only the group's admins" in replies.answers[-1]["text"]
    assert await bot.store.languages.get(-1001) is None


async def test_the_command_menu_is_set_in_every_language(bot: RunningBot) -> None:
    english = {c["command"]: c["description"] for c in bot.emulator.commands_for()}
    assert english["language"] == "the language I speak with you"
    for code in LANGUAGES:
        if code == "en":
            continue
        menu = {c["command"]: c["description"] for c in bot.emulator.commands_for("default", code)}
        assert menu.keys() == english.keys(), code
    russian = {c["command"]: c["description"] for c in bot.emulator.commands_for("default", "ru")}
    assert russian["language"] == "язык, на котором я с вами говорю"


async def test_an_admin_keeps_the_admin_commands_after_choosing_a_language(
    bot: RunningBot,
) -> None:
    admin = bot.private(ADMIN_ID)
    choice = await admin.send("/language")

    await admin.press(choice.last, "Русский")

    menu = [c["command"] for c in bot.emulator.commands_for("chat")]
    assert "post" in menu
    assert "latest" in menu
