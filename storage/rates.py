"""Currency rates against a base currency: one per currency and day, the best source winning."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any

from storage.convert import from_date
from storage.database import Database, Dialect
from storage.models import Rate
from storage.recent import Recent

logger = logging.getLogger(__name__)

_COLUMNS = "currency, base, value, change_pct, as_of, source, per_usd, digits"
_WRITTEN = (
    "currency, base, value, change_pct, as_of, source, per_usd, digits, rank, "
    "quote_value, quote_nominal, quote_code, quote_home"
)
_PLACES = "(" + ", ".join(["?"] * 13) + ")"
_INSERT_CHUNK = 60  # rows per INSERT statement: 13 variables each, under SQLite's limit
# A firm rate (rank 2 and above) is shown instead of a newer gap-filler unless it is older
# than this many days before the newest one.
FIRM_GRACE_DAYS = 7
# (currency, base, day) of stored rows (an alias: the repository has a method named set).
_Keys = set[tuple[str, str, str]]


class Standing(IntEnum):
    """How much a rate counts against another of the same currency and day."""

    FILL = 1  # another bank's cross, a news page's ticker: fills gaps
    PEG = 2  # the manat's official peg, when its bank cannot be reached
    BANK = 3  # the currency's own central bank
    ADMIN = 4  # an admin's /setrate: overrides all for its date


# An existing row of a day gives way to a higher rank; a bank's (or the peg's) to the same
# source's corrected figures; an admin's to a newer /setrate. Among gap-fillers the first stays.
# {differs}: SQLite's "IS NOT" is PostgreSQL's "IS DISTINCT FROM" (SQLite's only from 3.39).
_UPSERT = f"""
    ON CONFLICT (currency, base, as_of) DO UPDATE SET
        value = excluded.value, change_pct = excluded.change_pct, source = excluded.source,
        per_usd = excluded.per_usd, digits = excluded.digits, rank = excluded.rank,
        quote_value = excluded.quote_value, quote_nominal = excluded.quote_nominal,
        quote_code = excluded.quote_code, quote_home = excluded.quote_home
    WHERE (excluded.rank > rates.rank OR (excluded.rank = rates.rank AND (
           excluded.rank = {int(Standing.ADMIN)}
           OR (excluded.rank > {int(Standing.FILL)} AND excluded.source = rates.source))))
      AND (excluded.value {{differs}} rates.value OR excluded.source {{differs}} rates.source
           OR excluded.per_usd {{differs}} rates.per_usd
           OR excluded.digits {{differs}} rates.digits
           OR excluded.change_pct {{differs}} rates.change_pct
           OR excluded.quote_value {{differs}} rates.quote_value)
    RETURNING currency, base, as_of
