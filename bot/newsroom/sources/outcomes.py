"""What one fetch of a live source did (``Outcome``), and what the admins are told of a source
that fails or recovers (``Alert``, its kind, and the ``Watch`` that routes it to them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.sources import SourceKind, SourceSpec


class AlertKind(StrEnum):
    """What the admins are told about a source."""

    FAILING = "failing"
    RECOVERED = "recovered"


@dataclass(frozen=True, slots=True)
class Alert:
    """A source that started failing (``poller.ALERT_AFTER`` times in a row) or works again."""

    kind: AlertKind
    source: SourceSpec
    failures: int
    error: str | None
    next_at: datetime | None


@dataclass(frozen=True, slots=True)
class Watch:
    """Who hears of failing sources, and how: the admins' ids, an outbox kind, and the text
    each admin gets (``texts(alert, admin_ids)``: admin id → text, in each one's language)."""

    admin_ids: frozenset[int]
    outbox_kind: str
    texts: Callable[[Alert, Sequence[int]], Awaitable[Mapping[int, str]]]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one fetch of one source did."""

    name: str
    kind: SourceKind
    added: tuple[str, ...] = ()  # titles of the new articles
    rates: int = 0
    completed: int = 0
    not_modified: bool = False
    error: str | None = None
    alert: AlertKind | None = None

    @property
    def count(self) -> int:
        """Articles or rates added."""
        return len(self.added) + self.rates
