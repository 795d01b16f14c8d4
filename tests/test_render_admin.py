"""Admin replies: the draft preview and its buttons, plurals, dates and zones in /stats."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.newsroom.figures import Stats
from bot.render import admin as views
from bot.render.common import format_date, format_moment, plural
from storage.models import AdminAction, Draft, IngestRun, Rate

ALMATY = ZoneInfo("Asia/Almaty")
AT = datetime(2026, 2, 14, 8, 5, tzinfo=UTC)


def draft(title: str = "Didor opens <today> & more", body: str = "Body & more.") -> Draft:
    return Draft(id=3, title=title, body=body, user_id=42, article_id=None, created_at=AT)


def labels(markup: object) -> list[list[str]]:
    rows = getattr(markup, "inline_keyboard", ())
    return [[button.text for button in row] for row in rows]


def test_the_preview_of_a_draft_offers_publish_now_quietly_and_discard() -> None:
    text, markup = views.post_preview(draft(), [], 3)
    assert "Draft #3" in text
    assert "only admins see it" in text
    assert "Didor opens &lt;today&gt; &amp; more" in text
    assert "to 3 subscribers" in text
    assert labels(markup) == [["📣 Publish now (3)"], ["🗞 Publish quietly", "🗑 Discard"]]
    data = [button.callback_data for row in markup.inline_keyboard for button in row]
    assert data == ["admin:now:3", "admin:quiet:3", "admin:discard:3"]


def test_publish_now_is_not_offered_to_nobody_and_one_is_singular() -> None:
    text, markup = views.post_preview(draft(), [], 0)
    assert labels(markup) == [["🗞 Publish quietly", "🗑 Discard"]]
    assert "(0)" not in text
    assert "Nobody is subscribed yet" in text
    text, _ = views.post_preview(draft(), [], 1)
    assert "to 1 subscriber," in text


def test_plurals() -> None:
    assert [plural(n, "subscriber") for n in (0, 1, 2)] == [
        "0 subscribers",
        "1 subscriber",
        "2 subscribers",
    ]
    assert plural(1, "match", "matches") == "1 match"
    assert plural(3, "match", "matches") == "3 matches"
    assert "1 subscriber…" in views.broadcasting(1)
    assert "Send this to 1 subscriber?" in views.broadcast_confirm("Hi", 1, 5)[0]


def test_one_date_format_and_times_that_name_their_zone() -> None:
    assert format_date(date(2026, 2, 7)) == "7 February 2026"
    assert format_moment(AT, ALMATY) == "14 February 2026, 13:05 Asia/Almaty"
    rate = Rate("KZT", "USD", Decimal("0.00198"), None, date(2026, 2, 7), "test")
    assert "as of 7 February 2026" in views.rate_recorded(rate, None, None)
    stats = Stats(
        articles=1,
        festivals=2,
        subscribers_active=1,
        subscribers_inactive=0,
        digests_today=0,
        last_ingest=IngestRun(1, "seed:page.txt", 7, 0, 5, AT),
        recent=[AdminAction(1, 42, "post", "3", True, "Didor", AT)],
    )
    text = views.stats(stats, ALMATY)
    assert "Last ingest: 14 February 2026, 13:05 Asia/Almaty" in text
    assert "(times in Asia/Almaty)" in text
    assert "14 Feb 13:05 user 42 post #3: Didor" in text
