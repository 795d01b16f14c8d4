"""Articles' tags (a bit set per article, computed by the newsroom) and what filters read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storage.articles import _COLUMNS, DATED, _article
from storage.database import Database, Dialect, Row
from storage.models import Article

_FESTIVAL_IDS = {
    Dialect.SQLITE: "group_concat(festival_id)",
    Dialect.POSTGRES: "string_agg(CAST(festival_id AS text), ',')",
}
_FACETS = {
    dialect: "tags, title_terms, body_terms, "
    f"(SELECT {festival_ids} FROM festival_mentions WHERE article_id = articles.id) "
    "AS festival_ids"
    for dialect, festival_ids in _FESTIVAL_IDS.items()
}


@dataclass(frozen=True, slots=True)
class Facets:
    """What a reader's filter looks at in one article: its tag bits (None: not tagged yet), its
    search terms and the festivals it names."""

    article_id: int
    tags: int | None
    terms: frozenset[str]
    festivals: frozenset[int]


def _facets(row: Row) -> Facets:
    festivals = row["festival_ids"]
    return Facets(
        article_id=row["id"],
        tags=row["tags"],
        terms=frozenset(f"{row['title_terms']} {row['body_terms']}".split()),
        festivals=frozenset(int(i) for i in festivals.split(",")) if festivals else frozenset(),
    )


class ArticleTags:
    """Repository of the articles' tags."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._facets = _FACETS[db.dialect]

    async def untagged(self, limit: int) -> list[tuple[int, str, str]]:
        """(id, title, body) of up to ``limit`` articles not tagged yet, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT id, title, body FROM articles WHERE tags IS NULL ORDER BY id LIMIT ?",
            (limit,),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def set_many(self, tags: Iterable[tuple[int, int]]) -> None:
        """Record (article id, tag bits) pairs."""
        pairs = [(bits, article_id) for article_id, bits in tags]
        if pairs:
            async with self._db.transaction():
                await self._db.execute_many("UPDATE articles SET tags = ? WHERE id = ?", pairs)

    async def of(self, article_id: int) -> Facets | None:
        """One article's facets, or None when there is no such article."""
        row = await self._db.fetch_one(
            f"SELECT id, {self._facets} FROM articles WHERE id = ?", (article_id,)
        )
        return None if row is None else _facets(row)

    async def newer_than(
        self, article_id: int, limit: int, *, exclude: Sequence[int] = ()
    ) -> list[tuple[Article, Facets]]:
        """Articles stored after ``article_id`` (but ``exclude``) with their facets, newest
        first by their own date, as ``Articles.newer_than`` lists them."""
        skip = sorted(set(exclude))
        # PostgreSQL has no empty list: "NOT IN ()" is SQLite's alone.
        skipped = f"AND id NOT IN ({', '.join('?' * len(skip))}) " if skip else ""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS}, {self._facets} FROM articles WHERE id > ? {skipped}"
            f"ORDER BY {DATED} DESC, id DESC LIMIT ?",
            (article_id, *skip, limit),
        )
        return [(_article(row), _facets(row)) for row in rows]
