"""Frozen dataclasses returned by the repositories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

# Markers around matched words in search snippets; the renderer turns them into <b>…</b>
# after escaping, so article text can never inject HTML.
MATCH_START = "\x02"
MATCH_END = "\x03"


@dataclass(frozen=True, slots=True)
class Article:
    """A news article, from a seed page, an admin post or a feed."""

    id: int
    title: str
    body: str
    truncated: bool
    url: str | None
    source: str
    seen_on: date | None
    created_at: datetime

    @property
    def dated(self) -> date:
        """The article's own date: its page's or feed's, else the day it was stored (UTC)."""
        return self.seen_on or self.created_at.date()

    @property
    def position(self) -> Position:
        """Where the article stands in the newest-first order of the news."""
        return Position(self.dated, self.id)


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A place in the news, newest first by date, then by id: the key /latest pages by."""

    dated: date
    id: int


@dataclass(frozen=True, slots=True)
class Draft:
    """An admin's /post not published yet (``article_id`` is set once it is)."""

    id: int
    title: str
    body: str
    user_id: int
    article_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article not stored yet."""

    title: str
    body: str
    source: str
    truncated: bool = False
    url: str | None = None
    seen_on: date | None = None
    # Its countries and topics as stored (bot/newsroom/tags.py); None: tagged later, at start.
    tags: int | None = None
    # Its search terms (storage/search_index.terms_of) when worked out beforehand (ingest does
    # it in worker processes); None: worked out as it is stored.
    terms: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: the article, its title and a snippet of its body with the matching
    words marked (MATCH_START … MATCH_END; the snippet is '' when only the title matches), and
    its bm25 score (lower is better)."""

    article: Article
    title: str
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search results, best first, and how many articles match in all."""

    hits: tuple[SearchHit, ...]
    offset: int  # how many better hits come before this page
    total: int  # articles that match (at least this many when ``more``)
    more: bool  # the count stopped at ``total``: there are more
    ranked: int  # how many of them are ranked and can be paged through (the newest)


class FactSource(StrEnum):
    """Where a festival's fact came from."""

    SEED = "seed"  # the festivals file: the newsroom's knowledge
    ADMIN = "admin"  # /addfestival: the newsroom's knowledge, never overwritten by the file
    NEWS = "news"  # discovered in the articles

    @property
    def newsroom(self) -> bool:
        """Whether the newsroom (the file or an admin) gave it, rather than the news."""
        return self is not FactSource.NEWS


# The facts of a festival that each keep their source ("dates" is starts_on and ends_on).
FESTIVAL_FACTS = ("kind", "aliases", "city", "country", "dates", "edition", "description", "url")


@dataclass(frozen=True, slots=True)
class Festival:
    """A film festival, award or film camp."""

    id: int
    name: str
    aliases: tuple[str, ...]
    kind: str
    city: str | None
    country: str | None
    starts_on: date | None
    ends_on: date | None
    edition: int | None
    description: str
    url: str | None = None
    origin: FactSource = FactSource.SEED
    # (fact, who gave it) for each of FESTIVAL_FACTS known; a fact not listed is the origin's
    sources: tuple[tuple[str, FactSource], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by every alias."""
        return (self.name, *self.aliases)

    def source(self, fact: str) -> FactSource:
        """Who gave one of ``FESTIVAL_FACTS``: the news, the festivals file or an admin."""
        return dict(self.sources).get(fact, self.origin)


@dataclass(frozen=True, slots=True)
class NewFestival:
    """A festival not stored yet (or the new facts of an existing one, matched by name);
    None and empty values are facts not given."""

    name: str
    kind: str | None = None
    aliases: tuple[str, ...] = ()
    city: str | None = None
    country: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    edition: int | None = None
    description: str = ""
    url: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by every alias."""
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Rate:
    """The value of one unit of ``currency`` in ``base`` on ``as_of``; change in percent.

    ``per_usd`` is units per one ``base`` as exactly as the source gave it (None: 1 / value),
    ``digits`` the significant digits the source published (None: those of ``value``), and
    ``previous`` the currency's rate of the day before (where the query joins it).
    """

    currency: str
    base: str
    value: Decimal
    change_pct: Decimal | None
    as_of: date
    source: str
    per_usd: Decimal | None = None
    digits: int | None = None
    previous: Rate | None = None


@dataclass(frozen=True, slots=True)
class AdminAction:
    """One line of the audit trail: an admin action or a refused attempt."""

    id: int
    user_id: int
    action: str
    target: str | None
    allowed: bool
    detail: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class IngestRun:
    """What one ingest of one source added and skipped."""

    id: int
    source: str
    articles_added: int
    articles_skipped: int
    rates_added: int
    created_at: datetime
