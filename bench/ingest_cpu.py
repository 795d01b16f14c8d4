"""Ingest's whole CPU: this process's and its worker processes', per article, next to the wall
clock, for a first and a repeated ingest of bench_storage's generated pages.

    python bench/ingest_cpu.py [--articles 10000] [--runs 3] [--processes N]

On a machine others use, the wall clock says little; the CPU of every process says what the
ingest costs, and on 2 cores the first run can go no faster than 2 CPU-seconds a wall second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import psutil  # noqa: E402
from ingest_steps import FESTIVALS, OUT, pages_for  # noqa: E402

from bot.newsroom.ingest import ingest  # noqa: E402
from storage import Store  # noqa: E402


def _children_cpu() -> float:
    """CPU seconds of this process's children and theirs, living or ended (a fork server's
    workers are its children: counted once they ended and it reaped them)."""
    total = 0.0
    me = psutil.Process()
    times = me.cpu_times()
    total += times.children_user + times.children_system
    for child in me.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


async def run(pages: Path, processes: int | None) -> dict[str, tuple[float, float, float]]:
    """(wall s, this process's CPU s, workers' CPU s) of a first and a repeated ingest."""
    database = OUT / f"ingest-cpu-{os.getpid()}.db"
    for leftover in OUT.glob(database.name + "*"):
        leftover.unlink()
    figures = {}
    store = await Store.open(database)
    try:
        for name in ("first run", "repeated run"):
            wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
            await ingest(store, [FESTIVALS, pages], processes=processes)
            figures[name] = (
                time.perf_counter() - wall,
                time.process_time() - cpu,
                _children_cpu() - children,
            )
    finally:
        await store.close()
        for leftover in OUT.glob(database.name + "*"):
            leftover.unlink()
    return figures


def main() -> None:
    """Print the best of ``--runs`` runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=None)
    args = parser.parse_args()
    pages = pages_for(args.articles)
    best: dict[str, tuple[float, float, float]] = {}
    for _ in range(args.runs):
        for name, figures in asyncio.run(run(pages, args.processes)).items():
            if name not in best or sum(figures[1:]) < sum(best[name][1:]):
                best[name] = figures
    count = args.articles
    print(f"{count:,} articles, best of {args.runs} (by CPU), processes={args.processes}:")
    for name, (wall, cpu, workers) in best.items():
        total = cpu + workers
        print(
            f"  {name:13} {count / wall:7,.0f}/s wall  {cpu / count * 1e6:6.0f} µs here"
            f" + {workers / count * 1e6:4.0f} µs workers = {total / count * 1e6:4.0f} µs CPU"
            f" ({2 * count / total:,.0f}/s on 2 cores at best)"
        )


if __name__ == "__main__":
    main()
