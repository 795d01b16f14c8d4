"""Feed items → articles: each stored once, a cut one completed, festivals linked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from bot.newsroom.mentions import MentionFinder, link_mentions
from bot.newsroom.sources.feeds import Feed
from storage import Store
from storage.articles import AddOutcome
from storage.models import NewArticle


@dataclass(frozen=True, slots=True)
class Intake:
    """What storing one feed did: the titles it added, how many it completed and skipped."""

    added: tuple[str, ...] = ()
    completed: int = 0
    skipped: int = 0


def articles_of(feed: Feed, source_url: str, zone: tzinfo) -> list[NewArticle]:
    """The feed's items as articles, oldest first (so that the newest gets the highest id)."""
    return [
        NewArticle(
            title=item.title,
            body=item.text,
            source=f"feed:{source_url}",
            # An item without text is kept as cut: the same item with text completes it.
            truncated=item.truncated or not item.text,
            url=item.url,
            seen_on=None if item.published is None else item.published.astimezone(zone).date(),
        )
        for item in reversed(feed.items)
    ]


async def store_feed(store: Store, feed: Feed, source_url: str, zone: tzinfo) -> Intake:
    """Store the items of ``feed`` and link them to the festivals they name, in one
    transaction (the caller's, if it has one)."""
    news = articles_of(feed, source_url, zone)
    if not news:
        return Intake()
    async with store.transaction():
        results = await store.articles.add_many(news)
        changed = [
            (article_id, new.title, new.body)
            for new, (article_id, outcome) in zip(news, results, strict=True)
            if outcome is not AddOutcome.SKIPPED
        ]
        if changed:
            finder = MentionFinder(await store.festivals.all())
            await link_mentions(store, finder, changed)
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
