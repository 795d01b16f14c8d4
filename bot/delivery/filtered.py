"""Digests of readers who chose what they receive: the same digest, with only what they chose.

Most readers choose nothing and share one composed digest per (watermark, day); a reader who
chose gets one composed from the same candidates, filtered (``bot.newsroom.filters``), shared
with every reader in the batch who made the same choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from telegram import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.newsroom.filters import admits, admits_festival
from bot.render.digest import DIGEST_ARTICLES, digest_message
from storage import Store
from storage.filters import ReaderFilter
from storage.models import Article, Festival, Rate
from storage.tags import Facets

# The newest articles after a watermark a filter looks through (a day's news is far fewer).
FILTER_CANDIDATES = 2000

Content = tuple[int, str, InlineKeyboardMarkup | None]


@dataclass(slots=True)
class FilteredDigests:
    """Composes filtered digests, reading each watermark's candidates once."""

    store: Store
    rates: Sequence[Rate]
    festivals: Sequence[Festival]
    _candidates: dict[tuple[int, frozenset[int]], list[tuple[Article, Facets]]] = field(
        default_factory=dict
    )
    _contents: dict[tuple[str, int, date, frozenset[int], ReaderFilter], Content] = field(
        default_factory=dict
    )

    async def content(
        self,
        t: Translator,
        choice: ReaderFilter,
        watermark: int,
        day: date,
        exclude: frozenset[int],
    ) -> Content:
        """(articles chosen, HTML in ``t``'s language, markup) of one reader's digest; 0 and no
        text when the choice leaves nothing new."""
        key = (t.code, watermark, day, exclude, replace(choice, chat_id=0))
        if key not in self._contents:
            self._contents[key] = await self._compose(t, choice, watermark, day, exclude)
        return self._contents[key]

    async def _compose(
        self,
        t: Translator,
        choice: ReaderFilter,
        watermark: int,
        day: date,
        exclude: frozenset[int],
    ) -> Content:
        if (watermark, exclude) not in self._candidates:
            self._candidates[(watermark, exclude)] = await self.store.tags.newer_than(
                watermark, FILTER_CANDIDATES, exclude=sorted(exclude)
            )
        chosen = [a for a, f in self._candidates[(watermark, exclude)] if admits(choice, a, f)]
        if not chosen:
            return 0, "", None
        festivals = [f for f in self.festivals if admits_festival(choice, f)]
        text, markup = digest_message(
            t, day, chosen[:DIGEST_ARTICLES], len(chosen), self.rates, festivals
        )
        return len(chosen), text, markup


async def readers_of(store: Store, chat_ids: list[int], article_id: int) -> list[int]:
    """The chats among ``chat_ids`` whose choice lets the article through ("publish now")."""
    narrowing = await store.filters.narrowing()
    if not narrowing:
        return chat_ids
    facets = await store.tags.of(article_id)
    if facets is None:
        return chat_ids
    article = await store.articles.get(article_id)
    return [
        chat_id
        for chat_id in chat_ids
        if (choice := narrowing.get(chat_id)) is None or admits(choice, article, facets)
    ]
