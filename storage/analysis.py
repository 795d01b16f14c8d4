"""Search text analysis: every word → script-neutral Latin stems, for an FTS5 ``terms`` column.

Readers search in Russian and English, in Cyrillic and Latin letters, so a word is indexed as
one or two ASCII terms that its other spellings and forms share: ``Бишкеке``, ``Бишкек`` and
``Bishkek`` all give ``bishkek``; ``фестивали``, ``фестиваль``, ``festival`` and ``festivals``
all give ``festiv``. How a word is analysed:

* English (an ASCII word): the Snowball English stem.
* Russian (a Cyrillic word of Russian letters only): two terms, both kept. (a) the Snowball
  Russian stem, transliterated, then stemmed as English (``фестивали`` → ``фестива`` →
  ``festiva``); (b) the whole word transliterated, then stemmed as English (``Астана`` →
  ``astana``). Path (a) alone loses ``Astana`` (Russian strips ``-на``: ``аста``), path (b)
  alone loses ``фильмов``/``films``; with both, 15 of the 17 test groups meet (see the tests).
* Any other word (Kazakh, Kyrgyz, Uzbek, Tajik letters such as қ ғ ө ү ң ҳ ҷ ў; Latin with
  diacritics such as Turkmen ş or Uzbek ʻ): transliterated and folded only, never stemmed.
* Last, every term is folded: trailing vowels are dropped while 3 letters remain, so that the
  English stems of ``Almaty``/``Astana`` (``almati``/``astana``) meet the Russian ones
  (``алмат``/``астан``). It costs some precision (``data`` and ``date`` meet), which ranking
  on the exact word gives back.

Transliteration is ``anyascii``: one table for every script (so Kazakh ``Қазақстан`` →
``qazaqstan``, Uzbek ``Самарқанд`` → ``samarqand``, Tajik ``Хуҷанд`` → ``khujand``, the region's
own Latin spellings, where Unidecode gives ``k'azak'stan`` and iuliia's Russian schemes leave
``қ`` as it is), ``ё`` → ``e`` as Russians type it; typed, pure Python, ISC, maintained. Two
small normalisations, no word lists: apostrophes of every kind (' ` ’ ʻ ʼ ʹ) inside a word are
dropped, so ``O'zbekiston`` = ``Oʻzbekiston``, ``Kazakhstan's`` stems as ``kazakhstans`` and the
soft sign (``фильм`` → ``fil'm``) vanishes: ``film``; and ``дж`` is ``j`` (not ``dzh``), as
English writes the region's names: ``Таджикистан`` = ``Tajikistan``, ``Худжанд`` = ``Khujand``.
What still does not meet (``Ташкент``/``Toshkent``, ``Ашхабад``/``Ashgabat``,
``Казахстан``/``Qazaqstan``…) is listed in tests/test_analysis.py.

Stemming is PyStemmer (Snowball compiled to C) rather than the pure-Python snowballstemmer, for
speed at ingest, where every new word form is stemmed: measured with ``bench/bench_analysis.py``
(stemmers' caches off, 1,100-1,600 distinct forms), PyStemmer takes 0.33 µs a word in English
and 0.38 µs in Russian, snowballstemmer 21 µs in both: 55-65 times slower, which would make a
Russian word never seen before cost about 65 µs instead of 5 µs. Stemmer objects are not
thread-safe, so each thread gets its own. The analysis of each distinct word form is kept in an
LRU cache, as news repeats its words: a 600-character article takes about 20 µs once its words
are known (about 80 µs in English, 210 µs in Russian when none is).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import Stemmer  # type: ignore[import-not-found]  # PyStemmer: a C extension with no stubs
from anyascii import anyascii

# Stored with the index: changing what a word's terms are means a new version, and the terms of
# every article are computed again at the next start (storage/search_index.py).
ANALYSIS_VERSION = "1"
MAX_QUERY_TERMS = 12  # words of a query past these are ignored
MAX_WORD_LENGTH = 64  # longer words are analysed on their first 64 characters
MIN_PREFIX_LENGTH = 2  # ``a*`` would expand to a large part of the vocabulary: dropped
WORD_CACHE_SIZE = 1 << 17  # distinct lower-case word forms whose analysis is kept

# Apostrophes inside a word join its parts (Uzbek oʻ/gʻ, English 's, a soft sign transliterated
# as '); ʹ ʻ ʼ ʽ are letters to Unicode, the others punctuation.
_APOSTROPHES = "'`\u00b4\u2018\u2019\u02b9\u02bb\u02bc\u02bd"
# Letters and digits (and combining marks, as in a decomposed й); "_" is made a space first.
_LETTERS = r"[\w\u0300-\u036f]+"
_WORD_PATTERN = rf"{_LETTERS}(?:[{_APOSTROPHES}]{_LETTERS})*"
_WORD = re.compile(_WORD_PATTERN)
_PLAIN_WORD = re.compile(r"\w+")
_SPECIAL = re.compile(f"[{_APOSTROPHES}\u0300-\u036f]")
_QUERY_WORD = re.compile(rf"({_WORD_PATTERN})(\*?)")
_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")
_CYRILLIC = re.compile("[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
_NOT_RUSSIAN = re.compile("[^а-яё0-9]")
_DROP_APOSTROPHES = MappingProxyType(str.maketrans("", "", _APOSTROPHES))
# anyascii is per character: its Cyrillic, taken once, serves ``str.translate`` (5 times faster)
_CYRILLIC_LATIN = MappingProxyType({code: anyascii(chr(code)) for code in range(0x400, 0x530)})
_VOWELS = "aeiouy"
_MIN_FOLDED = 3
_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One query word: as typed, folded in its own script, its index terms, and if a prefix."""

    word: str  # as typed, without the ``*``
    exact: str  # case and accents folded (as ``unicode61 remove_diacritics 2``): exact forms
    stems: tuple[str, ...]  # terms of the ``terms`` column; any one of them matches
    prefix: bool  # typed with a trailing ``*``: each stem is a prefix
    # Terms matched whole beside the stems, even by a prefix: those the stemmer cut inside a
    # prefix's typed letters (``zhan`` of ``Zhanys*``) when its other stems stay prefixes.
    whole: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[tuple[str, bool], ...]:
        """Each term the word matches, and whether as a prefix: its stems, then ``whole``."""
        return tuple((stem, self.prefix) for stem in self.stems) + tuple(
            (term, False) for term in self.whole
        )


