"""Admin replies about articles, in the admin's language: drafts, publishing, /edit and /delete
as Telegram HTML, with their buttons (broadcasts and figures: ``bot.render.admin_reports``)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.delivery.fanout import Delivered
from bot.i18n import Translator, mark
from bot.render.common import callback_button, escape, keyboard, utf16_len
from bot.render.news import open_button
from storage.models import Article, Draft, Festival

# Callback data of the admin buttons: ``admin:<verb>:<id>``.
PREFIX = "admin"
DELETE, SPARE, SEND, DROP = "delete", "spare", "send", "drop"
# The buttons of a draft (their id is the draft's): publish now, publish quietly, discard.
PUBLISH, QUIET, DISCARD = "now", "quiet", "discard"
PREVIEW_BODY = 1500  # characters of the body an admin's preview shows
TEASER = 600  # characters of the body subscribers get when an article is published
TITLE_SHOWN = 300

ALREADY_SENT = mark("Everyone already has it: nobody gets it twice.")
NOBODY = mark("There are no subscribers yet: nobody to send it to.")


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


def buttons(*labelled: tuple[str, str]) -> InlineKeyboardMarkup:
    """The buttons in one row, two to a row past two."""
    row = [callback_button(label, data) for label, data in labelled]
    rows = [row] if len(row) <= 2 else [row[:1], row[1:]]
    markup = keyboard(rows)
    assert markup is not None
    return markup


def _title(article: Article | Draft) -> str:
    return f"<b>{excerpt(article.title, TITLE_SHOWN)}</b>"


def post_preview(
    t: Translator, draft: Draft, festivals: Sequence[Festival], audience: int
) -> tuple[str, InlineKeyboardMarkup]:
    """What an admin sees after /post: the draft, and the choice to publish it or not."""
    lines = [
        t("📝 Draft #{id}: only admins see it until it is published.", id=draft.id),
        "",
        _title(draft),
        excerpt(draft.body, PREVIEW_BODY),
        "",
    ]
    if festivals:
        names = ", ".join(festival.name for festival in festivals)
        lines.append(t("Festivals: {names}", names=excerpt(names, PREVIEW_BODY)))
    quietly = (t("🗞 Publish quietly"), callback(QUIET, draft.id))
    discard = (t("🗑 Discard"), callback(DISCARD, draft.id))
    if not audience:
        lines.append(
            t(
                "Nobody is subscribed yet. Publish it quietly (to the news, the search and the "
                "digests to come), or discard it?"
            )
        )
        return "\n".join(lines), buttons(quietly, discard)
    lines.append(
        t.plural(
            "Publish it now to {number} subscriber, quietly (the news, the search and the next "
            "digest), or discard it?",
            "Publish it now to {number} subscribers, quietly (the news, the search and the next "
            "digest), or discard it?",
            audience,
            number=t.number(audience),
        )
    )
    now = (t("📣 Publish now ({number})", number=t.number(audience)), callback(PUBLISH, draft.id))
    return "\n".join(lines), buttons(now, quietly, discard)


def post_exists(t: Translator, existing_id: int) -> str:
    """/post refused: an article with that title exists."""
    return t(
        "An article with this title already exists: #{id} (/article {id}). Nothing was stored.\n"
        "To correct that article, use /edit {id}.",
        id=existing_id,
    )


def edit_conflict(t: Translator, article_id: int, existing_id: int) -> str:
    """/edit refused: another article has the new title."""
    return t(
        "Article #{existing} already has this title (/article {existing}): #{id} was not changed.",
        existing=existing_id,
        id=article_id,
    )


def published_article(t: Translator, article: Article) -> tuple[str, InlineKeyboardMarkup]:
    """The message subscribers get when an admin publishes an article now (the article's own
    words and an open button: nothing of ours to translate yet, but rendered per language)."""
    text = f"📰 {_title(article)}\n\n{excerpt(article.body, TEASER)}"
    markup = keyboard([[open_button(article)]])
    assert markup is not None
    return text, markup


def publishing(t: Translator, article: Article, queued: int) -> str:
    """The preview, replaced once "publish now" was pressed."""
    return t.plural(
        "📣 Publishing #{id} {title} to {number} subscriber…",
        "📣 Publishing #{id} {title} to {number} subscribers…",
        queued,
        id=article.id,
        title=_title(article),
        number=t.number(queued),
    )


def publish_report(t: Translator, article: Article, report: Delivered) -> str:
    """The preview, once the article went out to every subscriber."""
    published = t("📣 Published #{id} {title}.", id=article.id, title=_title(article))
    return f"{published}\n{report_line(t, report)}"


def published_quietly(t: Translator, article: Article) -> str:
    """The preview, replaced once "publish quietly" was pressed."""
    return t(
        "🗞 Published #{id} {title} quietly: it is in /latest and the search now, and goes out "
        "with the next digest.",
        id=article.id,
        title=_title(article),
    )


def discarded(t: Translator, draft: Draft) -> str:
    """The preview, replaced once "discard" was pressed."""
    return t(
        "🗑 Discarded draft #{id} {title}; nothing was published.",
        id=draft.id,
        title=_title(draft),
    )


def draft_gone(t: Translator, draft_id: int) -> str:
    """A button about a draft that was discarded (or never was)."""
    return t("Draft #{id} no longer exists: it was discarded.", id=draft_id)


def already_published(t: Translator, article_id: int) -> str:
    """Discard pressed on a draft that was published (a button alert: plain text)."""
    return t("This draft is published already, as #{id}: /delete {id} removes it.", id=article_id)


def draft_taken(t: Translator, draft_id: int, existing_id: int) -> str:
    """Publishing a draft refused: an article with its title appeared meanwhile."""
    return t(
        "Draft #{id} was not published: article #{existing} has the same title "
        "(/article {existing}).",
        id=draft_id,
        existing=existing_id,
    )


def edited(t: Translator, article: Article, *, title: bool, body: bool) -> str:
    """/edit done: which of the title and the body changed."""
    values = {"id": article.id, "title": _title(article)}
    if title and body:
        return t(
            "✏️ Edited #{id} {title}: the title and the body changed, in the search too.\n"
            "/article {id} shows it.",
            **values,
        )
    if title:
        return t(
            "✏️ Edited #{id} {title}: the title changed, in the search too.\n"
            "/article {id} shows it.",
            **values,
        )
    return t(
        "✏️ Edited #{id} {title}: the body changed, in the search too.\n/article {id} shows it.",
        **values,
    )


def edit_usage(t: Translator, article: Article) -> str:
    """/edit ID alone: how to change the title or the body of that article."""
    how = t(
        "Send <code>/edit {id} New title</code> to change the title; "
        "<code>/edit {id} -</code> with the new body on the next lines to change the "
        "body; or the new title and, below it, the new body to change both.",
        id=article.id,
    )
    return f"#{article.id} {_title(article)}\n\n{how}"


def no_article(t: Translator, article_id: int) -> str:
    """/edit or /delete of an id that no article has."""
    return t("There is no article #{id}.", id=article_id)


def gone(t: Translator, article_id: int) -> str:
    """A button about an article that no longer exists."""
    return t("Article #{id} no longer exists.", id=article_id)


def delete_confirm(t: Translator, article: Article) -> tuple[str, InlineKeyboardMarkup]:
    """/delete: which article, and the buttons to confirm or not."""
    text = t(
        "Delete #{id} {title}?\nIt leaves the news, the search and the festival pages.",
        id=article.id,
        title=_title(article),
    )
    return text, buttons(
        (t("🗑 Delete"), callback(DELETE, article.id)),
        (t("Keep it"), callback(SPARE, article.id)),
    )


def deleted(t: Translator, article: Article) -> str:
    """/delete confirmed."""
    return t("🗑 Deleted #{id} {title}.", id=article.id, title=_title(article))


def spared(t: Translator, article_id: int) -> str:
    """/delete called off."""
    return t("Kept #{id}; nothing was deleted.", id=article_id)


def report_line(t: Translator, report: Delivered) -> str:
    """How a fan-out went: sent, blocked, failed, and what is still queued."""
    figures = {
        "sent": t.number(report.sent),
        "blocked": t.number(report.blocked),
        "failed": t.number(report.failed),
    }
    if report.pending:
        return t(
            "Sent: {sent} · blocked: {blocked} · failed: {failed} · still queued: {pending} "
            "(they go out when the bot runs again)",
            pending=t.number(report.pending),
            **figures,
        )
    return t("Sent: {sent} · blocked: {blocked} · failed: {failed}", **figures)
