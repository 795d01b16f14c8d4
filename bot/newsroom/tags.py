"""Tag an article with the Central Asian countries and the topics it is about (pure, no I/O).

The rules are the data at the top of this module. Terms and text are compared *folded*: lower
case, accents dropped ("ё" = "е", "ö" = "o"), any apostrophe as ``'``, hyphens as spaces. A term
ending in ``*`` is a stem and matches any word ending ("казахстан*" matches "в Казахстане");
any other term matches whole words only. Where terms overlap the longest one wins, which is how
``IGNORED`` phrases ("премьер-министр") hide the keyword they contain.

Countries: any mention in the title, body or feed categories counts; none of the five gives
``{Country.OTHER}``. Topics: a keyword in the title or a feed category scores ``TITLE_WEIGHT``,
in the body 1 (a ``STRONG_KEYWORDS`` one ``TITLE_WEIGHT`` too); a topic is tagged when its score
reaches ``MIN_TOPIC_SCORE``. Title shapes in ``TITLE_CUES`` add ``TITLE_WEIGHT`` to their topic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final, TypeAlias


class Country(StrEnum):
    """A country of the region, or anywhere else."""

    KZ = "Kazakhstan"
    KG = "Kyrgyzstan"
    UZ = "Uzbekistan"
    TJ = "Tajikistan"
    TM = "Turkmenistan"
    OTHER = "elsewhere"


class Topic(StrEnum):
    """What a film-news article is about."""

    FESTIVALS = "festivals and awards"
    RELEASES = "releases and box office"
    PRODUCTION = "production and funding"
    PEOPLE = "people and interviews"
    HERITAGE = "archives and heritage"


# --- rules -----------------------------------------------------------------------------------
# fmt: off

GAZETTEER: Final[Mapping[Country, tuple[str, ...]]] = MappingProxyType(
    {
        Country.KZ: (
            # English and local Latin; "qozogʻiston" is the Uzbek name of Kazakhstan
            "kazakh*", "kazakstan*", "qazaq*", "qozogʻiston", "almaty", "alma-ata", "astana",
            "nur-sultan", "shymkent", "karaganda", "qaraghandy", "baikonur", "kyzylorda",
            "aktobe", "atyrau", "pavlodar", "mangystau", "taraz", "turkistan",
            # Russian
            "казах*", "алмат*", "алма-ат*", "астан*", "нур-султан*", "шымкент*", "караганд*",
            "байконур*", "кызылорд*", "актобе", "атырау", "павлодар*", "мангистау",
        ),
        Country.KG: (
            "kyrgyz*", "kirghiz*", "kirgiz*", "qirg'iziston", "bishkek*", "frunze", "osh",
            "issyk-kul*", "issyk-kol*", "ysyk-köl*", "cholpon-ata", "karakol", "jalal-abad",
            "batken", "naryn region", "naryn oblast", "naryn province", "city of naryn",
            "кыргыз*", "киргиз*", "бишкек*", "фрунзе", "ош", "оше", "ошск*", "иссык-кул*",
            "чолпон-ат*", "каракол*", "джалал-абад*", "баткен*", "нарынск*", "в нарыне",
        ),
        Country.UZ: (
            "uzbek*", "o'zbek*", "ozbekiston", "tashkent*", "toshkent*", "samarkand*",
            "samarqand*", "bukhara*", "buxoro", "khiva", "xiva", "fergana*", "ferghana*",
            "farg'ona", "nukus", "karakalpak*", "qoraqalpog'iston", "andijan*", "namangan*",
            "termez",
            "узбек*", "ташкент*", "самарканд*", "бухара", "бухаре", "бухару", "бухары",
            "бухарск*", "хива", "хиве", "хиву", "хивы", "хивинск*", "ферган*", "нукус*",
            "каракалпак*", "андижан*", "наманган*", "термез*",
        ),
        Country.TJ: (
            "tajik*", "tadjik*", "tadzhik*", "tojik*", "dushanbe", "khujand*", "khodjent",
            "leninabad", "stalinabad", "khorog", "khorugh", "pamir*", "kulob", "kulyab",
            "таджик*", "душанбе", "худжанд*", "ходжент*", "ленинабад*", "сталинабад*", "хорог*",
            "памир*", "куляб*",
        ),
        Country.TM: (
            # "Mary" / "Мары" is a city but also a first name: only with a telling context
            "turkmen*", "ashgabat*", "aşgabat*", "ashkhabad*", "krasnovodsk",
            "dashoguz", "daşoguz", "balkanabat", "mary region", "mary province", "mary velayat",
            "mary welayat", "city of mary",
            "туркмен*", "ашхабад*", "дашогуз*", "балканабат*", "красноводск*", "марыйск*",
            "в мары", "из мары", "городе мары",
        ),
    }
)

TOPIC_KEYWORDS: Final[Mapping[Topic, tuple[str, ...]]] = MappingProxyType(
    {
        Topic.FESTIVALS: (
            "festival*", "award*", "prize*", "jury", "juries", "jurors", "competition*",
            "premiere at", "premiered at", "world premiere", "oscar*", "nominat*", "nominee*",
            "best actor", "best actress", "best film", "best director", "best documentary",
            "palme d'or", "golden bear", "berlinale", "cannes", "venice", "busan", "locarno",
            "sundance", "karlovy vary", "kinotavr",
            "кинофестивал*", "фестивал*", "преми*", "наград*", "жюри", "конкурс*", "оскар*",
            "номинац*", "номинир*", "приз", "приза", "призы", "призом", "лауреат*",
            "берлинал*", "каннск*", "кинотавр*",
        ),
        Topic.RELEASES: (
            "box office", "release*", "premiere*", "screenings", "cinemas", "movie theat*",
            "theatrical*", "ticket*", "admissions", "opening weekend", "distributor*",
            "прокат*", "премьер*", "сборы", "сборов", "кассов*", "кинотеатр*", "на экран*",
            "билет*", "сеанс*",
        ),
        Topic.PRODUCTION: (
            "filming", "shooting", "production*", "co-produc*", "funding", "fund", "funds",
            "funded", "grant*", "budget*", "studio*", "script*", "screenplay*",
            "screenwrit*", "rebate*",
            "съёмк*", "съёмочн*", "снимает", "снимают", "снимать", "снимут", "снимет",
            "производств*", "финансир*", "грант*", "бюджет*", "студи*", "сценари*",
            "копродукц*",
        ),
        Topic.PEOPLE: (
            "interview*", "actor*", "actress*", "told", "director says", "director said",
            "profile", "obituary", "died", "dies", "passed away", "birthday",
            "портрет*", "интервью", "рассказал*", "актёр*", "актрис*", "скончал*", "умер",
            "умерла", "некролог*", "юбиле*", "исполнилось", "день рождения",
        ),
        Topic.HERITAGE: (
            "archive*", "restor*", "classic", "classics", "soviet-era", "heritage", "museum*",
            "anniversary", "retrospective*", "digitis*", "digitiz*", "newsreel*",
            "архив*", "реставрац*", "реставрир*", "отреставрир*", "классик*", "советск*",
            "наследи*", "музе*", "ретроспектив*", "оцифр*", "госфильмофонд*", "кинохроник*",
        ),
    }
)

# Phrases that contain a keyword but mean something else; matching them hides the keyword.
IGNORED: Final[tuple[str, ...]] = ("премьер-министр*", "press release*")

# Keywords so specific that one mention in the body is enough.
STRONG_KEYWORDS: Final[frozenset[str]] = frozenset({
    "box office", "кассов*", "obituary", "некролог*",
    "retrospective*", "restor*", "ретроспектив*", "реставрац*", "отреставрир*",
})

# Title shapes that signal a topic on their own: "Name: “quote”" is an interview headline.
TITLE_CUES: Final[tuple[tuple[re.Pattern[str], Topic], ...]] = (
    (re.compile(r"^[^:]{3,80}:\s*[\"“«„]"), Topic.PEOPLE),
)

TITLE_WEIGHT: Final = 2
MIN_TOPIC_SCORE: Final = 2
# fmt: on


# --- result --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tags:
    """The countries and topics of one article."""

    countries: frozenset[Country]
    topics: frozenset[Topic]


# --- compiled matcher ------------------------------------------------------------------------

_Label: TypeAlias = Country | Topic | None  # None: an ignored phrase
_Trie: TypeAlias = dict[str, "_Trie"]
_WORD_END: Final = ""  # trie key: a whole-word term ends here
_STEM_END: Final = "*"  # trie key: a stem ends here

_COMBINING: Final = re.compile(r"[\u0300-\u036f]+")
_DIACRITICS: Final = re.compile(r"[\u00c0-\u02af\u0300-\u036f\u1e00-\u1eff]")
_SPACE_LIKE: Final = r"-\u2010\u2011\u2012\u2013\u2212\s"  # hyphens and dashes count as spaces
_QUOTE_LIKE: Final = r"'\u2018\u2019\u02bb\u02bc`\u00b4"  # so do apostrophe-like marks
_AS_SPACE: Final = re.compile(f"[{_SPACE_LIKE}]+")
_AS_APOSTROPHE: Final = re.compile(f"[{_QUOTE_LIKE}]")


def fold(text: str) -> str:
    """Lower-case ``text`` and drop accents ("ё" and "й" lose theirs too).

    Hyphens and apostrophes are left alone here (the pattern accepts all their variants);
    ``canonical`` unifies them in the few strings that need it.
    """
    text = text.lower()
    if text.isascii():
        return text
    text = text.replace("ё", "е").replace("й", "и").replace("\u0131", "i")
    if _DIACRITICS.search(text):
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text


def canonical(text: str) -> str:
    """``fold`` and also write every hyphen or space run as one space, every apostrophe as '."""
    return _AS_APOSTROPHE.sub("'", _AS_SPACE.sub(" ", fold(text)))


