"""Festivals, awards, film camps and labs: curated, added by admins and found in the news.

One festival is matched by the key of its name or of any alias (``storage.names``). Each fact
keeps who gave it (``FactSource``), and ``merge`` decides by it (``storage.festival_merge``): an
admin's fact is never overwritten by the festivals file, the news only fills in what nobody gave,
and a write happens only when something changes (an unchanged start writes nothing and spends no
id).

Every festival (``catalog``) is read for each /festival: the list is kept in memory for
``CACHE_SECONDS`` (``storage.recent``), dropped at once by every write through this store, so
another process's change shows within seconds and this one's at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from storage.convert import from_date, to_date
from storage.database import Database, Row
from storage.errors import NotFound
from storage.festival_merge import Change, given, merge_facts
from storage.festival_reads import CardData, Catalog, read_card
from storage.models import FESTIVAL_FACTS, FactSource, Festival, NewFestival
from storage.names import name_key
from storage.recent import Recent

_COLUMNS = (
    "id, name, aliases, kind, city, country, starts_on, ends_on, edition, description, url, "
    "origin, sources"
)
# By name as SQLite's NOCASE orders it, on both backends: lower() folds ASCII letters only, as
# NOCASE does (on PostgreSQL the column is COLLATE "C", whatever the database's locale).
_BY_NAME = "lower(name)"
# Rejections with this article id keep a deleted festival out of the festivals file's reach.
FROM_FILE = 0
CACHE_SECONDS = 5.0
_EVERY = "every festival"  # the one key of the kept catalog


class MergeOutcome(StrEnum):
    """What ``Festivals.merge`` did."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"  # an admin deleted a festival of that name (for that source)


@dataclass(frozen=True, slots=True)
class Merged:
    """The festival as stored after a merge (None when refused) and what the merge did."""

    festival: Festival | None
    outcome: MergeOutcome


def _alias_keys(aliases: Iterable[str]) -> str:
    """The keys of a festival's aliases as stored beside them (a JSON array), so that a lookup
    by alias is plain SQL on every backend (``name_key`` is Python)."""
    keys = sorted({name_key(alias) for alias in aliases} - {""})
    return json.dumps(keys, ensure_ascii=False, separators=(",", ":"))


def _festival(row: Row) -> Festival:
    sources = json.loads(row["sources"])
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
        origin=FactSource(row["origin"]),
        sources=tuple(
            (fact, FactSource(sources[fact])) for fact in FESTIVAL_FACTS if fact in sources
        ),
    )


