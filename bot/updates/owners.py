"""Which process answers for a kept update, and whether it still can (it is alive).

A process is known by its pid and its start time: after a crash the pid may be given to another
process (or, in a restarted container, to the bot again), whose start time differs.
"""

from __future__ import annotations

import os
import socket

import psutil

from storage.updates import Owner

# psutil derives a start time from the boot time, which the kernel may report a second apart
# from one read to the next; a pid is not reused within a second.
SAME_START = 1.0  # seconds


def this_process() -> Owner:
    """This process, as the owner of the updates it takes."""
    pid = os.getpid()
    return Owner(pid, psutil.Process(pid).create_time(), socket.gethostname())


def alive(owner: Owner | None) -> bool:
    """Whether ``owner`` (None: no process) is still running on this machine: not gone, no
    zombie, not another process under a reused pid. (Of another machine's process only the
    journal's presence locks can tell: ``Updates.present``.)"""
    if owner is None or owner.host not in ("", socket.gethostname()):
        return False
    try:
        process = psutil.Process(owner.pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return abs(process.create_time() - owner.started) < SAME_START
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # another user's process: alive, and not ours to judge
        return True
