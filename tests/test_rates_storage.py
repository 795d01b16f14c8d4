"""Rates on a real SQLite file: precedence per day, the bank's own line, what /rates picks,
and rows no sane code wrote (any text in the value column reads without an error)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.i18n import Catalogs
from bot.newsroom import money
from bot.render.rates import rates_table
from storage import Store
from storage.models import Rate
from storage.rates import LATEST_SQL, BankLine, Entry, Standing


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


DAY = date(2026, 4, 1)


def kzt(value: str, source: str, day: date = DAY, per_usd: str | None = None) -> Rate:
    return Rate(
        "KZT",
        "USD",
        Decimal(value),
        None,
        day,
        source,
        per_usd=None if per_usd is None else Decimal(per_usd),
    )


async def values(store: Store, currency: str = "KZT") -> list[tuple[str, str, date]]:
    return [(str(r.value), r.source, r.as_of) for r in await store.rates.history(currency)]


async def test_the_home_bank_beats_a_cross_and_a_ticker_whatever_came_first(store: Store) -> None:
    assert await store.rates.add(kzt("0.00202", "seed:page.txt"))
    assert not await store.rates.add(kzt("0.00203", "nbkr"))  # another gap-filler: first stays
    assert await store.rates.record([Entry(kzt("0.002088", "nbk"), Standing.BANK)]) == 1
    assert await store.rates.record([Entry(kzt("0.00203", "nbkr"), Standing.FILL)]) == 0
    assert not await store.rates.add(kzt("0.00202", "seed:page.txt"))
    assert await values(store) == [("0.002088", "nbk", DAY)]


async def test_an_admin_overrides_all_for_its_date_and_only_for_it(store: Store) -> None:
    await store.rates.record([Entry(kzt("0.002088", "nbk"), Standing.BANK)])
    await store.rates.set(kzt("0.00198", "admin:42"))
    await store.rates.set(kzt("0.00199", "admin:7"))  # a newer /setrate replaces the first
    next_day = DAY + timedelta(days=1)
    stored = await store.rates.record(
        [
            Entry(kzt("0.002088", "nbk"), Standing.BANK),
            Entry(kzt("0.00209", "nbk", next_day), Standing.BANK),
        ]
    )
    assert stored == 1  # only the next day: the admin's day stays
    assert await values(store) == [("0.00209", "nbk", next_day), ("0.00199", "admin:7", DAY)]


async def test_a_bank_corrects_its_own_rate_and_a_repeat_changes_nothing(store: Store) -> None:
    first = Entry(kzt("0.002088", "nbk", per_usd="478.77"), Standing.BANK)
    assert await store.rates.record([first]) == 1
    assert await store.rates.record([first]) == 0
    fixed = Entry(kzt("0.002089", "nbk", per_usd="478.70"), Standing.BANK)
    assert await store.rates.record([fixed]) == 1
    [stored] = await store.rates.history("KZT")
    assert (stored.per_usd, stored.source) == (Decimal("478.70"), "nbk")


async def test_the_peg_gives_way_to_the_bank_but_not_to_a_cross(store: Store) -> None:
    tmt = Rate("TMT", "USD", Decimal(1) / Decimal("3.5"), None, DAY, "cbt-peg")
    assert await store.rates.record([Entry(tmt, Standing.PEG)]) == 1
    cross = Rate("TMT", "USD", Decimal("0.28"), None, DAY, "nbkr")
    assert await store.rates.record([Entry(cross, Standing.FILL)]) == 0
    real = Rate("TMT", "USD", Decimal("0.2857"), None, DAY, "cbt", per_usd=Decimal("3.5"))
    assert await store.rates.record([Entry(real, Standing.BANK)]) == 1
    assert [r.source for r in await store.rates.history("TMT")] == ["cbt"]


async def test_the_banks_line_and_the_exact_figures_are_kept(store: Store, tmp_path: Path) -> None:
    rate = Rate(
        "RUB",
        "USD",
        Decimal("0.01283756783756783756783756784"),
        None,
        DAY,
        "nbkr",
        per_usd=Decimal("77.8964321914049648545243348"),
        digits=5,
    )
    line = BankLine(Decimal("1.1239"), 1, "RUB", "KGS")
    await store.rates.record([Entry(rate, Standing.FILL, line)])
    [stored] = await store.rates.history("RUB")
    assert (stored.value, stored.per_usd, stored.digits) == (rate.value, rate.per_usd, 5)
    row = await store.db.fetch_one(
        "SELECT value, per_usd, rank, quote_value, quote_nominal, quote_code, quote_home "
        "FROM rates WHERE currency = 'RUB'"
    )
    assert row is not None
    assert tuple(row) == (
        "0.01283756783756783756783756784",
        "77.8964321914049648545243348",
        1,
        "1.1239",
        1,
        "RUB",
        "KGS",
    )


async def test_latest_prefers_the_home_bank_over_a_newer_cross_within_a_week(
    store: Store,
) -> None:
    await store.rates.record([Entry(kzt("0.002088", "nbk"), Standing.BANK)])
    await store.rates.add(kzt("0.00203", "nbkr", DAY + timedelta(days=2)))
    [latest] = await store.rates.latest()
    assert (latest.source, latest.as_of) == ("nbk", DAY)
    # The bank silent for over a week: the newer gap-filler is shown instead.
    await store.rates.add(kzt("0.00204", "nbkr", DAY + timedelta(days=9)))
    [latest] = await store.rates.latest()
    assert (latest.source, latest.as_of) == ("nbkr", DAY + timedelta(days=9))
    assert latest.previous is not None
    assert latest.previous.as_of == DAY + timedelta(days=2)


async def test_latest_joins_each_rate_to_the_one_before(store: Store) -> None:
    for day, value in ((1, "0.00200"), (3, "0.00202"), (7, "0.00201")):
        await store.rates.add(kzt(value, "seed:p.txt", date(2026, 2, day)))
    await store.rates.add(Rate("KGS", "USD", Decimal("0.0114"), None, date(2026, 2, 2), "s"))
    kgs, kzt_rate = await store.rates.latest()
    assert (kgs.currency, kgs.previous) == ("KGS", None)
    assert kzt_rate.previous is not None
    assert (kzt_rate.as_of.day, kzt_rate.previous.as_of.day) == (7, 3)
    history = await store.rates.history("KZT", limit=2)
    assert [(r.as_of.day, r.previous.as_of.day if r.previous else None) for r in history] == [
        (7, 3),
        (3, 1),  # the row below the last one shown, for its change
    ]


@pytest.mark.parametrize(
    "value", ["1e-400", "1E+30", "0", "-5", "NaN", "sNaN", "Infinity", "abc", "", "1E-999999"]
)
async def test_any_value_in_the_table_reads_and_renders(
    store: Store, tmp_path: Path, value: str
) -> None:
    await store.rates.add(Rate("TMT", "USD", Decimal("0.2857"), None, date(2026, 2, 1), "s"))
    await store.db.execute(
        "INSERT INTO rates (currency, base, value, per_usd, as_of, source, rank) "
        "VALUES ('TMT', 'USD', ?, ?, '2026-02-02', 'admin:1', 4)",
        (value, value),
    )
    latest = await store.rates.latest()
    text = rates_table(Catalogs.load().get("en"), latest, date(2026, 2, 3))
    assert "TMT" in text
    assert len(text) < 1000
    [tmt] = latest
    assert money.change_pct(tmt) is None or money.usable(tmt.value)


async def test_latest_seeks_and_never_scans_the_history(tmp_path: Path) -> None:
    """SQLite's plan (PostgreSQL's planner scans a table this small whatever the indexes)."""
    store = await Store.open(tmp_path / "store.db")
    try:
        plan = await store.db.fetch_all(
            f"EXPLAIN QUERY PLAN {LATEST_SQL}", ("USD",) * LATEST_SQL.count("?")
        )
    finally:
        await store.close()
    steps = [row[3] for row in plan]
    assert not [step for step in steps if step.startswith("SCAN rates")], steps
    assert "SEARCH rates USING INDEX rates_firm (base=? AND currency=?)" in steps
