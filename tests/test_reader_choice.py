"""Issue 15 on SQLite and PostgreSQL: stored tags (at insert, after /edit, backfilled), readers'
choices, festival follows, migrated chats, topics through the outbox, and reminders that follow
a choice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, Settings
from bot.delivery import reminders
from bot.delivery.kinds import OutboxKind
from bot.newsroom.filters import admits, admits_festival, has_words, parse_words
from bot.newsroom.ingest import ingest
from bot.newsroom.tagging import tag_pending, tagged
from bot.newsroom.tags import COUNTRY_BITS, TOPIC_BITS, Country, Topic, from_bits, tag, to_bits
from storage import Store
from storage.filters import Facet, ReaderFilter, Words
from storage.models import NewArticle, NewFestival
from storage.outbox import Outgoing
from tests.conftest import SEEDS

KG_FEST = NewArticle(
    "Kyrgyz drama wins the grand prize at the Bishkek festival",
    "The jury gave its main award to a debut.",
    "seed:test",
)
KZ_RELEASE = NewArticle(
    "Kazakh comedy tops the box office in Almaty", "Cinemas sold more tickets.", "seed:test"
)


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


def test_tags_round_trip_through_their_bits() -> None:
    tags = tag(KG_FEST.title, KG_FEST.body)
    assert from_bits(to_bits(tags)) == tags
    assert to_bits(tags) == COUNTRY_BITS[Country.KG] | TOPIC_BITS[Topic.FESTIVALS]


async def test_articles_are_stored_with_their_tags_and_edits_are_tagged_again(
    store: Store,
) -> None:
    [(kg, _), (kz, _)] = await store.articles.add_many([tagged(KG_FEST), tagged(KZ_RELEASE)])
    facets = await store.tags.of(kg)
    assert facets is not None
    assert facets.tags == to_bits(tag(KG_FEST.title, KG_FEST.body))

    await store.articles.edit(kz, title="Uzbek comedy tops the box office in Tashkent")
    assert (await store.tags.of(kz)).tags is None  # type: ignore[union-attr]
    assert await tag_pending(store) == 1
    edited = await store.tags.of(kz)
    assert edited is not None
    assert edited.tags is not None
    assert from_bits(edited.tags).countries == {Country.UZ}


async def test_articles_stored_before_tags_are_backfilled_in_batches(store: Store) -> None:
    await store.articles.add_many([KG_FEST, KZ_RELEASE])  # as an older database holds them
    assert len(await store.tags.untagged(10)) == 2

    assert await tag_pending(store, batch=1) == 2

    assert await store.tags.untagged(10) == []


async def test_a_feeds_own_categories_count() -> None:
    plain = NewArticle("Premiere announced", "Details soon.", "feed:x")
    assert from_bits(tagged(plain).tags or 0).countries == {Country.OTHER}
    categorised = tagged(plain, ["Kyrgyzstan", "Festivals"])
    assert from_bits(categorised.tags or 0).countries == {Country.KG}


async def test_a_choice_is_toggled_typed_reset_and_followed(store: Store) -> None:
    chat = 5
    assert (await store.filters.get(chat)).everything
    await store.filters.toggle(chat, Facet.COUNTRIES, COUNTRY_BITS[Country.KG])
    await store.filters.toggle(chat, Facet.COUNTRIES, COUNTRY_BITS[Country.KZ])
    choice = await store.filters.toggle(chat, Facet.COUNTRIES, COUNTRY_BITS[Country.KG])
    assert choice.countries == COUNTRY_BITS[Country.KZ]
    choice = await store.filters.set_words(chat, Words.EXCLUDE, ["horror"])
    assert choice.exclude == ("horror",)
    assert choice.narrows
    assert set(await store.filters.narrowing()) == {chat}
    festival, _ = await store.festivals.upsert(NewFestival("Didor International Film Festival"))
    await store.filters.follow(chat, festival.id, on=True)
    await store.filters.reset(chat)
    after = await store.filters.get(chat)
    assert after.everything
    assert after.festivals == {festival.id}
    assert await store.filters.narrowing() == {}


async def test_what_a_choice_admits(store: Store) -> None:
    [(kg, _), (kz, _)] = await store.articles.add_many([tagged(KG_FEST), tagged(KZ_RELEASE)])
    pairs = await store.tags.newer_than(0, 10)
    by_id = {article.id: (article, facets) for article, facets in pairs}
    kyrgyz_festivals = ReaderFilter(1, COUNTRY_BITS[Country.KG], TOPIC_BITS[Topic.FESTIVALS])
    assert admits(kyrgyz_festivals, *by_id[kg])
    assert not admits(kyrgyz_festivals, *by_id[kz])
    no_prizes = ReaderFilter(1, exclude=("grand prizes",))  # another form of the words
    assert not admits(no_prizes, *by_id[kg])
    assert admits(ReaderFilter(1, include=("comedies",)), *by_id[kz])
    assert has_words(by_id[kz][1].terms, "Алматы")  # either alphabet, as the search


def test_typed_words_are_read_kindly() -> None:
    assert parse_words(" horror ,  remake\nsequel ") == ("horror", "remake", "sequel")
    assert parse_words("-") == ()
    assert parse_words("!!!") is None
    assert parse_words(",".join(["w"] * 11)) is None
    assert parse_words("x" * 41) is None


async def test_a_migrated_chat_keeps_everything(store: Store) -> None:
    old, new = -42, -10042
    now = datetime(2026, 2, 7, 3, tzinfo=UTC)
    await store.subscribers.subscribe(old, 1, time(9), "Asia/Bishkek", now, 0)
    await store.filters.toggle(old, Facet.TOPICS, TOPIC_BITS[Topic.RELEASES])
    await store.outbox.add("digest", "2026-02-07", [Outgoing(old, "hi")], now)

    assert await store.chats.move(old, new)

    assert await store.subscribers.find(old) is None
    assert (await store.subscribers.get(new)).digest_time == time(9)
    assert (await store.filters.get(new)).topics == TOPIC_BITS[Topic.RELEASES]
    assert [m.chat_id for m in await store.outbox.ready(now, 10)] == [new]
    assert not await store.chats.move(old, new)  # the second notice finds nothing


async def test_the_outbox_carries_the_subscriptions_topic(store: Store) -> None:
    now = datetime(2026, 2, 7, 3, tzinfo=UTC)
    await store.subscribers.subscribe(-7, 1, time(9), "Asia/Bishkek", now, 0, thread_id=12)
    await store.outbox.add("digest", "d", [Outgoing(-7, "x"), Outgoing(-8, "y")], now)
    await store.outbox.add("channel", "1", [Outgoing(-7, "z", thread_id=3)], now)
    topics = {(m.kind, m.chat_id): m.thread_id for m in await store.outbox.ready(now, 10)}
    assert topics == {("digest", -7): 12, ("digest", -8): None, ("channel", -7): 3}


async def test_reminders_follow_the_choice(store: Store) -> None:
    zone = ZoneInfo("Asia/Almaty")
    kazakh, _ = await store.festivals.upsert(
        NewFestival(
            "Eurasia International Film Festival",
            city="Almaty",
            country="Kazakhstan",
            starts_on=date(2026, 9, 10),
            ends_on=date(2026, 9, 15),
        )
    )
    now = datetime(2026, 9, 3, 0, tzinfo=UTC)
    for chat in (1, 2, 3):
        await reminders.ask(store, chat, kazakh, now, time(9), zone)
    await store.filters.toggle(2, Facet.COUNTRIES, COUNTRY_BITS[Country.KG])  # elsewhere
    await store.filters.toggle(3, Facet.COUNTRIES, COUNTRY_BITS[Country.KG])
    await store.filters.follow(3, kazakh.id, on=True)  # but follows it

    queued = await reminders.compose_due(store, datetime(2026, 9, 3, 5, tzinfo=UTC), time(9), zone)

    chats = {
        m.chat_id
        for m in await store.outbox.ready(datetime(2026, 9, 4, tzinfo=UTC), 10)
        if m.kind == OutboxKind.REMINDER
    }
    assert queued == 2
    assert chats == {1, 3}
    assert admits_festival(ReaderFilter(9, topics=TOPIC_BITS[Topic.FESTIVALS]), kazakh)
    assert not admits_festival(ReaderFilter(9, topics=TOPIC_BITS[Topic.RELEASES]), kazakh)


def test_the_channel_setting_is_a_name_or_an_id() -> None:
    assert Settings.from_env({"FILMNEWS_CHANNEL": "@filmnews_kg"}, None).channel == "@filmnews_kg"
    assert Settings.from_env({"FILMNEWS_CHANNEL": "-1001234"}, None).channel == -1001234
    assert Settings.from_env({}, None).channel is None
    with pytest.raises(ConfigError, match="FILMNEWS_CHANNEL"):
        Settings.from_env({"FILMNEWS_CHANNEL": "https://t.me/x"}, None)


async def test_seed_pages_are_tagged_as_they_are_ingested(store: Store) -> None:
    await ingest(store, [SEEDS])

    assert await store.tags.untagged(10) == []
    pairs = await store.tags.newer_than(0, 1000)
    kyrgyz = [a.title for a, f in pairs if (f.tags or 0) & COUNTRY_BITS[Country.KG]]
    assert any("Kyrgyzstan" in title for title in kyrgyz)
