"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, started on a free
port of 127.0.0.1, stopped at the end; each test gets a database cloned from a migrated template.

``initdb`` and ``pg_ctl`` refuse to run as root: as root they run as the ``postgres`` user
(``runuser``). Durability is off (fsync, synchronous_commit): the data is thrown away.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storage import postgres

TEMPLATE = "filmnews_template"


def find_bindir() -> Path | None:
    """The folder of PostgreSQL's server programs (``pg_config --bindir``), if installed."""
    pg_config = shutil.which("pg_config")
    candidates = []
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(Path(found.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """One running server; ``database()`` makes a fresh, migrated database and its URL."""

    bindir: Path
    folder: Path
    port: int = field(default_factory=_free_port)
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def _as_owner(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, program: str, *args: str) -> None:
        command = [*self._as_owner, str(self.bindir / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stderr or done.stdout}")

    @classmethod
    def start(cls, bindir: Path) -> PostgresServer:
        folder = Path(tempfile.mkdtemp(prefix="filmnews-pg-"))
        server = cls(bindir, folder)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        data = folder / "data"
        server._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = (
            f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        server._run(
            "pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"
        )
        server._sql(f"CREATE DATABASE {TEMPLATE}")
        asyncio.run(_migrate(server.url(TEMPLATE)))
        return server

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        """A new database, migrated (a copy of the template); its URL."""
        name = f"test_{os.getpid()}_{next(self._numbers)}"
        self._sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def _sql(self, *statements: str) -> None:
        asyncio.run(_execute(self.url("postgres"), statements))


async def _migrate(url: str) -> None:
    pool = await postgres.connect(url, size=1)
    try:
        await postgres.migrate(pool)
    finally:
        await pool.close()


async def _execute(url: str, statements: Sequence[str]) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()
