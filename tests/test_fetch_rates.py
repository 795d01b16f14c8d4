"""fetch_rates against a real HTTP server on 127.0.0.1 serving the banks' recorded payloads,
with faults: 500, timeout, garbage, a Sunday 404, CBT unreachable (→ the manat's peg)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import httpx
import pytest

from bot.newsroom import money
from bot.newsroom.sources.banks import BankPayloadError
from bot.newsroom.sources.http import FetchError, build_client
from bot.newsroom.sources.rates import fetch_rates
from storage import Store
from tests.bank_server import Banks, recorded, serve_banks


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


NBK_DAY = date(2026, 4, 1)  # a Wednesday
NBKR_DAY = date(2026, 7, 2)  # the daily file is dated the next day
NBT_DAY = date(2026, 5, 18)
CBT_DAY = date(2026, 5, 20)
SUNDAY = date(2026, 4, 5)


@pytest.fixture
async def banks() -> AsyncIterator[Banks]:
    async with serve_banks() as served:
        yield served


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with build_client(connect_timeout=1.0, read_timeout=0.5) as opened:
        yield opened


async def fetch(
    client: httpx.AsyncClient, store: Store, banks: Banks, provider: str, path: str, day: date
) -> int:
    return await fetch_rates(client, store, provider, banks.url(path), day, allow_private=True)


def summary(rates: list[money.Rate]) -> dict[str, tuple[str, str, date]]:
    """currency → (units per USD to 6 digits, source, day)."""
    return {
        rate.currency: (money.show(money.per_usd(rate), 6).text, rate.source, rate.as_of)
        for rate in rates
    }


async def test_nbk_stores_the_tenge_and_its_crosses(
    client: httpx.AsyncClient, store: Store, banks: Banks
) -> None:
    assert await fetch(client, store, banks, "nbk", "/nbk/get_rates.cfm", NBK_DAY) == 4
    [kzt] = await store.rates.history("KZT")
    assert (kzt.per_usd, kzt.digits, kzt.source, kzt.as_of) == (
        Decimal("478.77"),
        5,
        "nbk",
        NBK_DAY,
    )
    assert kzt.value * Decimal("478.77") == pytest.approx(Decimal(1))
    assert summary(await store.rates.latest()) == {
        "KGS": ("87.5265", "nbk", NBK_DAY),  # 478.77 / 5.47
        "KZT": ("478.770", "nbk", NBK_DAY),
        "TJS": ("9.53915", "nbk", NBK_DAY),
        "UZS": ("12,182.4", "nbk", NBK_DAY),  # 478.77 / (3.93 per 100)
    }
    assert all(agent.startswith("Mozilla/5.0 (compatible; filmnews") for agent in banks.agents)


async def test_a_second_fetch_stores_nothing_new(
    client: httpx.AsyncClient, store: Store, banks: Banks
) -> None:
    assert await fetch(client, store, banks, "nbk", "/nbk/get_rates.cfm", NBK_DAY) == 4
    assert await fetch(client, store, banks, "nbk", "/nbk/get_rates.cfm", NBK_DAY) == 0


async def test_nbkr_merges_its_weekly_file_and_brings_rub_eur_cny(
    client: httpx.AsyncClient, store: Store, banks: Banks
) -> None:
    assert await fetch(client, store, banks, "nbkr", "/nbkr/daily.xml", NBKR_DAY) == 8
    found = summary(await store.rates.latest())
    assert found["KGS"] == ("87.4500", "nbkr", date(2026, 7, 3))  # the payload's own date
    assert found["TMT"][1:] == ("nbkr", date(2026, 5, 23))  # a weekly line keeps its date
    assert set(found) == {"KGS", "KZT", "RUB", "EUR", "CNY", "TJS", "UZS", "TMT"}


async def test_nbkr_without_its_weekly_file_still_brings_the_daily(
    client: httpx.AsyncClient, store: Store, banks: Banks
) -> None:
    banks.pages["/nbkr/weekly.xml"] = (500, b"oops")
    assert await fetch(client, store, banks, "nbkr", "/nbkr/daily.xml", NBKR_DAY) == 5


async def test_rub_converts_to_tenge_after_the_banks_are_fetched(
    client: httpx.AsyncClient, store: Store, banks: Banks
) -> None:
    await fetch(client, store, banks, "nbk", "/nbk/get_rates.cfm", NBK_DAY)
    await fetch(client, store, banks, "nbkr", "/nbkr/daily.xml", NBKR_DAY)
    latest = {rate.currency: rate for rate in await store.rates.latest()}
    result = money.convert(Decimal(1000), "RUB", "KZT", latest)
    assert Decimal(6000) < result.result < Decimal(6200)
    assert money.show_result(result).equals == "≈"


@pytest.mark.parametrize(
    ("provider", "path", "day", "home", "per_usd"),
    [
        ("cbu", "/cbu/", NBK_DAY, "UZS", "12194.21"),
        ("nbt", "/nbt/export_xml.php", NBT_DAY, "TJS", "9.3450"),
        ("cbt", "/cbt/", CBT_DAY, "TMT", "3.5"),
    ],
)
async def test_each_bank_is_the_authority_for_its_currency(
    client: httpx.AsyncClient,
    store: Store,
    banks: Banks,
    provider: str,
    path: str,
    day: date,
    home: str,
    per_usd: str,
) -> None:
    assert await fetch(client, store, banks, provider, path, day) >= 4
    [rate] = await store.rates.history(home)
    assert (rate.per_usd, rate.source, rate.as_of) == (Decimal(per_usd), provider, day)


@pytest.mark.parametrize("fault", ["500", "refused"])
async def test_cbt_out_of_reach_falls_back_on_the_peg(
    client: httpx.AsyncClient, store: Store, banks: Banks, fault: str
) -> None:
    if fault == "500":
        banks.pages["/cbt/2026/20052026.xml"] = (500, b"Internal Server Error")
        url = banks.url("/cbt/")
    else:
        url = "http://127.0.0.1:9/cbt/"  # the discard port: nothing listens
    assert await fetch_rates(client, store, "cbt", url, CBT_DAY, allow_private=True) == 1
    [tmt] = await store.rates.latest()
    assert (tmt.currency, tmt.per_usd, tmt.source, tmt.as_of) == (
        "TMT",
        Decimal("3.5"),
        "cbt-peg",
        CBT_DAY,
    )
    # The bank back: its own file replaces the peg of that day.
    banks.pages["/cbt/2026/20052026.xml"] = (200, recorded("cbt-2026-05-20.xml"))
    await fetch(client, store, banks, "cbt", "/cbt/", CBT_DAY)
    assert [rate.source for rate in await store.rates.history("TMT")] == ["cbt"]


async def test_a_sunday_404_is_a_gap_not_a_failure(
    client: httpx.AsyncClient, store: Store, banks: Banks
) -> None:
    assert await fetch(client, store, banks, "nbk", "/nbk/none.cfm", SUNDAY) == 0
    assert await fetch(client, store, banks, "cbt", "/cbt/", SUNDAY) == 0  # no peg for a gap
    assert await store.rates.latest() == []
    with pytest.raises(FetchError, match="nbk: HTTP 404"):  # on a weekday it is a failure
        await fetch(client, store, banks, "nbk", "/nbk/none.cfm", NBK_DAY)


async def test_a_500_fails_naming_the_bank_and_stores_nothing(
    client: httpx.AsyncClient, store: Store, banks: Banks
) -> None:
    banks.pages["/nbk/get_rates.cfm"] = (500, b"Internal Server Error")
    with pytest.raises(FetchError, match="nbk: HTTP 500"):
        await fetch(client, store, banks, "nbk", "/nbk/get_rates.cfm", NBK_DAY)
    assert await store.rates.latest() == []


async def test_a_timeout_fails_clearly(
    client: httpx.AsyncClient, store: Store, banks: Banks
) -> None:
    banks.slow.add("/nbt/export_xml.php")
    with pytest.raises(FetchError, match=r"nbt: timed out after 0\.5 s"):
        await fetch(client, store, banks, "nbt", "/nbt/export_xml.php", NBT_DAY)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"\x00\x01 this is not XML at all <<<<", "invalid XML"),
        (b"<!DOCTYPE html><html><body>Maintenance</body></html>", "HTML page"),
        (b"", "empty payload"),
        (
            recorded("nbk-get_rates-2026-04-01.xml").replace(b"478.77", b"47.877"),
            "outside the sane range",
        ),
    ],
)
async def test_a_garbage_payload_fails_clearly_and_stores_nothing(
    client: httpx.AsyncClient, store: Store, banks: Banks, body: bytes, problem: str
) -> None:
    banks.pages["/nbk/get_rates.cfm"] = (200, body)
    with pytest.raises(BankPayloadError, match=problem):
        await fetch(client, store, banks, "nbk", "/nbk/get_rates.cfm", NBK_DAY)
    assert await store.rates.latest() == []


async def test_a_payload_dated_well_after_the_day_asked_is_refused(
    client: httpx.AsyncClient, store: Store, banks: Banks
) -> None:
    with pytest.raises(BankPayloadError, match="dated 2026-04-01, after 2026-03-20"):
        await fetch(client, store, banks, "nbk", "/nbk/get_rates.cfm", date(2026, 3, 20))


async def test_private_addresses_are_refused_unless_allowed(
    client: httpx.AsyncClient, store: Store, banks: Banks
) -> None:
    with pytest.raises(FetchError, match="private address"):
        await fetch_rates(client, store, "nbk", banks.url("/nbk/get_rates.cfm"), NBK_DAY)


async def test_an_unknown_provider_is_named(client: httpx.AsyncClient, store: Store) -> None:
    with pytest.raises(BankPayloadError, match="ecb: no such rate provider"):
        await fetch_rates(client, store, "ecb", None, NBK_DAY)
