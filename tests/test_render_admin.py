"""Admin replies: the draft preview and its buttons, plurals, dates and zones in /stats, in
English and in another language."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.delivery.fanout import Delivered
from bot.i18n import Catalogs
from bot.newsroom.figures import Stats
from bot.render import admin as views
from bot.render import admin_reports as reports
from storage.models import AdminAction, Draft, IngestRun
from tests.test_render import article

CATALOGS = Catalogs.load()
EN, RU = CATALOGS.get("en"), CATALOGS.get("ru")

ALMATY = ZoneInfo("Asia/Almaty")
AT = datetime(2026, 2, 14, 8, 5, tzinfo=UTC)


def draft(title: str = "Didor opens <today> & more", body: str = "Body & more.") -> Draft:
    return Draft(id=3, title=title, body=body, user_id=42, article_id=None, created_at=AT)


def labels(markup: object) -> list[list[str]]:
    rows = getattr(markup, "inline_keyboard", ())
    return [[button.text for button in row] for row in rows]


def test_the_preview_of_a_draft_offers_publish_now_quietly_and_discard() -> None:
    text, markup = views.post_preview(EN, draft(), [], 3)
    assert "Draft #3" in text
    assert "only admins see it" in text
    assert "Didor opens &lt;today&gt; &amp; more" in text
    assert "to 3 subscribers" in text
    assert labels(markup) == [["📣 Publish now (3)"], ["🗞 Publish quietly", "🗑 Discard"]]
    data = [button.callback_data for row in markup.inline_keyboard for button in row]
    assert data == ["admin:now:3", "admin:quiet:3", "admin:discard:3"]


def test_publish_now_is_not_offered_to_nobody_and_one_is_singular() -> None:
    text, markup = views.post_preview(EN, draft(), [], 0)
    assert labels(markup) == [["🗞 Publish quietly", "🗑 Discard"]]
    assert "(0)" not in text
    assert "Nobody is subscribed yet" in text
    text, _ = views.post_preview(EN, draft(), [], 1)
    assert "to 1 subscriber," in text


def test_plurals_and_counts() -> None:
    assert [reports.broadcasting(EN, n) for n in (0, 1, 2, 1234)] == [
        "📣 Sending the broadcast to 0 subscribers…",
        "📣 Sending the broadcast to 1 subscriber…",
        "📣 Sending the broadcast to 2 subscribers…",
        "📣 Sending the broadcast to 1,234 subscribers…",
    ]
    assert "Send this to 1 subscriber?" in reports.broadcast_confirm(EN, "Hi", 1, 5)[0]
    report = Delivered(queued=3, sent=1, blocked=1, failed=0, pending=1)
    assert reports.broadcast_report(EN, report) == (
        "📣 Broadcast sent.\nSent: 1 · blocked: 1 · failed: 0 · still queued: 1 "
        "(they go out when the bot runs again)"
    )


def test_edited_names_what_changed() -> None:
    shown = article(12, "Didor & co")
    assert views.edited(EN, shown, title=True, body=False) == (
        "✏️ Edited #12 <b>Didor &amp; co</b>: the title changed, in the search too.\n"
        "/article 12 shows it."
    )
    assert "the title and the body changed" in views.edited(EN, shown, title=True, body=True)
    assert "the body changed" in views.edited(EN, shown, title=False, body=True)


def test_counts_are_in_the_admins_number_format() -> None:
    stats = Stats(1234, 2, 1, 0, 0, None, [])
    assert "1,234" in reports.stats(EN, stats, ALMATY)
    assert "1\xa0234" in reports.stats(RU, stats, ALMATY)


def test_the_admin_replies_follow_the_admins_language() -> None:
    text, markup = views.post_preview(RU, draft(), [], 3)
    assert "Draft #" not in text
    assert "Didor opens &lt;today&gt; &amp; more" in text  # the draft itself stays as written
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == [
        "admin:now:3",
        "admin:quiet:3",
        "admin:discard:3",
    ]


def test_one_date_format_and_times_that_name_their_zone() -> None:
    stats = Stats(
        articles=1,
        festivals=2,
        subscribers_active=1,
        subscribers_inactive=0,
        digests_today=0,
        last_ingest=IngestRun(1, "seed:page.txt", 7, 0, 5, AT),
        recent=[AdminAction(1, 42, "post", "3", True, "Didor", AT)],
    )
    text = reports.stats(EN, stats, ALMATY)
    assert "Last ingest: 14 February 2026, 13:05 Asia/Almaty" in text
    assert "(times in Asia/Almaty)" in text
    assert "14 Feb 13:05 user 42 post #3: Didor" in text
