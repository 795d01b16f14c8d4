"""Finding festivals by what people type: forgiving of case, accents, typos, partial names and
alphabet; the names' keys are worked out once per reading of the festivals (``Lookup``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from storage.analysis import word_terms
from storage.festival_reads import Catalog
from storage.models import Festival
from storage.names import name_key

# Words most names share (and numbers such as a year) count for little, so that
# "berlin film festival" finds nothing and "bishkek festival 2025" finds Bishkek.
_GENERIC = frozenset(
    {"film", "films", "festival", "festivals", "fest", "international", "award", "awards", "camp"}
)
_RU_GENERIC = frozenset(
    {"кинофестиваль", "фестиваль", "кино", "фильм", "премия", "кинопремия", "международный"}
)
# ... and their forms in Latin letters (``latin``), for queries in another alphabet.
GENERIC_WORDS = _GENERIC | frozenset(
    term for word in _GENERIC | _RU_GENERIC for term in word_terms(word)
)
STOP_WORDS = frozenset({"the", "of", "and", "in", "at", "a", "an", "de", "la", "le", "del"})
GENERIC_WEIGHT = 0.2
MIN_QUERY_CHARS = 3  # shorter queries must equal a name or an alias
MIN_FUZZY_CHARS = 4  # shorter words must match exactly or as a prefix
WORD_TYPO_SCORE = 80.0  # rapidfuzz ratio from which a word counts as the same with a typo
PREFIX_SCORE = 95.0
SPLIT_PENALTY = 3.0  # the query's words are all in the name, but not side by side
MATCH_SCORE = 75.0  # from this score a festival matches at all
CLOSE_MARGIN = 10.0  # festivals within this of the best are shown as choices
MAX_CHOICES = 8


def find_festivals(query: str, festivals: Catalog | Iterable[Festival]) -> list[Festival]:
    """The festivals ``query`` names, best first: one is a clear match, several are choices.

    An exact name or alias wins outright. Otherwise each festival scores by its best name;
    the best one is the answer when no other comes within ``CLOSE_MARGIN`` of it, and else
    every festival that does is a choice (at most ``MAX_CHOICES``). Given the store's
    ``Catalog``, the names' keys are worked out once per reading of the festivals.
    """
    wanted = name_key(query)
    if not wanted:
        return []
    if isinstance(festivals, Catalog):
        lookup = festivals.derived(Lookup.of)
    else:
        lookup = Lookup.of(Catalog(tuple(festivals)))
    exact = list(lookup.by_key.get(wanted, ()))
    if exact or len(wanted.replace(" ", "")) < MIN_QUERY_CHARS:
        return exact
    asked = _Query.of(wanted)
    scored = [(_festival_score(asked, entry), entry.festival) for entry in lookup.entries]
    matching = sorted(
        ((score, festival) for score, festival in scored if score >= MATCH_SCORE),
        key=lambda pair: (-pair[0], pair[1].name.casefold()),
    )
    if not matching:
        return []
    best = matching[0][0]
    return [festival for score, festival in matching if score >= best - CLOSE_MARGIN][:MAX_CHOICES]


@dataclass(frozen=True, slots=True)
class _Key:
    """A name key as scoring compares it: whole, without spaces, and word by word."""

    text: str
    joined: str
    words: tuple[str, ...]
    padded: str  # " text ", to find a run of words in it

    @classmethod
    def of(cls, key: str) -> _Key:
        return cls(key, key.replace(" ", ""), tuple(key.split()), f" {key} ")


@dataclass(frozen=True, slots=True)
class _Name:
    """One name of a festival: its key, and its key in Latin letters (for another alphabet)."""

    key: _Key
    latin: _Key


@dataclass(frozen=True, slots=True)
class _Entry:
    festival: Festival
    names: tuple[_Name, ...]


@dataclass(frozen=True, slots=True)
class Lookup:
    """The festivals with their names' keys worked out, as ``find_festivals`` compares them."""

    entries: tuple[_Entry, ...]
    by_key: dict[str, tuple[Festival, ...]]  # a name's or alias's key → its festivals

    @classmethod
    def of(cls, catalog: Catalog) -> Lookup:
        """The lookup of a catalog's festivals (in its order)."""
        by_key: dict[str, list[Festival]] = {}
        entries = []
        for festival in catalog.festivals:
            keys = list(dict.fromkeys(name_key(name) for name in festival.names))
            for key in keys:
                by_key.setdefault(key, []).append(festival)
            names = tuple(_Name(_Key.of(key), _Key.of(latin(key))) for key in keys)
            entries.append(_Entry(festival, names))
        return cls(tuple(entries), {key: tuple(found) for key, found in by_key.items()})


@dataclass(frozen=True, slots=True)
class _Query:
    """A normalised query as it is scored: its words without stop words, and their weights."""

    key: _Key
    words: tuple[str, ...]
    weights: tuple[float, ...]
    phrase: str | None  # " words " that a name holding them side by side contains

    @classmethod
    def of(cls, wanted: str) -> _Query:
        key = _Key.of(wanted)
        words = tuple(word for word in key.words if word not in STOP_WORDS) or key.words
        phrase = f" {' '.join(words)} " if len(words) > 1 else None
        return cls(key, words, tuple(_weights(words)), phrase)


def _festival_score(asked: _Query, entry: _Entry) -> float:
    best = max(_name_score(asked, name.key) for name in entry.names)
    if best < MATCH_SCORE:
        # Another alphabet: "бишкек" for "Bishkek …", "didor" for "Дидор".
        in_latin: _Query | None = None
        for name in entry.names:
            if not (asked.key.text.isascii() and name.key.text.isascii()):
                in_latin = in_latin or _Query.of(latin(asked.key.text))
                if in_latin.words:
                    best = max(best, _name_score(in_latin, name.latin))
    return best


def latin(key: str) -> str:
    """A name key in Latin letters as search analyses words: "бишкек" → "bishkek"."""
    return " ".join(terms[0] for word in key.split() if (terms := word_terms(word)))


def name_score(wanted: str, name: str) -> float:
    """How well a normalised query matches a normalised name, 0-100."""
    return _name_score(_Query.of(wanted), _Key.of(name))


def _name_score(asked: _Query, name: _Key) -> float:
    if asked.key.text == name.text:
        return 100.0
    whole = fuzz.ratio(asked.key.joined, name.joined)
    scores = [_word_score(word, name.words) for word in asked.words]
    by_words = sum(s * w for s, w in zip(scores, asked.weights, strict=True)) / sum(asked.weights)
    if asked.phrase is not None and asked.phrase not in name.padded:
        by_words -= SPLIT_PENALTY
    return max(by_words, whole if whole >= 90 else 0.0)


def _weights(words: Sequence[str]) -> list[float]:
    if all(word in GENERIC_WORDS or word.isdigit() for word in words):
        return [1.0] * len(words)
    return [GENERIC_WEIGHT if word in GENERIC_WORDS or word.isdigit() else 1.0 for word in words]


def _word_score(word: str, name_words: Sequence[str]) -> float:
    best = 0.0
    for candidate in name_words:
        if word == candidate:
            return 100.0
        if len(word) >= MIN_QUERY_CHARS and candidate.startswith(word):
            best = max(best, PREFIX_SCORE)
        elif len(word) >= MIN_FUZZY_CHARS:
            ratio = fuzz.ratio(word, candidate)
            if ratio >= WORD_TYPO_SCORE:
                best = max(best, ratio)
    return best