def _char_regex(char: str) -> str:
    """The regex for one character of a canonical term."""
    if char == " ":
        return f"[{_SPACE_LIKE}]+"
    return f"[{_QUOTE_LIKE}]" if char == "'" else re.escape(char)


def _trie_regex(terms: Iterable[str]) -> str:
    """A regex for canonical ``terms`` (stems end in ``*``), factored by prefix, longest first."""
    trie: _Trie = {}
    for term in terms:
        node = trie
        for char in term.removesuffix(_STEM_END):
            node = node.setdefault(char, {})
        node[_STEM_END if term.endswith(_STEM_END) else _WORD_END] = {}
    return _node_regex(trie)


def _node_regex(node: _Trie) -> str:
    """The regex for one trie node: its children first, then the end of a term if any."""
    ends = (_WORD_END, _STEM_END)
    branches = [_char_regex(c) + _node_regex(n) for c, n in sorted(node.items()) if c not in ends]
    if _STEM_END in node:
        branches.append("")  # the stem may end here; the caller's \w* eats the word ending
    elif _WORD_END in node:
        branches.append(r"(?!\w)")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _rules() -> dict[str, tuple[_Label, bool]]:
    """Every canonical term of the rules mapped to its tag and whether it is strong."""
    rules: dict[str, tuple[_Label, bool]] = {}
    labelled: list[tuple[_Label, Iterable[str]]] = [*GAZETTEER.items(), *TOPIC_KEYWORDS.items()]
    for label, terms in [*labelled, (None, IGNORED)]:
        rules.update((canonical(t), (label, t in STRONG_KEYWORDS)) for t in terms)
    return rules


