"""Festivals: their order in lists, and finding them in the news (``discover_and_link``); finding
them by what people type is ``festival_lookup``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.newsroom.discovery import Discovered, discover
from bot.newsroom.mentions import MentionFinder, link_festival, link_mentions
from storage import Store
from storage.festivals import MergeOutcome
from storage.models import Article, FactSource, Festival, NewFestival


def order_festivals(
    festivals: Sequence[Festival], today: date
) -> tuple[list[Festival], list[Festival], list[Festival]]:
    """(upcoming or running soonest first, past latest first, undated by name)."""
    upcoming: list[Festival] = []
    past: list[Festival] = []
    undated: list[Festival] = []
    for festival in festivals:
        last_day = festival.ends_on or festival.starts_on
        if last_day is None:
            undated.append(festival)
        elif last_day >= today:
            upcoming.append(festival)
        else:
            past.append(festival)
    upcoming.sort(key=_by_start)
    past.sort(key=_by_start, reverse=True)
    undated.sort(key=lambda f: f.name.casefold())
    return upcoming, past, undated


def _by_start(festival: Festival) -> tuple[date, str]:
    return festival.starts_on or festival.ends_on or date.min, festival.name.casefold()


# Discovery's kinds → the kinds the newsroom stores (as seeds/festivals.toml names them).
STORED_KINDS = {"festival": "festival", "award": "award", "camp": "film camp", "lab": "film lab"}


def found_festival(event: Discovered) -> NewFestival:
    """A festival discovered in an article, as the store takes it."""
    return NewFestival(
        name=event.name,
        kind=STORED_KINDS.get(event.kind, event.kind),
        aliases=event.aliases,
        city=event.city,
        country=event.country,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        edition=event.edition,
    )


async def discover_and_link(store: Store, article: Article) -> list[Festival]:
    """Find the festivals a new or edited article names (``discovery``), store them as found
    in the news (filling in what the newsroom did not give; a festival an admin deleted is not
    found again in the same article), and link the article to every festival it names.

    Returns the festivals the article names. One call per article: ingest, ``/post`` and feed
    items all come through here.
    """
    found = await discover_and_link_many(
        store, [(article.id, article.title, article.body, article.dated)]
    )
    return found[article.id]


async def discover_and_link_many(
    store: Store, articles: Sequence[tuple[int, str, str, date | None]]
) -> dict[int, list[Festival]]:
    """``discover_and_link`` for several ``(article id, title, body, date)`` at once, in one
    transaction; article id → the festivals it names."""
    known = await store.festivals.all()
    finder = MentionFinder(known)
    readings = [read_article(title, body, dated, finder) for _, title, body, dated in articles]
    return await link_readings(
        store,
        [(article_id, title, body) for article_id, title, body, _ in articles],
        readings,
        known,
    )


@dataclass(frozen=True, slots=True)
class Reading:
    """What one article names, read without the store (ingest reads in worker processes): the
    events ``discover`` finds in it, and the festivals a finder of known ones finds by name."""

    events: tuple[Discovered, ...]
    named: tuple[int, ...]


def read_article(title: str, body: str, dated: date | None, finder: MentionFinder) -> Reading:
    """The events an article names and the known festivals ``finder`` finds in it."""
    # ``discover`` has quick tests of its own: most news names no festival.
    return Reading(tuple(discover(title, body, dated)), tuple(finder.find(title, body)))


async def link_readings(
    store: Store,
    articles: Sequence[tuple[int, str, str]],
    readings: Sequence[Reading],
    known: Sequence[Festival],
) -> dict[int, list[Festival]]:
    """Store the events of ``(article id, title, body)`` as found in the news (filling in what
    the newsroom did not give; a festival an admin deleted is not found again in the same
    article) and link each article to every festival it names, in one transaction; article id
    → those festivals. ``readings`` were read with a finder of the festivals ``known`` then:
    the festivals added or renamed since are looked for here."""
    discovered: dict[int, set[int]] = {article_id: set() for article_id, *_ in articles}
    added: list[Festival] = []
    async with store.transaction():
        for (article_id, *_), reading in zip(articles, readings, strict=True):
            for event in reading.events:
                merged = await store.festivals.merge(
                    found_festival(event), FactSource.NEWS, article_id=article_id
                )
                if merged.festival is not None:
                    discovered[article_id].add(merged.festival.id)
                    if merged.outcome is MergeOutcome.ADDED:
                        added.append(merged.festival)
        await store.articles.link_many(
            (article_id, festival_id)
            for article_id, ids in discovered.items()
            for festival_id in ids
        )
        # A festival new to the newsroom: earlier articles that name it are linked too.
        for festival in added:
            await link_festival(store, festival)
        festivals = await store.festivals.all(fresh=True)
        read_with = {festival.id: festival.names for festival in known}
        changed = [f for f in festivals if read_with.get(f.id) != f.names]
        unchanged = {f.id for f in festivals} - {f.id for f in changed}
        named = await link_mentions(store, MentionFinder(changed), articles) if changed else {}
        await store.articles.link_many(
            (article_id, festival_id)
            for (article_id, *_), reading in zip(articles, readings, strict=True)
            for festival_id in reading.named
            if festival_id in unchanged
        )
    by_id = {festival.id: festival for festival in festivals}
    for (article_id, *_), reading in zip(articles, readings, strict=True):
        discovered[article_id].update(i for i in reading.named if i in unchanged)
        discovered[article_id].update(named.get(article_id, ()))
    return {
        article_id: [by_id[i] for i in sorted(ids) if i in by_id]
        for article_id, ids in discovered.items()
    }
