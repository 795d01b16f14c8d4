"""Finding the festivals an article names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from storage.models import Festival


class MentionFinder:
    """Matches festival names and aliases as whole words, ignoring case and spacing."""

    def __init__(self, festivals: Iterable[Festival]) -> None:
        self._patterns = [
            (festival.id, re.compile(_names_pattern(festival.names), re.IGNORECASE))
            for festival in festivals
        ]

    def find(self, *texts: str) -> list[int]:
        """The ids of the festivals named in any of ``texts``."""
        return [
            festival_id
            for festival_id, pattern in self._patterns
            if any(pattern.search(text) for text in texts)
        ]


def _names_pattern(names: Iterable[str]) -> str:
    alternatives = sorted(
        (r"\s+".join(map(re.escape, name.split())) for name in names if name.strip()),
        key=len,
        reverse=True,
    )
    return rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)"
