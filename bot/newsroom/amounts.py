"""What people type about money: amounts, currency codes, names and symbols, /convert's words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from bot.i18n import mark
from bot.newsroom.problems import Problem

MAX_AMOUNT = Decimal(10) ** 15
MAX_AMOUNT_CHARS = 40
# How much of an unknown word a reply quotes back.
SHOWN_WORD_CHARS = 32

_GROUP_SPACES = re.compile(r"[\s'_\u00a0\u202f\u2009]")
_LEADING_GROUP = re.compile(r"\+?\d{1,3}")
_MIDDLE_GROUP = re.compile(r"\d{3}")
_LAST_GROUP = re.compile(r"\d{3}(?:[.,]\d+)?")
_AMOUNT = re.compile(r"\+?[\d.,]+")
_CODE = re.compile(r"[A-Za-z]{3}")
# A token that reads as (part of) a number: digits with separators, maybe signed.
_NUMERIC = re.compile(r"[+\-−]?[\d.,'_\u00a0\u202f\u2009]*\d[\d.,'_\u00a0\u202f\u2009]*")
# A number with a currency stuck to it: ``100kzt``, ``$100``, ``5000₸``, ``100 ₽``.
_STUCK = re.compile(
    r"(?P<before>[^\d\s.,+\-−]+)?(?P<amount>[+\-−]?\d[\d.,]*)(?P<after>[^\d\s.,]+)?"
)
_CONNECTORS = frozenset({"to", "in", "into", "->", "→", "=", "в", "во", "to:"})
_NEEDED = mark("An amount and a currency code are needed.")
_APOSTROPHES = str.maketrans({"ʻ": "'", "‘": "'", "’": "'", "`": "'", "ʼ": "'"})


def _names(table: Mapping[str, tuple[str, ...]]) -> Mapping[str, str]:
    """Every name or symbol → its code."""
    return MappingProxyType({name: code for code, names in table.items() for name in names})


# Names and symbols people use for the currencies, casefolded (Russian cases included).
CURRENCY_NAMES: Mapping[str, str] = _names(
    {
        "USD": (
            "$",
            "us$",
            "доллар",
            "доллара",
            "долларов",
            "доллары",
            "долларах",
            "dollar",
            "dollars",
            "бакс",
            "баксов",
        ),
        "KZT": ("₸", "тенге", "теңге", "tenge", "тг"),
        "KGS": ("сом", "сома", "сомов", "som", "soms", "kyrgyz som"),
        "UZS": ("сум", "сума", "сумов", "сўм", "so'm", "sum", "sums", "soum", "sʻom"),
        "TJS": ("сомони", "сомонӣ", "somoni", "смн"),
        "TMT": ("манат", "маната", "манатов", "manat", "manats"),
        "RUB": (
            "₽",
            "рубль",
            "рубля",
            "рублей",
            "рублях",
            "руб",
            "руб.",
            "ruble",
            "rubles",
            "rouble",
            "roubles",
        ),
        "EUR": ("€", "евро", "euro", "euros"),
        "CNY": ("¥", "元", "юань", "юаня", "юаней", "yuan", "renminbi", "rmb"),
    }
)


class AmountError(Problem):
    """An amount that cannot be used; the message says why, in words for the user."""


class ConversionUsageError(Problem):
    """Arguments of /convert that are not AMOUNT FROM [TO]."""


class UnknownCurrency(LookupError):
    """A currency (a code or a word) that the bot does not know."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class ConversionRequest:
    """What /convert was asked: an amount, its currency and the wanted one (None: default)."""

    amount: Decimal
    source: str
    target: str | None


def shown_word(text: str) -> str:
    """What a reply quotes of a word someone typed: trimmed to a sane length."""
    word = " ".join(text.split())
    return word if len(word) <= SHOWN_WORD_CHARS else word[: SHOWN_WORD_CHARS - 1] + "…"


def currency_code(token: str) -> str | None:
    """``KZT``, ``kzt``, ``тенге``, ``₸``, ``so'm`` → a code; None when it is no currency word.

    Three Latin letters are taken as a code even when unknown (the caller checks the rates).
    """
    word = unicodedata.normalize("NFC", token.strip()).casefold().translate(_APOSTROPHES)
    if word in CURRENCY_NAMES:
        return CURRENCY_NAMES[word]
    if _CODE.fullmatch(word):
        return word.upper()
    return None


