"""Work spread over the machine's cores in forked worker processes, or done here when that cannot help;
and the garbage collector paused for bulk reading.

Workers are forked, so they inherit what the caller prepared (parsed frameworks, say) without
copying it; only each item and its result cross between processes (pickled). Forking is used only
on systems that have it, from a single-threaded process (never from inside `maturity serve`'s
watcher thread), when more than one core is available to this process and there are at least
``min_items`` items; otherwise the items are done one after the other in this process, with the
same results.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Never more workers than this, however many cores there are.
MAX_WORKERS = 8


def cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers and CI runners restrict)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a bulk read (back as it was afterwards).

    Reading and scoring many files makes a great many objects and next to no reference cycles; the
    collector would walk everything already kept again and again while they pile up (a tenth of
    loading 1000 answer files, a third of a framework diff's work).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def workers_for(n_items: int, min_items: int) -> int:
    """How many worker processes ``n_items`` items get: 0 (do them here) or 2 and more."""
    workers = min(cores(), MAX_WORKERS)
    forkable = "fork" in mp.get_all_start_methods() and threading.active_count() == 1
    return workers if forkable and workers > 1 and n_items >= min_items else 0


def fork_map(fn: Callable[[T], R], items: Sequence[T], min_items: int, chunksize: int = 0) -> Iterator[R]:
    """``fn(item)`` for every item, in order; in forked workers when that can help (see the module's docstring).

    ``fn`` must be a module-level function (it is named, not copied, to the workers).
    """
    workers = workers_for(len(items), min_items)
    if workers:
        # what exists now is shared with the workers: frozen, the collector never scans it again (nor copies its pages)
        gc.freeze()
        try:
            pool = mp.get_context("fork").Pool(workers, initializer=_start_worker)
        except OSError:  # no processes available here: do it in this one
            gc.unfreeze()
        else:
            try:
                yield from pool.imap(fn, items, chunksize=chunksize or max(1, len(items) // (workers * 8)))
                pool.close()
            finally:
                pool.terminate()  # at once when interrupted; after close(), the workers have ended
                pool.join()
                gc.unfreeze()
            return
    for item in items:
        yield fn(item)


def _start_worker() -> None:
    """A worker leaves interruption to the process that forked it (which ends the workers) and ends quietly.

    It runs without the cyclic garbage collector: parsing and scoring make no reference cycles, and a
    worker lives for one batch of work; collecting would scan every object it makes again and again.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.disable()
