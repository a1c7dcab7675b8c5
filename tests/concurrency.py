"""Run work in many threads at the same instant, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_concurrently(count: int, prepare: Callable[[int], Any], work: Callable[[Any], Any]) -> list[Any]:
    """`prepare(index)` runs in the thread before the barrier (its own connection, its own
    objects), `work(prepared)` right after it, in all threads at once. Returns each thread's
    result or the exception it raised, for the caller to assert on."""
    barrier = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            prepared = prepare(index)
            barrier.wait(timeout=30)
            outcomes[index] = work(prepared)
        except Exception as error:  # collected and asserted on by the caller
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