_RULES: Final[Mapping[str, tuple[_Label, bool]]] = MappingProxyType(_rules())
_LOOKUP: Final[Mapping[str, tuple[_Label, bool]]] = MappingProxyType(
    {term.removesuffix(_STEM_END): rule for term, rule in _RULES.items()}
)
# At a word start (after a non-word character: the text is given a leading space), the longest
# term, then the rest of the word for stems. Matching that character rather than looking behind
# lets the regex engine skip through words in C: ~20% less time than ``(?<!\w)``.
_PATTERN: Final = re.compile(rf"\W({_trie_regex(_RULES)})\w*")
_NOWHERE: Final = frozenset({Country.OTHER})


# --- tagging ---------------------------------------------------------------------------------


def _score(text: str, in_title: bool, countries: set[Country], scores: dict[Topic, int]) -> None:
    """Add the countries named in ``text`` and the points of its topic keywords."""
    lookup = _LOOKUP
    for term in _PATTERN.findall(" " + fold(text)):
        label, strong = lookup.get(term) or lookup[canonical(term)]
        if isinstance(label, Country):
            countries.add(label)
        elif label is not None:
            points = TITLE_WEIGHT if in_title or strong else 1
            scores[label] = scores.get(label, 0) + points


def tag(title: str, body: str, categories: Sequence[str] = ()) -> Tags:
    """The countries and topics of an article; feed ``categories`` weigh like the title."""
    countries: set[Country] = set()
    scores: dict[Topic, int] = {}
    _score(" | ".join((title, *categories)), True, countries, scores)
    _score(body, False, countries, scores)
    for cue, topic in TITLE_CUES:
        if cue.search(title):
            scores[topic] = scores.get(topic, 0) + TITLE_WEIGHT
    topics = frozenset(t for t, score in scores.items() if score >= MIN_TOPIC_SCORE)
    return Tags(frozenset(countries) if countries else _NOWHERE, topics)


# --- stored form ---------------------------------------------------------------------------

# Each tag's bit in the integer the store keeps (articles.tags, reader_filters): never renumber.
COUNTRY_BITS: Final[Mapping[Country, int]] = MappingProxyType(
    {country: 1 << n for n, country in enumerate(Country)}
)
TOPIC_BITS: Final[Mapping[Topic, int]] = MappingProxyType(
    {topic: 1 << (8 + n) for n, topic in enumerate(Topic)}
)


def to_bits(tags: Tags) -> int:
    """The tags as the store keeps them: one bit per country and per topic."""
    return sum(COUNTRY_BITS[c] for c in tags.countries) + sum(TOPIC_BITS[t] for t in tags.topics)


def from_bits(bits: int) -> Tags:
    """The stored bits back to tags."""
    return Tags(
        frozenset(c for c, bit in COUNTRY_BITS.items() if bits & bit),
        frozenset(t for t, bit in TOPIC_BITS.items() if bits & bit),
    )


def tag_bits(title: str, body: str, categories: Sequence[str] = ()) -> int:
    """``tag`` in its stored form."""
    return to_bits(tag(title, body, categories))
