"""The region's cities and countries as they are written in English and Russian text: "in
Samarkand", "в Бишкеке", "Almaty hosts", "in Kyrgyzstan", and the city a name carries."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """A city of the region: its English name, country, forms in text and Russian adjective."""

    name: str
    country: str
    forms: str  # regex alternatives, case-sensitive, incl. Russian case forms
    adjective: str  # casefolded stem of the Russian adjective: "ташкентск(ий)"


_CITIES = (
    Place("Almaty", "Kazakhstan", r"Almaty|Alma-Ata|Алматы|Алма-Ат[аеы]", "алматинск"),
    Place("Astana", "Kazakhstan", r"Astana|Астан[аеуы]", "астанинск"),
    Place("Bishkek", "Kyrgyzstan", r"Bishkek|Бишкек(?:е|а|у|ом)?", "бишкекск"),
    Place("Osh", "Kyrgyzstan", r"Osh|Ош(?:е|а|у)?", "ошск"),
    Place("Cholpon-Ata", "Kyrgyzstan", r"Cholpon-Ata|Чолпон-Ат[аеы]", "чолпон-атинск"),
    Place("Tashkent", "Uzbekistan", r"Tashkent|Ташкент(?:е|а|у|ом)?", "ташкентск"),
    Place("Samarkand", "Uzbekistan", r"Samarkand|Samarqand|Самарканд(?:е|а|у|ом)?", "самаркандск"),
    Place("Bukhara", "Uzbekistan", r"Bukhara|Бухар[аеуы]", "бухарск"),
    Place("Dushanbe", "Tajikistan", r"Dushanbe|Душанбе", "душанбинск"),
    Place("Khujand", "Tajikistan", r"Khujand|Худжанд(?:е|а|у|ом)?", "худжандск"),
    Place("Ashgabat", "Turkmenistan", r"Ashgabat|Ashkhabad|Ашхабад(?:е|а|у|ом)?", "ашхабадск"),
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
CITY_IN = re.compile(rf"{_IN}(?:the\s+city\s+of\s+|городе\s+)?(?:{_ANY_CITY})(?![\w-])")
# "Samarkand hosts the ...", "Бишкек примет ...".
CITY_HOSTS = re.compile(
    rf"(?<![\w-])(?:{_ANY_CITY})\s+(?:hosts|hosted|will\s+host|is\s+hosting|принимает|примет|принял)\b"
)
CITY_WORD = re.compile(rf"(?<![\w-])(?:{_ANY_CITY})(?![\w-])")
COUNTRY_IN = re.compile(rf"{_IN}(?:{_ANY_COUNTRY})(?![\w-])")


def place_of(match: re.Match[str]) -> Place:
    """The city a match of one of the ``c<i>`` alternations found."""
    group = match.lastgroup or ""
    return _CITIES[int(group[1:])]


def city_in_name(name: str) -> Place | None:
    """The city a name carries: "Bishkek International Film Festival", "Ташкентский …"."""
    found = CITY_WORD.search(name)
    if found:
        return place_of(found)
    folded = name.casefold()
    return next((place for place in _CITIES if place.adjective in folded), None)


def country_of(match: re.Match[str]) -> str:
    """The country a match of one of the ``k<i>`` alternations found."""
    return _COUNTRIES[int((match.lastgroup or "k0")[1:])][0]
