"""Festivals, awards and film camps."""

from __future__ import annotations

import json

import aiosqlite

from storage.convert import from_date, to_date
from storage.database import Database
from storage.errors import NotFound
from storage.models import Festival, NewFestival
from storage.names import name_key

_COLUMNS = "id, name, aliases, kind, city, country, starts_on, ends_on, edition, description, url"


def _festival(row: aiosqlite.Row) -> Festival:
    return Festival(
        id=row["id"],
        name=row["name"],
        aliases=tuple(json.loads(row["aliases"])),
        kind=row["kind"],
        city=row["city"],
        country=row["country"],
        starts_on=to_date(row["starts_on"]),
        ends_on=to_date(row["ends_on"]),
        edition=row["edition"],
        description=row["description"],
        url=row["url"],
    )


class Festivals:
    """Repository of festivals."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert(self, new: NewFestival) -> tuple[Festival, bool]:
        """Add a festival, or update the one with the same name (``name_key``), keeping its id.

        Returns the stored festival and whether it is new.
        """
        values = (
            new.name,
            name_key(new.name),
            json.dumps(list(new.aliases), ensure_ascii=False),
            new.kind,
            new.city,
            new.country,
            from_date(new.starts_on),
            from_date(new.ends_on),
            new.edition,
            new.description,
            new.url,
        )
        async with self._db.transaction() as connection:
            async with connection.execute(
                "SELECT id FROM festivals WHERE name_key = ? ORDER BY id LIMIT 1",
                (name_key(new.name),),
            ) as cursor:
                existing = await cursor.fetchone()
            if existing is None:
                sql = f"""
                    INSERT INTO festivals
                        (name, name_key, aliases, kind, city, country, starts_on, ends_on,
                         edition, description, url)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    RETURNING {_COLUMNS}
                    """
                params: tuple[object, ...] = values
            else:
                sql = f"""
                    UPDATE festivals SET
                        name = ?, name_key = ?, aliases = ?, kind = ?, city = ?, country = ?,
                        starts_on = ?, ends_on = ?, edition = ?, description = ?, url = ?
                    WHERE id = ?
                    RETURNING {_COLUMNS}
                    """
                params = (*values, existing["id"])
            async with connection.execute(sql, params) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return _festival(row), existing is None

    async def named(self, name: str) -> Festival | None:
        """The festival with this name (case, accents and punctuation aside), if any."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM festivals WHERE name_key = ? ORDER BY id LIMIT 1",
            (name_key(name),),
        )
        return None if row is None else _festival(row)

    async def all(self) -> list[Festival]:
        """Every festival, by name."""
        rows = await self._db.fetch_all(f"SELECT {_COLUMNS} FROM festivals ORDER BY name")
        return [_festival(row) for row in rows]

    async def get(self, festival_id: int) -> Festival:
        """One festival; ``NotFound`` if there is none with that id."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM festivals WHERE id = ?", (festival_id,)
        )
        if row is None:
            raise NotFound(f"no festival {festival_id}")
        return _festival(row)

    async def count(self) -> int:
        """How many festivals there are."""
        return int(await self._db.fetch_value("SELECT count(*) FROM festivals"))
