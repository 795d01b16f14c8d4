"""Composing digests on SQLite and PostgreSQL: who is due, what each digest holds, once per local
day."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.digests import (
    FIRST_DIGEST_EXCLUDE,
    compose_due,
    next_digest,
    preview,
    start_watermark,
)
from bot.delivery.kinds import OutboxKind
from bot.delivery.service import tidy
from bot.newsroom.schedule import next_after
from storage import Store
from storage.models import NewArticle, NewFestival, Rate
from storage.outbox import OutboxReport, OutboxState, Outgoing
from storage.subscribers import DigestRecord

KIND, PUBLISH_KIND = OutboxKind.DIGEST, OutboxKind.PUBLISH


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


BISHKEK = ZoneInfo("Asia/Bishkek")
DAY = date(2026, 2, 7)
# 08:30 in Bishkek (UTC+6) on DAY.
DUE = datetime(2026, 2, 7, 2, 30, tzinfo=UTC)
NOW_OLD = datetime(2026, 1, 2, 2, 30, tzinfo=UTC)  # five weeks before DUE


async def add_articles(store: Store, *titles: str) -> list[int]:
    """Store articles with these titles; their ids, in order."""
    ids = []
    for title in titles:
        article_id, _ = await store.articles.add(
            NewArticle(title, f"What happened: {title}.", "admin:1")
        )
        ids.append(article_id)
    return ids


async def subscribe(
    store: Store,
    chat_id: int,
    at: time = time(8, 30),
    zone: str = "Asia/Bishkek",
    *,
    now: datetime,
) -> None:
    """Subscribe as /subscribe does: watermark at the newest article, next instant after now."""
    await store.subscribers.subscribe(
        chat_id,
        chat_id,
        at,
        zone,
        next_after(now, at, ZoneInfo(zone)),
        await store.articles.last_id(),
    )


async def digest_text(store: Store, chat_id: int, day: date = DAY) -> str:
    """The text of a queued digest."""
    message = await store.outbox.get(KIND, day.isoformat(), chat_id)
    assert message is not None, f"no digest for chat {chat_id} on {day}"
    return message.text


async def test_a_new_subscriber_gets_only_articles_added_after_subscribing(store: Store) -> None:
    await add_articles(store, "Old news from the archive")
    await subscribe(store, 1, now=DUE - timedelta(hours=3))
    await add_articles(store, "First fresh story", "Second fresh story")

    assert (await compose_due(store, DUE - timedelta(seconds=1))).due == 0
    report = await compose_due(store, DUE)

    assert (report.due, report.queued, report.empty) == (1, 1, 0)
    text = await digest_text(store, 1)
    assert "Old news" not in text
    assert text.index("Second fresh story") < text.index("First fresh story")  # newest first
    assert "2 new articles" in text


async def test_each_article_once_none_skipped_across_days(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=1))
    await add_articles(store, "Monday premiere")
    await compose_due(store, DUE)
    await add_articles(store, "Tuesday award", "Wednesday retrospective")

    report = await compose_due(store, DUE + timedelta(days=1))

    assert report.queued == 1
    first, second = await digest_text(store, 1), await digest_text(store, 1, DAY + timedelta(1))
    assert "Monday premiere" in first
    assert "Tuesday" not in first
    assert "Tuesday award" in second
    assert "Wednesday retrospective" in second
    assert "Monday premiere" not in second
    assert (await store.subscribers.get(1)).last_article_id == await store.articles.last_id()


async def test_a_day_without_news_sends_nothing_but_counts_as_done(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=1))

    report = await compose_due(store, DUE)

    assert (report.queued, report.empty) == (0, 1)
    assert (await store.outbox.report()).total == 0
    assert await store.subscribers.digested([(1, DAY)]) == {(1, DAY)}
    assert (await store.subscribers.get(1)).next_due_at == DUE + timedelta(days=1)


async def test_composing_twice_queues_one_digest(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=1))
    await add_articles(store, "Only once")

    await compose_due(store, DUE)
    again = await compose_due(store, DUE + timedelta(minutes=5))

    assert again.due == 0
    assert (await store.outbox.report(KIND)).pending == 1


async def test_after_downtime_one_digest_for_the_latest_missed_day(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=1))
    await add_articles(store, "Written while the bot was down")
    back = DUE + timedelta(days=3, hours=2)  # 10:30 in Bishkek, three days later

    report = await compose_due(store, back)

    assert (report.due, report.queued) == (1, 1)
    assert (await store.outbox.report(KIND)).total == 1
    assert await store.subscribers.last_digest(1) is not None
    assert (await store.subscribers.last_digest(1)).day == DAY + timedelta(days=3)  # type: ignore[union-attr]
    assert (await store.subscribers.get(1)).next_due_at == DUE + timedelta(days=4)
    assert (await compose_due(store, back + timedelta(minutes=1))).due == 0


async def test_a_later_time_the_same_day_does_not_bring_a_second_digest(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=1))
    await add_articles(store, "Morning story")
    await compose_due(store, DUE)
    await add_articles(store, "Afternoon story")
    # The reader moves the digest to 20:00 the same day, as /subscribe does it.
    evening = await next_digest(store, 1, DUE + timedelta(hours=1), time(20, 0), BISHKEK)
    assert evening == datetime(2026, 2, 8, 14, 0, tzinfo=UTC)  # not today: today's is done

    # Even a schedule that points at today's 20:00 finds the day done.
    today_evening = datetime(2026, 2, 7, 14, 0, tzinfo=UTC)
    await store.subscribers.subscribe(1, 1, time(20, 0), "Asia/Bishkek", today_evening, 0)
    report = await compose_due(store, today_evening)

    assert (report.due, report.queued, report.repeated) == (1, 0, 1)
    assert (await store.outbox.report(KIND)).total == 1
    assert (await store.subscribers.get(1)).next_due_at == evening


async def test_two_zones_each_at_their_own_local_time(store: Store) -> None:
    now = datetime(2026, 2, 7, 0, 0, tzinfo=UTC)
    await subscribe(store, 1, time(9, 0), "Asia/Bishkek", now=now)  # 03:00 UTC
    await subscribe(store, 2, time(9, 0), "Asia/Kathmandu", now=now)  # 03:15 UTC
    await add_articles(store, "News for both")

    at_3 = await compose_due(store, datetime(2026, 2, 7, 3, 0, tzinfo=UTC))
    at_3_14 = await compose_due(store, datetime(2026, 2, 7, 3, 14, tzinfo=UTC))
    at_3_15 = await compose_due(store, datetime(2026, 2, 7, 3, 15, tzinfo=UTC))

    assert (at_3.queued, at_3_14.queued, at_3_15.queued) == (1, 0, 1)
    assert await store.outbox.get(KIND, "2026-02-07", 1) is not None
    assert await store.outbox.get(KIND, "2026-02-07", 2) is not None


async def test_many_subscribers_in_several_batches(store: Store) -> None:
    now = DUE - timedelta(hours=1)
    async with store.transaction():
        for chat_id in range(1, 1204):
            await subscribe(store, chat_id, now=now)
    await add_articles(store, "For everyone")

    report = await compose_due(store, DUE, batch=500)

    assert (report.due, report.queued) == (1203, 1203)
    outbox = await store.outbox.report(KIND, DAY.isoformat())
    assert outbox.pending == 1203
    assert (await compose_due(store, DUE, batch=500)).due == 0


async def test_the_digest_is_capped_with_the_rest_counted(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=1))
    await add_articles(store, *(f"Story number {n}" for n in range(1, 16)))

    await compose_due(store, DUE)

    text = await digest_text(store, 1)
    assert "15 new articles" in text
    assert "Story number 15" in text
    assert "Story number 6" in text
    assert "Story number 5<" not in text
    assert "… and 5 more — /latest" in text
    message = await store.outbox.get(KIND, DAY.isoformat(), 1)
    assert message is not None
    assert message.reply_markup is not None
    buttons = json.loads(message.reply_markup)["inline_keyboard"]
    assert len(buttons) == 11  # ten to open, then the settings' row
    assert [b["callback_data"] for b in buttons[-1]] == ["ds:open", "ds:stop"]


async def test_the_digest_has_rates_and_upcoming_festivals(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=1))
    await add_articles(store, "Something new")
    await store.rates.add(Rate("KGS", "USD", Decimal("0.01143"), Decimal("-0.19"), DAY, "t"))
    await store.festivals.upsert(
        NewFestival(
            "Kinoshok", city="Anapa", starts_on=date(2026, 2, 10), ends_on=date(2026, 2, 16)
        )
    )
    await store.festivals.upsert(NewFestival("Long Gone Fest", starts_on=date(2020, 5, 1)))

    await compose_due(store, DUE)

    text = await digest_text(store, 1)
    assert "KGS" in text
    assert "0.01143" in text  # the rates block's own form is tested with the rates
    assert "Kinoshok" in text
    assert "Anapa" in text
    assert "Long Gone Fest" not in text


async def test_article_text_is_escaped(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=1))
    await add_articles(store, "<script>alert(1)</script> & friends")

    await compose_due(store, DUE)

    text = await digest_text(store, 1)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in text
    assert "<script>" not in text


async def test_a_subscriber_with_an_unknown_zone_is_stopped_not_looped(store: Store) -> None:
    await store.subscribers.subscribe(1, 1, time(8, 30), "Mars/Olympus_Mons", DUE, 0)
    await add_articles(store, "Unreachable")

    report = await compose_due(store, DUE)

    assert report.due == 1
    subscriber = await store.subscribers.get(1)
    assert not subscriber.active
    assert subscriber.inactive_reason == "unknown time zone"


async def test_unsubscribing_stops_and_subscribing_again_starts_from_now(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=1))
    await add_articles(store, "While subscribed")
    assert await store.subscribers.deactivate(1, "unsubscribed")
    assert not await store.subscribers.deactivate(1, "unsubscribed")
    assert (await compose_due(store, DUE)).due == 0

    await add_articles(store, "While away")
    await subscribe(store, 1, now=DUE + timedelta(hours=1))
    await add_articles(store, "After coming back")
    await compose_due(store, DUE + timedelta(days=1))

    text = await digest_text(store, 1, DAY + timedelta(days=1))
    assert "After coming back" in text
    assert "While away" not in text
    assert "While subscribed" not in text
    assert await store.subscribers.count() == 1


async def test_outbox_queues_a_fan_out_once_and_reports_it(store: Store) -> None:
    now = datetime(2026, 2, 7, tzinfo=UTC)
    first = await store.outbox.add("broadcast", "7", [Outgoing(1, "hi"), Outgoing(2, "hi")], now)
    again = await store.outbox.add("broadcast", "7", [Outgoing(2, "hi"), Outgoing(3, "hi")], now)
    [one, two, *_] = await store.outbox.ready(now, 10)
    assert await store.outbox.claim(one.id)
    assert not await store.outbox.claim(one.id)
    await store.outbox.mark_sent(one.id, 99, now)
    assert await store.outbox.claim(two.id)
    await store.outbox.give_up(two.id, OutboxState.BLOCKED, "Forbidden")

    report = await store.outbox.report("broadcast", "7")

    assert (first, again) == (2, 1)
    assert (report.sent, report.blocked, report.pending, report.total) == (1, 1, 1, 3)
    assert not report.done


async def test_recover_requeues_what_a_dead_sender_left_in_flight(store: Store) -> None:
    now = datetime(2026, 2, 7, tzinfo=UTC)
    await store.outbox.add("digest", "2026-02-07", [Outgoing(1, "a"), Outgoing(2, "b")], now)
    [first, _] = await store.outbox.ready(now, 10)
    await store.outbox.claim(first.id)

    assert await store.outbox.recover() == 1

    ready = await store.outbox.ready(now, 10)
    assert [m.chat_id for m in ready] == [1, 2]
    assert ready[0].attempts == 1


async def test_tidy_forgets_old_sent_messages_and_digest_days_only(store: Store) -> None:
    old, recent = NOW_OLD, DUE
    await store.outbox.add("broadcast", "1", [Outgoing(1, "a"), Outgoing(2, "b")], old)
    await store.outbox.add("broadcast", "2", [Outgoing(1, "c")], recent)
    [sent, _] = await store.outbox.ready(old, 10)
    await store.outbox.claim(sent.id)
    await store.outbox.mark_sent(sent.id, 1, old)
    await subscribe(store, 1, now=old)
    await compose_due(store, old + timedelta(days=1))  # a digest day recorded in January

    await tidy(store, DUE)

    assert await store.outbox.report("broadcast", "1") == OutboxReport(pending=1)  # not sent yet
    assert (await store.outbox.report("broadcast", "2")).pending == 1
    assert await store.subscribers.last_digest(1) is None


async def pushed(store: Store, article_id: int, states: dict[int, OutboxState]) -> None:
    """ "Publish now" queued an article to these chats, and each send ended in its state."""
    await store.outbox.add(
        PUBLISH_KIND, str(article_id), [Outgoing(chat, "published") for chat in states], NOW_OLD
    )
    for chat_id, state in states.items():
        message = await store.outbox.get(PUBLISH_KIND, str(article_id), chat_id)
        assert message is not None
        if state is OutboxState.SENT:
            await store.outbox.mark_sent(message.id, 1, NOW_OLD)
        elif state is not OutboxState.PENDING:
            await store.outbox.give_up(message.id, state, "as the test says")


async def test_an_article_already_published_to_the_chat_is_left_out_but_covered(
    store: Store,
) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=3))
    [published, fresh] = await add_articles(store, "Published at once", "Kept for the digest")
    await pushed(store, published, {1: OutboxState.SENT})

    report = await compose_due(store, DUE)

    assert (report.queued, report.empty) == (1, 0)
    text = await digest_text(store, 1)
    assert "Kept for the digest" in text
    assert "Published at once" not in text
    assert "1 new article" in text
    assert f"#{published}" not in text
    assert (await store.subscribers.get(1)).last_article_id == fresh


async def test_nothing_but_published_articles_sends_no_digest(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=3))
    [first, second] = await add_articles(store, "First pushed", "Second pushed")
    await pushed(store, first, {1: OutboxState.SENT})
    await pushed(store, second, {1: OutboxState.PENDING})  # still on its way: it will arrive

    report = await compose_due(store, DUE)
    record = await store.subscribers.last_digest(1)
    await add_articles(store, "News of the next day")
    tomorrow = await compose_due(store, DUE + timedelta(days=1))

    assert (report.queued, report.empty) == (0, 1)
    assert await store.outbox.get(KIND, DAY.isoformat(), 1) is None
    assert record == DigestRecord(1, DAY, second, 0)
    assert tomorrow.queued == 1  # the watermark moved past the pushed ones all the same
    text = await digest_text(store, 1, DAY + timedelta(days=1))
    assert "News of the next day" in text
    assert "pushed" not in text


async def test_what_was_left_out_depends_on_each_chats_own_publish(store: Store) -> None:
    for chat_id in (1, 2, 3, 4, 5, 6):
        await subscribe(store, chat_id, now=DUE - timedelta(hours=3))
    [published, fresh] = await add_articles(store, "Published at once", "Kept for the digest")
    # 1 got it; 2 may have (timed out); 3 will (queued); 4 never did (failed); 5 had blocked
    # the bot then; 6 subscribed too late for the fan-out.
    await pushed(
        store,
        published,
        {
            1: OutboxState.SENT,
            2: OutboxState.UNCERTAIN,
            3: OutboxState.PENDING,
            4: OutboxState.FAILED,
            5: OutboxState.BLOCKED,
        },
    )

    report = await compose_due(store, DUE)

    assert (report.due, report.queued) == (6, 6)
    texts = {chat_id: await digest_text(store, chat_id) for chat_id in (1, 2, 3, 4, 5, 6)}
    for chat_id, text in texts.items():
        assert "Kept for the digest" in text
        repeated = chat_id in (4, 5, 6)
        assert ("Published at once" in text) is repeated, chat_id
        assert ("2 new articles" if repeated else "1 new article") in text, chat_id
    for chat_id in texts:
        assert (await store.subscribers.get(chat_id)).last_article_id == fresh


async def test_outbox_reached_lists_refs_per_chat_but_not_undelivered_ones(store: Store) -> None:
    await store.outbox.add("broadcast", "9", [Outgoing(1, "hello")], NOW_OLD)
    await pushed(store, 7, {1: OutboxState.SENT, 2: OutboxState.FAILED})
    await pushed(store, 8, {1: OutboxState.UNCERTAIN, 2: OutboxState.SENT, 3: OutboxState.SENT})

    reached = await store.outbox.reached(PUBLISH_KIND, [1, 2, 4])

    assert reached == {1: {"7", "8"}, 2: {"8"}}
    assert await store.outbox.reached(PUBLISH_KIND, []) == {}


async def test_preview_shows_what_the_chat_would_get(store: Store) -> None:
    await subscribe(store, 1, now=DUE - timedelta(hours=3))
    watermark = (await store.subscribers.get(1)).last_article_id
    [published, _] = await add_articles(store, "Published at once", "Kept for the digest")
    await pushed(store, published, {1: OutboxState.SENT})

    count, text, markup = await preview(store, 1, watermark, DAY)
    other = await preview(store, 2, watermark, DAY)  # nothing was pushed to chat 2

    assert count == 1
    assert "Kept for the digest" in text
    assert "Published at once" not in text
    assert markup is not None
    assert len(markup.inline_keyboard) == 2  # the one article to open, then the settings' row
    assert other[0] == 2
    assert (await store.outbox.report(KIND)).total == 0  # nothing queued


async def add_dated(store: Store, title: str, day: date) -> int:
    """Store an article dated ``day`` (its page's date); its id."""
    article_id, _ = await store.articles.add(NewArticle(title, f"{title}.", "seed:x", seen_on=day))
    return article_id


async def subscribe_new(store: Store, chat_id: int, now: datetime, zone: str) -> None:
    """Subscribe as a new reader does: the first digest starts from their local today."""
    first_day = now.astimezone(ZoneInfo(zone)).date()
    await store.subscribers.subscribe(
        chat_id,
        chat_id,
        time(8, 30),
        zone,
        next_after(now, time(8, 30), ZoneInfo(zone)),
        await start_watermark(store, first_day),
        first_day,
    )


async def test_a_first_digest_brings_todays_news_not_the_archive(store: Store) -> None:
    await add_dated(store, "From the archive", DAY - timedelta(days=30))
    await add_dated(store, "Yesterday premiere", DAY - timedelta(days=1))
    await add_dated(store, "This morning premiere", DAY)
    await add_dated(store, "Ingested late from the archive", DAY - timedelta(days=40))
    await subscribe_new(store, 1, DUE - timedelta(hours=3), "Asia/Bishkek")  # 05:30 on DAY
    await add_dated(store, "Added after subscribing", DAY)

    await compose_due(store, DUE)
    first = await digest_text(store, 1)
    await add_dated(store, "The next day news", DAY + timedelta(days=1))
    await compose_due(store, DUE + timedelta(days=1))
    second = await digest_text(store, 1, DAY + timedelta(days=1))

    assert "2 new articles" in first
    assert "This morning premiere" in first
    assert "Added after subscribing" in first
    for old in ("From the archive", "Yesterday premiere", "Ingested late"):
        assert old not in first
    assert "1 new article" in second  # from the second digest on, the watermark alone
    assert "The next day news" in second
    assert (await store.subscribers.get(1)).first_day is None


async def test_today_is_the_subscribers_own_local_day(store: Store) -> None:
    await add_dated(store, "Dated the 7th", DAY)
    await add_dated(store, "Dated the 8th", DAY + timedelta(days=1))
    now = datetime(
        2026, 2, 7, 15, 0, tzinfo=UTC
    )  # 21:00 in Bishkek, 03:00 on the 8th in Kamchatka
    await subscribe_new(store, 1, now, "Asia/Bishkek")
    await subscribe_new(store, 2, now, "Asia/Kamchatka")

    bishkek = await preview(store, 1, (await store.subscribers.get(1)).last_article_id, DAY)
    kamchatka = await preview(store, 2, (await store.subscribers.get(2)).last_article_id, DAY)

    assert bishkek[0] == 2
    assert kamchatka[0] == 1
    assert "Dated the 8th" in kamchatka[1]
    assert "Dated the 7th" not in kamchatka[1]


async def test_a_huge_archive_after_todays_news_is_skipped_whole(store: Store) -> None:
    await add_dated(store, "Today story", DAY)
    for number in range(FIRST_DIGEST_EXCLUDE + 1):
        await add_dated(store, f"Archive story {number}", DAY - timedelta(days=50))
    await subscribe_new(store, 1, DUE - timedelta(hours=3), "Asia/Bishkek")
    await add_dated(store, "Fresh after subscribing", DAY)

    await compose_due(store, DUE)

    text = await digest_text(store, 1)
    assert "1 new article" in text
    assert "Fresh after subscribing" in text
    assert "Archive story" not in text


async def test_an_article_committed_late_comes_in_the_next_digest(store: Store) -> None:
    """Article ids are taken in one order and may commit in another (PostgreSQL): a digest
    composed meanwhile must not move its watermark past an article not committed yet."""
    await subscribe(store, 1, now=DUE - timedelta(hours=1))
    await add_articles(store, "Committed before the digest")
    inside, release = asyncio.Event(), asyncio.Event()

    async def slow_writer() -> None:
        async with store.transaction():
            await store.articles.add_many([NewArticle("Slow dispatch", "Filed first.", "admin:1")])
            inside.set()
            await release.wait()  # its id is taken; it commits after the digest

    slow = asyncio.create_task(slow_writer())
    await inside.wait()
    fast = asyncio.create_task(add_articles(store, "Quick note"))  # a later id
    # Were article writers not waiting for each other, the quick note would be committed by
    # now, before the slow dispatch with its smaller id.
    await asyncio.wait([fast], timeout=0.3)
    composing = asyncio.create_task(compose_due(store, DUE))
    # PostgreSQL composes now, beside the open transaction; SQLite's composer waits its turn.
    await asyncio.wait([composing], timeout=0.5)
    release.set()
    await asyncio.gather(slow, fast)
    assert (await composing).queued == 1
    await compose_due(store, DUE + timedelta(days=1))

    texts = [await digest_text(store, 1)]
    if next_day := await store.outbox.get(KIND, (DAY + timedelta(days=1)).isoformat(), 1):
        texts.append(next_day.text)
    for title in ("Committed before the digest", "Slow dispatch", "Quick note"):
        assert sum(title in text for text in texts) == 1, (title, texts)
