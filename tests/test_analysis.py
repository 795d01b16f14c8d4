"""Search analysis: script-neutral stems, regional spellings, hostile queries, real FTS5 MATCH."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from anyascii import anyascii

from storage.analysis import (
    MAX_QUERY_TERMS,
    QueryTerm,
    clear_cache,
    exact_form,
    fts_match,
    index_terms,
    query_terms,
    word_terms,
    words_of,
)


def meets(query: str, text: str) -> bool:
    """Whether every word of ``query`` finds one of its terms among the text's index terms."""
    found = query_terms(query)
    indexed = set(index_terms(text).split())
    return bool(found) and all(set(term.stems) & indexed for term in found)


@pytest.mark.parametrize(
    "forms",
    [
        ["Бишкек", "Бишкеке", "Бишкека", "Бишкеку", "Bishkek", "Bishkek's", "BISHKEK"],
        ["фестиваль", "фестивали", "фестиваля", "фестивалей", "фестивалях", "festival"],
        ["festivals", "Festival's", "Фестиваль"],
        ["Алматы", "Алмате", "Almaty"],
        ["Душанбе", "Dushanbe"],
        ["Ташкент", "Ташкенте", "Tashkent"],
        ["Самарканд", "Самарканде", "Samarkand"],
        ["Астана", "Астане", "Астаны", "Astana"],
        ["Казахстан", "Казахстане", "Kazakhstan", "Kazakhstan’s"],
        ["Кыргызстан", "Кыргызстана", "Kyrgyzstan"],
        ["Таджикистан", "Tajikistan"],
        ["фильм", "фильмы", "фильмов", "film", "films"],
        ["кино", "kino"],
        ["панда", "панды", "Panda", "pandas"],
        ["режиссёр", "режиссера", "режиссёры"],
        ["Ёлка", "елка"],
    ],
)
def test_forms_and_scripts_of_a_word_meet(forms: list[str]) -> None:
    for query in forms:
        for text in forms:
            assert meets(query, text), (query, text, word_terms(query), word_terms(text))


def test_the_briefs_examples() -> None:
    assert meets("Бишкек", "Фестиваль прошёл в Бишкеке")
    assert meets("Bishkek", "Фестиваль прошёл в Бишкеке")
    assert meets("Бишкек", "Bishkek International Film Festival")
    assert meets("фестиваль", "Все фестивали региона")
    assert meets("festivals", "A festival in Almaty")
    assert meets("Алматы", "Almaty")
    assert meets("Душанбе", "Dushanbe")
    assert meets("Ташкент", "Tashkent")
    assert meets("Tashkent", "в Ташкенте")
    assert set(word_terms("Бишкеке")) & set(word_terms("Bishkek")) == {"bishkek"}
    assert not meets("Бишкек", "Алматы")
    assert not meets("festival", "film")


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Бишкек", "bishkek"),
        ("Алматы", "almaty"),
        ("Душанбе", "dushanbe"),
        ("Ташкент", "tashkent"),
        ("Самарканд", "samarkand"),
        ("Ашхабад", "ashkhabad"),  # not "ashgabat": see the regional table below
        ("Астана", "astana"),
        ("Фестиваль", "festival'"),  # the soft sign; the analysis drops the apostrophe
        ("Казахстан", "kazakhstan"),
        ("Қазақстан", "qazaqstan"),  # Kazakh letters as the Kazakh Latin alphabet writes them
        ("Самарқанд", "samarqand"),
        ("Хуҷанд", "khujand"),
        ("Ёлка", "elka"),  # ё as e: as Russians type it
    ],
)
def test_anyascii_transliterates_the_regions_names(cyrillic: str, latin: str) -> None:
    assert anyascii(cyrillic).lower() == latin