class Festivals:
    """Repository of festivals."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._recent: Recent[str, Catalog] = Recent(1, CACHE_SECONDS)

    async def merge(
        self, new: NewFestival, source: FactSource, *, article_id: int = FROM_FILE
    ) -> Merged:
        """Add a festival, or merge its facts into the one with the same name or alias.

        ``source`` says who gives them: an admin's facts replace any; the festivals file's
        replace all but an admin's; the news fills in facts nobody gave (and moves a festival
        found in the news to a later edition). A name an admin deleted is refused to the file
        and, for the articles it was found in, to the news; an admin's merge readmits it.
        """
        keys = sorted({name_key(name) for name in new.names if name_key(name)})
        refused_for = article_id if source is FactSource.NEWS else FROM_FILE
        async with self._db.transaction():
            if source is FactSource.ADMIN:
                await self._db.execute(
                    "DELETE FROM festival_rejections WHERE name_key IN "
                    "(SELECT value FROM json_each(?))",
                    (json.dumps(keys),),
                )
            elif await self._rejected(keys, refused_for):
                return Merged(None, MergeOutcome.REFUSED)
            existing = await self._matching(keys)
            if existing is None:
                return Merged(await self._insert(new, source), MergeOutcome.ADDED)
            updated = await self._update(existing, new, source)
        if updated is None:
            return Merged(existing, MergeOutcome.UNCHANGED)
        return Merged(updated, MergeOutcome.UPDATED)

    async def upsert(self, new: NewFestival) -> tuple[Festival, bool]:
        """An admin's festival: added, or merged into the one of that name (its id kept);
        returns it and whether it is new."""
        merged = await self.merge(new, FactSource.ADMIN)
        assert merged.festival is not None
        return merged.festival, merged.outcome is MergeOutcome.ADDED

    async def _rejected(self, keys: list[str], article_id: int) -> bool:
        value = await self._db.fetch_value(
            "SELECT 1 FROM festival_rejections WHERE article_id = ? AND name_key IN "
            "(SELECT value FROM json_each(?)) LIMIT 1",
            (article_id, json.dumps(keys)),
        )
        return value is not None

    async def _matching(self, keys: list[str]) -> Festival | None:
        """The festival one of ``keys`` names: by its name first, else by an alias."""
        if not keys:
            return None
        row = await self._db.fetch_one(
            f"""
            SELECT {_COLUMNS} FROM (
                SELECT 0 AS rank, * FROM festivals
                WHERE name_key IN (SELECT value FROM json_each(?))
                UNION ALL
                SELECT 1 AS rank, f.* FROM festivals AS f, json_each(f.alias_keys) AS alias
                WHERE alias.value IN (SELECT value FROM json_each(?))
            ) AS found ORDER BY rank, id LIMIT 1
            """,
            (json.dumps(keys),) * 2,
        )
        return None if row is None else _festival(row)

    async def _insert(self, new: NewFestival, source: FactSource) -> Festival:
        given_facts = given(new)
        row = await self._db.fetch_one(
            f"""
            INSERT INTO festivals
                (name, name_key, aliases, alias_keys, kind, city, country, starts_on, ends_on,
                 edition, description, url, origin, sources)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING {_COLUMNS}
            """,
            (
                new.name,
                name_key(new.name),
                json.dumps(list(new.aliases), ensure_ascii=False),
                _alias_keys(new.aliases),
                new.kind or "festival",
                new.city or None,
                new.country or None,
                from_date(new.starts_on),
                from_date(new.ends_on or new.starts_on),
                new.edition,
                new.description,
                new.url or None,
                source.value,
                json.dumps(dict.fromkeys(given_facts, source.value)),
            ),
        )
        self._recent.forget()
        assert row is not None
        return _festival(row)

    async def _update(
        self, existing: Festival, new: NewFestival, source: FactSource
    ) -> Festival | None:
        """Merge ``new`` into ``existing``; None when nothing changes (nothing is written)."""
        change = merge_facts(existing, new, source)
        return None if change is None else await self._write(existing.id, change)

    async def _write(self, festival_id: int, change: Change) -> Festival:
        name, facts, sources, origin = change.name, change.facts, change.sources, change.origin
        dates = facts["dates"] or (None, None)
        row = await self._db.fetch_one(
            f"""
            UPDATE festivals SET
                name = ?, name_key = ?, aliases = ?, alias_keys = ?, kind = ?, city = ?,
                country = ?, starts_on = ?, ends_on = ?, edition = ?, description = ?, url = ?,
                origin = ?, sources = ?
            WHERE id = ?
            RETURNING {_COLUMNS}
            """,
            (
                name,
                name_key(name),
                json.dumps(list(facts["aliases"] or ()), ensure_ascii=False),
                _alias_keys(facts["aliases"] or ()),
                facts["kind"] or "festival",
                facts["city"],
                facts["country"],
                from_date(dates[0]),
                from_date(dates[1]),
                facts["edition"],
                facts["description"] or "",
                facts["url"],
                origin.value,
                json.dumps({f: str(sources[f]) for f in FESTIVAL_FACTS if f in sources}),
                festival_id,
            ),
        )
        self._recent.forget()
        assert row is not None
        return _festival(row)

    async def delete(self, festival_id: int) -> Festival:
        """Remove a festival (its links and reminders go with it); its names are refused to
        the festivals file and to discovery in the articles it was linked to."""
        async with self._db.transaction():
            festival = await self.get(festival_id)
            rows = await self._db.fetch_all(
                "SELECT article_id FROM festival_mentions WHERE festival_id = ?", (festival_id,)
            )
            keys = {name_key(name) for name in festival.names} - {""}
            articles = [FROM_FILE, *(row[0] for row in rows)]
            await self._db.execute_many(
                "INSERT INTO festival_rejections (name_key, article_id) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                [(key, article) for key in sorted(keys) for article in articles],
            )
            await self._db.execute("DELETE FROM festivals WHERE id = ?", (festival_id,))
            self._recent.forget()
        return festival

    async def named(self, name: str) -> Festival | None:
        """The festival with this name or alias (case, accents, punctuation aside), if any."""
        key = name_key(name)
        return await self._matching([key]) if key else None

    async def all(self, *, fresh: bool = False) -> list[Festival]:
        """Every festival, by name (``catalog``)."""
        return list((await self.catalog(fresh=fresh)).festivals)

    async def catalog(self, *, fresh: bool = False) -> Catalog:
        """Every festival, by name: kept in memory for a few seconds and dropped by every write
        through this store; ``fresh`` reads the database (a writer in its transaction).

        A read made while a transaction is open on the shared connection may see rows that are
        rolled back later, so it is not kept (``Recent`` drops a read a write overlapped).
        """
        if not fresh and (kept := self._recent.get(_EVERY)) is not None:
            return kept
        reading = self._recent.reading()
        mark = self._db.read_mark()
        rows = await self._db.fetch_all(f"SELECT {_COLUMNS} FROM festivals ORDER BY {_BY_NAME}")
        found = Catalog(tuple(_festival(row) for row in rows))
        if mark is not None and self._db.read_mark() == mark:
            self._recent.keep(_EVERY, found, reading)
        return found

    async def card(self, festival_id: int, chat_id: int, articles: int) -> CardData:
        """What a festival's card shows for a chat: its newest ``articles``, how many name it,
        and whether the chat asked for its reminders and follows it (one statement)."""
        return await read_card(self._db, festival_id, chat_id, articles)

    async def get(self, festival_id: int) -> Festival:
        """One festival; ``NotFound`` if there is none with that id."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM festivals WHERE id = ?", (festival_id,)
        )
        if row is None:
            raise NotFound(f"no festival {festival_id}")
        return _festival(row)

    async def many(self, festival_ids: Iterable[int]) -> list[Festival]:
        """The festivals of these ids that exist, by name."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM festivals "
            "WHERE id IN (SELECT CAST(value AS bigint) FROM json_each(?)) "
            f"ORDER BY {_BY_NAME}",
            (json.dumps(list(festival_ids)),),
        )
        return [_festival(row) for row in rows]

    async def mention_count(self, festival_id: int) -> int:
        """How many articles name a festival."""
        return int(
            await self._db.fetch_value(
                "SELECT count(*) FROM festival_mentions WHERE festival_id = ?", (festival_id,)
            )
        )

    async def count(self) -> int:
        """How many festivals there are."""
        return int(await self._db.fetch_value("SELECT count(*) FROM festivals"))
