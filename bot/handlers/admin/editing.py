"""Admin: /edit ID to fix an article's title or body in place (the search index follows)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Update

from bot.context import Context, store_of
from bot.handlers.admin import gate
from bot.handlers.admin.common import argument_text
from bot.handlers.admin.forms import TITLE_LIMIT
from bot.handlers.admin.posting import article_id_argument, not_an_id
from bot.i18n import mark
from bot.newsroom.festivals import discover_and_link
from bot.newsroom.problems import Problem
from bot.render import admin as render
from bot.render.problems import usage
from storage.errors import Conflict, NotFound

EXAMPLE = "/edit 12 The corrected title"
KEEP = "-"  # as the new title: keep the title, change the body
_ID_AND_REST = re.compile(r"\s*(\S*)[^\S\n]*(.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class EditForm:
    """What /edit changes: None keeps that part as it is."""

    title: str | None
    body: str | None


def parse_edit(text: str) -> EditForm | None:
    """``New title``, ``New title⏎New body``, ``-⏎New body`` (or ``Title | body`` on one line);
    None when nothing is given. A ``Problem`` carries the friendly reason."""
    lines = text.strip().splitlines()
    if len(lines) == 1 and " | " in lines[0]:
        lines = [part.strip() for part in lines[0].split(" | ", 1)]
    if not lines:
        return None
    title = " ".join(lines[0].split())
    body = "\n".join(lines[1:]).strip()
    if len(title) > TITLE_LIMIT:
        raise Problem(
            mark("The new title has {count} characters; keep it under {limit}."),
            count=len(title),
            limit=TITLE_LIMIT,
        )
    form = EditForm(None if title in ("", KEEP) else title, body or None)
    if form.title is None and form.body is None:
        raise Problem(mark("Write the new title, or - and the new body on the lines below it."))
    return form


@gate.admin_only("edit")
async def edit(update: Update, context: Context) -> None:
    """/edit ID NEW TITLE⏎NEW BODY: change the article in place; /edit ID shows how."""
    message = update.effective_message
    assert message is not None
    match = _ID_AND_REST.match(argument_text(message))
    assert match is not None  # the pattern matches any text
    typed, rest = match.groups()
    article_id = article_id_argument(typed)
    if article_id is None:
        await message.reply_text(not_an_id(context.t, typed, EXAMPLE))
        return
    store = store_of(context)
    try:
        article = await store.articles.get(article_id)
        form = parse_edit(rest)
    except NotFound:
        await message.reply_text(render.no_article(context.t, article_id))
        return
    except Problem as problem:
        await message.reply_text(usage(context.t, problem, EXAMPLE))
        return
    if form is None:
        await message.reply_text(render.edit_usage(context.t, article))
        return
    try:
        async with store.transaction():
            changed = await store.articles.edit(article_id, title=form.title, body=form.body)
            await discover_and_link(store, changed)
            await gate.record(
                context, gate.user_id_of(update), "edit", target=article_id, detail=changed.title
            )
    except Conflict as conflict:
        await message.reply_text(
            render.edit_conflict(context.t, article_id, conflict.existing_id or 0)
        )
        return
    text = render.edited(
        context.t, changed, title=form.title is not None, body=form.body is not None
    )
    await message.reply_text(text)
