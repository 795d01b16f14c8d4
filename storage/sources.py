"""Live sources (feeds and rate providers): what each one is, and how its polling goes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from storage.convert import from_datetime, to_datetime
from storage.database import Database, Row
from storage.errors import Conflict, NotFound

_STATE = (
    "etag, last_modified, last_fetch_at, last_ok_at, last_added, total_added, failures, "
    "last_error, yielded, alerting, alerts, next_at"
)
_COLUMNS = f"name, kind, url, provider, every_s, origin, added_by, {_STATE}"
# The file's address is the stored one (both may be None), in words both backends speak.
_SAME_URL = "(sources.url = excluded.url OR (sources.url IS NULL AND excluded.url IS NULL))"


class SourceKind(StrEnum):
    """What a source brings."""

    FEED = "feed"  # RSS or Atom: articles
    RATES = "rates"  # a central bank: rates


class Origin(StrEnum):
    """Who added a source."""

    FILE = "file"  # sources.toml
    ADMIN = "admin"  # /addsource


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What a source is: its name, kind, address (or provider) and polling interval."""

    name: str
    kind: SourceKind
    url: str | None
    every: timedelta
    provider: str | None = None


@dataclass(frozen=True, slots=True)
class SourceState:
    """How a source's polling goes: validators, last fetch, what it added, failures, alerts."""

    etag: str | None = None
    last_modified: str | None = None
    last_fetch_at: datetime | None = None
    last_ok_at: datetime | None = None
    last_added: int = 0
    total_added: int = 0
    failures: int = 0  # consecutive
    last_error: str | None = None
    yielded: bool = False  # it has parsed to items at least once
    alerting: bool = False  # the admins were told it fails, and not yet that it recovered
    alerts: int = 0  # alerts and recoveries sent so far
    next_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A stored source: its spec, who added it, and its state."""

    spec: SourceSpec
    origin: Origin
    added_by: int | None = None
    state: SourceState = field(default_factory=SourceState)

    @property
    def name(self) -> str:
        """The source's unique name."""
        return self.spec.name


def _when(value: str | None) -> datetime | None:
    return None if value is None else to_datetime(value)


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else from_datetime(value)


def _source(row: Row) -> Source:
    spec = SourceSpec(
        name=row["name"],
        kind=SourceKind(row["kind"]),
        url=row["url"],
        every=timedelta(seconds=row["every_s"]),
        provider=row["provider"],
    )
    state = SourceState(
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_fetch_at=_when(row["last_fetch_at"]),
        last_ok_at=_when(row["last_ok_at"]),
        last_added=row["last_added"],
        total_added=row["total_added"],
        failures=row["failures"],
        last_error=row["last_error"],
        yielded=bool(row["yielded"]),
        alerting=bool(row["alerting"]),
        alerts=row["alerts"],
        next_at=_when(row["next_at"]),
    )
    return Source(spec, Origin(row["origin"]), row["added_by"], state)


def _spec_params(spec: SourceSpec) -> tuple[str, str, str | None, str | None, int]:
    seconds = max(1, int(spec.every.total_seconds()))
    return spec.name, spec.kind.value, spec.url, spec.provider, seconds


class Sources:
    """Repository of live sources."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def sync(self, specs: Iterable[SourceSpec]) -> list[str]:
        """Add the file's sources that are new; refresh those only the file ever set.

        A source an admin added or removed is left as it is. A changed address forgets the
        old one's validators. Returns the names added.
        """
        specs = list(specs)
        async with self._db.transaction():
            known = {row[0] for row in await self._db.fetch_all("SELECT name FROM sources")}
            await self._db.execute_many(
                "INSERT INTO sources (name, kind, url, provider, every_s, origin) "
                "VALUES (?, ?, ?, ?, ?, 'file') ON CONFLICT (name) DO UPDATE SET "
                f"etag = CASE WHEN {_SAME_URL} THEN sources.etag END, "
                f"last_modified = CASE WHEN {_SAME_URL} THEN sources.last_modified END, "
                "kind = excluded.kind, provider = excluded.provider, "
                "every_s = excluded.every_s, url = excluded.url "
                "WHERE sources.origin = 'file' AND sources.removed = 0",
                [_spec_params(spec) for spec in specs],
            )
        return [spec.name for spec in specs if spec.name not in known]

    async def add(self, spec: SourceSpec, added_by: int, state: SourceState) -> Source:
        """An admin's source (one that was removed comes back); ``Conflict`` if it exists."""
        async with self._db.transaction():
            rows = await self._db.fetch_all(
                "INSERT INTO sources (name, kind, url, provider, every_s, origin, added_by) "
                "VALUES (?, ?, ?, ?, ?, 'admin', ?) ON CONFLICT (name) DO UPDATE SET "
                "kind = excluded.kind, url = excluded.url, provider = excluded.provider, "
                "every_s = excluded.every_s, origin = 'admin', added_by = excluded.added_by, "
                "removed = 0, failures = 0, last_error = NULL, alerting = 0 "
                "WHERE sources.removed = 1 RETURNING name",
                (*_spec_params(spec), added_by),
            )
            if not rows:
                raise Conflict(f"there is already a source named {spec.name}")
            await self.save(spec.name, state)
        return await self.get(spec.name)

    async def remove(self, name: str) -> Source:
        """Stop polling a source for good (the file does not bring it back); ``NotFound``."""
        async with self._db.transaction():
            rows = await self._db.fetch_all(
                f"UPDATE sources SET removed = 1, next_at = NULL WHERE name = ? AND removed = 0 "
                f"RETURNING {_COLUMNS}",
                (name,),
            )
        if not rows:
            raise NotFound(f"no source named {name}")
        return _source(next(iter(rows)))

    async def get(self, name: str) -> Source:
        """A source that is polled; ``NotFound`` if none has that name."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM sources WHERE name = ? AND removed = 0", (name,)
        )
        if row is None:
            raise NotFound(f"no source named {name}")
        return _source(row)

    async def names(self) -> set[str]:
        """The name of every source, polled or removed (a new one must not take them)."""
        return {row[0] for row in await self._db.fetch_all("SELECT name FROM sources")}

    async def with_url(self, url: str) -> Source | None:
        """The polled source at ``url``, if any."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM sources WHERE url = ? AND removed = 0", (url,)
        )
        return None if row is None else _source(row)

    async def all(self) -> list[Source]:
        """Every polled source: feeds first, then rates, each by name."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM sources WHERE removed = 0 ORDER BY kind, name"
        )
        return [_source(row) for row in rows]

    async def due(self, now: datetime) -> list[Source]:
        """The polled sources whose next fetch is due by ``now`` (or that never ran)."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM sources WHERE removed = 0 "
            "AND (next_at IS NULL OR next_at <= ?) ORDER BY next_at IS NOT NULL, next_at, name",
            (from_datetime(now),),
        )
        return [_source(row) for row in rows]

    async def save(self, name: str, state: SourceState) -> None:
        """Write a source's new state (in the caller's transaction, if any)."""
        await self._db.execute(
            "UPDATE sources SET etag = ?, last_modified = ?, last_fetch_at = ?, last_ok_at = ?, "
            "last_added = ?, total_added = ?, failures = ?, last_error = ?, yielded = ?, "
            "alerting = ?, alerts = ?, next_at = ? WHERE name = ?",
            (
                state.etag,
                state.last_modified,
                _stamp(state.last_fetch_at),
                _stamp(state.last_ok_at),
                state.last_added,
                state.total_added,
                state.failures,
                state.last_error,
                state.yielded,
                state.alerting,
                state.alerts,
                _stamp(state.next_at),
                name,
            ),
        )
