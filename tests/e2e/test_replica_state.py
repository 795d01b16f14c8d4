"""E2E: per-chat state lives in the database, so a chat's next update may reach another replica.

Two Applications over one database, each behind its own Bot API emulator (as a load balancer
would hand one chat's updates to either replica), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.context import App
from bot.updates import journal
from bot.updates.owners import this_process
from storage.conversations import EXPIRY, ConversationKey
from storage.convert import from_datetime
from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot, started
from tests.emulator import BotApiEmulator, running_emulator

# Replica B's emulator numbers its updates from here: Telegram numbers one bot's updates once,
# whichever replica gets them, and the replicas share one update journal.
B_UPDATE_IDS = 1_000_001
FORM = ConversationKey(ADMIN_ID, ADMIN_ID, "addfestival")


@pytest.fixture
def no_seeds(tmp_path: Path) -> dict[str, Any]:
    """No seeds: the festivals are the admin's alone (both replicas share the e2e backend's
    database, a SQLite file or a PostgreSQL one)."""
    seeds = tmp_path / "no seeds"
    seeds.mkdir()
    return {"seeds": seeds}


@contextlib.asynccontextmanager
async def replica(settings: Settings, emulator: BotApiEmulator) -> AsyncIterator[RunningBot]:
    """Another replica in this process, polling ``emulator``: as ``started`` starts one, under
    an owner of its own (replicas are processes: on PostgreSQL each holds its presence lock in
    the update journal, which one process's two owners would wait for forever), and without
    waiting to become the worker (the first replica is)."""
    own = dataclasses.replace(this_process(), host=f"{this_process().host} replica B")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(journal, "this_process", lambda: own)
        app: App = build_application(settings)
    async with started(app, worker=False):
        yield RunningBot(app, emulator, settings)


@pytest.fixture
async def replicas(
    launch: Launcher, no_seeds: dict[str, Any]
) -> AsyncIterator[tuple[RunningBot, RunningBot]]:
    """Replica A (the ``launch``ed bot) and replica B, started on the same database."""
    async with launch(**no_seeds) as replica_a, running_emulator() as emulator_b:
        emulator_b._update_ids = itertools.count(B_UPDATE_IDS)
        settings_b = dataclasses.replace(replica_a.settings, api_url=emulator_b.api_url)
        async with replica(settings_b, emulator_b) as replica_b:
            yield replica_a, replica_b


async def test_addfestival_started_on_one_replica_is_finished_on_another(
    replicas: tuple[RunningBot, RunningBot],
) -> None:
    replica_a, replica_b = replicas
    on_a, on_b = replica_a.private(ADMIN_ID), replica_b.private(ADMIN_ID)

    assert "Name?" in (await on_a.send("/addfestival")).text
    assert "City?" in (await on_b.send("Didor Film Festival")).text
    assert "Country?" in (await on_a.send("Dushanbe")).text
    assert "Dates?" in (await on_b.send("Tajikistan")).text
    assert "not a date" in (await on_a.send("soon")).text  # the question stays, on A
    assert "Edition?" in (await on_b.send("2026-10-01..2026-10-07")).text
    assert "Other names" in (await on_b.send("9th")).text
    assert "Description?" in (await on_a.send("Дидор, Didor IFF")).text
    done = await on_b.send("The film festival of Tajikistan")

    assert "Added festival" in done.text
    didor = await replica_a.store.festivals.named("Didor Film Festival")
    assert didor is not None
    assert (didor.city, didor.country, didor.edition) == ("Dushanbe", "Tajikistan", 9)
    assert (didor.starts_on, didor.ends_on) == (date(2026, 10, 1), date(2026, 10, 7))
    assert didor.aliases == ("Дидор", "Didor IFF")
    assert didor.description == "The film festival of Tajikistan"
    # Over on both replicas: text is no longer taken as an answer (it is searched).
    count = await replica_a.store.festivals.count()
    for chat in (on_a, on_b):
        assert "Name?" not in (await chat.send("Another Film Festival")).text
    assert await replica_b.store.festivals.count() == count


async def test_addfestival_cancelled_on_another_replica_is_over_everywhere(
    replicas: tuple[RunningBot, RunningBot],
) -> None:
    replica_a, replica_b = replicas
    on_a, on_b = replica_a.private(ADMIN_ID), replica_b.private(ADMIN_ID)
    count = await replica_a.store.festivals.count()
    await on_a.send("/addfestival")
    assert "City?" in (await on_a.send("Half Film Festival")).text

    assert "Cancelled" in (await on_b.send("/cancel")).text

    assert "City?" not in (await on_a.send("Almaty")).text
    assert "nothing to cancel" in (await on_a.send("/cancel")).text
    assert await replica_b.store.festivals.count() == count


async def test_two_answers_at_once_on_two_replicas_answer_two_questions(
    replicas: tuple[RunningBot, RunningBot],
) -> None:
    replica_a, replica_b = replicas
    on_a, on_b = replica_a.private(ADMIN_ID), replica_b.private(ADMIN_ID)
    await on_a.send("/addfestival")
    await on_b.send("Twin Film Festival")
    sent_a, sent_b = len(replica_a.emulator.sent(ADMIN_ID)), len(replica_b.emulator.sent(ADMIN_ID))

    # Both pushed before either is handled: each replica finds the form at "City?", one of
    # them finds it moved on when it writes, and takes its answer for the next question.
    await asyncio.gather(
        replica_a.emulator.send_text(ADMIN_ID, "Almaty", user_id=ADMIN_ID, chat_type="private"),
        replica_b.emulator.send_text(
            ADMIN_ID, "Kazakhstan", user_id=ADMIN_ID, chat_type="private"
        ),
    )
    await asyncio.gather(replica_a.settle(), replica_b.settle())

    replies = [
        message.plain
        for message in replica_a.emulator.sent(ADMIN_ID)[sent_a:]
        + replica_b.emulator.sent(ADMIN_ID)[sent_b:]
    ]
    assert sorted(reply.split("?")[0] for reply in replies) == ["Country", "Dates"]
    form = await replica_a.store.conversations.get(FORM, datetime.now(UTC))
    assert form is not None
    assert form.state == "dates"
    assert {form.draft["city"], form.draft["country"]} == {"Almaty", "Kazakhstan"}


async def test_a_form_left_for_over_an_hour_is_over_and_says_so_once(
    replicas: tuple[RunningBot, RunningBot],
) -> None:
    replica_a, replica_b = replicas
    on_a, on_b = replica_a.private(ADMIN_ID), replica_b.private(ADMIN_ID)
    count = await replica_a.store.festivals.count()
    await on_a.send("/addfestival")
    assert "City?" in (await on_a.send("Late Film Festival")).text
    an_hour_ago = from_datetime(datetime.now(UTC) - EXPIRY - timedelta(minutes=1))
    await replica_a.store.db.execute("UPDATE conversations SET updated_at = ?", (an_hour_ago,))

    lapsed = await on_b.send("Almaty")

    assert lapsed.texts == ["Cancelled; no festival was saved."]
    after = await on_a.send("Almaty")  # the form is gone: the text is searched
    assert "Cancelled" not in after.text
    assert "Country?" not in after.text
    assert "nothing to cancel" in (await on_b.send("/cancel")).text
    assert await replica_b.store.festivals.count() == count
