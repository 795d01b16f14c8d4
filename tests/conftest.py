"""Fixtures shared by every test: settings and a store on a real SQLite file."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from storage import Store

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