@lru_cache(maxsize=64)
def _stemmer(language: str, thread: int) -> Stemmer.Stemmer:
    """A Snowball stemmer of ``language`` for one thread (PyStemmer's are not thread-safe)."""
    del thread  # only part of the cache key
    return Stemmer.Stemmer(language, 0)  # its own cache off: ``_analysed`` caches words


def _stem(language: str, word: str) -> str:
    """The Snowball stem of a lower-case word."""
    stem: str = _stemmer(language, threading.get_ident()).stemWord(word)
    return stem


def _latin(word: str) -> str:
    """A word in lower-case ASCII letters and digits, transliterated with ``anyascii``."""
    if not word.isascii():
        if "дж" in word:  # English writes the region's дж as j: Tajik, Khujand, Jalal-Abad
            word = word.replace("дж", "j")
        word = word.translate(_CYRILLIC_LATIN)
        if not word.isascii():
            word = anyascii(word)
    word = word.lower()
    return word if word.isalnum() else _NOT_ASCII_ALNUM.sub("", word)


def _fold(stem: str) -> str:
    """A stem without its trailing vowels, while at least 3 letters remain."""
    folded = stem.rstrip(_VOWELS)
    return folded if len(folded) >= _MIN_FOLDED else stem


class _WordTerms(dict[str, str]):
    """Lower-case word form → its index terms, filled in as words are met and emptied when
    full. A dict rather than an LRU cache: a hit is a plain lookup, the cost of most words."""

    def __missing__(self, word: str) -> str:
        if len(self) >= WORD_CACHE_SIZE:
            self.clear()
        terms = self[word] = _analysis(word)
        return terms


