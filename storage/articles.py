"""Articles, their full-text index and their links to festivals."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from enum import StrEnum

import aiosqlite

from storage.convert import from_date, to_date, to_datetime
from storage.database import Database
from storage.errors import Conflict, NotFound
from storage.models import MATCH_END, MATCH_START, Article, NewArticle, SearchHit

# Search ranks only the newest matches: a word found in half of a million articles would
# otherwise make bm25 score every one of them.
SEARCH_CANDIDATES = 500
SNIPPET_TOKENS = 24

_COLUMNS = "id, title, body, truncated, url, source, seen_on, created_at"
_A_COLUMNS = ", ".join(f"a.{column}" for column in _COLUMNS.split(", "))
# Letters and digits, as the unicode61 tokenizer splits them ("_" separates words).
_WORD = re.compile(r"[^\W_]+")
_NOT_ALNUM = re.compile(r"[\W_]+")


class AddOutcome(StrEnum):
    """What ``Articles.add`` did with an article."""

    ADDED = "added"
    UPDATED = "updated"  # a fuller body replaced a cut one
    SKIPPED = "skipped"


def fingerprint(title: str) -> str:
    """A short hash of the title with case, accents, punctuation and spacing normalised."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    normalised = _NOT_ALNUM.sub(" ", letters).strip()
    return hashlib.blake2b(normalised.encode(), digest_size=8).hexdigest()


def fts_query(words: str) -> str | None:
    """User text → an FTS5 query of quoted terms (all must match); None when it has no word."""
    terms = _WORD.findall(words)
    return " ".join(f'"{term}"' for term in terms) if terms else None


def _article(row: aiosqlite.Row) -> Article:
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


