"""Festivals, awards, film camps and film labs named in an article's text.

Pure functions, no storage: ``discover`` reads a title and a body and returns every event they
name, with the dates, city, country and edition that the same sentence (or, for a sentence that
refers back to it, the same paragraph) gives; ``name_key`` (``storage.names``, the rule the
store keys festivals by) is the key under which two spellings of a name count as the same
festival.

Quality over quantity: a name is a run of capitalised words right before a keyword ("Film
Festival", "Awards", "Film Camp", "Film Lab") or a quoted Russian name after one ("кинофестиваль
«…»"), and it must have a distinctive word besides generic ones ("the", "Best", "International").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from storage.names import name_key
from storage.names import ordinal as _ordinal

__all__ = ["KINDS", "Discovered", "discover", "name_key"]

_T = TypeVar("_T")

KINDS = ("festival", "award", "camp", "lab")

MAX_NAME_WORDS = 8  # a longer capitalised run is a headline, not a name
RUN_REACH = 300  # characters before a keyword searched for its name
CITY_REACH = 100  # characters between a name and the "in Samarkand" that belongs to it
COUNTRY_REACH = 12  # characters between a name and the "in Kyrgyzstan" that belongs to it
GUARD_REACH = 40  # characters before a date searched for "deadline", "released"...
WORD_REACH = 40  # characters before a sentence's end searched for its last word (Dr., Sept.)


@dataclass(frozen=True, slots=True)
class Discovered:
    """A festival, award, film camp or film lab that an article names."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    city: str | None = None
    country: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    edition: int | None = None
    evidence: str = ""


# --- Gazetteer -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Place:
    """A city of the region: its English name, country, forms in text and Russian adjective."""

    name: str
    country: str
    forms: str  # regex alternatives, case-sensitive, incl. Russian case forms
    adjective: str  # casefolded stem of the Russian adjective: "ташкентск(ий)"


_CITIES = (
    _Place("Almaty", "Kazakhstan", r"Almaty|Alma-Ata|Алматы|Алма-Ат[аеы]", "алматинск"),
    _Place("Astana", "Kazakhstan", r"Astana|Астан[аеуы]", "астанинск"),
    _Place("Bishkek", "Kyrgyzstan", r"Bishkek|Бишкек(?:е|а|у|ом)?", "бишкекск"),
    _Place("Osh", "Kyrgyzstan", r"Osh|Ош(?:е|а|у)?", "ошск"),
    _Place("Cholpon-Ata", "Kyrgyzstan", r"Cholpon-Ata|Чолпон-Ат[аеы]", "чолпон-атинск"),
    _Place("Tashkent", "Uzbekistan", r"Tashkent|Ташкент(?:е|а|у|ом)?", "ташкентск"),
    _Place(
        "Samarkand", "Uzbekistan", r"Samarkand|Samarqand|Самарканд(?:е|а|у|ом)?", "самаркандск"
    ),
    _Place("Bukhara", "Uzbekistan", r"Bukhara|Бухар[аеуы]", "бухарск"),
    _Place("Dushanbe", "Tajikistan", r"Dushanbe|Душанбе", "душанбинск"),
    _Place("Khujand", "Tajikistan", r"Khujand|Худжанд(?:е|а|у|ом)?", "худжандск"),
    _Place("Ashgabat", "Turkmenistan", r"Ashgabat|Ashkhabad|Ашхабад(?:е|а|у|ом)?", "ашхабадск"),
)
_COUNTRIES = (
    ("Kazakhstan", r"Kazakhstan|Казахстан(?:е|а|у)?"),
    ("Kyrgyzstan", r"Kyrgyzstan|Кыргызстан(?:е|а|у)?|Киргизи[ия]"),
    ("Uzbekistan", r"Uzbekistan|Узбекистан(?:е|а|у)?"),
    ("Tajikistan", r"Tajikistan|Таджикистан(?:е|а|у)?"),
    ("Turkmenistan", r"Turkmenistan|Туркменистан(?:е|а|у)?|Туркмении"),
)
_ANY_CITY = "|".join(f"(?P<c{i}>{place.forms})" for i, place in enumerate(_CITIES))
_ANY_COUNTRY = "|".join(f"(?P<k{i}>{forms})" for i, (_, forms) in enumerate(_COUNTRIES))
_IN = r"(?:\b(?:[Ii]n|[Hh]eld\s+in|[Hh]osted\s+in)|(?<![\w-])[Вв]о?)\s+"

# "in Samarkand", "held in Bishkek", "в Самарканде", "в городе Ош".
_CITY_IN = re.compile(rf"{_IN}(?:the\s+city\s+of\s+|городе\s+)?(?:{_ANY_CITY})(?![\w-])")
# "Samarkand hosts the ...", "Бишкек примет ...".
_CITY_HOSTS = re.compile(
    rf"(?<![\w-])(?:{_ANY_CITY})\s+(?:hosts|hosted|will\s+host|is\s+hosting|принимает|примет|принял)\b"
)
_CITY_WORD = re.compile(rf"(?<![\w-])(?:{_ANY_CITY})(?![\w-])")
_COUNTRY_IN = re.compile(rf"{_IN}(?:{_ANY_COUNTRY})(?![\w-])")


