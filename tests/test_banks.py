"""The central banks' adapters on their recorded payloads, and on hostile ones."""

from __future__ import annotations

import ast
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.newsroom.sources.banks import (
    AUTHORITY,
    PROVIDERS,
    USER_AGENT,
    WANTED,
    BankPayload,
    BankPayloadError,
    UsdRate,
    cbt,
    cbu,
    merge,
    nbk,
    nbkr,
    nbt,
    normalise,
)
from bot.newsroom.sources.banks.reading import xml_encoding

RATES = Path(__file__).resolve().parent / "fixtures" / "rates"
PACKAGE = Path(__file__).resolve().parent.parent / "bot" / "newsroom" / "sources" / "banks"
FILES = {
    "nbk": "nbk-get_rates-2026-04-01.xml",
    "nbkr": "nbkr-daily-2026-07-03.xml",
    "cbu": "cbu-all-2026-04-01.json",
    "nbt": "nbt-2026-05-18.xml",
    "cbt": "cbt-2026-05-20.xml",
}
WEEKLY = "nbkr-weekly-2026-05-23.xml"
WEEKLY_DAY = date(2026, 5, 23)
# Per provider: the USD line's code as written, its value as written, and that value.
USD_MARKS = {
    "nbk": (b"<title>USD</title>", b"<description>478.77</description>", b"478.77"),
    "nbkr": (b'ISOCode="USD"', b"<Value>87,4500</Value>", b"87,4500"),
    "cbu": (b'"Ccy":"USD"', b'"Rate":"12194.21"', b"12194.21"),
    "nbt": (b"<CharCode>USD</CharCode>", b"<Value>9.3450</Value>", b"9.3450"),
    "cbt": (b'code="USD"', b"<rate_tmt>3.5</rate_tmt>", b"3.5"),
}
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rates><date>&lol9;</date></rates>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE ValCurs [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ValCurs Date="2026-05-18"><Valute><CharCode>&secret;</CharCode></Valute></ValCurs>
"""
HTML = b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body></body></html>"
XML_PROVIDERS = ("nbk", "nbkr", "nbt", "cbt")


def payload_of(provider: str) -> bytes:
    """A recorded payload, byte for byte."""
    return (RATES / FILES[provider]).read_bytes()


def swap(payload: bytes, old: bytes, new: bytes) -> bytes:
    """``payload`` with its one ``old`` replaced (fails loudly if the fixture changed)."""
    assert payload.count(old) == 1, old
    return payload.replace(old, new)


def by_currency(rates: list[UsdRate]) -> dict[str, UsdRate]:
    """Normalised rates keyed by currency."""
    return {rate.currency: rate for rate in rates}


def parsed(provider: str, asked: date = date(2026, 4, 1)) -> BankPayload:
    """The recorded payload of ``provider``, parsed."""
    return PROVIDERS[provider].parse(payload_of(provider), asked)


# --- NBK ---------------------------------------------------------------------------------------


def test_nbk_home_currency_is_one_over_its_usd_line() -> None:
    payload = parsed("nbk")
    rates = normalise(payload)
    assert payload.as_of == date(2026, 4, 1)
    assert [rate.currency for rate in rates] == ["KZT", "KGS", "UZS", "TJS"]
    kzt = rates[0]
    assert kzt.per_usd == Decimal("478.77")
    assert kzt.usd_value == Decimal(1) / Decimal("478.77")  # 28 significant digits, unrounded
    assert len(kzt.usd_value.as_tuple().digits) == 28
    assert abs(kzt.usd_value * Decimal("478.77") - 1) < Decimal("1e-26")
    assert (kzt.provider, kzt.digits, kzt.quote.code) == ("nbk", 5, "USD")


def test_nbk_divides_by_quant_uzs_per_100() -> None:
    payload = parsed("nbk")
    uzs = payload.quote("UZS")
    assert uzs is not None
    assert (uzs.nominal, uzs.value, uzs.per_unit) == (100, Decimal("3.93"), Decimal("0.0393"))
    assert uzs.name == "УЗБЕКСКИХ СУМОВ"
    rate = by_currency(normalise(payload))["UZS"]
    assert round(rate.per_usd) == 12182  # 478.77 / (3.93 / 100)
    assert rate.usd_value == Decimal("0.0393") / Decimal("478.77")
    assert rate.digits == 3


def test_nbk_cross_of_a_neighbour() -> None:
    rates = by_currency(normalise(parsed("nbk")))
    assert round(rates["KGS"].per_usd, 2) == Decimal("87.53")  # 478.77 / 5.47
    assert round(rates["TJS"].per_usd, 2) == Decimal("9.54")  # 478.77 / 50.19
    assert "AUD" not in rates  # parsed, but not a currency filmnews keeps


def test_nbk_url_is_the_recorded_endpoint() -> None:
    assert nbk.url(date(2026, 4, 1)) == (
        "https://nationalbank.kz/rss/get_rates.cfm?fdate=01.04.2026"
    )


# --- NBKR --------------------------------------------------------------------------------------


def test_nbkr_comma_decimals_and_the_next_day_date() -> None:
    payload = parsed("nbkr", asked=date(2026, 7, 2))
    assert payload.as_of == date(2026, 7, 3)  # the day the rates take effect, kept as given
    assert payload.asked == date(2026, 7, 2)
    usd = payload.usd
    assert (usd.value, usd.digits) == (Decimal("87.4500"), 6)
    rates = by_currency(normalise(payload))
    assert list(rates) == ["KGS", "KZT", "RUB", "EUR", "CNY"]
    assert rates["KGS"].usd_value == Decimal(1) / Decimal("87.45")
    assert rates["EUR"].usd_value == Decimal("1.142")  # 99.8679 / 87.45, exactly
    assert round(rates["KZT"].per_usd, 1) == Decimal("474.8")  # 87.45 / 0.1842
    assert round(rates["RUB"].per_usd, 2) == Decimal("77.81")
    assert all(rate.as_of == date(2026, 7, 3) for rate in rates.values())


def test_nbkr_is_read_as_windows_1251_bytes() -> None:
    text = (
        payload_of("nbkr")
        .decode("cp1251")
        .replace('Name="Daily Exchange Rates"', 'Name="Ежедневные курсы"')
    )
    payload = nbkr.parse(text.encode("cp1251"), date(2026, 7, 2))
    assert payload.usd.value == Decimal("87.4500")


def test_nbkr_weekly_nominal_and_merge_with_daily() -> None:
    weekly = nbkr.parse_weekly((RATES / WEEKLY).read_bytes(), WEEKLY_DAY)
    jpy = weekly.quote("JPY")
    assert jpy is not None
    assert (jpy.nominal, jpy.per_unit) == (10, Decimal("0.54969"))
    assert weekly.quote("USD") is None
    merged = merge(parsed("nbkr", asked=date(2026, 7, 2)), weekly)
    rates = by_currency(normalise(merged, (*WANTED, "JPY")))
    assert round(rates["TJS"].per_usd, 2) == Decimal("9.29")  # 87.45 / 9.4148
    assert round(rates["UZS"].per_usd) == 11979  # 87.45 / 0.0073
    assert rates["UZS"].digits == 2  # "0,0073": show no more than the bank knew
    assert round(rates["TMT"].per_usd, 3) == Decimal("3.500")
    assert round(rates["JPY"].per_usd, 2) == Decimal("159.09")  # per 10 yen
    assert rates["TJS"].as_of == date(2026, 5, 23)  # the weekly line keeps its own date
    assert rates["KGS"].as_of == date(2026, 7, 3)


def test_nbkr_weekly_alone_has_no_usd_line() -> None:
    with pytest.raises(BankPayloadError, match="nbkr USD: no USD line"):
        nbkr.parse((RATES / WEEKLY).read_bytes(), WEEKLY_DAY)
    with pytest.raises(BankPayloadError, match="no USD line"):
        normalise(nbkr.parse_weekly((RATES / WEEKLY).read_bytes(), WEEKLY_DAY))


def test_merge_skips_a_wild_weekly_line() -> None:
    wild = swap((RATES / WEEKLY).read_bytes(), b"<Value>9,4148</Value>", b"<Value>0,94148</Value>")
    merged = merge(parsed("nbkr"), nbkr.parse_weekly(wild, WEEKLY_DAY))
    assert merged.quote("TJS") is None
    assert merged.quote("UZS") is not None
    assert len(merged.skipped) == 1
    assert "nbkr TJS" in merged.skipped[0]
    assert "sane range" in merged.skipped[0]


def test_nbkr_urls_take_no_date_but_honour_a_configured_one() -> None:
    assert nbkr.url(date(2026, 7, 2)) == "https://www.nbkr.kg/XML/daily.xml"
    assert nbkr.weekly_url(date(2026, 7, 2)) == "https://www.nbkr.kg/XML/weekly.xml"
    assert nbkr.url(date(2026, 7, 2), "https://mirror.example/d.xml") == (
        "https://mirror.example/d.xml"
    )


# --- CBU ---------------------------------------------------------------------------------------


def test_cbu_cross_through_usd() -> None:
    payload = parsed("cbu")
    assert payload.as_of == date(2026, 4, 1)
    rates = by_currency(normalise(payload))
    assert list(rates) == ["UZS", "KZT", "KGS", "TJS", "TMT"]
    assert rates["UZS"].per_usd == Decimal("12194.21")
    assert rates["UZS"].usd_value == Decimal(1) / Decimal("12194.21")
    assert round(rates["KZT"].per_usd, 1) == Decimal("477.6")  # 12194.21 / 25.53
    assert rates["KZT"].usd_value == Decimal("25.53") / Decimal("12194.21")
    assert round(rates["TJS"].per_usd, 2) == Decimal("9.58")


def test_cbu_nominal_irr_per_10() -> None:
    irr = parsed("cbu").quote("IRR")
    assert irr is not None
    assert (irr.nominal, irr.value, irr.per_unit) == (10, Decimal("0.09"), Decimal("0.009"))
    assert irr.name == "Iranian Rial"


def test_cbu_url_is_the_recorded_endpoint_and_a_base_gets_the_same_path() -> None:
    assert cbu.url(date(2026, 4, 1)) == (
        "https://cbu.uz/en/arkhiv-kursov-valyut/json/all/2026-04-01/"
    )
    assert cbu.url(date(2026, 4, 1), "https://mirror.example/cbu") == (
        "https://mirror.example/cbu/2026-04-01/"
    )


def test_cbu_refuses_an_object_instead_of_an_array() -> None:
    body = json.dumps({"error": "not found"}).encode()
    with pytest.raises(BankPayloadError, match="cbu: expected a JSON array, got dict"):
        cbu.parse(body, date(2026, 4, 1))


def test_cbu_refuses_invalid_json() -> None:
    with pytest.raises(BankPayloadError, match="cbu: invalid JSON"):
        cbu.parse(payload_of("cbu")[:-40], date(2026, 4, 1))


def test_cbu_skips_an_entry_with_a_bad_date() -> None:
    body = swap(
        payload_of("cbu"), b'"Rate":"25.53","Diff":"0.14","Date":"01.04.2026"', b'"Rate":"25.53"'
    )
    payload = cbu.parse(body, date(2026, 4, 1))
    assert payload.quote("KZT") is None
    assert payload.quote("KGS") is not None
    assert payload.skipped == ("cbu KZT: unreadable date ''",)


# --- NBT ---------------------------------------------------------------------------------------


def test_nbt_nominals_1_10_100() -> None:
    payload = parsed("nbt", asked=date(2026, 5, 18))
    assert [(q.code, q.nominal) for q in payload.quotes] == [
        ("USD", 1),
        ("UZS", 100),
        ("KGS", 10),
        ("KZT", 10),
        ("TMT", 1),
    ]
    rates = by_currency(normalise(payload))
    assert rates["TJS"].per_usd == Decimal("9.3450")
    assert round(rates["KZT"].per_usd, 1) == Decimal("474.1")  # 9.345 / (0.1971 / 10)
    assert round(rates["KGS"].per_usd, 2) == Decimal("87.45")  # 9.345 / (1.0686 / 10)
    assert round(rates["UZS"].per_usd) == 11981  # 9.345 / (0.0780 / 100)
    assert round(rates["TMT"].per_usd, 6) == Decimal("3.500000")


def test_nbt_exposes_a_day_outside_the_archive() -> None:
    asked = date(2019, 1, 1)
    payload = nbt.parse(payload_of("nbt"), asked)
    assert payload.as_of == date(2026, 5, 18)
    assert payload.as_of != payload.asked
    assert normalise(payload)[0].as_of == date(2026, 5, 18)


def nbt_utf8_under_1251() -> bytes:
    """The NBT fixture as it has been seen: UTF-8 bytes, windows-1251 declared."""
    body = swap(payload_of("nbt"), b'encoding="utf-8"', b'encoding="windows-1251"')
    body = swap(body, b"<Name>US Dollar</Name>", "<Name>Доллар США</Name>".encode())
    return swap(body, b"<Name>Uzbekistan Sum</Name>", "<Name>УЗБЕКСКИЙ СУМ И</Name>".encode())


def test_nbt_utf8_bytes_under_a_1251_declaration() -> None:
    body = nbt_utf8_under_1251()
    assert xml_encoding(body) == "utf-8"
    payload = nbt.parse(body, date(2026, 5, 18))
    usd, uzs = payload.quote("USD"), payload.quote("UZS")
    assert usd is not None
    assert uzs is not None
    assert usd.name == "Доллар США"  # read as 1251 it would be "Р”РѕР»Р»Р°СЂ РЎРЁРђ"
    assert uzs.name == "УЗБЕКСКИЙ СУМ И"  # "И" is D0 98, and 0x98 is no 1251 character
    assert usd.value == Decimal("9.3450")


def test_genuine_1251_cyrillic_is_not_taken_for_utf8() -> None:
    text = payload_of("nbt").decode().replace('encoding="utf-8"', 'encoding="windows-1251"')
    body = text.replace("US Dollar", "Доллар США").encode("cp1251")
    assert xml_encoding(body) is None
    assert xml_encoding(payload_of("nbkr")) is None  # ASCII under 1251: trust the declaration
    usd = nbt.parse(body, date(2026, 5, 18)).quote("USD")
    assert usd is not None
    assert usd.name == "Доллар США"


def test_nbt_url_is_the_recorded_endpoint_and_a_base_gets_the_same_parameters() -> None:
    assert nbt.url(date(2026, 5, 18)) == (
        "https://www.nbt.tj/en/kurs/export_xml.php?date=2026-05-18&export=xmlout"
    )
    assert nbt.url(date(2026, 5, 18), "https://mirror.example/nbt?key=k&date=old") == (
        "https://mirror.example/nbt?key=k&date=2026-05-18&export=xmlout"
    )


# --- CBT ---------------------------------------------------------------------------------------


def test_cbt_multiplier_matches_the_files_own_rate_usd() -> None:
    payload = parsed("cbt", asked=date(2026, 5, 20))
    kgs = payload.quote("KGS")
    assert kgs is not None
    assert (kgs.nominal, kgs.per_unit) == (100, Decimal("0.040023"))
    rates = by_currency(normalise(payload))
    assert rates["TMT"].per_usd == Decimal("3.5")
    assert rates["TMT"].usd_value == Decimal(1) / Decimal("3.5")
    # The file also gives units per USD (rate_usd): the cross must agree to its 4 digits.
    for code, rate_usd in (
        ("KGS", "87.45"),
        ("KZT", "471.44"),
        ("TJS", "9.24"),
        ("UZS", "12014.27"),
    ):
        assert abs(rates[code].per_usd / Decimal(rate_usd) - 1) < Decimal("0.0005"), code
    assert rates["UZS"].digits == 4  # "0.2913" per 1000


def test_cbt_url_and_sundays() -> None:
    assert cbt.url(date(2026, 5, 20)) == "https://cbt.tm/kurs/2026/20052026.xml"
    assert cbt.url(date(2026, 5, 20), "https://mirror.example/cbt/") == (
        "https://mirror.example/cbt/2026/20052026.xml"
    )
    assert cbt.publishes(date(2026, 5, 20))
    assert not cbt.publishes(date(2026, 5, 24))  # a Sunday: 404


def test_cbt_user_agent_is_browser_compatible_and_names_the_bot() -> None:
    assert USER_AGENT.startswith("Mozilla/5.0 (compatible; filmnews/")
    assert "Telegram film news bot" in USER_AGENT
    assert USER_AGENT.isascii()


def test_cbt_peg_fallback() -> None:
    payload = cbt.pegged(date(2026, 5, 24))
    (tmt,) = normalise(payload)
    assert (tmt.currency, tmt.per_usd, tmt.as_of) == ("TMT", Decimal("3.5"), date(2026, 5, 24))
    assert tmt.usd_value == Decimal(1) / Decimal("3.5")
    assert tmt.provider == "cbt-peg"  # stored as the fallback, not as the bank's word


# --- registry ----------------------------------------------------------------------------------


def test_registry_and_authorities() -> None:
    assert set(PROVIDERS) == {"nbk", "nbkr", "cbu", "nbt", "cbt"}
    assert dict(AUTHORITY) == {
        "KZT": "nbk",
        "KGS": "nbkr",
        "UZS": "cbu",
        "TJS": "nbt",
        "TMT": "cbt",
    }
    assert WANTED == ("KZT", "KGS", "UZS", "TJS", "TMT", "RUB", "EUR", "CNY")
    for name, provider in PROVIDERS.items():
        assert provider.name == name
        rates = normalise(provider.parse(payload_of(name), date(2026, 4, 1)))
        assert rates[0].currency == provider.home
        assert rates[0].provider == name
        assert provider.url(date(2026, 4, 1)).startswith(provider.default_url)


def test_the_package_never_imports_telegram() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) == 9
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "telegram" for name in names), module.name


# --- hostile payloads --------------------------------------------------------------------------


@pytest.mark.parametrize("provider", sorted(FILES))
@pytest.mark.parametrize("body", [b"", b"  \r\n"])
def test_empty_payload(provider: str, body: bytes) -> None:
    with pytest.raises(BankPayloadError, match=f"^{provider}: empty payload$"):
        PROVIDERS[provider].parse(body, date(2026, 4, 1))


@pytest.mark.parametrize("provider", sorted(FILES))
def test_html_instead_of_rates(provider: str) -> None:
    with pytest.raises(BankPayloadError, match=f"^{provider}: got an HTML page"):
        PROVIDERS[provider].parse(HTML, date(2026, 4, 1))


@pytest.mark.parametrize("provider", XML_PROVIDERS)
def test_invalid_xml(provider: str) -> None:
    truncated = payload_of(provider)[: len(payload_of(provider)) // 2]
    with pytest.raises(BankPayloadError, match=f"^{provider}: invalid XML: "):
        PROVIDERS[provider].parse(truncated, date(2026, 4, 1))


def test_another_banks_xml_is_refused_by_its_root() -> None:
    with pytest.raises(BankPayloadError, match=r"nbk: unexpected root <ValCurs>, not <rates>"):
        nbk.parse(payload_of("nbt"), date(2026, 4, 1))


@pytest.mark.parametrize("provider", XML_PROVIDERS)
def test_billion_laughs_is_refused(provider: str) -> None:
    with pytest.raises(BankPayloadError, match=f"^{provider}: refused XML .*XML bomb"):
        PROVIDERS[provider].parse(BILLION_LAUGHS, date(2026, 4, 1))


def test_external_entity_is_refused() -> None:
    with pytest.raises(BankPayloadError, match="nbt: refused XML with a DTD"):
        nbt.parse(XXE, date(2026, 5, 18))


@pytest.mark.parametrize("provider", sorted(FILES))
def test_usd_line_missing(provider: str) -> None:
    code, _, _ = USD_MARKS[provider]
    body = swap(payload_of(provider), code, code.replace(b"USD", b"XAU"))
    with pytest.raises(BankPayloadError, match=f"^{provider} USD: no USD line$") as caught:
        PROVIDERS[provider].parse(body, date(2026, 4, 1))
    assert (caught.value.provider, caught.value.currency) == (provider, "USD")


@pytest.mark.parametrize("provider", sorted(FILES))
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "is not positive"),
        ("0,0000", "is not positive"),
        ("-478.77", "is not positive"),
        ("n/a", "unparsable value"),
        ("1.2.3", "unparsable value"),
        ("NaN", "unparsable value"),
        ("", "unparsable value"),
    ],
)
def test_bad_usd_value_fails_the_payload(provider: str, value: str, problem: str) -> None:
    _, line, old = USD_MARKS[provider]
    body = swap(payload_of(provider), line, line.replace(old, value.encode()))
    with pytest.raises(BankPayloadError, match=f"^{provider} USD: .*{problem}"):
        PROVIDERS[provider].parse(body, date(2026, 4, 1))


@pytest.mark.parametrize(
    ("provider", "wild"),
    [
        ("nbk", b"<description>4.7877</description>"),  # KZT 4.79 per USD
        ("nbkr", b"<Value>874,500</Value>"),  # KGS 874.5 per USD
        ("cbu", b'"Rate":"121.9421"'),  # UZS 121.94 per USD
        ("nbt", b"<Value>93.450</Value>"),  # TJS 93.45 per USD
        ("cbt", b"<rate_tmt>35</rate_tmt>"),  # TMT 35 per USD
    ],
)
def test_wildly_wrong_usd_value_fails_the_payload(provider: str, wild: bytes) -> None:
    body = swap(payload_of(provider), USD_MARKS[provider][1], wild)
    home = PROVIDERS[provider].home
    with pytest.raises(BankPayloadError, match=f"^{provider} {home}: .* outside the sane range"):
        PROVIDERS[provider].parse(body, date(2026, 4, 1))


def test_a_duplicate_usd_line_fails_the_payload() -> None:
    body = payload_of("cbu").replace(
        b"[", b'[{"Ccy":"USD","Nominal":"1","Rate":"12000.0","Date":"01.04.2026"},', 1
    )
    with pytest.raises(BankPayloadError, match="cbu USD: more than one USD line"):
        cbu.parse(body, date(2026, 4, 1))


def test_a_wild_non_essential_line_is_skipped_and_noted() -> None:
    body = swap(
        payload_of("nbk"),
        b"<description>3.93</description>\n            <quant>100</quant>",
        b"<description>3.93</description>\n            <quant>1</quant>",
    )
    payload = nbk.parse(body, date(2026, 4, 1))
    assert payload.quote("UZS") is None
    assert len(payload.skipped) == 1
    assert payload.skipped[0].startswith("nbk UZS: 121.824 per USD is outside the sane range")
    assert [rate.currency for rate in normalise(payload)] == ["KZT", "KGS", "TJS"]


def test_an_unparsable_exotic_line_is_skipped_and_noted() -> None:
    body = swap(
        payload_of("nbk"), b"<description>328.01</description>", b"<description>-</description>"
    )
    payload = nbk.parse(body, date(2026, 4, 1))
    assert payload.quote("AUD") is None
    assert payload.skipped == ("nbk AUD: unparsable value '-'",)
    assert payload.quote("KGS") is not None


def test_a_zero_nominal_is_skipped() -> None:
    body = swap(payload_of("nbt"), b"<Nominal>100</Nominal>", b"<Nominal>0</Nominal>")
    payload = nbt.parse(body, date(2026, 5, 18))
    assert payload.quote("UZS") is None
    assert payload.skipped == ("nbt UZS: unusable nominal '0'",)


def test_an_unreadable_payload_date_fails() -> None:
    body = swap(payload_of("nbt"), b'Date="2026-05-18"', b'Date="18.05.2026"')
    with pytest.raises(BankPayloadError, match=r"nbt: unreadable date '18\.05\.2026'"):
        nbt.parse(body, date(2026, 5, 18))