def parse_amount(text: str) -> Decimal:
    """``100``, ``1,5``, ``1 000``, ``1,000.50``, ``1.000,50`` → Decimal; ``AmountError`` else.

    A lone comma is a decimal comma (``1,5``) unless it reads as a thousands separator too
    (``1,500``): that is refused as ambiguous. Exponents, NaN and Infinity are refused.
    """
    raw = text.strip()
    if len(raw) > MAX_AMOUNT_CHARS:
        raise AmountError(mark("That amount is too long."))
    if raw[:1] in ("-", "−"):
        raise AmountError(mark("The amount cannot be negative."))
    if not _spaced_groups_ok(raw):
        raise _unreadable(text.strip())
    compact = _GROUP_SPACES.sub("", raw)
    if not _AMOUNT.fullmatch(compact) or not any(char.isdigit() for char in compact):
        raise _unreadable(text.strip())
    number = _normalise(compact.removeprefix("+"), text.strip())
    value = Decimal(number)
    if value > MAX_AMOUNT:
        raise AmountError(mark("That amount is too large."))
    return value


def _unreadable(shown: str) -> AmountError:
    return AmountError(mark("“{amount}” is not an amount I can read."), amount=shown)


def _spaced_groups_ok(text: str) -> bool:
    """Spaces (or ' or _) may only group thousands: ``1 000 000``, ``12 500,50``."""
    groups = _GROUP_SPACES.split(text)
    if len(groups) == 1:
        return True
    return (
        _LEADING_GROUP.fullmatch(groups[0]) is not None
        and all(_MIDDLE_GROUP.fullmatch(group) for group in groups[1:-1])
        and _LAST_GROUP.fullmatch(groups[-1]) is not None
    )


def _normalise(digits: str, shown: str) -> str:
    """Digits with ``.`` and ``,`` → a plain decimal string."""
    unreadable = _unreadable(shown)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal_mark = "." if digits.rindex(".") > digits.rindex(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        whole, _, fraction = digits.rpartition(decimal_mark)
        if decimal_mark in whole or not _grouped(whole, group_mark) or not fraction.isdigit():
            raise unreadable
        return whole.replace(group_mark, "") + "." + fraction
    separator = "." if dots else "," if commas else ""
    count = dots + commas
    if count == 0:
        return digits
    if count > 1:
        if not _grouped(digits, separator):
            raise unreadable
        return digits.replace(separator, "")
    whole, _, fraction = digits.partition(separator)
    if not fraction.isdigit():
        raise unreadable
    if separator == "," and len(fraction) == 3 and whole.isdigit() and not whole.startswith("0"):
        raise AmountError(
            mark(
                "“{amount}” could be {thousands} or {decimal}: "
                "write it without the comma or with a dot."
            ),
            amount=shown,
            thousands=f"{whole}{fraction}",
            decimal=f"{whole}.{fraction}",
        )
    return (whole or "0") + "." + fraction


def _grouped(digits: str, mark: str) -> bool:
    """``1,000,000``-style grouping: 1-3 digits, then groups of exactly three."""
    groups = digits.split(mark)
    return (
        all(group.isdigit() for group in groups)
        and 1 <= len(groups[0]) <= 3
        and all(len(group) == 3 for group in groups[1:])
    )


def parse_conversion(args: Sequence[str]) -> ConversionRequest:
    """``/convert`` arguments → request: ``100 KZT``, ``1 000 kzt usd``, ``100kzt to usd``,
    ``100 тенге в долларах``... ``$100``, ``5000₸ RUB``.

    A word in a currency's place that is no currency raises ``UnknownCurrency`` (the word),
    not an amount error; a first word that is no number raises ``AmountError``.
    """
    tokens = [piece for token in args if token for piece in _unstick(token)]
    count = 0
    while count < len(tokens) and _NUMERIC.fullmatch(tokens[count]):
        count += 1
    words = [token for token in tokens[count:] if token.casefold() not in _CONNECTORS]
    if count == 0:
        if len(tokens) >= 2 and tokens[0].casefold() not in _CONNECTORS:
            raise _unreadable(shown_word(tokens[0]))
        raise ConversionUsageError(_NEEDED)
    if not words:
        raise ConversionUsageError(_NEEDED)
    amount = parse_amount(" ".join(tokens[:count]))
    codes = []
    for word in words:
        code = currency_code(word)
        if code is None:
            raise UnknownCurrency(shown_word(word))
        codes.append(code)
    if len(codes) > 2:
        raise ConversionUsageError(mark("One currency to convert from and at most one to."))
    return ConversionRequest(amount, codes[0], codes[1] if len(codes) > 1 else None)


def _unstick(token: str) -> list[str]:
    """``100kzt`` → ``100``, ``kzt``; ``$100`` → ``100``, ``$``; anything else stays whole."""
    match = _STUCK.fullmatch(token)
    if match is None or not (match["before"] or match["after"]):
        return [token]
    if match["before"] and match["after"]:
        return [token]
    stuck = match["before"] or match["after"]
    if currency_code(stuck) is None:
        return [token]
    return [match["amount"], stuck]