_WORD_TERMS = _WordTerms()


def _analysed(word: str) -> str:
    """The index terms of one lower-case word, space-separated ('' when it has none)."""
    return _WORD_TERMS[word]


def clear_cache() -> None:
    """Forget every word's and token's analysis (for benchmarks of words never seen)."""
    _WORD_TERMS.clear()
    _TOKEN_TERMS.clear()


def _analysis(word: str) -> str:
    """``_analysed`` without the cache."""
    word = word[:MAX_WORD_LENGTH]
    if not word.isalnum():  # apostrophes (or combining marks)
        word = word.translate(_DROP_APOSTROPHES)
    if word.isascii():
        latin = _latin(word)
        return _fold(_stem("english", latin)) if latin else ""
    if not _CYRILLIC.search(word):  # Latin with diacritics, Greek…: folded only
        return _fold(_latin(word))
    if _NOT_RUSSIAN.search(word):  # Kazakh, Kyrgyz, Uzbek, Tajik…: folded only
        return _fold(_latin(word))
    stemmed = _latin(_stem("russian", word))  # empty for "ь"
    first = _fold(_stem("english", stemmed)) if stemmed else ""
    second = _fold(_stem("english", _latin(word)))
    return first if second in (first, "") else f"{first} {second}".lstrip()


def _prepared(text: str) -> str:
    """Text composed (NFC) and with "_" as a space, ready to split into words."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.replace("_", " ") if "_" in text else text


def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one word (one or two; none for a word without letters or digits)."""
    return tuple(
        term
        for found in _WORD.findall(_prepared(word).lower())
        for term in _analysed(found).split()
    )


def analysed(word: str) -> list[str]:
    """The index terms of one word as ``words_of`` finds it (none for a word without any)."""
    return _analysed(word.lower()).split()


class _TokenTerms(dict[str, str]):
    """A whitespace-separated token as a text has it (``Film,``) → its index terms, filled in
    and emptied like ``_WordTerms``. A word never spans whitespace, so a text's terms are its
    tokens' terms in order; looking a token up skips lower-casing and the word pattern, most
    of the cost of a text whose tokens were seen (news repeats them, punctuation included)."""

    def __missing__(self, token: str) -> str:
        if len(self) >= WORD_CACHE_SIZE:
            self.clear()
        terms = self[token] = _text_terms(token)
        return terms


_TOKEN_TERMS = _TokenTerms()


def index_terms(text: str) -> str:
    """The text for the ``terms`` column: each word's terms, in order, space-separated."""
    terms = " ".join(map(_TOKEN_TERMS.__getitem__, text.split()))
    # A token without terms left two spaces (or one at an end): rarer than filtering each one.
    if "  " in terms or terms[:1] == " " or terms[-1:] == " ":
        return " ".join(terms.split())
    return terms


def _text_terms(text: str) -> str:
    """``index_terms`` without the token cache."""
    text = _prepared(text).lower()
    # Without apostrophes and combining marks, a word is a plain run of \w: a faster pattern.
    words = (_WORD if _SPECIAL.search(text) else _PLAIN_WORD).findall(text)
    terms = " ".join(map(_WORD_TERMS.__getitem__, words))
    # A word without terms left two spaces (or one at an end): rarer than filtering each word.
    if "  " in terms or terms[:1] == " " or terms[-1:] == " ":
        return " ".join(terms.split())
    return terms


def words_of(text: str) -> list[re.Match[str]]:
    """The words of a text as the index sees them, with their places in ``text``."""
    return list(_WORD.finditer(text))


