"""E2E: /addfestival matches an existing festival's name whatever its case, Cyrillic included."""

from __future__ import annotations

from tests.e2e.conftest import ADMIN_ID, RunningBot


async def test_addfestival_in_capitals_updates_the_cyrillic_festival(bot: RunningBot) -> None:
    await bot.private(ADMIN_ID).send("/addfestival Дидор Кинофестиваль | Душанбе | Таджикистан")

    replies = await bot.private(ADMIN_ID).send(
        "/addfestival ДИДОР КИНОФЕСТИВАЛЬ | Худжанд | Таджикистан | - | Кинофестиваль"
    )

    didor = [f for f in await bot.store.festivals.all() if f.name.casefold().startswith("дидор")]
    assert [(f.name, f.city) for f in didor] == [("ДИДОР КИНОФЕСТИВАЛЬ", "Худжанд")]
    assert "Updated" in replies.text, replies.text
