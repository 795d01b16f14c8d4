"""What readers' festival commands read: every festival as read at one moment (``Catalog``, which
``Festivals`` keeps in memory for a few seconds) and a card's data in one statement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from storage.articles import _COLUMNS, DATED, _article
from storage.database import Database
from storage.models import Article, Festival

T = TypeVar("T")

# The card's counts and the chat's buttons beside its newest articles: one row when none names it.
# Parameters: festival, chat, festival, chat, festival, festival, limit (``read_card``).
CARD_SQL = f"""
SELECT c.mentions, c.reminded, c.followed, a.*
FROM (
    SELECT
        (SELECT count(*) FROM festival_mentions WHERE festival_id = ?) AS mentions,
        EXISTS (
            SELECT 1 FROM reminders WHERE chat_id = ? AND festival_id = ?
        ) AS reminded,
        EXISTS (
            SELECT 1 FROM festival_follows WHERE chat_id = ? AND festival_id = ?
        ) AS followed
) AS c
LEFT JOIN (
    SELECT {_COLUMNS}, {DATED} AS dated FROM articles
    WHERE id IN (SELECT article_id FROM festival_mentions WHERE festival_id = ?)
    ORDER BY dated DESC, id DESC LIMIT ?
) AS a ON true
ORDER BY a.dated DESC, a.id DESC
"""


@dataclass(frozen=True, eq=False)
class Catalog:
    """Every festival by name, as read at one moment, and what lookups derive from them."""

    festivals: tuple[Festival, ...]
    _derived: dict[Callable[[Catalog], Any], Any] = field(
        default_factory=dict, init=False, repr=False
    )

    def derived(self, make: Callable[[Catalog], T]) -> T:
        """``make(self)``, made once per catalog (so once per reading of the festivals)."""
        if make not in self._derived:
            self._derived[make] = make(self)
        return cast(T, self._derived[make])


@dataclass(frozen=True, slots=True)
class CardData:
    """What a festival's card shows beside the festival, as one chat sees it."""

    articles: tuple[Article, ...]  # the newest that name it, by their own date
    mentions: int  # how many articles name it
    reminded: bool  # the chat asked for its reminders
    followed: bool  # the chat follows it


async def read_card(db: Database, festival_id: int, chat_id: int, limit: int) -> CardData:
    """A festival's card data for a chat, in one statement."""
    rows = list(
        await db.fetch_all(
            CARD_SQL,
            (festival_id, chat_id, festival_id, chat_id, festival_id, festival_id, limit),
        )
    )
    first = rows[0]  # the counts' one row is always there
    return CardData(
        articles=tuple(_article(row) for row in rows if row["id"] is not None),
        mentions=int(first["mentions"]),
        reminded=bool(first["reminded"]),
        followed=bool(first["followed"]),
    )
