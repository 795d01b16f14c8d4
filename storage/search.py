"""Full-text search over articles: word forms, both alphabets, prefixes, ranked and paged.

A query is analysed as the index is (storage/analysis.py), so ``Бишкек`` finds ``Bishkek`` and
``festivals`` finds ``festival``; the index (FTS5 on SQLite, a tsvector on PostgreSQL:
storage/search_index.py) finds the newest ``SEARCH_CANDIDATES`` articles holding every word,
and storage/ranking.py orders them (title above body, exact form above stem, newer
among equals). A search costs about the same whether a word is in ten articles or in half a
million; the count of matches stops at ``COUNT_CAP``. Only the page's hits get snippets, and a
search repeated while no article changed is answered from memory (storage/search_cache.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from storage import ranking
from storage.analysis import QueryTerm, query_terms
from storage.articles import _COLUMNS, DATED, _article
from storage.convert import from_date
from storage.database import Database, Row
from storage.errors import NotFound
from storage.models import SearchHit, SearchPage
from storage.search_cache import Generation, ResultCache, generation
from storage.search_index import FULL_TEXT
from storage.snippets import SNIPPET_WORDS, Marker
from storage.suggestions import suggest, vocabulary

# A reader pages through the best of the newest matches; ranking costs ~13 µs a candidate.
SEARCH_CANDIDATES = 200
INDEXED_PREFIX = 3  # prefixes of up to 3 letters are indexed (migration 0008)
MAX_EXPANSION = 64  # a longer prefix is searched as the words it starts, when at most these
COUNT_CAP = 1_000  # "1,000+ matches": counting every match of a common word costs too much
SAVED_DAYS = 30  # saved searches (for buttons) unused this long are forgotten
CACHED_PAGES = 128  # pages of results kept while no article changes
CACHED_SUGGESTIONS = 128
SAVED_KEPT = 1_000  # saved searches' numbers remembered (the day they were saved on)

Value = TypeVar("Value")

_EMPTY = SearchPage(hits=(), offset=0, total=0, more=False, ranked=0)


class Search:
    """Searching the articles, suggesting a spelling, and searches kept for buttons."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._full_text = FULL_TEXT[db.dialect]
        self._pages: ResultCache[SearchPage] = ResultCache(CACHED_PAGES)
        self._suggestions: ResultCache[tuple[str | None]] = ResultCache(CACHED_SUGGESTIONS)
        self._saved: dict[str, tuple[date, int]] = {}  # words → (UTC day saved, number)

    async def find(self, words: str, *, offset: int = 0, limit: int = 5) -> SearchPage:
        """The ``limit`` best articles after the ``offset`` better ones, and the match count."""
        terms = query_terms(words)
        if not terms or limit < 1 or offset < 0:
            return _EMPTY
        words_key = tuple((term.word.lower(), term.stems, term.prefix) for term in terms)
        key = (words_key, offset, limit)
        return await self._cached(self._pages, key, lambda: self._find(terms, offset, limit))

    async def _find(self, typed: list[QueryTerm], offset: int, limit: int) -> SearchPage:
        """``find`` without the cache."""
        terms = [await self._expanded(term) for term in typed]
        match = self._full_text.query(terms)
        if match is None:
            return _EMPTY
        rows = await self._full_text.newest(
            self._db,
            match,
            SEARCH_CANDIDATES,
            f"{_COLUMNS}, title_terms, body_terms, {DATED} AS dated",
        )
        if not rows:
            return _EMPTY
        total, more = await self._count(match, [row["id"] for row in rows])
        found = {row["id"]: row for row in rows}
        candidates = [
            ranking.Candidate(
                row["id"],
                date.fromisoformat(row["dated"]),
                row["title"],
                row["body"],
                row["title_terms"],
                row["body_terms"],
            )
            for row in rows
        ]
        ranked = ranking.rank(candidates, terms, await self._idfs(terms, candidates))
        marker = Marker(terms)
        hits = tuple(  # only the page's articles are made and marked: a search ranks 200
            _hit(marker, found[article_id], score)
            for score, article_id in ranked[offset : offset + limit]
        )
        return SearchPage(hits=hits, offset=offset, total=total, more=more, ranked=len(ranked))

    async def hits(self, words: str, limit: int = 5) -> list[SearchHit]:
        """The ``limit`` best articles for ``words`` (the first page of ``find``)."""
        return list((await self.find(words, limit=limit)).hits)

    async def suggest(self, words: str) -> str | None:
        """A spelling of ``words`` that finds articles, from the index's own words; or None."""
        key = " ".join(words.split())
        found = await self._cached(self._suggestions, key, lambda: self._suggest(words))
        return found[0]

    async def _suggest(self, words: str) -> tuple[str | None]:
        """``suggest`` without the cache (as a tuple: a cached None is a result too)."""
        suggestion = await suggest(self._db, words)
        if suggestion is None or not await self._finds_any(suggestion):
            return (None,)
        return (suggestion,)

    async def _finds_any(self, words: str) -> bool:
        """Whether ``words`` find an article (without ranking them)."""
        terms = [await self._expanded(term) for term in query_terms(words)]
        match = self._full_text.query(terms) if terms else None
        if match is None:
            return False
        return await self._full_text.exists(self._db, match)

    async def _cached(
        self,
        cache: ResultCache[Value],
        key: Hashable,
        make: Callable[[], Awaitable[Value]],
    ) -> Value:
        """The result kept for ``key`` while no article changed; else made, and kept when
        nothing was written on this connection meanwhile (it may have read another task's
        transaction, which could still be rolled back)."""
        mark = self._db.read_mark()
        now: Generation = await generation(self._db)
        found = cache.get(now, key)
        if found is not None:
            return found
        made = await make()
        if mark is not None and self._db.read_mark() == mark:
            cache.put(now, key, made)
        return made

    async def save(self, words: str) -> int:
        """A number for ``words`` that a button can carry; unused ones are forgotten later.

        Saved once a day (UTC) per process: a number saved today is not forgotten for
        ``SAVED_DAYS``, so a repeated search writes nothing."""
        today = datetime.now(UTC).date()
        known = self._saved.get(words)
        if known is not None and known[0] == today:
            return known[1]
        async with self._db.transaction():
            await self._db.execute(
                "DELETE FROM saved_searches WHERE used_on < ?",
                (from_date(today - timedelta(days=SAVED_DAYS)),),
            )
            rows = await self._db.fetch_all(
                "INSERT INTO saved_searches (words, used_on) VALUES (?, ?) ON CONFLICT (words) "
                "DO UPDATE SET used_on = excluded.used_on RETURNING id",
                (words, from_date(today)),
            )
        search_id = int(next(iter(rows))[0])
        if len(self._saved) >= SAVED_KEPT:
            self._saved.clear()
        self._saved[words] = (today, search_id)
        return search_id

    async def saved(self, search_id: int) -> str:
        """The words saved as ``search_id``; ``NotFound`` once forgotten."""
        words = await self._db.fetch_value(
            "SELECT words FROM saved_searches WHERE id = ?", (search_id,)
        )
        if words is None:
            raise NotFound(f"no saved search {search_id}")
        return str(words)

    async def _expanded(self, term: QueryTerm) -> QueryTerm:
        """A prefix longer than the indexed ones as the index's words it starts (FTS5 would
        merge every one of their lists in full to find the newest matches); else as it is.
        A word of the vocabulary that no article holds any more matches nothing.

        A stem that begins another stem of the prefix is what the stemmer cut off the typed
        letters (``zhan`` of ``Zhanys*``, ``festiv`` of ``festival*``): the words the reader
        means have it as their whole term, so it is matched whole, never widened to every
        word it begins (``zhan*`` is thousands of names, and FTS5 merged all their lists)."""
        if not term.prefix:
            return term
        cut = tuple(
            stem
            for stem in term.stems
            if any(other != stem and other.startswith(stem) for other in term.stems)
        )
        typed = tuple(stem for stem in term.stems if stem not in cut)
        as_prefix = replace(term, stems=typed, whole=cut)
        if min(map(len, typed)) <= INDEXED_PREFIX:
            return as_prefix
        found: list[str] = []
        for stem in typed:
            found += await vocabulary(self._db, stem, MAX_EXPANSION + 1)
        if not found or len(set(found)) > MAX_EXPANSION:
            return as_prefix
        return replace(term, stems=tuple(dict.fromkeys(found + list(cut))), prefix=False)

    async def _count(self, match: str, candidates: list[int]) -> tuple[int, bool]:
        """How many articles match (exact under ``COUNT_CAP``), and whether there are more."""
        if len(candidates) < SEARCH_CANDIDATES:
            return len(candidates), False
        found = await self._full_text.count(self._db, match, COUNT_CAP + 1, candidates)
        return min(found, COUNT_CAP), found > COUNT_CAP

    async def _idfs(
        self, terms: Sequence[QueryTerm], candidates: Sequence[ranking.Candidate]
    ) -> list[float]:
        """Each word's inverse document frequency, from its newest matches only (a single
        word's are the candidates)."""
        if len(terms) == 1:
            last_id = await self._db.fetch_value("SELECT coalesce(max(id), 0) FROM articles")
            ids = [candidate.id for candidate in candidates]
            spans: list[tuple[int, int | None]] = [(len(ids), min(ids, default=None))]
        else:
            queries = [self._full_text.query([term]) or "" for term in terms]
            last_id, spans = await self._full_text.spans(self._db, queries, SEARCH_CANDIDATES)
        return [
            ranking.idf(ranking.estimated_matches(*span, last_id, SEARCH_CANDIDATES), last_id)
            for span in spans
        ]


def _hit(marker: Marker, row: Row, score: float) -> SearchHit:
    """A search hit: the title and the best window of the body, their matches marked."""
    article = _article(row)
    title = marker.marked(article.title) or article.title
    snippet = marker.marked(article.body, SNIPPET_WORDS, row["body_terms"]) or ""
    return SearchHit(article, title, snippet, score)