def any_phrase_match(phrases: list[str]) -> str | None:
    """An FTS5 expression finding the rows that hold every term of any of ``phrases``.

    A candidate search: an index without positions (``detail = none``) can't match phrases, so
    the terms may be anywhere in the row; None when no phrase has a term.
    """
    groups = [" AND ".join(map(_quoted, terms.split())) for terms in map(index_terms, phrases)]
    found = [f"({group})" for group in groups if group]
    return " OR ".join(found) if found else None


def any_phrase_tsquery(phrases: list[str]) -> str | None:
    """``any_phrase_match`` as a PostgreSQL ``tsquery`` (see ``ts_query``)."""
    groups = [" & ".join(map(_lexeme, terms.split())) for terms in map(index_terms, phrases)]
    found = [f"({group})" for group in groups if group]
    return " | ".join(found) if found else None


def exact_form(word: str) -> str:
    """A word with case and accents folded, as FTS5's ``unicode61 remove_diacritics 2``."""
    folded = word.casefold()
    if folded.isascii():
        return folded
    return _COMBINING.sub("", unicodedata.normalize("NFKD", folded))


def query_terms(words: str) -> list[QueryTerm]:
    """The distinct words of a query (at most ``MAX_QUERY_TERMS``), analysed as the index is."""
    found: list[QueryTerm] = []
    seen: set[tuple[tuple[str, ...], bool]] = set()
    for match in _QUERY_WORD.finditer(_prepared(words)):
        word, prefix = match.group(1)[:MAX_WORD_LENGTH], bool(match.group(2))
        lower = word.lower()
        stems = _analysed(lower).split()
        if prefix:  # the stem of a word's start may not start its stem: keep the start too
            stems.append(_latin(lower.translate(_DROP_APOSTROPHES)))
            stems = [stem for stem in stems if len(stem) >= MIN_PREFIX_LENGTH]
        unique = tuple(dict.fromkeys(stems))
        if not unique or (unique, prefix) in seen:
            continue
        seen.add((unique, prefix))
        found.append(QueryTerm(word, exact_form(word), unique, prefix))
        if len(found) == MAX_QUERY_TERMS:
            break
    return found


def _quoted(term: str) -> str:
    """An FTS5 string: in double quotes, inner ones doubled (a bareword could be an operator)."""
    return '"' + term.replace('"', '""') + '"'


def fts_match(terms: list[QueryTerm], columns: tuple[str, ...] | None = ("terms",)) -> str | None:
    """The FTS5 MATCH expression finding every term in ``columns`` (None: in any column, for an
    index without column details); None when there is no term."""
    # A term's stems are alternatives (OR), every term is required (AND), a prefix is "stem" *.
    # Each stem is quoted, so no input can add an operator, a column filter or a NEAR group.
    if columns is not None and (
        not columns or not all(_COLUMN.fullmatch(column) for column in columns)
    ):
        raise ValueError(f"not column names: {columns!r}")
    parts = []
    for term in terms:
        alternatives = [
            _quoted(stem) + (" *" if prefix else "") for stem, prefix in term.forms if stem
        ]
        if len(alternatives) == 1:
            parts.append(alternatives[0])
        elif alternatives:
            parts.append("(" + " OR ".join(alternatives) + ")")
    if not parts:
        return None
    if columns is None:
        return " AND ".join(parts)
    return "{" + " ".join(columns) + "} : (" + " AND ".join(parts) + ")"


def _lexeme(term: str) -> str:
    """A ``tsquery`` lexeme: in single quotes, inner ones doubled and backslashes escaped (the
    input syntax, not a parser's: no configuration normalises it, as the index's terms are
    already)."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def ts_query(terms: list[QueryTerm]) -> str | None:
    """``fts_match`` for PostgreSQL: the ``tsquery`` text (cast with ``::tsquery``) finding every
    term in the ``terms`` tsvector, a term's stems OR'd, a prefix as ``'stem':*``; None when
    there is no term."""
    parts = []
    for term in terms:
        alternatives = [
            _lexeme(stem) + (":*" if prefix else "") for stem, prefix in term.forms if stem
        ]
        if alternatives:
            parts.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(parts) if parts else None