# Regional romanisations, honestly: True where the two spellings meet, False where they don't.
REGIONAL = [
    ("Қазақстан", "Qazaqstan", True),  # Kazakh Cyrillic and Kazakh Latin
    ("Казахстан", "Qazaqstan", False),  # Russian spelling vs Kazakh Latin: kazakhstan/qazaqstan
    ("Қазақстан", "Казахстан", False),  # Kazakh vs Russian Cyrillic
    ("Oʻzbekiston", "O'zbekiston", True),  # Uzbek oʻ typed with ʻ or '
    ("O’zbekiston", "O`zbekiston", True),  # or ’ or `
    ("Ўзбекистон", "Oʻzbekiston", False),  # Uzbek Cyrillic ў → u, Uzbek Latin oʻ → o
    ("Узбекистан", "Uzbekistan", True),
    ("Ўзбекистон", "Uzbekistan", False),  # uzbekiston vs uzbekistan
    ("Тошкент", "Toshkent", True),  # Uzbek Cyrillic and Uzbek Latin
    ("Ташкент", "Toshkent", False),  # Russian vs Uzbek: a vowel apart
    ("Самарқанд", "Samarqand", True),
    ("Самарканд", "Samarqand", False),
    ("Samarqand", "Samarkand", False),
    ("Ашхабад", "Ashkhabad", True),
    ("Ашхабад", "Ashgabat", False),  # Russian and Turkmen names differ: ashkhabad/ashgabat
    ("Ашгабат", "Ashgabat", True),
    ("Aşgabat", "Ashgabat", False),  # Turkmen ş folds to s: asgabat
    ("Aşgabat", "Asgabat", True),
    ("Türkmenistan", "Turkmenistan", True),
    ("Кыргызстан", "Kyrgyzstan", True),
    ("Қырғызстан", "Qyrghyzstan", True),
    ("Qyrğyzstan", "Kyrgyzstan", False),
    ("Бішкек", "Bishkek", True),  # і as i
    ("Бишкек", "Bişkek", False),
    ("Тоҷикистон", "Tojikiston", True),  # Tajik Cyrillic and Tajik Latin
    ("Таджикфильм", "Tajikfilm", True),  # дж → j
    ("Худжанд", "Khujand", True),
    ("Кыргызфильм", "Kyrgyzfilm", True),
    ("Казахфильм", "Kazakhfilm", True),
    ("Шакена", "Shaken", True),  # the genitive of a name
    ("Бекмамбетов", "Bekmambetov", True),
    ("Дидор", "Didor", True),
    ("Айманов", "Aimanov", False),  # й → y: aymanov
    ("Евразия", "Eurasia", False),  # evraz vs euras
    ("Евразия", "Evraziya", True),
    ("Золотая панда", "Golden Panda", False),  # "panda" meets, "золотая" is not "golden"
    ("кинофестиваль", "film festival", False),  # one Russian word, two English ones
    ("Алма-Ата", "Almaty", False),  # the old name
    ("Nur-Sultan", "Нур-Султан", True),
]


@pytest.mark.parametrize(("one", "other", "expected"), REGIONAL)
def test_regional_romanisations(one: str, other: str, expected: bool) -> None:
    assert meets(one, other) is expected
    assert meets(other, one) is expected


def test_the_language_is_told_by_the_script() -> None:
    assert word_terms("festivals") == ("festiv",)  # English stemmer
    assert "festiv" in word_terms("фестивалями")  # Russian stemmer, then transliterated
    assert word_terms("Қазақстанның") == ("qazaqstannyng",)  # Kazakh: not stemmed, only folded
    assert word_terms("Oʻzbekistonda") == ("ozbekistond",)  # Uzbek Latin ʻ: not stemmed
    assert word_terms("Aşgabatda") == ("asgabatd",)  # Turkmen ş: not stemmed
    assert word_terms("Bишкек") == ("bishkek",)  # a Latin B among Cyrillic: folded only


def test_index_terms_are_ascii_words_in_order() -> None:
    text = "«Золотая панда» — в Бишкеке! Golden Panda’s 2024 премьера 🎬 foo_bar"
    terms = index_terms(text)
    assert terms.split()[:3] == ["zolot", "pand", "v"]
    assert all(term.isascii() and term.isalnum() for term in terms.split())
    assert terms == terms.lower()
    assert {"2024", "foo", "bar"} <= set(terms.split())
    assert index_terms("") == ""
    assert index_terms("🎬 — !!! ***") == ""


def test_decomposed_text_is_analysed_as_composed() -> None:
    composed = "Пойдём в кинотеатр"
    decomposed = "Пои\u0306дём в кинотеатр"
    assert index_terms(decomposed) == index_terms(composed)
    assert index_terms("İSTANBUL") == index_terms("istanbul")


def test_query_terms_keep_the_exact_form_and_the_stems() -> None:
    bishkek, festivals = query_terms("Бишкеке festivals")
    assert bishkek == QueryTerm("Бишкеке", "бишкеке", ("bishkek",), prefix=False)
    assert festivals.exact == "festivals"
    assert festivals.stems == ("festiv",)
    assert query_terms("Фестиваль")[0].exact == "фестиваль"
    assert exact_form("Café ÉTÉ") == "cafe ete"


def test_prefix_terms() -> None:
    [panda] = query_terms("pand*")
    assert panda.prefix
    assert panda.word == "pand"
    assert "pand" in panda.stems
    [cyrillic] = query_terms("Бишк*")
    assert cyrillic.prefix
    assert "bishk" in cyrillic.stems
    [whole] = query_terms("festivals*")  # its stem and its letters, both as prefixes
    assert set(whole.stems) == {"festiv", "festivals"}
    assert query_terms("a*") == []  # a one-letter prefix would expand to much of the index
    assert [term.word for term in query_terms("a* kino")] == ["kino"]


