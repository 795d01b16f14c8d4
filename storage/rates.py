"""Currency rates against a base currency, one per currency and day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import aiosqlite

from storage.convert import from_date
from storage.database import Database
from storage.models import Rate

_COLUMNS = "currency, base, value, change_pct, as_of, source"
_INSERT_CHUNK = 500  # rows per INSERT statement, well under SQLite's limit of variables


def _rate(row: aiosqlite.Row) -> Rate:
    return Rate(
        currency=row["currency"],
        base=row["base"],
        value=Decimal(row["value"]),
        change_pct=None if row["change_pct"] is None else Decimal(row["change_pct"]),
        as_of=date.fromisoformat(row["as_of"]),
        source=row["source"],
    )


def _params(rate: Rate) -> tuple[str, str, str, str | None, str | None, str]:
    change = None if rate.change_pct is None else str(rate.change_pct)
    return rate.currency, rate.base, str(rate.value), change, from_date(rate.as_of), rate.source


class Rates:
    """Repository of rates."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, rate: Rate) -> bool:
        """Store a rate unless that currency already has one that day; True if stored."""
        [stored] = await self.add_many([rate])
        return stored

    async def add_many(self, rates: Sequence[Rate]) -> list[bool]:
        """``add`` each rate, with one statement; whether each was stored."""
        inserted: set[tuple[str, str, str]] = set()
        async with self._db.transaction() as connection:
            for start in range(0, len(rates), _INSERT_CHUNK):
                chunk = rates[start : start + _INSERT_CHUNK]
                rows = await connection.execute_fetchall(
                    f"INSERT INTO rates ({_COLUMNS}) "
                    f"VALUES {', '.join(['(?, ?, ?, ?, ?, ?)'] * len(chunk))} "
                    "ON CONFLICT (currency, base, as_of) DO NOTHING "
                    "RETURNING currency, base, as_of",
                    [value for rate in chunk for value in _params(rate)],
                )
                inserted.update(tuple(row) for row in rows)
        stored = []
        for rate in rates:  # a second rate of the same currency and day was not stored
            key = (rate.currency, rate.base, from_date(rate.as_of))
            stored.append(key in inserted)
            inserted.discard(key)
        return stored

    async def set(self, rate: Rate) -> None:
        """Store a rate, replacing that currency's rate of that day."""
        await self._db.execute(
            f"INSERT INTO rates ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (currency, base, as_of) DO UPDATE SET value = excluded.value, "
            "change_pct = excluded.change_pct, source = excluded.source",
            _params(rate),
        )

    async def latest(self, base: str = "USD") -> list[Rate]:
        """Each currency's most recent rate, by currency code."""
        rows = await self._db.fetch_all(
            f"""
            SELECT {_COLUMNS} FROM rates AS r
            WHERE base = :base AND as_of = (
                SELECT max(as_of) FROM rates WHERE currency = r.currency AND base = r.base
            )
            ORDER BY currency
            """,
            {"base": base},
        )
        return [_rate(row) for row in rows]

    async def up_to(
        self, currency: str, day: date, limit: int = 2, base: str = "USD"
    ) -> list[Rate]:
        """One currency's rates on ``day`` and before it, newest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM rates WHERE currency = ? AND base = ? AND as_of <= ? "
            "ORDER BY as_of DESC LIMIT ?",
            (currency, base, from_date(day), limit),
        )
        return [_rate(row) for row in rows]

    async def history(self, currency: str, limit: int = 10, base: str = "USD") -> list[Rate]:
        """One currency's rates, newest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM rates WHERE currency = ? AND base = ? "
            "ORDER BY as_of DESC LIMIT ?",
            (currency, base, limit),
        )
        return [_rate(row) for row in rows]
