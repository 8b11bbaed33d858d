"""Run one function over many items, in this process or in a pool of worker processes."""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

__all__ = ["run_each"]

T = TypeVar("T")
R = TypeVar("R")


def run_each(
    items: Sequence[T],
    work: Callable[[T], R],
    finish: Callable[[R], None],
    *,
    jobs: int = 1,
    crashed: Callable[[T, BaseException], R],
) -> None:
    """Call ``finish(work(item))`` for every item, with ``jobs`` worker processes when there is
    more than one item; results arrive in the order they finish.

    ``work`` must be a module-level function (workers import it). At most ``2 * jobs`` items are
    queued at once, so memory stays flat. Workers ignore Ctrl-C: on the first one, queued items are
    cancelled and those already running are finished and passed to ``finish``, so no work already
    paid for is lost; then KeyboardInterrupt propagates. A worker that dies (killed, out of memory)
    gives ``crashed(item, error)`` instead of a result.
    """
    if jobs <= 1 or len(items) <= 1:
        for item in items:
            finish(work(item))
        return
    queue = list(reversed(items))
    running: dict[Future[R], T] = {}

    def collect(futures: set[Future[R]]) -> None:
        for future in futures:
            item = running.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # the worker itself died; work() turns its own errors into results
                result = crashed(item, exc)
            finish(result)

    with ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts) as pool:
        try:
            while queue or running:
                while queue and len(running) < 2 * jobs:
                    item = queue.pop()
                    running[pool.submit(work, item)] = item
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                collect(done)
        except KeyboardInterrupt:
            for future in list(running):
                if future.cancel():
                    running.pop(future)
            collect(wait(running)[0])
            raise


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