def test_query_terms_are_distinct_and_capped() -> None:
    # The same terms once, the first word's exact form kept; фестивали has one more stem.
    assert [term.word for term in query_terms("festival festivals Festival фестиваль")] == [
        "festival"
    ]
    assert len(query_terms("festival фестивали")) == 2
    words = " ".join(f"word{number}" for number in range(100))
    assert len(query_terms(words)) == MAX_QUERY_TERMS
    assert len(query_terms("x" * 4000)[0].stems[0]) <= 64
    assert len(query_terms("Бишкек " * 570)) == 1  # 3,990 characters


HOSTILE = [
    '"',
    '""',
    '"Bishkek',
    "NEAR(",
    "NEAR(a b, 2)",
    "*",
    "**",
    "* *",
    "AND OR NOT",
    "Bishkek AND",
    "title:Bishkek",
    "{title body}: x",
    "^Bishkek",
    "-Bishkek",
    "(Bishkek",
    "Bishkek)",
    "a\x00b",
    "\u202eBishkek\u200f",
    "🎬🎥🍿",
    "x" * 4000,
    "🙂" * 4000,
    "'; DROP TABLE articles; --",
    "' OR 1=1",
    "Oʻ",
    "ь ъ",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_only_quoted_ascii_terms(query: str) -> None:
    terms = query_terms(query)
    assert len(terms) <= MAX_QUERY_TERMS
    for term in terms:
        assert term.stems
        assert all(stem.isascii() and stem.isalnum() for stem in term.stems)
    match = fts_match(terms)
    assert (match is None) == (not terms)


def test_no_terms_no_match() -> None:
    for query in ["", "   ", "*", '"', "🎬", "— … !!!", "ь"]:
        assert query_terms(query) == [], query
    assert fts_match([]) is None


def test_match_expression_syntax() -> None:
    assert fts_match(query_terms("Bishkek")) == '{terms} : ("bishkek")'
    assert fts_match(query_terms("pand* Астана")) == '{terms} : ("pand" * AND ("ast" OR "astan"))'
    both = fts_match(query_terms("kino"), ("title_terms", "body_terms"))
    assert both == '{title_terms body_terms} : ("kin")'
    forged = QueryTerm('x" OR "y', "x", ('x" OR "y', ""), prefix=False)
    assert fts_match([forged]) == '{terms} : ("x"" OR ""y")'  # quotes doubled, empty dropped
    with pytest.raises(ValueError, match="not column names"):
        fts_match(query_terms("kino"), ("terms) OR (x",))
    with pytest.raises(ValueError, match="not column names"):
        fts_match(query_terms("kino"), ())


ROWS = {
    1: ("Фестиваль в Бишкеке", "Жюри объявило победителей фестиваля."),
    2: ("Bishkek festivals open", "Twelve films compete for the main prize."),
    3: ("Golden Panda Awards", "Nominations were announced; pandas everywhere."),
    4: ("Алматы и Астана", "Премьеры фильмов прошли в двух городах."),
    5: ("Dushanbe premiere", "A Tajik drama opens in Dushanbe."),
    6: ("O‘zbekiston kinosi", "Toshkentda yangi film festivali."),
    7: ("bishkek", ""),  # its terms are left empty: the raw columns must not be searched
}


@pytest.fixture
def fts(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A real FTS5 table in a file: raw title and body, and the analysed terms of both."""
    connection = sqlite3.connect(tmp_path / "fts.db")
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, terms, title_terms, body_terms, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    connection.executemany(
        "INSERT INTO docs (rowid, title, body, terms, title_terms, body_terms) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                rowid,
                title,
                body,
                "" if rowid == 7 else index_terms(f"{title} {body}"),
                "" if rowid == 7 else index_terms(title),
                index_terms(body),
            )
            for rowid, (title, body) in ROWS.items()
        ],
    )
    yield connection
    connection.close()


def hits(
    connection: sqlite3.Connection, query: str, columns: tuple[str, ...] = ("terms",)
) -> set[int]:
    """The rowids that the analysed query matches."""
    match = fts_match(query_terms(query), columns)
    if match is None:
        return set()
    rows = connection.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (match,))
    return {row[0] for row in rows}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Bishkek", {1, 2}),
        ("Бишкек", {1, 2}),
        ("бишкеке", {1, 2}),
        ("фестиваль", {1, 2}),
        ("фестивали", {1, 2, 6}),  # its second stem, festival, is that of Uzbek "festivali"
        ("festival", {1, 2}),
        ("festivals", {1, 2}),
        ("фестивали Бишкек", {1, 2}),
        ("pand*", {3}),
        ("panda", {3}),
        ("pandas", {3}),
        ("Almaty", {4}),
        ("Astana", {4}),
        ("Астане", {4}),
        ("films", {2, 4, 6}),
        ("фильм", {2, 4, 6}),
        ("premiere", {5}),  # премьеры is premer: see the tests above
        ("Душанбе", {5}),
        ("Таджикский", set()),  # tajiksk: no match on "Tajik"…
        ("Таджик*", {5}),  # …but as a prefix it is found
        ("Oʻzbekiston", {6}),
        ("O'zbekiston", {6}),
        ("Toshkent*", {6}),
        ("Bishkek Almaty", set()),
        ("fesival", set()),  # a typo: "did you mean" is for the query side
    ],
)
def test_real_fts5_matches(fts: sqlite3.Connection, query: str, expected: set[int]) -> None:
    assert hits(fts, query) == expected


@pytest.mark.parametrize("query", HOSTILE)
def test_real_fts5_accepts_every_hostile_query(fts: sqlite3.Connection, query: str) -> None:
    found = hits(fts, query)  # raises sqlite3.OperationalError on a malformed expression
    assert found <= set(ROWS)


def test_hostile_words_are_searched_as_words(fts: sqlite3.Connection) -> None:
    assert hits(fts, "NEAR( Bishkek") == set()  # "near" is a word no row has
    assert hits(fts, '"Bishkek') == {1, 2}
    assert hits(fts, "title:Bishkek") == set()  # "title" is a word here, not a column
    assert hits(fts, "-Bishkek") == {1, 2}


def test_title_and_body_columns(fts: sqlite3.Connection) -> None:
    assert hits(fts, "Bishkek", ("title_terms",)) == {1, 2}
    assert hits(fts, "жюри", ("title_terms",)) == set()
    assert hits(fts, "жюри", ("title_terms", "body_terms")) == {1}


def test_threads_get_the_same_terms() -> None:
    texts = [f"Фестиваль в Бишкеке {number} festivals Алматы" for number in range(200)]
    expected = [index_terms(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(index_terms, texts)) == expected


def test_a_query_word_always_finds_its_own_text() -> None:
    words = [word for row in ROWS.values() for text in row for word in text.split()]
    words += [word for one, other, _ in REGIONAL for word in (one, other)]
    for word in words:
        indexed = set(index_terms(word).split())
        for term in query_terms(word):
            assert set(term.stems) <= indexed, word
        for term in query_terms(f"{word}*"):  # as a prefix too (but one-letter words)
            assert any(have.startswith(stem) for have in indexed for stem in term.stems), word


@pytest.mark.parametrize(
    "text",
    [
        "Bishkek hosts the festival",
        "O'zbekiston and Oʻzbekiston, Kazakhstan's cinema",
        "ь Фильм ь",  # a word without terms, at both ends and inside
        "ь",
        "",
        "école cafe\u0301 naïve",  # a combining accent: the full word pattern
        "snake_case words_here",
        "фестивали в Бишкеке 2026",
        # Whitespace of every kind between words, a combining mark after a space, a Greek
        # final sigma: the terms of a text are those of its whitespace-separated tokens.
        "Film,\tfilm.\nFILM\u00a0festival\u2028Festivals",
        "a \u0301b cafe\u0301",
        "ΟΔΟΣ ΟΔΟΣ. οδος",
        "Kazakh-Film_Festival (Бишкек)—Almaty",
    ],
)
def test_index_terms_are_each_words_terms_in_order(text: str) -> None:
    words = words_of(text.replace("_", " "))
    expected = [term for match in words for term in word_terms(match[0])]
    assert index_terms(text).split(" ") == (expected or [""])
    assert "  " not in index_terms(text)


def test_tokens_seen_before_give_the_same_terms() -> None:
    """The token cache (``Film,`` once analysed) changes nothing: a text's terms are the same
    whatever texts came before it."""
    texts = [
        "Film, festival. Фестиваль в Бишкеке; O'zbekiston’s cinema",
        "film festival фестиваль Бишкек Oʻzbekiston cinema",
        "Film,\nfestival. Фестиваль\tв Бишкеке; O'zbekiston’s cinema ь",
    ]
    clear_cache()
    fresh = []
    for text in texts:
        fresh.append(index_terms(text))
        clear_cache()
    warm = [index_terms(text) for text in texts]
    assert warm == [index_terms(text) for text in reversed(texts)][::-1] == fresh
