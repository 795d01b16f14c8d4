"""One runner per database across processes (the outbox sender, the sources' fetcher): an
exclusive lock on a file beside it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class RunnerLock:
    """One runner of a kind per database across processes: an exclusive lock on a file beside it.

    The kernel releases the lock when its process dies, even by SIGKILL, so whoever holds it
    knows that a message still marked ``sending`` was left by a dead sender.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def beside(cls, database: Path, runner: str = "sender") -> RunnerLock:
        """The lock of ``runner`` (``sender``, ``fetch``) of ``database``: ``<db>.<runner>.lock``
        beside it."""
        return cls(database.with_name(f"{database.name}.{runner}.lock"))

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; True if we hold it now."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        """Let another sender take over."""
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


SenderLock = RunnerLock  # the outbox sender's: RunnerLock.beside(database) is its lock
