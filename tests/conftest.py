"""Fixtures shared by every test: settings and a store on a real SQLite file."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from storage import Store
from tests.postgres_server import PostgresServer, find_bindir

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def pytest_configure(config: pytest.Config) -> None:
    """Opt in to PTB 22's timedelta ``retry_after``, as the bot does (else a deprecation error)."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a fresh database in a temporary folder and the shipped seeds."""
    return Settings(database=tmp_path / "filmnews.db", seeds=SEEDS, admin_ids=frozenset({42}))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """An empty, migrated store on a real file."""
    opened = await Store.open(tmp_path / "store.db")
    yield opened
    await opened.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the whole run (``tests/postgres_server.py``); skipped
    where PostgreSQL is not installed, unless ``FILMNEWS_TEST_POSTGRES=required`` (CI)."""
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("FILMNEWS_TEST_POSTGRES") == "required":
            pytest.fail("PostgreSQL is not installed (FILMNEWS_TEST_POSTGRES=required)")
        pytest.skip("PostgreSQL is not installed here; bash .ci/run installs it")
    server = PostgresServer.start(bindir)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, migrated PostgreSQL database of its own for one test."""
    return postgres_server.database()


@pytest.fixture(params=["sqlite", "postgres"])
def backend_location(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Each backend in turn: a SQLite file, a PostgreSQL database's URL. (Not inside the async
    fixture: the server's set-up runs its own event loop, which cannot start inside one.)"""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return tmp_path / "store.db"


@pytest.fixture
async def backend_store(backend_location: Path | str) -> AsyncIterator[Store]:
    """An empty, migrated store on each backend in turn: a SQLite file, a PostgreSQL database."""
    opened = await Store.open(backend_location)
    yield opened
    await opened.close()
