"""Admin replies: previews, confirmations and reports as Telegram HTML, with their buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from telegram import InlineKeyboardMarkup

from bot.delivery.fanout import Delivered
from bot.newsroom.figures import Stats
from bot.render.common import (
    callback_button,
    escape,
    format_date,
    format_moment,
    keyboard,
    plural,
    utf16_len,
)
from bot.render.news import open_button
from storage.models import AdminAction, Article, Draft, Festival, Rate

# Callback data of the admin buttons: ``admin:<verb>:<id>``.
PREFIX = "admin"
DELETE, SPARE, SEND, DROP = "delete", "spare", "send", "drop"
# The buttons of a draft (their id is the draft's): publish now, publish quietly, discard.
PUBLISH, QUIET, DISCARD = "now", "quiet", "discard"
PREVIEW_BODY = 1500  # characters of the body an admin's preview shows
TEASER = 600  # characters of the body subscribers get when an article is published
TITLE_SHOWN = 300


def callback(verb: str, ident: int) -> str:
    """The callback data of an admin button."""
    return f"{PREFIX}:{verb}:{ident}"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word where possible, with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def excerpt(text: str, budget: int) -> str:
    """``text`` clipped and escaped so that its HTML takes at most ``budget`` UTF-16 units."""
    limit = budget
    while True:
        shown = escape(clip(text, limit))
        width = utf16_len(shown)
        if width <= budget or limit <= 1:
            return shown
        limit = max(1, limit * budget // width - 1)


def _keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    """The buttons in one row, two to a row past two."""
    row = [callback_button(label, data) for label, data in buttons]
    rows = [row] if len(row) <= 2 else [row[:1], row[1:]]
    markup = keyboard(rows)
    assert markup is not None
    return markup


def _title(article: Article | Draft) -> str:
    return f"<b>{excerpt(article.title, TITLE_SHOWN)}</b>"


def usage(problem: str, example: str) -> str:
    """A friendly reply to bad arguments: what is wrong, then how to write it."""
    sentence = problem[:1].upper() + problem[1:]
    return f"{escape(sentence)}.\n\nFor example: <code>{escape(example)}</code>"


def post_preview(
    draft: Draft, festivals: Sequence[Festival], audience: int
) -> tuple[str, InlineKeyboardMarkup]:
    """What an admin sees after /post: the draft, and the choice to publish it or not."""
    lines = [
        f"📝 Draft #{draft.id}: only admins see it until it is published.",
        "",
        _title(draft),
        excerpt(draft.body, PREVIEW_BODY),
        "",
    ]
    if festivals:
        names = ", ".join(festival.name for festival in festivals)
        lines.append(f"Festivals: {excerpt(names, PREVIEW_BODY)}")
    quietly = ("🗞 Publish quietly", callback(QUIET, draft.id))
    discard = ("🗑 Discard", callback(DISCARD, draft.id))
    if not audience:
        lines.append(
            "Nobody is subscribed yet. Publish it quietly (to the news, the search and the "
            "digests to come), or discard it?"
        )
        return "\n".join(lines), _keyboard(quietly, discard)
    lines.append(
        f"Publish it now to {plural(audience, 'subscriber')}, quietly (the news, the search "
        "and the next digest), or discard it?"
    )
    now = (f"📣 Publish now ({audience})", callback(PUBLISH, draft.id))
    return "\n".join(lines), _keyboard(now, quietly, discard)


def post_exists(existing_id: int) -> str:
    """/post refused: an article with that title exists."""
    return (
        f"An article with this title already exists: #{existing_id} "
        f"(/article {existing_id}). Nothing was stored.\n"
        f"To correct that article, use /edit {existing_id}."
    )


def edit_conflict(article_id: int, existing_id: int) -> str:
    """/edit refused: another article has the new title."""
    return (
        f"Article #{existing_id} already has this title (/article {existing_id}): "
        f"#{article_id} was not changed."
    )


def published_article(article: Article) -> tuple[str, InlineKeyboardMarkup]:
    """The message subscribers get when an admin publishes an article now."""
    text = f"📰 {_title(article)}\n\n{excerpt(article.body, TEASER)}"
    markup = keyboard([[open_button(article)]])
    assert markup is not None
    return text, markup


ALREADY_SENT = "Everyone already has it: nobody gets it twice."
NOBODY = "There are no subscribers yet: nobody to send it to."


def publishing(article: Article, queued: int) -> str:
    """The preview, replaced once "publish now" was pressed."""
    return f"📣 Publishing #{article.id} {_title(article)} to {plural(queued, 'subscriber')}…"


def publish_report(article: Article, report: Delivered) -> str:
    """The preview, once the article went out to every subscriber."""
    return f"📣 Published #{article.id} {_title(article)}.\n{_report_line(report)}"


def published_quietly(article: Article) -> str:
    """The preview, replaced once "publish quietly" was pressed."""
    return (
        f"🗞 Published #{article.id} {_title(article)} quietly: it is in /latest and the "
        "search now, and goes out with the next digest."
    )


def discarded(draft: Draft) -> str:
    """The preview, replaced once "discard" was pressed."""
    return f"🗑 Discarded draft #{draft.id} {_title(draft)}; nothing was published."


def draft_gone(draft_id: int) -> str:
    """A button about a draft that was discarded (or never was)."""
    return f"Draft #{draft_id} no longer exists: it was discarded."


def already_published(article_id: int) -> str:
    """Discard pressed on a draft that was published (a button alert: plain text)."""
    return f"This draft is published already, as #{article_id}: /delete {article_id} removes it."


def draft_taken(draft_id: int, existing_id: int) -> str:
    """Publishing a draft refused: an article with its title appeared meanwhile."""
    return (
        f"Draft #{draft_id} was not published: article #{existing_id} has the same title "
        f"(/article {existing_id})."
    )


def edited(article: Article, changed: Sequence[str]) -> str:
    """/edit done."""
    what = " and the ".join(changed)
    return (
        f"✏️ Edited #{article.id} {_title(article)}: the {what} changed, in the search too.\n"
        f"/article {article.id} shows it."
    )


def edit_usage(article: Article) -> str:
    """/edit ID alone: how to change the title or the body of that article."""
    return (
        f"#{article.id} {_title(article)}\n\n"
        f"Send <code>/edit {article.id} New title</code> to change the title; "
        f"<code>/edit {article.id} -</code> with the new body on the next lines to change the "
        f"body; or the new title and, below it, the new body to change both."
    )


def gone(article_id: int) -> str:
    """A button about an article that no longer exists."""
    return f"Article #{article_id} no longer exists."


def delete_confirm(article: Article) -> tuple[str, InlineKeyboardMarkup]:
    """/delete: which article, and the buttons to confirm or not."""
    text = (
        f"Delete #{article.id} {_title(article)}?\n"
        "It leaves the news, the search and the festival pages."
    )
    return text, _keyboard(
        ("🗑 Delete", callback(DELETE, article.id)), ("Keep it", callback(SPARE, article.id))
    )


def deleted(article: Article) -> str:
    """/delete confirmed."""
    return f"🗑 Deleted #{article.id} {_title(article)}."


def spared(article_id: int) -> str:
    """/delete called off."""
    return f"Kept #{article_id}; nothing was deleted."


def rate_recorded(rate: Rate, replaced: Rate | None, before: Rate | None) -> str:
    """/setrate done: the rate, its change since the rate before it, what it replaced."""
    change = ""
    if rate.change_pct is not None and before is not None:
        change = f" ({rate.change_pct:+}% since {format_date(before.as_of)})"
    line = (
        f"💱 {rate.currency}/{rate.base} = {rate.value}{change} as of {format_date(rate.as_of)}."
    )
    if replaced is not None:
        line += f"\nIt replaces {replaced.value} ({escape(replaced.source)})."
    return line


def broadcast_confirm(text: str, audience: int, ident: int) -> tuple[str, InlineKeyboardMarkup]:
    """/broadcast: the message as subscribers will see it, and the buttons to send it or not."""
    preview = (
        f"Send this to {plural(audience, 'subscriber')}?\n\n"
        f"<blockquote>{excerpt(text, PREVIEW_BODY)}</blockquote>"
    )
    return preview, _keyboard(
        (f"📣 Send to {audience}", callback(SEND, ident)), ("Cancel", callback(DROP, ident))
    )


def broadcast_text(text: str) -> str:
    """The message subscribers get from /broadcast."""
    return f"📣 {escape(text)}"


def broadcasting(queued: int) -> str:
    """/broadcast confirmed."""
    return f"📣 Sending the broadcast to {plural(queued, 'subscriber')}…"


def broadcast_report(report: Delivered) -> str:
    """/broadcast done."""
    return f"📣 Broadcast sent.\n{_report_line(report)}"


def broadcast_dropped() -> str:
    """/broadcast called off."""
    return "Broadcast cancelled; nothing was sent."


def _report_line(report: Delivered) -> str:
    line = f"Sent: {report.sent} · blocked: {report.blocked} · failed: {report.failed}"
    if report.pending:
        line += f" · still queued: {report.pending} (they go out when the bot runs again)"
    return line


def digest_note(*, subscribed: bool, new: int, first: bool = False) -> str:
    """What /digest shows before the preview itself (``first``: no digest sent yet)."""
    if first and not new:
        return "Nothing new for your first digest yet: it would not be sent now."
    if first:
        today = plural(new, "new article")
        return f"Your first digest if it were sent now (today's news: {today}):"
    if subscribed and not new:
        return "Nothing new since your last digest: your next one would not be sent."
    if subscribed:
        return f"Your digest if it were sent now ({plural(new, 'new article')}):"
    return (
        "You are not subscribed (/subscribe), so here is the digest's form over every article "
        f"({plural(new, 'article')}); a new subscriber starts from today's news:"
    )


def stats(figures: Stats, zone: tzinfo) -> str:
    """/stats."""
    lines = [
        "<b>filmnews</b>",
        f"Articles: {figures.articles}",
        f"Festivals: {figures.festivals}",
        f"Subscribers: {figures.subscribers_active} active, "
        f"{figures.subscribers_inactive} inactive",
        f"Digests sent today: {figures.digests_today}",
    ]
    run = figures.last_ingest
    if run is None:
        lines.append("Last ingest: never")
    else:
        lines.append(
            f"Last ingest: {format_moment(run.created_at, zone)}, "
            f"{excerpt(run.source, 80)}: "
            f"{run.articles_added} added, {run.articles_skipped} skipped, "
            f"{run.rates_added} rates"
        )
    if figures.recent:
        lines += ["", f"<b>Recent admin actions</b> (times in {zone})"]
        lines += [_audit_line(action, zone) for action in figures.recent]
    return "\n".join(lines)


def _audit_line(action: AdminAction, zone: tzinfo) -> str:
    target = f" #{escape(action.target)}" if action.target else ""
    refused = " — refused" if not action.allowed else ""
    detail = f": {excerpt(action.detail, 60)}" if action.detail else ""
    local = action.created_at.astimezone(zone)
    return (
        f"{local.day} {local:%b %H:%M} user {action.user_id} "
        f"{escape(action.action)}{target}{refused}{detail}"
    )
