"""Whether a reader's choice of what they receive lets an article or a festival through.

The choice (``storage.filters.ReaderFilter``): countries and topics ticked (none ticked: any),
words to include (none: any) or exclude, festivals followed. An article passes when it has no
excluded word and either names a followed festival or has a ticked country, a ticked topic and
an included word (each where any was chosen). Words match as the search matches them: in any
form and either alphabet (``storage.analysis``). A festival (its reminders, a digest's "Coming
up") passes when followed, or when its country is ticked (or none is), festivals are among the
topics ticked (or none is) and its names hold no excluded word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.newsroom.tags import COUNTRY_BITS, TOPIC_BITS, Topic, tag_bits
from storage.analysis import index_terms, word_terms
from storage.filters import ReaderFilter
from storage.models import Article, Festival
from storage.tags import Facets

_COUNTRIES = sum(COUNTRY_BITS.values())
MAX_WORDS = 10  # words (or short phrases) in each typed list
MAX_WORD_CHARS = 40
_SEPARATORS = re.compile(r"[,;\n]+")
_NONE = frozenset({"-", "–", "—"})


def parse_words(text: str) -> tuple[str, ...] | None:
    """Typed words, separated by commas → the list ("-" clears it); None when unreadable: too
    many, too long, or without a letter or digit."""
    if text.strip() in _NONE:
        return ()
    phrases = [" ".join(part.split()) for part in _SEPARATORS.split(text)]
    phrases = [phrase for phrase in phrases if phrase]
    if not phrases or len(phrases) > MAX_WORDS:
        return None
    if any(len(p) > MAX_WORD_CHARS or not index_terms(p) for p in phrases):
        return None
    return tuple(dict.fromkeys(phrases, None))


def has_words(terms: frozenset[str], phrase: str) -> bool:
    """Whether every word of ``phrase`` is among an article's search ``terms`` (in any form)."""
    words = [word_terms(word) for word in phrase.split()]
    words = [forms for forms in words if forms]
    return bool(words) and all(any(form in terms for form in forms) for forms in words)


def _any_word(terms: frozenset[str], phrases: Iterable[str]) -> bool:
    return any(has_words(terms, phrase) for phrase in phrases)


def admits(choice: ReaderFilter, article: Article, facets: Facets) -> bool:
    """Whether a reader with this choice receives the article."""
    if choice.exclude and _any_word(facets.terms, choice.exclude):
        return False
    if facets.festivals & choice.festivals:
        return True
    tags = facets.tags if facets.tags is not None else tag_bits(article.title, article.body)
    if choice.countries and not tags & choice.countries:
        return False
    if choice.topics and not tags & choice.topics:
        return False
    return not choice.include or _any_word(facets.terms, choice.include)


def admits_festival(choice: ReaderFilter, festival: Festival) -> bool:
    """Whether a reader with this choice hears of the festival (reminders, "Coming up")."""
    if festival.id in choice.festivals:
        return True
    if choice.exclude:
        names = frozenset(index_terms(" ".join(festival.names)).split())
        if _any_word(names, choice.exclude):
            return False
    if choice.countries:
        place = " ".join(part for part in (festival.city, festival.country) if part)
        if not tag_bits(place, "") & _COUNTRIES & choice.countries:
            return False
    return not choice.topics or bool(choice.topics & TOPIC_BITS[Topic.FESTIVALS])
