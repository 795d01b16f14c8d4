"""Festivals: finding them by what people type (forgiving of case, accents, typos and partial
names), and their order in lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from rapidfuzz import fuzz

from storage.models import Festival
from storage.names import name_key

# Words most names share (and numbers such as a year) count for little, so that
# "berlin film festival" finds nothing and "bishkek festival 2025" finds Bishkek.
GENERIC_WORDS = frozenset(
    {"film", "films", "festival", "festivals", "fest", "international", "award", "awards", "camp"}
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

def find_festivals(query: str, festivals: Iterable[Festival]) -> list[Festival]:
    """The festivals ``query`` names, best first: one is a clear match, several are choices.

    An exact name or alias wins outright. Otherwise each festival scores by its best name;
    the best one is the answer when no other comes within ``CLOSE_MARGIN`` of it, and else
    every festival that does is a choice (at most ``MAX_CHOICES``).
    """
    wanted = name_key(query)
    if not wanted:
        return []
    candidates = list(festivals)
    exact = [f for f in candidates if wanted in {name_key(name) for name in f.names}]
    if exact or len(wanted.replace(" ", "")) < MIN_QUERY_CHARS:
        return exact
    scored = [(_festival_score(wanted, festival), festival) for festival in candidates]
    matching = sorted(
        ((score, festival) for score, festival in scored if score >= MATCH_SCORE),
        key=lambda pair: (-pair[0], pair[1].name.casefold()),
    )
    if not matching:
        return []
    best = matching[0][0]
    return [festival for score, festival in matching if score >= best - CLOSE_MARGIN][:MAX_CHOICES]


def _festival_score(wanted: str, festival: Festival) -> float:
    return max(name_score(wanted, name_key(name)) for name in festival.names)


def name_score(wanted: str, name: str) -> float:
    """How well a normalised query matches a normalised name, 0-100."""
    if wanted == name:
        return 100.0
    whole = fuzz.ratio(wanted.replace(" ", ""), name.replace(" ", ""))
    words = [word for word in wanted.split() if word not in STOP_WORDS] or wanted.split()
    name_words = name.split()
    scores = [_word_score(word, name_words) for word in words]
    weights = _weights(words)
    by_words = sum(s * w for s, w in zip(scores, weights, strict=True)) / sum(weights)
    if len(words) > 1 and f" {' '.join(words)} " not in f" {name} ":
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


def order_festivals(
    festivals: Sequence[Festival], today: date
) -> tuple[list[Festival], list[Festival], list[Festival]]:
    """(upcoming or running soonest first, past latest first, undated by name)."""
    upcoming: list[Festival] = []
    past: list[Festival] = []
    undated: list[Festival] = []
    for festival in festivals:
        last_day = festival.ends_on or festival.starts_on
        if last_day is None:
            undated.append(festival)
        elif last_day >= today:
            upcoming.append(festival)
        else:
            past.append(festival)
    upcoming.sort(key=_by_start)
    past.sort(key=_by_start, reverse=True)
    undated.sort(key=lambda f: f.name.casefold())
    return upcoming, past, undated


def _by_start(festival: Festival) -> tuple[date, str]:
    return festival.starts_on or festival.ends_on or date.min, festival.name.casefold()
