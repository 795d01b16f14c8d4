"""Amounts people type, conversion through USD in Decimal, rounding for display."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.newsroom import money
from bot.newsroom.money import (
    AmountError,
    ConversionRequest,
    ConversionUsageError,
    RateMissing,
    UnknownCurrency,
    convert,
    default_target,
    format_amount,
    format_change,
    format_number,
    inverse,
    known_codes,
    parse_amount,
    parse_conversion,
    round_amount,
)
from storage.models import Rate

FEB_7 = date(2026, 2, 7)
FEB_13 = date(2026, 2, 13)


def rate(code: str, value: str, as_of: date = FEB_13, change: str | None = "0") -> Rate:
    return Rate(
        code, "USD", Decimal(value), None if change is None else Decimal(change), as_of, "t"
    )


SEED_RATES = {
    "KGS": rate("KGS", "0.01144"),
    "KZT": rate("KZT", "0.00202"),
    "TJS": rate("TJS", "0.10598", change="-0.19"),
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
    assert parse_amount("1 000 000 000 000 000") == money.MAX_AMOUNT
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
        (["5", "usd", "kzt", "eur"], "not an amount"),
    ],
)
def test_conversion_arguments_with_a_bad_amount(args: list[str], reason: str) -> None:
    with pytest.raises(AmountError, match=reason):
        parse_conversion(args)


def test_default_target_is_usd_or_kzt_from_usd() -> None:
    assert default_target("KGS") == "USD"
    assert default_target("USD") == "KZT"


def test_inverse_of_the_kzt_rate() -> None:
    assert inverse(SEED_RATES["KZT"]) == Decimal(1) / Decimal("0.00202")
    assert format_amount(inverse(SEED_RATES["KZT"])) == "495.05"
    assert format_amount(inverse(SEED_RATES["UZS"])) == "12,500.00"


def test_convert_to_and_from_usd() -> None:
    to_usd = convert(Decimal(1000), "KZT", "USD", SEED_RATES)
    assert to_usd.result == Decimal("2.02000")
    assert to_usd.as_of == (FEB_13,)
    from_usd = convert(Decimal(100), "USD", "KZT", SEED_RATES)
    assert format_amount(from_usd.result) == "49,504.95"


def test_cross_rates_go_through_usd_exactly() -> None:
    result = convert(Decimal("1.5"), "KGS", "KZT", SEED_RATES)
    assert result.result == Decimal("1.5") * Decimal("0.01144") / Decimal("0.00202")
    assert format_amount(result.result) == "8.50"


def test_decimal_keeps_what_float_loses() -> None:
    rates = {"TJS": rate("TJS", "0.1")}
    assert convert(Decimal(3), "TJS", "USD", rates).result == Decimal("0.3")  # 0.30000000000000004


def test_conversion_reports_every_date_of_the_rates_used() -> None:
    rates = {**SEED_RATES, "TMT": rate("TMT", "0.28575", as_of=FEB_7)}
    assert convert(Decimal(1), "TMT", "KZT", rates).as_of == (FEB_7, FEB_13)
    assert convert(Decimal(1), "USD", "USD", rates).as_of == ()


def test_unknown_and_missing_currencies() -> None:
    without_tmt = {code: r for code, r in SEED_RATES.items() if code != "TMT"}
    with pytest.raises(UnknownCurrency) as unknown:
        convert(Decimal(1), "EUR", "USD", SEED_RATES)
    assert unknown.value.code == "EUR"
    with pytest.raises(RateMissing) as missing:
        convert(Decimal(1), "USD", "TMT", without_tmt)
    assert missing.value.code == "TMT"
    with pytest.raises(RateMissing):
        convert(Decimal(1), "KZT", "USD", {"KZT": rate("KZT", "0")})


def test_known_codes_include_usd_the_region_and_any_other_rate() -> None:
    assert known_codes({}) == ["KGS", "KZT", "TJS", "TMT", "USD", "UZS"]
    assert "RUB" in known_codes({"RUB": rate("RUB", "0.011")})


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("495.0495", "495.05"),
        ("2.005", "2.01"),  # half up, as people round money
        ("12500", "12,500.00"),
        ("1234567.891", "1,234,567.89"),
        ("1", "1.00"),
        ("0.99996", "1.00"),
        ("0.5", "0.50"),
        ("0.1066", "0.1066"),
        ("0.10661", "0.1066"),
        ("0.00202", "0.00202"),
        ("0.0000123456", "0.00001235"),
        ("0", "0"),
    ],
)
def test_rounding_for_display(value: str, shown: str) -> None:
    assert format_amount(Decimal(value)) == shown


def test_rounding_keeps_four_significant_digits_of_tiny_values() -> None:
    assert round_amount(Decimal("0.000080004")) == Decimal("0.00008000")


def test_given_numbers_are_shown_as_precise_as_given() -> None:
    assert format_number(Decimal("0.28490")) == "0.28490"
    assert format_number(Decimal("1000.5")) == "1,000.5"


@pytest.mark.parametrize(
    ("change", "shown"),
    [("-0.19", "-0.19%"), ("0", "0%"), ("0.00", "0%"), ("1.5", "+1.5%"), (None, "n/a")],
)
def test_signed_change(change: str | None, shown: str) -> None:
    assert format_change(None if change is None else Decimal(change)) == shown