"""
_UPSERTS = {
    Dialect.SQLITE: _UPSERT.format(differs="IS NOT"),
    Dialect.POSTGRES: _UPSERT.format(differs="IS DISTINCT FROM"),
}


# Each currency's current rate and the one before it, in a few index seeks per currency (a
# skip-scan of the currencies), never a pass over the history: see ``Rates.latest``. Every
# parameter is the base; {firm_index} and {week_before} are each backend's (``_LATEST``).
_LATEST_TEMPLATE = """
        WITH RECURSIVE codes (currency) AS (
            -- a skip-scan of the primary key: one seek per currency, not a row per day
            SELECT min(currency) FROM rates WHERE base = ?
            UNION ALL
            SELECT (SELECT min(currency) FROM rates
                    WHERE currency > codes.currency AND base = ?)
            FROM codes WHERE codes.currency IS NOT NULL
        ), newest AS MATERIALIZED (
            SELECT currency,
                   (SELECT max(as_of) FROM rates
                    WHERE currency = codes.currency AND base = ?) AS as_of,
                   (SELECT max(as_of) FROM rates {firm_index}
                    WHERE base = ? AND currency = codes.currency AND rank >= 2) AS firm
            FROM codes WHERE currency IS NOT NULL
        ), chosen AS MATERIALIZED (
            SELECT currency,
                   CASE WHEN firm >= {week_before}
                        THEN firm ELSE as_of END AS as_of
            FROM newest
        )
        SELECT {r_columns},
               {p_columns}
        FROM chosen
        JOIN rates AS r
          ON r.currency = chosen.currency AND r.base = ? AND r.as_of = chosen.as_of
        LEFT JOIN rates AS p
          ON p.currency = chosen.currency AND p.base = ? AND p.as_of = (
              SELECT max(as_of) FROM rates
              WHERE currency = chosen.currency AND base = ? AND as_of < chosen.as_of)
        ORDER BY r.currency
        """
_LATEST = {
    dialect: _LATEST_TEMPLATE.format(
        firm_index=firm_index,
        week_before=week_before,
        r_columns=", ".join(f"r.{c}" for c in _COLUMNS.split(", ")),
        p_columns=", ".join(f"p.{c} AS p_{c}" for c in _COLUMNS.split(", ")),
    )
    for dialect, firm_index, week_before in (
        (Dialect.SQLITE, "INDEXED BY rates_firm", f"date(as_of, '-{FIRM_GRACE_DAYS} days')"),
        (
            Dialect.POSTGRES,
            "",
            f"to_char(CAST(as_of AS date) - {FIRM_GRACE_DAYS}, 'YYYY-MM-DD')",
        ),
    )
}
LATEST_SQL = _LATEST[Dialect.SQLITE]


@dataclass(frozen=True, slots=True)
class BankLine:
    """A bank's line as published: ``value`` units of ``home`` per ``nominal`` ``code``."""

    value: Decimal
    nominal: int
    code: str
    home: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A rate to store, with its standing and, from a bank, the line it comes from."""

    rate: Rate
    standing: Standing = Standing.FILL
    line: BankLine | None = None


def _decimal(text: object) -> Decimal:
    """A stored number; anything unreadable (or a signalling NaN) reads as a quiet NaN."""
    try:
        value = Decimal(str(text))
    except (InvalidOperation, ValueError):
        logger.warning("unreadable number %r in the rates table", text)
        return Decimal("NaN")
    return Decimal("NaN") if value.is_nan() else value


def _rate(row: Any, prefix: str = "") -> Rate:
    change = row[prefix + "change_pct"]
    per_usd = row[prefix + "per_usd"]
    digits = row[prefix + "digits"]
    return Rate(
        currency=row[prefix + "currency"],
        base=row[prefix + "base"],
        value=_decimal(row[prefix + "value"]),
        change_pct=None if change is None else _decimal(change),
        as_of=date.fromisoformat(row[prefix + "as_of"]),
        source=row[prefix + "source"],
        per_usd=None if per_usd is None else _decimal(per_usd),
        digits=digits if isinstance(digits, int) and digits > 0 else None,
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _params(entry: Entry) -> tuple[object, ...]:
    rate, line = entry.rate, entry.line
    return (
        rate.currency,
        rate.base,
        str(rate.value),
        _text(rate.change_pct),
        from_date(rate.as_of),
        rate.source,
        _text(rate.per_usd),
        rate.digits,
        int(entry.standing),
        None if line is None else str(line.value),
        None if line is None else line.nominal,
        None if line is None else line.code,
        None if line is None else line.home,
    )


def _chunks(entries: Sequence[Entry]) -> list[list[Entry]]:
    """Entries in order, up to ``_INSERT_CHUNK`` to a statement, a day's second rate in the next
    one: PostgreSQL refuses to upsert a row twice in one statement (SQLite applies them in turn,
    as these statements do)."""
    chunks: list[list[Entry]] = []
    keys: _Keys = _Keys()
    for entry in entries:
        key = (entry.rate.currency, entry.rate.base, str(from_date(entry.rate.as_of)))
        if not chunks or len(chunks[-1]) == _INSERT_CHUNK or key in keys:
            chunks.append([])
            keys.clear()
        chunks[-1].append(entry)
        keys.add(key)
    return chunks


def _linked(rows: Sequence[Rate]) -> list[Rate]:
    """Rates newest first, each with the next (older) one as its ``previous``."""
    return [
        replace(rate, previous=rows[i + 1] if i + 1 < len(rows) else None)
        for i, rate in enumerate(rows)
    ]


class Rates:
    """Repository of rates."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # latest() for /rates and /convert: kept 5 s, dropped on every write through _put
        self._latest: Recent[str, list[Rate]] = Recent(4, 5.0)

    async def add(self, rate: Rate, standing: Standing = Standing.FILL) -> bool:
        """Store a rate where it ranks above that day's (see ``record``); True if stored."""
        [stored] = await self.add_many([rate], standing)
        return stored

    async def add_many(
        self, rates: Sequence[Rate], standing: Standing = Standing.FILL
    ) -> list[bool]:
        """``add`` each rate at one standing; whether each was stored."""
        keys = await self._put([Entry(rate, standing) for rate in rates])
        stored = []
        for rate in rates:  # a second rate of the same currency and day was not stored
            key = (rate.currency, rate.base, from_date(rate.as_of))
            stored.append(key in keys)
            keys.discard(key)
        return stored

    async def record(self, entries: Sequence[Entry]) -> int:
        """Store rates that rank above (or refresh) their day's; how many rows changed."""
        return len(await self._put(entries))

    async def set(self, rate: Rate) -> None:
        """An admin's rate: it replaces whatever that currency had that day."""
        await self._put([Entry(rate, Standing.ADMIN)])

    async def _put(self, entries: Sequence[Entry]) -> _Keys:
        """Upsert in one transaction; the (currency, base, day) keys inserted or changed."""
        changed: _Keys = _Keys()
        try:
            async with self._db.transaction():
                for chunk in _chunks(entries):
                    rows = await self._db.fetch_all(
                        f"INSERT INTO rates ({_WRITTEN}) VALUES "
                        f"{', '.join([_PLACES] * len(chunk))} {_UPSERTS[self._db.dialect]}",
                        [value for entry in chunk for value in _params(entry)],
                    )
                    changed.update((row[0], row[1], row[2]) for row in rows)
        finally:
            self._latest.forget()
        return changed

    def forget_latest(self) -> None:
        """Read the latest rates anew next time: another process has written some."""
        self._latest.forget()

    async def latest(self, base: str = "USD") -> list[Rate]:
        """Each currency's current rate, by code, with the rate of the day before it.

        The newest of the currency's own bank, the peg or an admin, unless a gap-filler is more
        than ``FIRM_GRACE_DAYS`` newer; then the newest of any source. Index seeks only
        (``LATEST_SQL``): 0.3-0.5 ms at 6.7k and at 67k rows, where a scan took 7.5 and 97 ms.
        """
        if (kept := self._latest.get(base)) is not None:
            return list(kept)
        reading = self._latest.reading()
        sql = _LATEST[self._db.dialect]
        rows = await self._db.fetch_all(sql, (base,) * sql.count("?"))
        found = []
        for row in rows:
            previous = None if row["p_currency"] is None else _rate(row, "p_")
            found.append(replace(_rate(row), previous=previous))
        self._latest.keep(base, list(found), reading)
        return found

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
        """One currency's rates, newest first, each with the one before it (even the last)."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM rates WHERE currency = ? AND base = ? "
            "ORDER BY as_of DESC LIMIT ?",
            (currency, base, limit + 1),
        )
        return _linked([_rate(row) for row in rows])[:limit]
