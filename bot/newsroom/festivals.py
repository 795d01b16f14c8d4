"""Festivals: finding them by what people type (forgiving of case, accents, typos and partial
names), their order in lists, and finding them in the news (``discover_and_link``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from bot.newsroom.discovery import Discovered, discover
from bot.newsroom.mentions import MentionFinder, link_festival, link_mentions
from storage import Store
from storage.analysis import word_terms
from storage.festivals import MergeOutcome
from storage.models import Article, FactSource, Festival, NewFestival
from storage.names import name_key

# Words most names share (and numbers such as a year) count for little, so that
# "berlin film festival" finds nothing and "bishkek festival 2025" finds Bishkek.
_GENERIC = frozenset(
    {"film", "films", "festival", "festivals", "fest", "international", "award", "awards", "camp"}
)
_RU_GENERIC = frozenset(
    {"кинофестиваль", "фестиваль", "кино", "фильм", "премия", "кинопремия", "международный"}
)
# ... and their forms in Latin letters (``latin``), for queries in another alphabet.
GENERIC_WORDS = _GENERIC | frozenset(
    term for word in _GENERIC | _RU_GENERIC for term in word_terms(word)
)
STOP_WORDS = frozenset({"the", "of", "and", "in", "at", "a", "an", "de", "la", "le", "del"})
GENERIC_WEIGHT = 0.2
MIN_QUERY_CHARS = 3  # shorter queries must equal a name or an alias
MIN_FUZZY_CHARS = 4  # shorter words must match exactly or as a prefix
WORD_TYPO_SCORE = 80.0  # rapidfuzz ratio from which a word counts as the same with a typo
PREFIX_SCORE = 95.0
SPLIT_PENALTY = 3.0  # the query's words are all in the name, but not side by side
MATCH_SCORE = 75.0  # from this score a festival matches at all
CLOSE_MARGIN = 10.0  # festivals within this of the best are shown as choices
MAX_CHOICES = 8


def find_festivals(query: str, festivals: Iterable[Festival]) -> list[Festival]:
    """The festivals ``query`` names, best first: one is a clear match, several are choices.

    An exact name or alias wins outright. Otherwise each festival scores by its best name;
    the best one is the answer when no other comes within ``CLOSE_MARGIN`` of it, and else
    every festival that does is a choice (at most ``MAX_CHOICES``).
    """
    wanted = name_key(query)
    if not wanted:
        return []
    candidates = list(festivals)
    exact = [f for f in candidates if wanted in {name_key(name) for name in f.names}]
    if exact or len(wanted.replace(" ", "")) < MIN_QUERY_CHARS:
        return exact
    scored = [(_festival_score(wanted, festival), festival) for festival in candidates]
    matching = sorted(
        ((score, festival) for score, festival in scored if score >= MATCH_SCORE),
        key=lambda pair: (-pair[0], pair[1].name.casefold()),
    )
    if not matching:
        return []
    best = matching[0][0]
    return [festival for score, festival in matching if score >= best - CLOSE_MARGIN][:MAX_CHOICES]


def _festival_score(wanted: str, festival: Festival) -> float:
    best = max(name_score(wanted, name_key(name)) for name in festival.names)
    if best < MATCH_SCORE:
        # Another alphabet: "бишкек" for "Bishkek …", "didor" for "Дидор".
        for name in festival.names:
            key = name_key(name)
            if not (wanted.isascii() and key.isascii()):
                best = max(best, name_score(latin(wanted), latin(key)))
    return best


def latin(key: str) -> str:
    """A name key in Latin letters as search analyses words: "бишкек" → "bishkek"."""
    return " ".join(terms[0] for word in key.split() if (terms := word_terms(word)))


def name_score(wanted: str, name: str) -> float:
    """How well a normalised query matches a normalised name, 0-100."""
    if wanted == name:
        return 100.0
    whole = fuzz.ratio(wanted.replace(" ", ""), name.replace(" ", ""))
    words = [word for word in wanted.split() if word not in STOP_WORDS] or wanted.split()
    name_words = name.split()
    scores = [_word_score(word, name_words) for word in words]
    weights = _weights(words)
    by_words = sum(s * w for s, w in zip(scores, weights, strict=True)) / sum(weights)
    if len(words) > 1 and f" {' '.join(words)} " not in f" {name} ":
        by_words -= SPLIT_PENALTY
    return max(by_words, whole if whole >= 90 else 0.0)


def _weights(words: Sequence[str]) -> list[float]:
    if all(word in GENERIC_WORDS or word.isdigit() for word in words):
        return [1.0] * len(words)
    return [GENERIC_WEIGHT if word in GENERIC_WORDS or word.isdigit() else 1.0 for word in words]


def _word_score(word: str, name_words: Sequence[str]) -> float:
    best = 0.0
    for candidate in name_words:
        if word == candidate:
            return 100.0
        if len(word) >= MIN_QUERY_CHARS and candidate.startswith(word):
            best = max(best, PREFIX_SCORE)
        elif len(word) >= MIN_FUZZY_CHARS:
            ratio = fuzz.ratio(word, candidate)
            if ratio >= WORD_TYPO_SCORE:
                best = max(best, ratio)
    return best


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
        festivals = await store.festivals.all()
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
