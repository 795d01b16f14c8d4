"""E2E: "Did you mean" and prefixes read the index's vocabulary table (migration 0019) through
the real handlers: a word an admin's edit brings is offered at once, and a word only a deleted
article held never is."""

from __future__ import annotations

from storage.models import NewArticle
from tests.e2e.conftest import ADMIN_ID, RunningBot


async def test_a_word_from_an_edit_is_offered_and_found_by_prefix(bot: RunningBot) -> None:
    admin = bot.private(ADMIN_ID)
    added = await bot.store.articles.create(NewArticle("Mountain cinema", "In the hills.", "t"))
    assert "Did you mean" not in (await bot.private(5).send("/search Kochkorka")).text

    await admin.send(f"/edit {added.id} Kochkor felt-makers on film")

    typo = await bot.private(5).send("/search Kochkorka")
    assert "Did you mean <b>Kochkor</b>" in typo.last.text
    assert [button["text"] for button in typo.last.buttons] == ["🔎 Kochkor"]
    assert "Kochkor felt-makers on film" in (await bot.private(5).send("/search kochk*")).text


async def test_a_word_only_a_deleted_article_held_is_never_offered(bot: RunningBot) -> None:
    admin = bot.private(ADMIN_ID)
    gone = await bot.store.articles.create(NewArticle("Sokuluk valley film", "Rivers.", "t"))
    await bot.store.articles.create(NewArticle("Sokulok market", "Bazaar.", "t"))
    assert "Sokuluk valley film" in (await bot.private(5).send("/search Sokuluk")).text

    question = await admin.send(f"/delete {gone.id}")
    await admin.press(question.last, "Delete")

    replies = await bot.private(5).send("/search Sokuluk")
    assert "Sokuluk valley film" not in replies.text
    assert "Did you mean <b>Sokulok</b>" in replies.last.text
    assert [button["text"] for button in replies.last.buttons] == ["🔎 Sokulok"]
