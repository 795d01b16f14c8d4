"""Admin replies about the audience, in the admin's language: /broadcast (its confirmation,
progress and report), /digest's note and /stats, as Telegram HTML."""

from __future__ import annotations

from datetime import datetime, tzinfo

from babel.dates import format_datetime
from telegram import InlineKeyboardMarkup

from bot.delivery.fanout import Delivered
from bot.i18n import Translator
from bot.newsroom.figures import Stats
from bot.render.admin import DROP, PREVIEW_BODY, SEND, buttons, callback, excerpt, report_line
from bot.render.common import escape
from storage.models import AdminAction


def broadcast_confirm(
    t: Translator, text: str, audience: int, ident: int
) -> tuple[str, InlineKeyboardMarkup]:
    """/broadcast: the message as subscribers will see it, and the buttons to send it or not."""
    question = t.plural(
        "Send this to {number} subscriber?",
        "Send this to {number} subscribers?",
        audience,
        number=t.number(audience),
    )
    preview = f"{question}\n\n<blockquote>{excerpt(text, PREVIEW_BODY)}</blockquote>"
    return preview, buttons(
        (t("📣 Send to {number}", number=t.number(audience)), callback(SEND, ident)),
        (t("Cancel"), callback(DROP, ident)),
    )


def broadcast_text(t: Translator, text: str) -> str:
    """The message subscribers get from /broadcast: the admin's text as written (nothing of
    ours to translate around it yet, but rendered per language)."""
    return f"📣 {escape(text)}"


def broadcasting(t: Translator, queued: int) -> str:
    """/broadcast confirmed."""
    return t.plural(
        "📣 Sending the broadcast to {number} subscriber…",
        "📣 Sending the broadcast to {number} subscribers…",
        queued,
        number=t.number(queued),
    )


def broadcast_report(t: Translator, report: Delivered) -> str:
    """/broadcast done."""
    sent = t("📣 Broadcast sent.")
    return f"{sent}\n{report_line(t, report)}"


def broadcast_dropped(t: Translator) -> str:
    """/broadcast called off."""
    return t("Broadcast cancelled; nothing was sent.")


def broadcast_request_gone(t: Translator) -> str:
    """A broadcast button whose request is not in the audit trail (an alert: plain text)."""
    return t("This broadcast request does not exist.")


def digest_note(t: Translator, *, subscribed: bool, new: int, first: bool = False) -> str:
    """What /digest shows before the preview itself (``first``: no digest sent yet)."""
    number = t.number(new)
    if first and not new:
        return t("Nothing new for your first digest yet: it would not be sent now.")
    if first:
        return t.plural(
            "Your first digest if it were sent now (today's news: {number} new article):",
            "Your first digest if it were sent now (today's news: {number} new articles):",
            new,
            number=number,
        )
    if subscribed and not new:
        return t("Nothing new since your last digest: your next one would not be sent.")
    if subscribed:
        return t.plural(
            "Your digest if it were sent now ({number} new article):",
            "Your digest if it were sent now ({number} new articles):",
            new,
            number=number,
        )
    return t.plural(
        "You are not subscribed (/subscribe), so here is the digest's form over every article "
        "({number} article); a new subscriber starts from today's news:",
        "You are not subscribed (/subscribe), so here is the digest's form over every article "
        "({number} articles); a new subscriber starts from today's news:",
        new,
        number=number,
    )


def stats(t: Translator, figures: Stats, zone: tzinfo) -> str:
    """/stats."""
    lines = [
        "<b>filmnews</b>",
        t("Articles: {number}", number=t.number(figures.articles)),
        t("Festivals: {number}", number=t.number(figures.festivals)),
        t(
            "Subscribers: {active} active, {inactive} inactive",
            active=t.number(figures.subscribers_active),
            inactive=t.number(figures.subscribers_inactive),
        ),
        t("Digests sent today: {number}", number=t.number(figures.digests_today)),
    ]
    run = figures.last_ingest
    if run is None:
        lines.append(t("Last ingest: never"))
    else:
        lines.append(
            t(
                "Last ingest: {when}, {source}: {added} added, {skipped} skipped, {rates} rates",
                when=_moment(t, run.created_at, zone),
                source=excerpt(run.source, 80),
                added=t.number(run.articles_added),
                skipped=t.number(run.articles_skipped),
                rates=t.number(run.rates_added),
            )
        )
    if figures.recent:
        lines += ["", t("<b>Recent admin actions</b> (times in {zone})", zone=escape(str(zone)))]
        lines += [_audit_line(t, action, zone) for action in figures.recent]
    return "\n".join(lines)


def _moment(t: Translator, instant: datetime, zone: tzinfo) -> str:
    """``7 February 2026, 14:05 Asia/Almaty``: an instant in ``zone``, the zone named."""
    local = instant.astimezone(zone)
    return f"{t.date(local.date())}, {local:%H:%M} {escape(str(zone))}"


def _audit_line(t: Translator, action: AdminAction, zone: tzinfo) -> str:
    """One line of the audit trail: when, who, what (and on which id), refused or not."""
    when = format_datetime(action.created_at.astimezone(zone), "d MMM HH:mm", locale=t.locale)
    values = {
        "when": when,
        "user": action.user_id,
        "action": escape(action.action) + (f" #{escape(action.target)}" if action.target else ""),
    }
    if action.allowed:
        line = t("{when} user {user} {action}", **values)
    else:
        line = t("{when} user {user} {action} — refused", **values)
    return line + (f": {excerpt(action.detail, 60)}" if action.detail else "")
