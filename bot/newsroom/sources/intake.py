"""Feed items → articles: each stored once, a cut one completed, festivals found and linked."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import tzinfo

from bot.newsroom.festivals import discover_and_link_many
from bot.newsroom.sources.feeds import Feed
from bot.newsroom.tagging import tagged
from storage import Store
from storage.articles import AddOutcome
from storage.models import NewArticle

STORE_BATCH = 20  # items per round trip to the database


@dataclass(frozen=True, slots=True)
class Intake:
    """What storing one feed did: the titles it added, how many it completed and skipped."""

    added: tuple[str, ...] = ()
    completed: int = 0
    skipped: int = 0


def articles_of(feed: Feed, source_url: str, zone: tzinfo) -> list[NewArticle]:
    """The feed's items as articles, oldest first (so that the newest gets the highest id)."""
    return [
        tagged(
            NewArticle(
                title=item.title,
                body=item.text,
                source=f"feed:{source_url}",
                # An item without text is kept as cut: the same item with text completes it.
                truncated=item.truncated or not item.text,
                url=item.url,
                seen_on=None if item.published is None else item.published.astimezone(zone).date(),
            ),
            item.categories,  # the feed's own categories count like the title
        )
        for item in reversed(feed.items)
    ]


async def store_feed(store: Store, feed: Feed, source_url: str, zone: tzinfo) -> Intake:
    """Store the items of ``feed``, find the festivals they name (``discover_and_link_many``,
    as ingest and /post do) and link them, in one transaction (the caller's, if it has one)."""
    news = articles_of(feed, source_url, zone)
    if not news:
        return Intake()
    results: list[tuple[int, AddOutcome]] = []
    async with store.transaction():
        # A few items per statement, letting readers' queries in between: the connection
        # answers one statement at a time, and a whole feed's would keep them waiting.
        for start in range(0, len(news), STORE_BATCH):
            batch = news[start : start + STORE_BATCH]
            added = await store.articles.add_many(batch)
            changed = [
                (article_id, new.title, new.body, new.seen_on)
                for new, (article_id, outcome) in zip(batch, added, strict=True)
                if outcome is not AddOutcome.SKIPPED
            ]
            if changed:
                await discover_and_link_many(store, changed)
            results += added
            await asyncio.sleep(0)
    outcomes = [outcome for _, outcome in results]
    return Intake(
        added=tuple(
            new.title
            for new, outcome in zip(news, outcomes, strict=True)
            if outcome is AddOutcome.ADDED
        )[::-1],
        completed=outcomes.count(AddOutcome.UPDATED),
        skipped=outcomes.count(AddOutcome.SKIPPED),
    )
