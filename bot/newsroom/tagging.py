"""Tags into the store: on the way in, and for articles stored without them (an older database,
an /edit) in batches."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace

from bot.newsroom.tags import tag_bits
from storage import Store
from storage.models import NewArticle

logger = logging.getLogger(__name__)

TAG_BATCH = 1000


def tagged(new: NewArticle, categories: Sequence[str] = ()) -> NewArticle:
    """The article with its tags (a feed's own ``categories`` count like its title)."""
    return replace(new, tags=tag_bits(new.title, new.body, categories))


async def tag_pending(store: Store, *, batch: int = TAG_BATCH) -> int:
    """Tag every article stored without tags; returns how many. Resumable: each batch is
    committed on its own."""
    done = 0
    while rows := await store.tags.untagged(batch):
        await store.tags.set_many(
            (article_id, tag_bits(title, body)) for article_id, title, body in rows
        )
        done += len(rows)
        if len(rows) == batch:
            logger.info("tagging articles stored before tags: %d done", done)
            await asyncio.sleep(0)  # readers' queries get their turn between batches
    return done
