"""The words names are told apart by (connectors, generic words, the verbs of headlines), the
loose key two names of one article meet under, and where a keyword's letters occur."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from storage.names import name_key


def word_list(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of a table written as text."""
    return tuple(text.split())


# Words that may sit inside a name ("Festival of the Nations", "Lisbon & Sintra").
CONNECTORS = frozenset({"of", "and", "the", "&", "de", "del", "la", "le", "du", "da"})
# Leading words that are never part of a name: "At the", "This Year's", "Our", "Following".
LEADING = frozenset(
    word_list(
        """
        the a an at in on of and for to from with by as this that these those last next year year's
        years' our their his her its my your every each annual new upcoming forthcoming recent best
        following during including featuring according after before despite like unlike meanwhile
        here there then now also yet but so organized organised held hosted while when since both
        all many some several about i we you he she it they
        january february march april may june july august september october november december
        """
    )
)
# Words that are no name of their own: a name needs one word that is not among these.
_GENERIC = LEADING | frozenset(
    word_list(
        """
        international national regional local world global film films cinema movie movies
        documentary documentaries short shorts feature animation animated festival festivals fest
        award awards prize camp lab laboratory audience jury special main grand annual major big
        biggest largest oldest famous prestigious renowned actor actress director directors picture
        screenplay cinematography score debut student students youth children's kids independent
        """
    )
)
# Words a name never runs across: prepositions and the verbs of headlines.
BREAKS = frozenset(
    word_list(
        """
        at in on to from with by as via into about after before during near over under amid or
        wins won win takes took opens opened closes closed hosts hosted brings brought celebrates
        celebrated showcases showcased returns announces announced screens screened premieres
        premiered heads goes gets receives received honors honours names selects joins launches
        launched welcomes invites invited features featured presents presented marks kicks set sets
        prepares is are was were will
        """
    )
)
FILM_WORDS = frozenset({"film", "films", "cinema", "movie", "movies", "documentary", "kino"})
_LOOSE_DROP = frozenset({"international", "film", "films", "cinema", "movie", "международныи"})
_LOOSE_SWAP = {"кинофестиваль": "фестиваль", "кинопремия": "премия", "award": "awards"}


def loose_key(name: str) -> str:
    """A looser key, for names of one article: "Bishkek festival" = "Bishkek International …"."""
    words = [_LOOSE_SWAP.get(word, word) for word in name_key(name).split()]
    return " ".join(word for word in words if word not in _LOOSE_DROP)


def distinctive(words: Sequence[str]) -> bool:
    """Whether some word is more than a generic one."""
    return any(
        word.casefold().removesuffix("'s").removesuffix("’s") not in _GENERIC
        and word.casefold() not in CONNECTORS
        for word in words
    )


def occurrences(text: str, hints: Iterable[str]) -> Iterator[tuple[str, int]]:
    """Every hint and each place it occurs at in ``text``."""
    for hint in hints:
        at = text.find(hint)
        while at >= 0:
            yield hint, at
            at = text.find(hint, at + 1)