def _place_of(match: re.Match[str]) -> _Place:
    """The city a match of one of the ``c<i>`` alternations found."""
    group = match.lastgroup or ""
    return _CITIES[int(group[1:])]


def _city_in_name(name: str) -> _Place | None:
    """The city a name carries: "Bishkek International Film Festival", "Ташкентский …"."""
    found = _CITY_WORD.search(name)
    if found:
        return _place_of(found)
    folded = name.casefold()
    return next((place for place in _CITIES if place.adjective in folded), None)


# --- Words ---------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of a table written as text."""
    return tuple(text.split())


# Words that may sit inside a name ("Festival of the Nations", "Lisbon & Sintra").
_CONNECTORS = frozenset({"of", "and", "the", "&", "de", "del", "la", "le", "du", "da"})
# Leading words that are never part of a name: "At the", "This Year's", "Our", "Following".
_LEADING = frozenset(
    _words(
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
_GENERIC = _LEADING | frozenset(
    _words(
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
_BREAKS = frozenset(
    _words(
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
_PARTICIPLE = re.compile(r"-(?:nominated|winning|based|born|made|produced|funded|backed|led)$")
_QUOTES = '"“”«»„‘'
_CLAUSE_END = ",;:.!?)]—–"
_REGIONS = frozenset({"Asia", "Europe", "Eurasia", "China", "Russia", "India", "Iran", "Mongolia"})
_FILM_WORDS = frozenset({"film", "films", "cinema", "movie", "movies", "documentary", "kino"})
_LOOSE_DROP = frozenset({"international", "film", "films", "cinema", "movie", "международныи"})
_LOOSE_SWAP = {"кинофестиваль": "фестиваль", "кинопремия": "премия", "award": "awards"}


def _loose_key(name: str) -> str:
    """A looser key, for names of one article: "Bishkek festival" = "Bishkek International …"."""
    words = [_LOOSE_SWAP.get(word, word) for word in name_key(name).split()]
    return " ".join(word for word in words if word not in _LOOSE_DROP)


# --- Sentences -----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-ZА-ЯЁ0-9])")
_LAST_WORD = re.compile(r"(\w+)[.!?…]*$")
_ABBREVIATIONS = frozenset(
    _words(
        """
        mr mrs ms dr st jr sr prof no vs etc jan feb mar apr jun jul aug sep sept oct nov dec
        г гг им ул т д
        """
    )
)


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence and the paragraph it belongs to."""

    text: str
    paragraph: int


def _sentences(title: str, body: str) -> list[_Sentence]:
    """The title, then every sentence of every paragraph of the body that may name an event.

    The others are left out unsplit: they hold no name, and no fact is read past the
    paragraph of a name, so what ``discover`` finds is the same.
    """
    sentences = []
    for number, paragraph in enumerate([title, *body.split("\n")]):
        if (_has_english_keyword(paragraph) and _may_name_english(paragraph)) or (
            _has_russian_keyword(paragraph) and _may_name_russian(" ".join(paragraph.split()))
        ):
            sentences += [
                _Sentence(sentence, number) for sentence in _split(" ".join(paragraph.split()))
            ]
    return sentences


def _split(paragraph: str) -> Iterator[str]:
    """The sentences of one paragraph; "Dr. Smith" and "Sept. 12" do not end one."""
    start = 0
    for end in _SENTENCE_END.finditer(paragraph):
        # Only the end of the sentence is searched: from its start, the search is quadratic.
        word = _LAST_WORD.search(paragraph, max(start, end.start() - WORD_REACH), end.start() + 1)
        if word and (word[1].casefold() in _ABBREVIATIONS or len(word[1]) == 1):
            continue
        yield paragraph[start : end.end()].strip()
        start = end.end()
    if paragraph[start:].strip():
        yield paragraph[start:].strip()


# --- Mentions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Mention:
    """One name of an event in one sentence."""

    name: str
    kind: str
    sentence: int
    start: int
    end: int
    edition: int | None = None
    aliases: tuple[str, ...] = ()
    weak: bool = False  # "the Bishkek festival": kept only as another name of a strong mention


# The keyword ending an English name; a bare lowercase "festival" makes a weak mention.
_EN_KEYWORD = re.compile(
    r"""
    \b(?:
        (?P<festival> (?:[Ff]ilm\s+|[Mm]ovie\s+|[Cc]inema\s+)? [Ff]estival )
      | (?P<award> [Aa]wards )
      | (?P<camp> [Ff]ilm\s+[Cc]amp | Camp )
      | (?P<lab> [Ff]ilm\s+[Ll]ab(?:oratory)? | Lab(?:oratory)? )
    )(?![\w-])
    """,
    re.VERBOSE,
)
_TOKEN = re.compile(r"\S+")
_PAREN_ACRONYM = re.compile(r"\(([A-ZА-ЯЁ][A-ZА-ЯЁ0-9&]{1,9})\)")
_YEAR = re.compile(r"(?:19|20)\d\d")
_OF = re.compile(r"\s+of\s+")
# A Russian name: "XVII Ташкентский международный кинофестиваль «Жемчужина Шёлкового пути»",
# "кинофестивале «Евразия»", "премии «Ника»", "фестиваль тюркоязычного кино".
_RU_NAME = re.compile(
    r"""
    (?P<adjective> [А-ЯЁ][а-яё-]+ск(?:ий|ого|ому|им|ом) \s+ )?       # Ташкентский
    (?P<international> [Мм]еждународн(?:ый|ого|ому|ым|ом) \s+ )?
    (?P<keyword>
        (?P<festival> (?:[Кк]ино)?[Фф]естивал(?:ь|я|ю|ем|е|и) )
      | (?P<award> (?:[Кк]ино)?[Пп]реми(?:я|и|ю|ей) )
    )(?![а-яё])
    (?: \s+ (?P<genre> (?:[а-яё-]+(?:ого|его)\s+){1,3}кино )(?![а-яё]) )?  # тюркоязычного кино
    (?: \s+ (?P<quoted> «[^«»]{1,80}» | "[^"]{1,80}" | “[^“”]{1,80}” ) )?
    """,
    re.VERBOSE,
)
# Every English keyword holds one of these ("Film Festival", "Awards", "Camp", "film lab")...
_EN_HINTS = ("estival", "wards", "amp", "Lab", "lab")
# ... and every Russian keyword one of these ("Кинофестиваль", "премии").
_RU_HINTS = ("естивал", "реми")
# The first letter of a match of ``_RU_NAME``: an adjective's capital, or м, к, ф, п.
_RU_NAME_START = re.compile("[А-ЯЁмкфп]")


def _has_english_keyword(text: str) -> bool:
    """Whether ``_EN_KEYWORD`` may match in ``text`` (substring tests are far faster)."""
    return any(hint in text for hint in _EN_HINTS)


def _has_russian_keyword(text: str) -> bool:
    """Whether ``_RU_NAME`` may match in ``text``."""
    return any(hint in text for hint in _RU_HINTS)


_RU_GENERIC_GENRE = frozenset(
    _words(
        """
        документального короткометражного анимационного авторского нового современного молодого
        детского мирового хорошего независимого этого такого другого своего международного
        национального игрового
        """
    )
)


@dataclass(frozen=True, slots=True)
class _Run:
    """Capitalised words next to a keyword, where they start and end, an edition, acronyms."""

    words: tuple[str, ...]
    start: int
    end: int
    edition: int | None = None
    acronyms: tuple[str, ...] = ()


def _run_before(text: str, end: int) -> _Run:
    """The capitalised run of words that ends at ``end``, leading generic words dropped."""
    window = max(0, end - RUN_REACH)
    tokens = [(match.start(), match[0]) for match in _TOKEN.finditer(text, window, end)]
    if window and tokens:
        tokens.pop(0)  # it may be cut
    words: list[tuple[int, str]] = []
    acronyms: list[str] = []
    edition, index = None, len(tokens) - 1
    while index >= 0:
        offset, raw = tokens[index]
        if acronym := _PAREN_ACRONYM.fullmatch(raw):
            acronyms.insert(0, acronym[1])
        elif raw[-1] in _CLAUSE_END:
            break
        else:
            opens = raw[0] in "(["  # "(ECG Film Festival)": the run starts inside
            word = raw.lstrip("([").strip(_QUOTES)
            if not _takes(word, [w for _, w in words]):
                edition = _edition_before(tokens, index)
                break
            words.insert(0, (offset + len(raw) - len(raw.lstrip("([")), word))
            if opens:
                break
        index -= 1
    kept = _trim([word for _, word in words])
    start = words[len(words) - len(kept)][0] if kept else end
    return _Run(tuple(kept), start, end, edition, tuple(acronyms))


def _takes(word: str, after: list[str]) -> bool:
    """Whether ``word`` belongs to the run that continues with ``after``."""
    folded = word.casefold()
    if not word or folded in _BREAKS or _PARTICIPLE.search(folded) or _YEAR.fullmatch(word):
        return False
    if _ordinal(word) is not None:
        return False
    if folded in _CONNECTORS:  # "Media and the Eurasian..." is two names
        return not (folded in {"and", "&"} and after[:1] and after[0].casefold() == "the")
    return word[0].isupper()


def _edition_before(tokens: Sequence[tuple[int, str]], index: int) -> int | None:
    """The edition an ordinal at ``index`` gives, over "annual" or "upcoming" between."""
    while index >= 0 and tokens[index][1].casefold() in {"annual", "upcoming", "forthcoming"}:
        index -= 1
    return _ordinal(tokens[index][1]) if index >= 0 else None


def _trim(words: list[str]) -> list[str]:
    """Drop leading generic words and a leading possessive ("Kazakhstan's"); [] if no name."""
    kept = list(words)
    while kept and (
        kept[0].casefold() in _LEADING
        or kept[0].casefold() in _CONNECTORS
        or (len(kept) > 1 and _is_place_possessive(kept[0]) and _distinctive(kept[1:]))
    ):
        kept.pop(0)
    if len(kept) > MAX_NAME_WORDS or (kept and kept[-1].casefold() in _CONNECTORS):
        return []
    return kept if _distinctive(kept) else []


def _is_place_possessive(word: str) -> bool:
    """Whether a word is a country's or city's possessive: "Kazakhstan's", "Bishkek’s"."""
    stem = word.removesuffix("'s").removesuffix("’s")
    return stem != word and (
        stem.endswith("stan") or stem in _REGIONS or bool(_CITY_WORD.fullmatch(stem))
    )


def _distinctive(words: Sequence[str]) -> bool:
    """Whether some word is more than a generic one."""
    return any(
        word.casefold().removesuffix("'s").removesuffix("’s") not in _GENERIC
        and word.casefold() not in _CONNECTORS
        for word in words
    )


def _run_after(text: str, start: int) -> _Run:
    """The capitalised run starting at ``start`` ("Turkic-speaking Countries' Cinema")."""
    words: list[tuple[int, str]] = []
    for match in _TOKEN.finditer(text, start):
        raw = match[0]
        word = raw.strip(_QUOTES + _CLAUSE_END)
        folded = word.casefold()
        if not word or folded in _BREAKS or not (folded in _CONNECTORS or word[0].isupper()):
            break
        words.append((match.start() + raw.index(word) + len(word), word))
        if raw.rstrip(_QUOTES)[-1:] in _CLAUSE_END:
            break
    while words and words[-1][1].casefold() in _CONNECTORS:
        words.pop()
    return _Run(tuple(word for _, word in words), start, words[-1][0] if words else start)


def _may_name_english(text: str) -> bool:
    """Whether a paragraph may hold an English name, strong or weak: a quick test that never
    says no where ``_english_mentions`` would find one in its sentences.

    Scanning a paragraph with ``_EN_KEYWORD`` (or ``_RU_NAME``) costs far more than this: only
    the places where a keyword's letters occur are looked at.
    """
    return any(_may_end_name(text, at, hint) for hint, at in _places(text, _EN_HINTS))


def _may_name_russian(text: str) -> bool:
    """Whether a paragraph (its spaces as in its sentences) may hold a Russian name: never no
    where ``_russian_mentions`` would find one."""
    return any(_may_be_russian_name(text, at) for _, at in _places(text, _RU_HINTS))


def _places(text: str, hints: Iterable[str]) -> Iterator[tuple[str, int]]:
    """Every hint and each place it occurs at in ``text``."""
    for hint in hints:
        at = text.find(hint)
        while at >= 0:
            yield hint, at
            at = text.find(hint, at + 1)


def _may_end_name(text: str, at: int, hint: str) -> bool:
    """Whether the English keyword whose letters ``hint`` are at ``at`` (if it is one) may end
    a name: "of" and more after "festival", or a capitalised word before it past connectors,
    acronyms and "film" (as ``_run_before`` reads it, but looser)."""
    if hint == "estival" and _OF.match(text, at + len(hint)):
        return True
    # Whatever the window, the run ends at the first word that stops it: it is looked for in
    # the words before the keyword's own (or its "film"), as the paragraph spaces them.
    window = max(0, at - RUN_REACH)
    tokens = text[window:at].split()
    if tokens and at and not text[at - 1].isspace():
        tokens.pop()  # the keyword's own word
    if window and tokens:
        tokens.pop(0)  # it may be cut
    for raw in reversed(tokens):
        if _PAREN_ACRONYM.fullmatch(raw):
            continue
        if raw[-1] in _CLAUSE_END:
            return False
        word = raw.lstrip("([").strip(_QUOTES)
        if word[:1].isupper():
            return True
        if word.casefold() not in _CONNECTORS and word.casefold() not in _FILM_WORDS:
            return False
    return bool(window)  # the window may end inside the run


def _may_be_russian_name(text: str, at: int) -> bool:
    """Whether the Russian keyword whose letters are at ``at`` may be part of a name: each
    match of ``_RU_NAME`` from three words before it (an adjective and "международный" come
    first) up to it is tried."""
    start = at
    for _ in range(3):
        start = text.rfind(" ", 0, max(start - 1, 0)) + 1
        if not start:
            break
    # Every place a match may start at is tried (more than ``finditer`` would: looser).
    for place in _RU_NAME_START.finditer(text, start, at + 1):
        match = _RU_NAME.match(text, place.start())
        if match and _russian_name(match) is not None:
            return True
    return False


def _english_mentions(text: str, sentence: int) -> Iterator[_Mention]:
    """The English names in one sentence."""
    for keyword in _EN_KEYWORD.finditer(text):
        kind = keyword.lastgroup or "festival"
        shown = " ".join(word[0].upper() + word[1:] for word in keyword[0].split())
        run = _run_before(text, keyword.start())
        of = _OF.match(text, keyword.end()) if kind == "festival" else None
        tail = _run_after(text, of.end()) if of else None
        if tail and tail.words:
            film = {w.casefold() for w in (*run.words, *shown.split(), *tail.words)}
            if _FILM_WORDS & film and _distinctive((*run.words, *tail.words)):
                name = " ".join((*run.words, shown, "of", *tail.words))
                start = run.start if run.words else keyword.start()
                yield _Mention(name, kind, sentence, start, tail.end, run.edition)
                continue
        if not run.words:
            continue
        weak = keyword[0] == "festival"
        name = " ".join((*run.words, keyword[0] if weak else shown))
        aliases = tuple(f"{acronym} {shown}" for acronym in run.acronyms)
        if run.acronyms:
            aliases += (text[run.start : keyword.end()],)
        yield _Mention(name, kind, sentence, run.start, keyword.end(), run.edition, aliases, weak)


def _russian_mentions(text: str, sentence: int) -> Iterator[_Mention]:
    """The Russian names in one sentence."""
    for match in _RU_NAME.finditer(text):
        genre = _russian_name(match)
        if genre is None:
            continue
        adjective, quoted = match["adjective"], match["quoted"]
        parts = [
            _nominative(adjective) if adjective else "",
            "международный" if match["international"] else "",
            _nominative_keyword(match["keyword"].casefold()),
            genre or "",
            "«" + quoted.strip('«»"“”').strip() + "»" if quoted else "",
        ]
        name = " ".join(part for part in parts if part)
        name = name[0].upper() + name[1:]
        tokens = text[: match.start()].split()
        edition = _ordinal(tokens[-1], roman_one=True) if tokens else None
        kind = "award" if match["award"] else "festival"
        yield _Mention(name, kind, sentence, match.start(), match.end(), edition)


def _russian_name(match: re.Match[str]) -> str | None:
    """None when a match of ``_RU_NAME`` names nothing (no adjective, quotes nor genre); else
    its genre ('' when there is none or it is a generic one)."""
    adjective, quoted, genre = match["adjective"], match["quoted"], match["genre"]
    if genre and not quoted and not set(genre.split()[:-1]) - _RU_GENERIC_GENRE:
        genre = None
    return (genre or "") if adjective or quoted or genre else None


def _nominative(adjective: str) -> str:
    """The nominative of a masculine adjective: "Ташкентского" -> "Ташкентский"."""
    stem = re.sub(r"(?:ий|ого|ому|им|ом)$", "", adjective.strip())
    return stem + "ий"


def _nominative_keyword(keyword: str) -> str:
    """The nominative of a keyword: "кинофестивале" -> "кинофестиваль", "премии" -> "премия"."""
    if "фестивал" in keyword:
        return keyword[: keyword.index("фестивал") + len("фестивал")] + "ь"
    return keyword[: keyword.index("преми") + len("преми")] + "я"


# --- Aliases -------------------------------------------------------------------------------

_PARENS = re.compile(r"\s*\(([^()]{1,80})\)")
_ACRONYM = re.compile(r"[A-ZА-ЯЁ][A-ZА-ЯЁ0-9&.\-]{1,11}")
# ", also known as", ", formerly", ", or": what follows is another name of the same event.
_AKA = re.compile(
    r"""
    \s*,?\s*\(?\s*
    (?P<phrase>
        also\s+known\s+as | known\s+as | a\.?k\.a\.? | formerly(?:\s+known\s+as)?
      | также\s+известн\w*\s+как | ранее | прежде
    | (?P<or> or | или ))
    \s+ (?:the\s+)?
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(slots=True)
class _Facts:
    """What the text says about one mention (mutable while the sentences are read)."""

    aliases: list[str] = field(default_factory=list)
    links: list[int] = field(default_factory=list)  # other mentions of the same event
    alias_only: bool = False  # named in parentheses or after "also known as"
    dates: tuple[date, date] | None = None
    place: _Place | None = None
    country: str | None = None
    edition: int | None = None


def _read_aliases(
    text: str, mentions: Sequence[tuple[int, _Mention]], facts: list[_Facts]
) -> None:
    """Parentheses and "also known as" right after a name: other names, acronyms, cities."""
    for index, mention in mentions:
        if parens := _PARENS.match(text, mention.end):
            inner = parens[1].strip()
            inside = [i for i, m in mentions if parens.start() <= m.start < parens.end()]
            city = _CITY_WORD.fullmatch(inner)
            if inside:
                _link(facts, index, inside[0])
            elif _ACRONYM.fullmatch(inner) and not _YEAR.fullmatch(inner):
                facts[index].aliases.append(inner)
            elif city and facts[index].place is None:
                facts[index].place = _place_of(city)
        elif aka := _AKA.match(text, mention.end):
            following = [i for i, m in mentions if m.start == aka.end()]
            if following:
                _link(facts, index, following[0])
            elif not aka["or"] and _distinctive(words := _run_after(text, aka.end()).words):
                facts[index].aliases.append(" ".join(words))


def _link(facts: list[_Facts], main: int, alias: int) -> None:
    """Record that mention ``alias`` is another name of mention ``main``."""
    facts[main].links.append(alias)
    facts[alias].alias_only = True


# --- Dates ---------------------------------------------------------------------------------

_MONTH_NAMES = (
    ("january", "jan", "января"),
    ("february", "feb", "февраля"),
    ("march", "mar", "марта"),
    ("april", "apr", "апреля"),
    ("may", "мая"),
    ("june", "jun", "июня"),
    ("july", "jul", "июля"),
    ("august", "aug", "августа"),
    ("september", "sep", "sept", "сентября"),
    ("october", "oct", "октября"),
    ("november", "nov", "ноября"),
    ("december", "dec", "декабря"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names}
_M = "|".join(sorted(_MONTHS, key=len, reverse=True))
_D = r"\d{1,2}(?:st|nd|rd|th)?(?!\d)"
_TO = r"(?:\s*[-–—]\s*|\s+(?:to|through|till|until|and|по|до)\s+)"
_Y = r"(?:19|20)\d\d(?!\d)(?:\s*(?:года|г\.))?"
_DATE = re.compile(
    rf"""
    (?<![\w.])
    (?:
        # April 3–8 / from May 22 to 27 / June 28 - July 3, 2026 / on May 12
        (?P<m1>{_M})\.?\s+(?P<d1>{_D})(?:,?\s+(?P<y1>{_Y}))?
        (?:{_TO}(?:(?P<m2>{_M})\.?\s+)?(?P<d2>{_D}))?
        (?:,?\s+(?P<y2>{_Y}))?
    |
        # 3–8 April / from 3 to 8 April 2027 / с 28 июня по 3 июля 2026 года
        (?P<d3>{_D})(?:\s+(?P<m3>{_M})(?:\s+(?P<y3>{_Y}))?)?
        {_TO}(?P<d4>{_D})\s+(?P<m4>{_M})(?:,?\s+(?P<y4>{_Y}))?
    |
        # 12 May / 12 мая 2026 г.
        (?P<d5>{_D})\s+(?:of\s+)?(?P<m5>{_M})(?:,?\s+(?P<y5>{_Y}))?
    )
    (?![\w])
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Words before a date that make it something else than the event's dates.
_DATE_GUARD = re.compile(
    r"""\b(?:deadline|submissions?|applications?|entries|apply|registration|release[sd]?
        |born|died|founded|established|closes?|closing|due|by|until|till|приём|прием|заяв\w*|до)\b""",
    re.VERBOSE | re.IGNORECASE,
)
_PAST = re.compile(
    r"""\b(?:took\s+place|was\s+held|were\s+held|closed|wrapped\s+up|ended|concluded|came\s+to
        |brought|hosted|showcased|gathered|drew|attracted|celebrated|screened|premiered|won
        |received|awarded|was|were
        |прош[её]л|прошла|прошли|завершил\w*|состоял\w*|проходил\w*|закрыл\w*|был|была|были)\b""",
    re.VERBOSE | re.IGNORECASE,
)
_FUTURE = re.compile(
    r"""\b(?:will|is\s+set|are\s+set|to\s+be\s+held|to\s+take\s+place|upcoming|scheduled|runs
        |opens|kicks\s+off|takes\s+place|starts|begins|hosts|is\s+hosting|this\s+week|next
        |пройд[её]т|пройдут|состоится|состоятся|будет|будут|стартует|откроется|проходит)\b""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _DateSpan:
    """Day, month and (maybe) year of a range's two ends, where it stands, and its tense."""

    start: int
    end: int
    first: tuple[int, int, int | None]  # day, month, year
    last: tuple[int, int, int | None]
    past: bool

    @property
    def is_range(self) -> bool:
        """Whether it spans more than one day."""
        return self.first != self.last


def _dates(text: str) -> list[_DateSpan]:
    """The dates and ranges of one sentence, except deadlines and release dates."""
    spans = []
    for match in _DATE.finditer(text):
        if _guarded(text, match.start()):
            continue
        if parsed := _parse_date(match):
            first, last = parsed
            past = _is_past(text, match.start(), match.end())
            spans.append(_DateSpan(match.start(), match.end(), first, last, past))
    return spans


def _guarded(text: str, start: int) -> bool:
    """Whether the clause before a date makes it a deadline or a release date."""
    before = text[max(0, start - GUARD_REACH) : start]
    clause = re.split(r"[,;:.]", before)[-1]
    return _DATE_GUARD.search(clause) is not None


def _parse_date(match: re.Match[str]) -> tuple[tuple[int, int, int | None], ...] | None:
    """The two ends of a date match; None for "may 5" (the verb) or no real date."""
    groups = match.groupdict()
    if groups["m1"]:
        d1, m1, y1, d2, m2, y2 = "d1", "m1", "y1", "d2", "m2", "y2"
    elif groups["d4"]:
        d1, m1, y1, d2, m2, y2 = "d3", "m3", "y3", "d4", "m4", "y4"
    else:
        d1, m1, y1, d2, m2, y2 = "d5", "m5", "y5", "d5", "m5", "y5"
    if "may" in {groups[m1], groups[m2]}:  # lowercase "may" is the verb
        return None
    last_month = _month(groups[m2] or groups[m1])
    first_month = _month(groups[m1] or groups[m2])
    first_day, last_day = _day(groups[d1]), _day(groups[d2] or groups[d1])
    if not groups[m2] and groups[m1] and last_day < first_day:
        last_month = last_month % 12 + 1  # "May 30 – 2": the range runs into June
    start, end = (first_month, first_day), (last_month, last_day)
    first_year, last_year = _years(_year(groups[y1]), _year(groups[y2]), start, end)
    return (first_day, first_month, first_year), (last_day, last_month, last_year)


def _month(word: str) -> int:
    """The month number of a month word."""
    return _MONTHS[word.casefold().rstrip(".")]


def _day(text: str) -> int:
    """The day number of "3" or "3rd"."""
    return int(re.sub(r"\D", "", text))


def _year(text: str | None) -> int | None:
    """The year of "2026" or "2026 года"."""
    return int(text[:4]) if text else None


def _years(
    first: int | None, last: int | None, start: tuple[int, int], end: tuple[int, int]
) -> tuple[int | None, int | None]:
    """Both years of a range from whichever one the text gives ("Dec 28 – Jan 3, 2027")."""
    wraps = end < start
    if last is not None and first is None:
        first = last - 1 if wraps else last
    elif first is not None and last is None:
        last = first + 1 if wraps else first
    return first, last


def _is_past(text: str, start: int, end: int) -> bool:
    """Whether the verb nearest to a date says the event is over ("took place", "прошёл")."""
    distances: list[tuple[int, bool]] = []
    for pattern, past in ((_PAST, True), (_FUTURE, False)):
        for marker in pattern.finditer(text):
            gap = start - marker.end() if marker.end() <= start else marker.start() - end
            distances.append((max(gap, 0), not past))
    return bool(distances) and not min(distances)[1]


def _resolve(span: _DateSpan, published: date | None) -> tuple[date, date] | None:
    """The dates of a range, its missing year inferred from ``published`` and its tense."""
    (d1, m1, y1), (d2, m2, y2) = span.first, span.last
    if y1 is None or y2 is None:
        if published is None:
            return None
        wraps = (m2, d2) < (m1, d1)
        y1 = published.year
        y2 = y1 + 1 if wraps else y1
        try:
            if span.past and date(y1, m1, d1) > published:
                y1, y2 = y1 - 1, y2 - 1
            elif not span.past and date(y2, m2, d2) < published:
                y1, y2 = y1 + 1, y2 + 1
        except ValueError:
            return None
    try:
        first, last = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        return None
    return (first, last) if first <= last else None


# --- Facts ---------------------------------------------------------------------------------

_ANAPHOR = re.compile(
    r"\b(?:festival|event|awards|ceremony|camp|lab|fest|фестивал\w*|кинофестивал\w*|"
    r"преми\w*|церемони\w*|мероприяти\w*|форум\w*)\b",
    re.IGNORECASE,
)
_EDITION = re.compile(
    r"""(?P<ordinal>[\w-]+)\s+(?:edition|installment|instalment)\b    # the third edition
      | в\s+(?P<ru>[\w-]+)\s+раз\b                                     # в седьмой раз""",
    re.VERBOSE | re.IGNORECASE,
)


def _nearest(mentions: Sequence[tuple[int, _Mention]], start: int, end: int) -> tuple[int, int]:
    """The mention closest to a span, one before it winning a tie, and the gap in characters."""
    best: tuple[int, int, int] | None = None
    for index, mention in mentions:
        before = mention.end <= start
        gap = start - mention.end if before else max(mention.start - end, 0)
        candidate = (gap, 0 if before else 1, index)
        best = candidate if best is None or candidate < best else best
    assert best is not None
    return best[2], best[0]


@dataclass(frozen=True, slots=True)
class _Context:
    """One sentence being read: its mentions, the paragraph's earlier ones, whether it refers
    back to one of those ("the festival"), and whether they all name one event."""

    text: str
    here: Sequence[tuple[int, _Mention]]
    earlier: Sequence[int]
    refers: bool
    one_event: bool

    def owner(self, start: int, end: int, refers: bool, reach: int | None = None) -> int | None:
        """The mention a fact at ``start:end`` belongs to: the nearest one in the sentence, or
        else the last one of the paragraph when ``refers``."""
        if self.here:
            index, gap = _nearest(self.here, start, end)
            return index if reach is None or gap <= reach else None
        return self.earlier[-1] if refers and self.earlier else None


def _read_facts(
    sentences: Sequence[_Sentence], mentions: Sequence[_Mention], published: date | None
) -> list[_Facts]:
    """Aliases, dates, city, country and edition of each mention, sentence by sentence."""
    facts = [_Facts(edition=mention.edition) for mention in mentions]
    by_sentence: dict[int, list[tuple[int, _Mention]]] = {}
    for index, mention in enumerate(mentions):
        by_sentence.setdefault(mention.sentence, []).append((index, mention))
    earlier: list[int] = []  # mentions of the paragraph read so far
    loose: set[str] = set()  # and their loose keys
    for number, sentence in enumerate(sentences):
        if number and sentence.paragraph != sentences[number - 1].paragraph:
            earlier, loose = [], set()
        here = by_sentence.get(number, [])
        if not (here or earlier):
            continue  # nothing named yet in this paragraph: no fact has an owner
        refers = _ANAPHOR.search(sentence.text) is not None
        context = _Context(sentence.text, here, earlier, refers, len(loose) == 1)
        _read_aliases(sentence.text, here, facts)
        # A sentence without a name gives facts only to the paragraph's names, and only when it
        # refers back to them (or, for a range of dates, when they all name one event).
        if here or (earlier and (refers or context.one_event)):
            _read_dates(context, facts, published)
        if here or (earlier and refers):
            _read_cities(context, facts)
            _read_editions(context, facts)
        _read_countries(context, facts)
        earlier.extend(index for index, _ in here)
        loose.update(_loose_key(mention.name) for _, mention in here)
    return facts


def _read_dates(context: _Context, facts: list[_Facts], published: date | None) -> None:
    """Dates go to the nearest name; a range in a sentence without one to the paragraph's."""
    for span in _dates(context.text):
        refers = context.refers or (span.is_range and context.one_event)
        owner = context.owner(span.start, span.end, refers)
        if owner is not None and facts[owner].dates is None:
            facts[owner].dates = _resolve(span, published)


def _read_cities(context: _Context, facts: list[_Facts]) -> None:
    """ "in Samarkand", "в Бишкеке", "Almaty hosts": the city of the nearest name."""
    for pattern in (_CITY_IN, _CITY_HOSTS):
        for match in pattern.finditer(context.text):
            owner = context.owner(match.start(), match.end(), context.refers, CITY_REACH)
            if owner is not None and facts[owner].place is None:
                facts[owner].place = _place_of(match)


def _read_editions(context: _Context, facts: list[_Facts]) -> None:
    """ "the third edition", "в седьмой раз": the edition of the nearest name."""
    for edition in _EDITION.finditer(context.text):
        value = _ordinal(edition["ordinal"] or edition["ru"] or "")
        owner = context.owner(edition.start(), edition.end(), context.refers)
        if value and owner is not None and facts[owner].edition is None:
            facts[owner].edition = value


def _read_countries(context: _Context, facts: list[_Facts]) -> None:
    """ "the Post Space film camp in Kyrgyzstan": a country right after a name."""
    for index, mention in context.here:
        found = _COUNTRY_IN.match(context.text, _skip_space(context.text, mention.end))
        if found and found.start() - mention.end <= COUNTRY_REACH:
            facts[index].country = _COUNTRIES[int((found.lastgroup or "k0")[1:])][0]


def _skip_space(text: str, offset: int) -> int:
    """The offset of the next non-blank character, past a comma."""
    while offset < len(text) and text[offset] in " ,":
        offset += 1
    return offset


# --- Grouping ------------------------------------------------------------------------------


def _groups(mentions: Sequence[_Mention], facts: Sequence[_Facts]) -> list[list[int]]:
    """Mentions of the same event, in text order: same loose key, alias or explicit link."""
    parent = list(range(len(mentions)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owners: dict[str, int] = {}
    for index, mention in enumerate(mentions):
        for other in facts[index].links:
            parent[root(other)] = root(index)
        for name in (mention.name, *mention.aliases, *facts[index].aliases):
            key = _loose_key(name)
            if key in owners:
                parent[root(index)] = root(owners[key])
            else:
                owners[key] = index
    grouped: dict[int, list[int]] = {}
    for index in range(len(mentions)):
        grouped.setdefault(root(index), []).append(index)
    return sorted(grouped.values(), key=lambda group: group[0])


def _discovered(
    group: Sequence[int],
    mentions: Sequence[_Mention],
    facts: Sequence[_Facts],
    sentences: Sequence[_Sentence],
) -> Discovered | None:
    """One event from its mentions; None when it was only ever named weakly."""
    strong = [i for i in group if not mentions[i].weak]
    if not strong:
        return None
    preferred = [i for i in strong if not facts[i].alias_only] or strong
    main = max(preferred, key=lambda i: (len(mentions[i].name.split()), -i))
    names = [n for i in group for n in (mentions[i].name, *mentions[i].aliases, *facts[i].aliases)]
    aliases: dict[str, str] = {name_key(mentions[main].name): mentions[main].name}
    for name in names:
        aliases.setdefault(name_key(name), name)
    place = _city_in_name(mentions[main].name) or _first(facts[i].place for i in group)
    dates = _first(facts[i].dates for i in group)
    return Discovered(
        name=mentions[main].name,
        kind=mentions[main].kind,
        aliases=tuple(aliases.values())[1:],
        city=place.name if place else None,
        country=place.country if place else _first(facts[i].country for i in group),
        starts_on=dates[0] if dates else None,
        ends_on=dates[1] if dates else None,
        edition=_first(facts[i].edition for i in group),
        evidence=sentences[mentions[strong[0]].sentence].text,
    )


def _first(values: Iterable[_T | None]) -> _T | None:
    """The first value that is not None."""
    return next((value for value in values if value is not None), None)


def discover(title: str, body: str, published: date | None) -> list[Discovered]:
    """The festivals, awards, film camps and film labs a title and body name, in text order."""
    sentences = _sentences(title, body)
    mentions: list[_Mention] = []
    for number, sentence in enumerate(sentences):
        text = sentence.text
        found = list(_english_mentions(text, number)) if _has_english_keyword(text) else []
        if _has_russian_keyword(text):  # the Russian pattern is slow to try everywhere
            found += _russian_mentions(text, number)
        mentions += sorted(found, key=lambda mention: mention.start)
    if not any(not mention.weak for mention in mentions):
        return []  # only strong mentions make an event: no facts to read
    facts = _read_facts(sentences, mentions, published)
    found_events = (_discovered(g, mentions, facts, sentences) for g in _groups(mentions, facts))
    return [event for event in found_events if event is not None]
