"""Articles, their full-text index and their links to festivals."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import AsyncIterator, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from storage.analysis import index_terms
from storage.convert import from_date, to_date, to_datetime
from storage.database import Database, Dialect, Row
from storage.errors import Conflict, ConstraintError, NotFound
from storage.models import Article, NewArticle, Position
from storage.search_index import FULL_TEXT, remember, terms_of

_INSERT_CHUNK = 500  # rows per INSERT statement, well under SQLite's limit of variables
# Article writers take turns (Database.serialise): an id is then visible only after every
# smaller one, so a digest's watermark (the last id it read) never skips an article whose
# transaction committed late; and two feeds storing one URL at once find each other's row.
_WRITERS = 0x61727463  # "artc"

T = TypeVar("T")

_COLUMNS = "id, title, body, truncated, url, source, seen_on, created_at"
_A_COLUMNS = ", ".join(f"a.{column}" for column in _COLUMNS.split(", "))
# An article's own date as SQL: the expression of the index articles_by_date (migration 0009).
DATED = "coalesce(seen_on, substr(created_at, 1, 10))"
# Newer articles than a digest's watermark read by id and sorted, rather than by the date index.
_FEW_NEWER = 2_000
_NEWEST_FIRST = f"{DATED} DESC, id DESC"
# The articles after an id (the {where} clause), newest first by date: a few read by id and
# sorted (SQLite: NOT INDEXED; PostgreSQL: a materialised CTE, read by the primary key), or
# many through the date index.
_NEWER_THAN = {
    (Dialect.SQLITE, True): f"SELECT {_COLUMNS} FROM articles NOT INDEXED WHERE {{where}} "
    f"ORDER BY {_NEWEST_FIRST} LIMIT ?",
    (Dialect.POSTGRES, True): f"WITH newer AS MATERIALIZED (SELECT {_COLUMNS} FROM articles "
    f"WHERE {{where}}) SELECT {_COLUMNS} FROM newer ORDER BY {_NEWEST_FIRST} LIMIT ?",
}
_NEWER_THAN |= {
    (dialect, False): f"SELECT {_COLUMNS} FROM articles WHERE {{where}} "
    f"ORDER BY {_NEWEST_FIRST} LIMIT ?"
    for dialect in Dialect
}
_A_DATED = "coalesce(a.seen_on, substr(a.created_at, 1, 10))"
_NOT_ALNUM = re.compile(r"[\W_]+")


class AddOutcome(StrEnum):
    """What ``Articles.add`` did with an article."""

    ADDED = "added"
    UPDATED = "updated"  # a fuller body replaced a cut one
    SKIPPED = "skipped"


@lru_cache(maxsize=16_384)  # ingest asks twice per title, a few batches apart: settled, then add
def fingerprint(title: str) -> str:
    """A short hash of the title with case, accents, punctuation and spacing normalised."""
    letters = title.casefold()
    if not letters.isascii():  # ASCII has no accents to drop
        decomposed = unicodedata.normalize("NFKD", letters)
        letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    normalised = _NOT_ALNUM.sub(" ", letters).strip()
    return hashlib.blake2b(normalised.encode(), digest_size=8).hexdigest()


def _terms(title: str | None, body: str | None) -> tuple[str | None, str | None]:
    """The search terms of a new title and body (None where it stays as it is)."""
    return (
        None if title is None else index_terms(title),
        None if body is None else index_terms(body),
    )


def _key(position: Position) -> tuple[str, int]:
    return position.dated.isoformat(), position.id


def _article(row: Row) -> Article:
    return Article(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        truncated=bool(row["truncated"]),
        url=row["url"],
        source=row["source"],
        seen_on=to_date(row["seen_on"]),
        created_at=to_datetime(row["created_at"]),
    )


@dataclass(frozen=True, slots=True)
class _Stored:
    """What adding needs to know of an article already stored."""

    id: int
    truncated: bool
    length: int


@dataclass(slots=True)
class _Plan:
    """What ``add_many`` will do: its outcomes, and the rows to insert and to update."""

    outcomes: list[AddOutcome] = field(default_factory=list)
    inserts: dict[str, NewArticle] = field(default_factory=dict)
    updates: dict[str, NewArticle] = field(default_factory=dict)


def _plan(news: Sequence[NewArticle], keys: list[str], stored: dict[str, _Stored]) -> _Plan:
    """The outcome of adding ``news`` one by one, as rows to insert and update at once."""
    plan = _Plan()
    # Whether each title's body is cut, and its length, as the batch goes on.
    bodies = {key: (found.truncated, found.length) for key, found in stored.items()}
    for new, key in zip(news, keys, strict=True):
        current = bodies.get(key)
        if current is None:
            plan.inserts[key] = new
            plan.outcomes.append(AddOutcome.ADDED)
        elif current[0] and (not new.truncated or len(new.body) > current[1]):
            if key in plan.inserts:  # added earlier in this batch: insert the fuller body
                first = plan.inserts[key]
                plan.inserts[key] = replace(
                    first, body=new.body, truncated=new.truncated, tags=new.tags, terms=None
                )
            else:
                plan.updates[key] = new
            plan.outcomes.append(AddOutcome.UPDATED)
        else:
            plan.outcomes.append(AddOutcome.SKIPPED)
            continue
        bodies[key] = (new.truncated, len(new.body))
    return plan


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Articles:
    """Repository of articles."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, new: NewArticle) -> tuple[int, AddOutcome]:
        """Store an article unless one with the same title exists (a cut body is completed)."""
        [result] = await self.add_many([new])
        return result

    async def add_many(
        self, news: Sequence[NewArticle], listed: Collection[str] | None = None
    ) -> list[tuple[int, AddOutcome]]:
        """``add`` each article in order, in one transaction and a few round trips.

        The same article is matched by its URL first (a feed may retitle an item), then by the
        fingerprint of its title; a completed article takes the URL if it had none. ``listed``:
        the distinct search terms of the ``terms`` the news carry, when listed with them
        (ingest's worker processes do; more does no harm), else they are listed here for the
        index's vocabulary.
        """
        async with self._db.transaction():
            await self._db.serialise(_WRITERS)
            keys = await self._keys(news)
            rows = await self._db.fetch_all(
                "SELECT fingerprint, id, truncated, length(body) FROM articles "
                "WHERE fingerprint IN (SELECT value FROM json_each(?))",
                (json.dumps(list(set(keys))),),
            )
            stored = {row[0]: _Stored(row[1], bool(row[2]), row[3]) for row in rows}
            plan = _plan(news, keys, stored)
            ids = {key: found.id for key, found in stored.items()}
            unlisted: list[str] = []  # terms written and not in ``listed``, for the vocabulary
            for chunk in _chunks(list(plan.inserts.items()), _INSERT_CHUNK):
                ids.update(await self._insert_many(chunk, unlisted, listed is not None))
            if plan.updates:
                updates = [
                    (
                        new.body,
                        new.terms[1] if new.terms else index_terms(new.body),
                        new.truncated,
                        new.url,
                        new.tags,
                        stored[key].id,
                    )
                    for key, new in plan.updates.items()
                ]
                unlisted += (
                    update[1]
                    for update, new in zip(updates, plan.updates.values(), strict=True)
                    if listed is None or new.terms is None
                )
                await self._db.execute_many(
                    "UPDATE articles SET body = ?, body_terms = ?, truncated = ?, "
                    "url = coalesce(url, ?), tags = coalesce(?, tags) WHERE id = ?",
                    updates,
                )
            await remember(self._db, unlisted, listed or ())
        return [(ids[key], outcome) for key, outcome in zip(keys, plan.outcomes, strict=True)]

    async def settled(self, news: Sequence[NewArticle]) -> list[bool]:
        """Which of ``news`` ``add_many`` will skip, whatever is added before: those stored
        whole, or cut but no shorter (a stored body only grows); never one with a URL not
        stored yet (another article may take it meanwhile)."""
        keys = await self._keys(news)
        rows = await self._db.fetch_all(
            "SELECT fingerprint, truncated, length(body) FROM articles "
            "WHERE fingerprint IN (SELECT value FROM json_each(?))",
            (json.dumps(list(set(keys))),),
        )
        stored = {row[0]: (bool(row[1]), int(row[2])) for row in rows}
        return [
            key in stored
            and not (new.url and key == fingerprint(new.title))
            and (not stored[key][0] or (new.truncated and len(new.body) <= stored[key][1]))
            for key, new in zip(keys, news, strict=True)
        ]

    async def _keys(self, news: Sequence[NewArticle]) -> list[str]:
        """Each article's key: the fingerprint of the article stored (or added earlier in this
        batch) at its URL, else the fingerprint of its own title."""
        urls = sorted({new.url for new in news if new.url})
        by_url: dict[str, str] = {}
        if urls:
            rows = await self._db.fetch_all(
                "SELECT url, fingerprint FROM articles WHERE url IN "
                "(SELECT value FROM json_each(?))",
                (json.dumps(urls),),
            )
            by_url = {row[0]: row[1] for row in rows}
        keys = []
        for new in news:
            key = by_url.get(new.url or "") or fingerprint(new.title)
            if new.url:
                by_url.setdefault(new.url, key)
            keys.append(key)
        return keys

    async def _insert_many(
        self, items: list[tuple[str, NewArticle]], unlisted: list[str], carried_listed: bool
    ) -> dict[str, int]:
        """Insert articles with one statement; their ids by fingerprint. Their terms are put
        in ``unlisted``, for the caller to ``remember``, but those they carried when
        ``carried_listed``."""
        values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(items))
        params: list[object] = []
        for key, new in items:
            params += (new.title, new.body, new.truncated, new.url, new.source)
            terms = new.terms
            if terms is None:
                terms = terms_of(new.title, new.body)
                unlisted += terms
            elif not carried_listed:
                unlisted += terms
            params += (from_date(new.seen_on), key, *terms, new.tags)
        try:
            rows = await self._db.fetch_all(
                "INSERT INTO articles (title, body, truncated, url, source, seen_on, fingerprint, "
                f"title_terms, body_terms, tags) VALUES {values} RETURNING fingerprint, id",
                params,
            )
        except ConstraintError as error:  # a url already taken
            raise Conflict(f"article not stored: {error}") from None
        return {row[0]: row[1] for row in rows}

    async def create(self, new: NewArticle) -> Article:
        """Store a new article; ``Conflict`` (with the existing id) if the title is taken."""
        key = fingerprint(new.title)
        async with self._db.transaction():
            await self._db.serialise(_WRITERS)
            rows = await self._db.fetch_all(
                "SELECT id FROM articles WHERE fingerprint = ?", (key,)
            )
            if rows:
                existing = next(iter(rows))[0]
                raise Conflict(f"article {existing} has the same title", existing)
            unlisted: list[str] = []
            ids = await self._insert_many([(key, new)], unlisted, carried_listed=False)
            await remember(self._db, unlisted)
        return await self.get(ids[key])

    async def with_title(self, title: str) -> int | None:
        """The id of the article with this title (as ``fingerprint`` normalises it, or as an
        admin's /edit set it), if any."""
        found = await self._db.fetch_value(
            "SELECT id FROM articles WHERE fingerprint = ? OR title = ? LIMIT 1",
            (fingerprint(title), title),
        )
        return None if found is None else int(found)

    async def get(self, article_id: int) -> Article:
        """One article; ``NotFound`` if there is none with that id."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        )
        if row is None:
            raise NotFound(f"no article {article_id}")
        return _article(row)

    async def delete(self, article_id: int) -> Article:
        """Remove an article (and so its index entry and festival links); returns it."""
        async with self._db.transaction():
            row = await self._db.fetch_one(
                f"DELETE FROM articles WHERE id = ? RETURNING {_COLUMNS}", (article_id,)
            )
        if row is None:
            raise NotFound(f"no article {article_id}")
        return _article(row)

    async def edit(
        self, article_id: int, *, title: str | None = None, body: str | None = None
    ) -> Article:
        """Change an article's title or body in place, its search terms with it;
        ``NotFound``, or ``Conflict`` (with its id) when another article has that title."""
        async with self._db.transaction():
            if title is not None:
                rows = await self._db.fetch_all(
                    "SELECT id FROM articles WHERE (fingerprint = ? OR title = ?) AND id != ? "
                    "LIMIT 1",
                    (fingerprint(title), title, article_id),
                )
                if rows:
                    existing = next(iter(rows))[0]
                    raise Conflict(f"article {existing} has the same title", existing)
            # The fingerprint stays the one of the title as the source gave it, so that the
            # next ingest of that source knows the article and does not add it again. A body
            # written by hand is whole: it is no longer the cut one of a source page.
            # The search index follows the terms (storage/search_index.py), by trigger.
            terms = _terms(title, body)
            rows = await self._db.fetch_all(
                "UPDATE articles SET title = coalesce(?, title), body = coalesce(?, body), "
                "title_terms = coalesce(?, title_terms), body_terms = coalesce(?, body_terms), "
                "truncated = CASE WHEN CAST(? AS text) IS NULL THEN truncated ELSE 0 END "
                f"WHERE id = ? RETURNING {_COLUMNS}",
                (title, body, *terms, body, article_id),
            )
            if rows:
                await remember(self._db, (written for written in terms if written))
        found = list(rows)
        if not found:
            raise NotFound(f"no article {article_id}")
        return _article(found[0])

    async def latest(
        self, limit: int, *, older_than: Position | None = None, inclusive: bool = False
    ) -> list[Article]:
        """The newest articles by their own date, newest first; ``older_than`` pages on past
        a position (``inclusive``: from that position itself)."""
        if older_than is None:
            rows = await self._db.fetch_all(
                f"SELECT {_COLUMNS} FROM articles ORDER BY {_NEWEST_FIRST} LIMIT ?", (limit,)
            )
        else:
            # Spelled out rather than as a row value, so that SQLite searches the index.
            rows = await self._db.fetch_all(
                f"SELECT {_COLUMNS} FROM articles WHERE {DATED} <= ? "
                f"AND ({DATED} < ? OR id {'<=' if inclusive else '<'} ?) "
                f"ORDER BY {_NEWEST_FIRST} LIMIT ?",
                (older_than.dated.isoformat(), *_key(older_than), limit),
            )
        return [_article(row) for row in rows]

    async def newer(self, limit: int, than: Position) -> list[Article]:
        """The ``limit`` articles just newer than a position, newest first (paging back)."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM articles WHERE {DATED} >= ? AND ({DATED} > ? OR id > ?) "
            f"ORDER BY {DATED}, id LIMIT ?",
            (than.dated.isoformat(), *_key(than), limit),
        )
        return [_article(row) for row in reversed(list(rows))]

    async def newer_than(
        self, article_id: int, limit: int, *, exclude: Iterable[int] = ()
    ) -> list[Article]:
        """Articles stored after ``article_id`` (but those in ``exclude``), newest first by
        their own date, as /latest lists them."""
        skip = sorted(set(exclude))
        # A few newer ids (a day's, for a digest) are read and sorted; past that, the date
        # index finds the newest first. The index alone walked every article dated after new
        # ones of old dates (an archive ingested): 70 ms at 1M.
        few = await self.last_id() - article_id <= _FEW_NEWER
        where = "id > ?" + (f" AND id NOT IN ({', '.join('?' * len(skip))})" if skip else "")
        rows = await self._db.fetch_all(
            _NEWER_THAN[self._db.dialect, few].format(where=where), (article_id, *skip, limit)
        )
        return [_article(row) for row in rows]

    async def count_newer_than(self, article_id: int, *, exclude: Iterable[int] = ()) -> int:
        """How many articles were stored after ``article_id`` (not counting ``exclude``)."""
        skip = sorted(set(exclude))
        marks = ", ".join("?" * len(skip))
        if await self.last_id() - article_id <= article_id:
            return int(
                await self._db.fetch_value(
                    "SELECT count(*) FROM articles WHERE id > ?"
                    + (f" AND id NOT IN ({marks})" if skip else ""),
                    (article_id, *skip),
                )
            )
        # Far back (a preview from the start): the kept total less the fewer rows before it.
        # (PostgreSQL has no empty list: "IN ()" is SQLite's.)
        skipped = (
            f"- (SELECT count(*) FROM articles WHERE id > ? AND id IN ({marks}))" if skip else ""
        )
        return int(
            await self._db.fetch_value(
                "SELECT (SELECT value FROM counts WHERE name = 'articles') "
                f"- (SELECT count(*) FROM articles WHERE id <= ?) {skipped}",
                (article_id, *((article_id, *skip) if skip else ())),
            )
        )

    async def count(self) -> int:
        """How many articles there are, as kept by the schema's triggers."""
        return int(await self._db.fetch_value("SELECT value FROM counts WHERE name = 'articles'"))

    async def last_id(self) -> int:
        """The id of the newest article, 0 when there is none."""
        return int(await self._db.fetch_value("SELECT coalesce(max(id), 0) FROM articles"))

    async def first_id_dated_from(self, day: date) -> int | None:
        """The lowest id among the articles dated ``day`` or later (a new digest's start)."""
        # min(+id): a plain min(id) walks the rowids from the oldest; this searches the index.
        found = await self._db.fetch_value(
            f"SELECT min(+id) FROM articles WHERE {DATED} >= ?", (day.isoformat(),)
        )
        return None if found is None else int(found)

    async def dated_before(self, after_id: int, day: date, limit: int) -> list[int]:
        """Ids of articles stored after ``after_id`` but dated before ``day``, newest id first
        (the archive a new subscriber's first digest leaves out)."""
        rows = await self._db.fetch_all(
            f"SELECT id FROM articles WHERE id > ? AND {DATED} < ? ORDER BY id DESC LIMIT ?",
            (after_id, day.isoformat(), limit),
        )
        return [int(row[0]) for row in rows]

    async def mentioning(self, festival_id: int, limit: int) -> list[Article]:
        """The newest articles (by their own date) that name a festival."""
        rows = await self._db.fetch_all(
            f"SELECT {_A_COLUMNS} "
            "FROM festival_mentions AS m JOIN articles AS a ON a.id = m.article_id "
            f"WHERE m.festival_id = ? ORDER BY {_A_DATED} DESC, a.id DESC LIMIT ?",
            (festival_id, limit),
        )
        return [_article(row) for row in rows]

    async def containing_any(
        self, phrases: Iterable[str], *, batch: int = 500
    ) -> AsyncIterator[list[Article]]:
        """Articles holding every word of any of ``phrases`` (in any form and order: the search
        terms), newest first, ``batch`` at a time: a common name never loads every article at
        once.

        A candidate search: callers that need exact matches check the text themselves.
        """
        full_text = FULL_TEXT[self._db.dialect]
        query = full_text.any_phrase(list(phrases))
        if query is None:
            return
        below = 2**63 - 1
        while True:
            # Each batch from the index's newest matches below the last one (storage/
            # search_index.py): never every older match for each batch (quadratic).
            rows = await full_text.newest(self._db, query, batch, _COLUMNS, below)
            if not rows:
                return
            yield [_article(row) for row in rows]
            below = rows[-1]["id"]

    async def link_festivals(self, article_id: int, festival_ids: Iterable[int]) -> None:
        """Record that an article names these festivals (links already there are kept)."""
        await self.link_many((article_id, festival_id) for festival_id in festival_ids)

    async def link_many(self, links: Iterable[tuple[int, int]]) -> None:
        """Record (article id, festival id) links at once (links already there are kept)."""
        pairs = list(links)
        if not pairs:
            return
        async with self._db.transaction():
            try:
                await self._db.execute_many(
                    "INSERT INTO festival_mentions (article_id, festival_id) "
                    "VALUES (?, ?) ON CONFLICT DO NOTHING",
                    pairs,
                )
            except ConstraintError:
                raise NotFound(f"no such article or festival among the links {pairs}") from None

    async def festival_ids(self, article_id: int) -> list[int]:
        """The festivals an article names."""
        rows = await self._db.fetch_all(
            "SELECT festival_id FROM festival_mentions WHERE article_id = ? ORDER BY festival_id",
            (article_id,),
        )
        return [row[0] for row in rows]
