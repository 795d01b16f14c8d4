"""Readers' festival reminders: who asked, and which opening day each reminder was sent for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from storage.convert import from_date, to_date
from storage.database import Database


class Stage(StrEnum):
    """The two reminders of a festival: a week before its opening, and on the day."""

    WEEK = "week"
    DAY = "day"


_COLUMN = {Stage.WEEK: "week_for", Stage.DAY: "day_for"}


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder with a stage not yet sent for the festival's current opening day, and the
    chat's digest time and zone (None when the chat has no active digest)."""

    chat_id: int
    festival_id: int
    starts_on: date
    ends_on: date
    week_for: date | None
    day_for: date | None
    digest_time: str | None
    timezone: str | None
    language: str | None = None  # the chat's choice, else the app's when it asked

    def done(self, stage: Stage) -> bool:
        """Whether that stage was sent (or passed over) for the current opening day."""
        return (self.week_for if stage is Stage.WEEK else self.day_for) == self.starts_on


class Reminders:
    """Repository of festival reminders."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        chat_id: int,
        festival_id: int,
        done_for: dict[Stage, date],
        language: str | None = None,
    ) -> bool:
        """Ask for a festival's reminders in a chat; ``done_for`` marks stages already past
        (for that opening day); ``language``: the asking reader's app's, if we speak it.
        Returns whether it is new."""
        changed = await self._db.execute(
            "INSERT INTO reminders (chat_id, festival_id, week_for, day_for, language) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                chat_id,
                festival_id,
                from_date(done_for.get(Stage.WEEK)),
                from_date(done_for.get(Stage.DAY)),
                language,
            ),
        )
        return changed > 0

    async def remove(self, chat_id: int, festival_id: int) -> bool:
        """Drop a chat's reminders of a festival; whether there were any."""
        return (
            await self._db.execute(
                "DELETE FROM reminders WHERE chat_id = ? AND festival_id = ?",
                (chat_id, festival_id),
            )
            > 0
        )

    async def has(self, chat_id: int, festival_id: int) -> bool:
        """Whether a chat asked for a festival's reminders."""
        value = await self._db.fetch_value(
            "SELECT 1 FROM reminders WHERE chat_id = ? AND festival_id = ?",
            (chat_id, festival_id),
        )
        return value is not None

    async def festival_ids(self, chat_id: int) -> list[int]:
        """The festivals a chat asked to hear of."""
        rows = await self._db.fetch_all(
            "SELECT festival_id FROM reminders WHERE chat_id = ? ORDER BY festival_id",
            (chat_id,),
        )
        return [row[0] for row in rows]

    async def due(self, since: date) -> list[DueReminder]:
        """Reminders of festivals opening on or after ``since`` with a stage not yet done for
        the festival's current opening day."""
        rows = await self._db.fetch_all(
            """
            SELECT r.chat_id, r.festival_id, f.starts_on,
                   coalesce(f.ends_on, f.starts_on) AS ends_on, r.week_for, r.day_for,
                   s.digest_time, s.timezone, coalesce(l.language, r.language) AS language
            FROM reminders AS r
            JOIN festivals AS f ON f.id = r.festival_id
            LEFT JOIN subscribers AS s ON s.chat_id = r.chat_id AND s.active = 1
            LEFT JOIN chat_languages AS l ON l.chat_id = r.chat_id
            WHERE f.starts_on IS NOT NULL AND coalesce(f.ends_on, f.starts_on) >= ?
              AND (coalesce(r.week_for, '') != f.starts_on
                   OR coalesce(r.day_for, '') != f.starts_on)
            ORDER BY f.starts_on, r.festival_id, r.chat_id
            """,
            (from_date(since),),
        )
        return [
            DueReminder(
                chat_id=row["chat_id"],
                festival_id=row["festival_id"],
                starts_on=to_date(row["starts_on"]),
                ends_on=to_date(row["ends_on"]),
                week_for=to_date(row["week_for"]),
                day_for=to_date(row["day_for"]),
                digest_time=row["digest_time"],
                timezone=row["timezone"],
                language=row["language"],
            )
            for row in rows
        ]

    async def mark(self, done: Iterable[tuple[int, int, Stage, date]]) -> None:
        """Record ``(chat, festival, stage, opening day)``: that reminder is done."""
        async with self._db.transaction():
            for chat_id, festival_id, stage, starts_on in done:
                await self._db.execute(
                    f"UPDATE reminders SET {_COLUMN[stage]} = ? "
                    "WHERE chat_id = ? AND festival_id = ?",
                    (from_date(starts_on), chat_id, festival_id),
                )

    async def drop_queued(self, kind: str, festival_id: int) -> int:
        """Forget a deleted festival's reminders still waiting in the outbox."""
        return await self._db.execute(
            "DELETE FROM outbox WHERE kind = ? AND state = 'pending' AND ref LIKE ?",
            (kind, f"{festival_id}:%"),
        )
