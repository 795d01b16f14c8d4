"""Admins' drafts: a /post that only admins see until it is published or discarded."""

from __future__ import annotations

from storage.convert import to_datetime
from storage.database import Database, Row
from storage.errors import NotFound
from storage.models import Draft

_COLUMNS = "id, title, body, user_id, article_id, created_at"


def _draft(row: Row) -> Draft:
    return Draft(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        user_id=row["user_id"],
        article_id=row["article_id"],
        created_at=to_datetime(row["created_at"]),
    )


class Drafts:
    """Repository of drafts."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, title: str, body: str, user_id: int) -> Draft:
        """Keep a new draft."""
        async with self._db.transaction():
            rows = await self._db.fetch_all(
                f"INSERT INTO drafts (title, body, user_id) VALUES (?, ?, ?) RETURNING {_COLUMNS}",
                (title, body, user_id),
            )
        return _draft(next(iter(rows)))

    async def get(self, draft_id: int) -> Draft:
        """One draft; ``NotFound`` if there is none (never was, or discarded)."""
        row = await self._db.fetch_one(f"SELECT {_COLUMNS} FROM drafts WHERE id = ?", (draft_id,))
        if row is None:
            raise NotFound(f"no draft {draft_id}")
        return _draft(row)

    async def published(self, draft_id: int, article_id: int) -> None:
        """Record the article a draft became."""
        changed = await self._db.execute(
            "UPDATE drafts SET article_id = ? WHERE id = ? AND article_id IS NULL",
            (article_id, draft_id),
        )
        if not changed:
            raise NotFound(f"no unpublished draft {draft_id}")

    async def discard(self, draft_id: int) -> Draft:
        """Remove a draft not published yet; ``NotFound`` if there is none."""
        async with self._db.transaction():
            rows = list(
                await self._db.fetch_all(
                    f"DELETE FROM drafts WHERE id = ? AND article_id IS NULL RETURNING {_COLUMNS}",
                    (draft_id,),
                )
            )
        if not rows:
            raise NotFound(f"no unpublished draft {draft_id}")
        return _draft(rows[0])