class Articles:
    """Repository of articles."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, new: NewArticle) -> tuple[int, AddOutcome]:
        """Store an article unless one with the same title exists (a cut body is completed)."""
        key = fingerprint(new.title)
        async with self._db.transaction() as connection:
            async with connection.execute(
                "SELECT id, truncated, length(body) FROM articles WHERE fingerprint = ?", (key,)
            ) as cursor:
                existing = await cursor.fetchone()
            if existing is None:
                return await self._insert(connection, new, key), AddOutcome.ADDED
            article_id, truncated, length = existing
            if truncated and (not new.truncated or len(new.body) > length):
                await connection.execute(
                    "UPDATE articles SET body = ?, truncated = ? WHERE id = ?",
                    (new.body, new.truncated, article_id),
                )
                return article_id, AddOutcome.UPDATED
            return article_id, AddOutcome.SKIPPED

    async def create(self, new: NewArticle) -> Article:
        """Store a new article; ``Conflict`` (with the existing id) if the title is taken."""
        key = fingerprint(new.title)
        async with self._db.transaction() as connection:
            async with connection.execute(
                "SELECT id FROM articles WHERE fingerprint = ?", (key,)
            ) as cursor:
                existing = await cursor.fetchone()
            if existing is not None:
                raise Conflict(f"article {existing[0]} has the same title", existing[0])
            article_id = await self._insert(connection, new, key)
        return await self.get(article_id)

    @staticmethod
    async def _insert(connection: aiosqlite.Connection, new: NewArticle, key: str) -> int:
        async with connection.execute(
            "INSERT INTO articles (title, body, truncated, url, source, seen_on, fingerprint) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (new.title, new.body, new.truncated, new.url, new.source, from_date(new.seen_on), key),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

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
        async with (
            self._db.transaction() as connection,
            connection.execute(
                f"DELETE FROM articles WHERE id = ? RETURNING {_COLUMNS}", (article_id,)
            ) as cursor,
        ):
            row = await cursor.fetchone()
        if row is None:
            raise NotFound(f"no article {article_id}")
        return _article(row)

    async def latest(self, limit: int, before_id: int | None = None) -> list[Article]:
        """The newest articles, newest first; ``before_id`` pages on past a seen one."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM articles WHERE id < ? ORDER BY id DESC LIMIT ?",
            (before_id if before_id is not None else 2**63 - 1, limit),
        )
        return [_article(row) for row in rows]

    async def newer_than(self, article_id: int, limit: int) -> list[Article]:
        """Articles stored after ``article_id``, newest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM articles WHERE id > ? ORDER BY id DESC LIMIT ?",
            (article_id, limit),
        )
        return [_article(row) for row in rows]

    async def count_newer_than(self, article_id: int) -> int:
        """How many articles were stored after ``article_id``."""
        return int(
            await self._db.fetch_value("SELECT count(*) FROM articles WHERE id > ?", (article_id,))
        )

    async def count(self) -> int:
        """How many articles there are."""
        return int(await self._db.fetch_value("SELECT count(*) FROM articles"))

    async def last_id(self) -> int:
        """The id of the newest article, 0 when there is none."""
        return int(await self._db.fetch_value("SELECT coalesce(max(id), 0) FROM articles"))

    async def search(self, words: str, limit: int = 5) -> list[SearchHit]:
        """Articles containing every word, best first (bm25), with a snippet of the matches."""
        query = fts_query(words)
        if query is None:
            return []
        rows = await self._db.fetch_all(
            f"""
            WITH candidates AS (
                SELECT rowid AS id, bm25(articles_fts, 4.0, 1.0) AS score,
                       snippet(articles_fts, -1, :start, :end, '…', :tokens) AS snippet
                FROM articles_fts WHERE articles_fts MATCH :query
                ORDER BY rowid DESC LIMIT :candidates
            )
            SELECT {_A_COLUMNS}, candidates.score, candidates.snippet
            FROM candidates JOIN articles AS a USING (id)
            ORDER BY candidates.score, a.id DESC LIMIT :limit
            """,
            {
                "query": query,
                "start": MATCH_START,
                "end": MATCH_END,
                "tokens": SNIPPET_TOKENS,
                "candidates": SEARCH_CANDIDATES,
                "limit": limit,
            },
        )
        return [SearchHit(_article(row), row["snippet"], row["score"]) for row in rows]

    async def mentioning(self, festival_id: int, limit: int) -> list[Article]:
        """The newest articles that name a festival."""
        rows = await self._db.fetch_all(
            f"SELECT {_A_COLUMNS} "
            "FROM festival_mentions AS m JOIN articles AS a ON a.id = m.article_id "
            "WHERE m.festival_id = ? ORDER BY m.article_id DESC LIMIT ?",
            (festival_id, limit),
        )
        return [_article(row) for row in rows]

    async def containing_any(self, phrases: Iterable[str]) -> list[Article]:
        """Articles whose words contain any of ``phrases`` (word by word, in order), newest first.

        A candidate search: callers that need exact matches check the text themselves.
        """
        terms = [_WORD.findall(phrase) for phrase in phrases]
        query = " OR ".join(f'"{" ".join(words)}"' for words in terms if words)
        if not query:
            return []
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM articles WHERE id IN "
            "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) ORDER BY id DESC",
            (query,),
        )
        return [_article(row) for row in rows]

    async def link_festivals(self, article_id: int, festival_ids: Iterable[int]) -> None:
        """Record that an article names these festivals (links already there are kept)."""
        ids = list(festival_ids)
        async with self._db.transaction() as connection:
            try:
                await connection.executemany(
                    "INSERT OR IGNORE INTO festival_mentions (festival_id, article_id) "
                    "VALUES (?, ?)",
                    [(festival_id, article_id) for festival_id in ids],
                )
            except sqlite3.IntegrityError:
                raise NotFound(f"no article {article_id} or no festival among {ids}") from None

    async def festival_ids(self, article_id: int) -> list[int]:
        """The festivals an article names."""
        rows = await self._db.fetch_all(
            "SELECT festival_id FROM festival_mentions WHERE article_id = ? ORDER BY festival_id",
            (article_id,),
        )
        return [row[0] for row in rows]
