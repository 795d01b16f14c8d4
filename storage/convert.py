"""Converting between SQLite's text columns and Python values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload


@overload
def to_date(value: str) -> date: ...
@overload
def to_date(value: None) -> None: ...
@overload
def to_date(value: str | None) -> date | None: ...
def to_date(value: str | None) -> date | None:
    """``YYYY-MM-DD`` → date."""
    return None if value is None else date.fromisoformat(value)


def from_date(value: date | None) -> str | None:
    """date → ``YYYY-MM-DD``."""
    return None if value is None else value.isoformat()


def to_datetime(value: str) -> datetime:
    """An ISO timestamp stored in UTC → aware datetime."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def from_datetime(value: datetime) -> str:
    """Aware datetime → ISO timestamp in UTC, second precision, ``Z`` suffix."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
