"""Ids typed by users or carried by buttons → ints SQLite can hold, or None."""

from __future__ import annotations

# SQLite integers are signed 64-bit: a larger id would raise OverflowError on the way in.
MAX_ID = 2**63 - 1


def parse_id(text: str) -> int | None:
    """``12`` or ``#12`` → 12; None for anything else, 0, or a number past SQLite's range."""
    cleaned = text.strip().removeprefix("#")
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > len(str(MAX_ID)):
        return None
    number = int(cleaned)
    return number if 1 <= number <= MAX_ID else None
