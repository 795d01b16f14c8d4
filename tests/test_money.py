"""Amounts and currency words people type; rates both ways, conversion through USD in Decimal,
changes, staleness, and values shown no more precisely than their source (any stored value)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.newsroom import amounts, money
from bot.newsroom.amounts import (
    AmountError,
    ConversionRequest,
    ConversionUsageError,
    UnknownCurrency,
    currency_code,
    parse_amount,
    parse_conversion,
)
from bot.newsroom.money import RateMissing, RateRangeError, convert, show, show_result
from storage.models import Rate

FEB_7 = date(2026, 2, 7)
FEB_13 = date(2026, 2, 13)


def rate(
    code: str,
    value: str,
    as_of: date = FEB_13,
    *,
    per_usd: str | None = None,
    digits: int | None = None,
    previous: Rate | None = None,
    source: str = "seed:page.txt",
) -> Rate:
    return Rate(
        code,
        "USD",
        Decimal(value),
        None,
        as_of,
        source,
        per_usd=None if per_usd is None else Decimal(per_usd),
        digits=digits,
        previous=previous,
    )


def bank(code: str, per_usd: str, as_of: date = FEB_13, digits: int | None = None) -> Rate:
    """A rate as a bank quotes it: units per USD exactly, USD per unit computed."""
    quoted = Decimal(per_usd)
    exact = digits or len(quoted.as_tuple().digits)
    return rate(code, str(Decimal(1) / quoted), as_of, per_usd=per_usd, digits=exact, source="nbk")


SEED_RATES = {
    "KGS": rate("KGS", "0.01144"),
    "KZT": rate("KZT", "0.00202"),
    "TJS": rate("TJS", "0.10598"),
    "UZS": rate("UZS", "0.00008"),
    "TMT": rate("TMT", "0.28490"),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100", "100"),
        ("+7", "7"),
        ("1,5", "1.5"),
        ("0,500", "0.500"),
        (".5", "0.5"),
        ("1.25", "1.25"),
        ("1 000", "1000"),
        ("1\u00a0000\u202f000", "1000000"),
        ("12 500,50", "12500.50"),
        ("1,000,000", "1000000"),
        ("1,000.50", "1000.50"),
        ("1.000,50", "1000.50"),
        ("1_000", "1000"),
        ("0", "0"),
        ("0.00000001", "0.00000001"),
    ],
)
def test_amounts_people_type(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)
    assert f"{parse_amount(text):f}" == expected  # no precision lost or invented


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-5", "negative"),
        ("−5", "negative"),
        ("NaN", "not an amount"),
        ("nan", "not an amount"),
        ("Infinity", "not an amount"),
        ("inf", "not an amount"),
        ("1e3", "not an amount"),
        ("abc", "not an amount"),
        ("", "not an amount"),
        (",", "not an amount"),
        ("1.5.5", "not an amount"),
        ("1,2,3", "not an amount"),
        ("1 5", "not an amount"),
        ("12 34", "not an amount"),
        ("1,000.5,0", "not an amount"),
        ("0x10", "not an amount"),
        ("1,500", "could be 1500 or 1.500"),
        ("1" * 20, "too large"),
        ("1" * 50, "too long"),
    ],
)
def test_amounts_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(AmountError, match=reason):
        parse_amount(text)


def test_the_largest_amount_is_accepted_and_one_more_is_not() -> None:
    assert parse_amount("1 000 000 000 000 000") == amounts.MAX_AMOUNT
    with pytest.raises(AmountError, match="too large"):
        parse_amount("1000000000000000.01")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["100", "KZT"], ConversionRequest(Decimal(100), "KZT", None)),
        (["100", "kzt", "usd"], ConversionRequest(Decimal(100), "KZT", "USD")),
        (["1", "000", "kgs"], ConversionRequest(Decimal(1000), "KGS", None)),
        (["1", "000,5", "KGS", "KZT"], ConversionRequest(Decimal("1000.5"), "KGS", "KZT")),
        (["100kzt"], ConversionRequest(Decimal(100), "KZT", None)),
        (["100KZT", "usd"], ConversionRequest(Decimal(100), "KZT", "USD")),
        (["2,5", "usd", "to", "uzs"], ConversionRequest(Decimal("2.5"), "USD", "UZS")),
        (["5", "EUR"], ConversionRequest(Decimal(5), "EUR", None)),  # checked against rates later
    ],
)
def test_conversion_arguments(args: list[str], expected: ConversionRequest) -> None:
    assert parse_conversion(args) == expected


@pytest.mark.parametrize("args", [[], ["100"], ["KZT"], ["to", "KZT"]])
def test_conversion_arguments_missing(args: list[str]) -> None:
    with pytest.raises(ConversionUsageError):
        parse_conversion(args)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["abc", "KZT"], "“abc” is not an amount"),
        (["ten", "KZT"], "not an amount"),
        (["-3", "KZT"], "negative"),
        (["NaN", "KZT"], "not an amount"),
    ],
)
def test_conversion_arguments_with_a_bad_amount(args: list[str], reason: str) -> None:
    with pytest.raises(AmountError, match=reason):
        parse_conversion(args)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["100", "тенге", "USD"], ConversionRequest(Decimal(100), "KZT", "USD")),
        (["100", "теңге"], ConversionRequest(Decimal(100), "KZT", None)),
        (["$100"], ConversionRequest(Decimal(100), "USD", None)),
        (["100$", "сом"], ConversionRequest(Decimal(100), "USD", "KGS")),
        (["5000₸", "RUB"], ConversionRequest(Decimal(5000), "KZT", "RUB")),
        (["₽500", "€"], ConversionRequest(Decimal(500), "RUB", "EUR")),
        (["10", "сомони", "в", "сум"], ConversionRequest(Decimal(10), "TJS", "UZS")),
        (["10", "somoni", "to", "sum"], ConversionRequest(Decimal(10), "TJS", "UZS")),
        (["1", "000", "сўм"], ConversionRequest(Decimal(1000), "UZS", None)),
        (["100", "so‘m"], ConversionRequest(Decimal(100), "UZS", None)),
        (["7", "манат", "доллар"], ConversionRequest(Decimal(7), "TMT", "USD")),
        (["7", "Manat", "Dollars"], ConversionRequest(Decimal(7), "TMT", "USD")),
        (["50", "рублей", "tenge"], ConversionRequest(Decimal(50), "RUB", "KZT")),
        (["5000", "тенге", "в", "рублях"], ConversionRequest(Decimal(5000), "KZT", "RUB")),
        (["3", "евро", "юаней"], ConversionRequest(Decimal(3), "EUR", "CNY")),
    ],
)
def test_currency_names_and_symbols(args: list[str], expected: ConversionRequest) -> None:
    assert parse_conversion(args) == expected


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["100", "gold", "USD"], "gold"),
        (["100", "USD", "тугрик"], "тугрик"),
        (["100", "x" * 100], "x" * 31 + "…"),
    ],
)
def test_an_unknown_currency_word_blames_the_currency_not_the_amount(
    args: list[str], word: str
) -> None:
    with pytest.raises(UnknownCurrency) as raised:
        parse_conversion(args)
    assert raised.value.code == word


def test_three_currencies_are_a_usage_error() -> None:
    with pytest.raises(ConversionUsageError):
        parse_conversion(["5", "usd", "kzt", "eur"])


def test_currency_code_of_codes_and_other_words() -> None:
    assert currency_code("kzt") == "KZT"
    assert currency_code("XYZ") == "XYZ"  # a code: the rates decide whether it is known
    assert currency_code("₸") == "KZT"
    assert currency_code("kazakh") is None


def test_default_target_is_usd_or_kzt_from_usd() -> None:
    assert money.default_target("KGS") == "USD"
    assert money.default_target("USD") == "KZT"


@pytest.mark.parametrize(
    ("value", "digits", "text", "approximate"),
    [
        ("478.77", 5, "478.77", False),
        ("12500", 1, "10,000", True),  # 1 / 0.00008: one significant digit, as the source had
        ("12500", 3, "12,500", False),
        ("0.0020886855", 5, "0.0020887", True),
        ("87.4500", 6, "87.4500", False),
        ("2.005", 3, "2.01", True),  # half up, as people round money
        ("1E-400", 1, "1E-400", False),  # any Decimal renders, briefly
        ("1E+400", 3, "1E+400", False),
        ("0", 3, "0", False),
    ],
)
def test_shown_no_more_precise_than_the_source(
    value: str, digits: int, text: str, approximate: bool
) -> None:
    shown = show(Decimal(value), digits)
    assert (shown.text, shown.approximate) == (text, approximate)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_non_finite_values_show_as_not_available(value: str) -> None:
    assert show(Decimal(value), 3).text == "n/a"


def test_both_ways_from_a_bank_quote_and_from_a_ticker() -> None:
    usd, unit = money.both_ways(bank("KZT", "478.77"))
    assert (usd.text, usd.equals, unit.text, unit.equals) == ("478.77", "=", "0.0020887", "≈")
    usd, unit = money.both_ways(SEED_RATES["UZS"])
    assert (usd.text, usd.equals, unit.text, unit.equals) == ("10,000", "≈", "0.00008", "=")


@pytest.mark.parametrize(
    "value", ["0", "-5", "NaN", "Infinity", "1E-400", "1E+400", "1E-999999", "sNaN"]
)
def test_an_unusable_stored_value_is_a_missing_rate_never_a_crash(value: str) -> None:
    absurd = rate("TMT", value)
    with pytest.raises(RateMissing):
        money.both_ways(absurd)
    with pytest.raises(RateMissing):
        convert(Decimal(100), "TMT", "USD", {"TMT": absurd})
    assert money.change_pct(rate("TMT", "0.28", previous=absurd)) is None


def test_a_rate_of_the_whole_plausible_range_converts_and_renders() -> None:
    tiny = rate("TMT", "1E-30")
    result = convert(Decimal(10) ** 15, "USD", "TMT", {"TMT": tiny})
    assert show_result(result).text == "1E+45"


def test_convert_from_a_bank_quote_is_exact_where_it_can_be() -> None:
    rates = {"KZT": bank("KZT", "478.77"), "KGS": bank("KGS", "87.4500")}
    to_kzt = convert(Decimal(100), "USD", "KZT", rates)
    assert (to_kzt.result, show_result(to_kzt).text, show_result(to_kzt).equals) == (
        Decimal("47877.00"),
        "47,877",
        "=",
    )
    to_usd = show_result(convert(Decimal(1000), "KZT", "USD", rates))
    assert (to_usd.text, to_usd.equals) == ("2.09", "≈")
    cross = convert(Decimal(1000), "KGS", "KZT", rates)
    assert abs(cross.result - Decimal("478770") / Decimal("87.45")) < Decimal("1e-20")
    assert [r.currency for r in cross.used] == ["KGS", "KZT"]


def test_a_conversion_through_a_one_digit_rate_does_not_pretend_exactness() -> None:
    result = convert(Decimal(1_000_000), "UZS", "USD", SEED_RATES)
    assert result.result == Decimal(80)
    shown = show_result(result)
    assert (shown.text, shown.equals) == ("80", "≈")  # not "80.00", not "="


def test_decimal_keeps_what_float_loses() -> None:
    rates = {"TJS": rate("TJS", "0.1", digits=4)}
    assert convert(Decimal(3), "TJS", "USD", rates).result == Decimal("0.3")


def test_conversion_reports_every_date_of_the_rates_used() -> None:
    rates = {**SEED_RATES, "TMT": rate("TMT", "0.28575", as_of=FEB_7)}
    assert convert(Decimal(1), "TMT", "KZT", rates).as_of == (FEB_7, FEB_13)
    assert convert(Decimal(1), "USD", "USD", rates).as_of == ()


def test_unknown_and_missing_currencies() -> None:
    without_tmt = {code: r for code, r in SEED_RATES.items() if code != "TMT"}
    with pytest.raises(UnknownCurrency) as unknown:
        convert(Decimal(1), "XAU", "USD", SEED_RATES)
    assert unknown.value.code == "XAU"
    with pytest.raises(RateMissing) as missing:
        convert(Decimal(1), "USD", "TMT", without_tmt)
    assert missing.value.code == "TMT"
    with pytest.raises(RateMissing):
        convert(Decimal(1), "EUR", "USD", SEED_RATES)  # followed, but no rate yet


def test_known_codes_list_usd_the_followed_then_others() -> None:
    assert money.known_codes({}) == ["USD", "KGS", "KZT", "TJS", "TMT", "UZS", "RUB", "EUR", "CNY"]
    assert money.known_codes({"GBP": rate("GBP", "1.3")})[-1] == "GBP"


def test_the_change_is_computed_from_the_two_rows() -> None:
    kgs = rate("KGS", "0.01144", previous=rate("KGS", "0.01143", FEB_7))
    assert money.change_pct(kgs) == Decimal("0.09")  # the ticker said 0%
    tjs = rate("TJS", "0.10598", previous=rate("TJS", "0.10661", FEB_7))
    assert money.change_pct(tjs) == Decimal("-0.59")  # the ticker said -0.19%
    assert money.change_pct(SEED_RATES["KZT"]) is None
    assert money.format_change(Decimal("-0.59")) == "-0.59%"
    assert money.format_change(Decimal("0.00")) == "0.00%"
    assert money.format_change(None) == "n/a"


def test_stale_after_a_week() -> None:
    assert not money.is_stale(SEED_RATES["KZT"], date(2026, 2, 20))
    assert money.is_stale(SEED_RATES["KZT"], date(2026, 2, 21))


def test_region_first_then_the_world_then_the_rest() -> None:
    rates = [rate(code, "0.5") for code in ("GBP", "CNY", "UZS", "RUB", "KGS", "EUR", "KZT")]
    assert [r.currency for r in money.ordered(rates)] == [
        "KGS",
        "KZT",
        "UZS",
        "RUB",
        "EUR",
        "CNY",
        "GBP",
    ]


@pytest.mark.parametrize(
    ("code", "typed", "per_usd", "quoted_per_usd"),
    [
        ("KZT", "505", "505", True),  # 1 USD = 505 KZT, as everyone quotes it locally
        ("KZT", "0.00198", str(Decimal(1) / Decimal("0.00198")), False),
        ("UZS", "12500", "12500", True),
        ("TMT", "3.5", "3.5", True),
        ("TMT", "0.2857", str(Decimal(1) / Decimal("0.2857")), False),
        ("EUR", "0.92", "0.92", True),  # both readings are sane: per USD wins
    ],
)
def test_a_typed_rate_is_read_either_way(
    code: str, typed: str, per_usd: str, quoted_per_usd: bool
) -> None:
    reading = money.read_typed_rate(code, Decimal(typed))
    assert reading.quoted_per_usd is quoted_per_usd
    assert abs(reading.per_usd - Decimal(per_usd)) < Decimal("1e-20")
    assert abs(reading.value * reading.per_usd - 1) < Decimal("1e-30")


@pytest.mark.parametrize(
    "typed", ["1e-400", "0.000000000000000000000000000001", "1E+30", "35", "0.035", "1"]
)
def test_a_typed_rate_outside_the_sane_range_is_refused_naming_it(typed: str) -> None:
    with pytest.raises(RateRangeError, match=r"1 USD = 2–10 TMT \(or 1 TMT = 0\.1–0\.5 USD\)"):
        money.read_typed_rate("TMT", Decimal(typed))


def test_a_move_over_a_fifth_needs_confirmation() -> None:
    old = bank("KZT", "495")
    assert not money.moves_too_far(old, Decimal("505"))
    assert money.moves_too_far(old, Decimal("600"))
    assert money.moves_too_far(old, Decimal("390"))
    assert money.moves_too_far(rate("KZT", "NaN"), Decimal("505"))
