"""The one key for "the same festival name", in Python and in SQL alike, and ordinals.

SQLite's ``NOCASE`` folds ASCII letters only, so "ДИДОР" and "Дидор" would be two festivals. The
key is computed here and registered on every connection as the SQL function ``name_key``; the
discovery of festivals in articles (``bot.newsroom.discovery``) uses the same rule, so that
"The 7th Eurasian Film Festival" found in the news is the curated "Eurasian Film Festival".
"""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[\W_]+")

_WORDS_1_TO_19 = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
)
ORDINAL_WORDS = {
    word: number
    for number, word in enumerate(
        _WORDS_1_TO_19.split(),
        start=1,
    )
} | {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
NUMERIC_ORDINAL = re.compile(r"(\d{1,3})(?:st|nd|rd|th|-?(?:й|я|е|го|ой|ый|ий|м|ого))", re.I)
ROMAN = re.compile(r"(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# Russian ordinals 1-10 in any case and gender: "седьмой", "третьего", "пятом".
RU_ORDINAL = re.compile(
    r"(перв|втор|трет|четв[её]рт|пят|шест|седьм|восьм|девят|десят)"
    r"(?:ый|ой|ий|ая|ое|ого|его|ом|ем|ому|ему|ую|ья|ье|ьего|ьем|ьему|ьей|ым|им)"
)
_RU_ORDINAL_VALUES = {
    "перв": 1, "втор": 2, "трет": 3, "четвёрт": 4, "четверт": 4,
    "пят": 5, "шест": 6, "седьм": 7, "восьм": 8, "девят": 9, "десят": 10,
}  # fmt: skip
_STRIPPED = '"“”«»„‘' + ",;:.!?)]—–"


def ordinal(token: str, *, roman_one: bool = False) -> int | None:
    """The number an ordinal token names ("7th", "seventh", "XVII", "седьмой"), else None."""
    word = token.strip(_STRIPPED)
    if not word:
        return None
    if numeric := NUMERIC_ORDINAL.fullmatch(word):
        return int(numeric[1]) or None
    if word.isupper() and ROMAN.fullmatch(word) and (roman_one or word != "I"):
        return roman_value(word)
    folded = word.casefold()
    if folded in ORDINAL_WORDS:
        return ORDINAL_WORDS[folded]
    tens, _, unit = folded.partition("-")
    if tens in TENS and unit in ORDINAL_WORDS and ORDINAL_WORDS[unit] < 10:
        return TENS[tens] + ORDINAL_WORDS[unit]
    if russian := RU_ORDINAL.fullmatch(folded):
        return _RU_ORDINAL_VALUES[russian[1]]
    return None


def roman_value(numeral: str) -> int:
    """The value of a valid Roman numeral."""
    values = [_ROMAN_VALUES[char] for char in numeral]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def fold(text: str) -> str:
    """NFKC, casefolded, accents stripped, punctuation and whitespace collapsed to one space."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", letters).strip()


# What "7-й" leaves after its digits once folded ("й" loses its breve): "7 и", "7 го".
_FOLDED_RU_SUFFIX = frozenset({"и", "я", "е", "го", "ои", "ыи", "ии", "м", "ого"})
_FOLDED_NUMBER = re.compile(r"\d{1,3}(?:st|nd|rd|th)?|(?:19|20)\d\d")  # 7, 7th, 2025
_FOLDED_ROMAN = re.compile(r"[ivxlc]+")
_CYRILLIC = re.compile(r"[а-я]")


def name_key(name: str) -> str:
    """The key of "the same festival name": folded, without a leading "the", ordinal or year.

    "The 7th Eurasian Film Festival", "Seventh Eurasian film-festival" and "eurasian film
    festival" share the key "eurasian film festival"; "XVII Кинофестиваль «Шёлковый путь»"
    and "кинофестиваль шелковыи путь" share "кинофестиваль шелковыи путь". A name that is
    nothing but such a word keeps it ("The").
    """
    words = fold(name).split()
    while len(words) > 1:
        if words[0] in TENS and _is_edition_word(words[1], words[2:3]):
            del words[:2]  # "twenty-first" folds to two words
        elif _is_edition_word(words[0], words[1:2]):
            digits = words.pop(0).isdigit()
            if digits and len(words) > 1 and words[0] in _FOLDED_RU_SUFFIX:
                words.pop(0)
        else:
            break
    return " ".join(words)


def _is_edition_word(word: str, after: list[str]) -> bool:
    """Whether a folded leading word is "the", "annual", an ordinal, a number or a year."""
    if word in {"the", "annual"} or _FOLDED_NUMBER.fullmatch(word):
        return True
    if _FOLDED_ROMAN.fullmatch(word):
        cyrillic = bool(after) and _CYRILLIC.match(after[0]) is not None
        return (word != "i" or cyrillic) and ROMAN.fullmatch(word.upper()) is not None
    # Folding turned "й" into "и": put it back for the Russian ordinals.
    return ordinal(word) is not None or ordinal(word[:-1] + "й") is not None
