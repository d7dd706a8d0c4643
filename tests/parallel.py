"""Run the same call from several threads at once, each on its own database connection, as two
people pressing the same button at the same moment would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def at_once(call: Callable[[], Any], times: int = 2) -> list[Any]:
    """What each call returned, or the exception it raised."""
    barrier = threading.Barrier(times)
    outcomes: list[Any] = [None] * times

    def run(slot: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[slot] = call()
        except Exception as exc:  # reported to the test, which says what it expected
            outcomes[slot] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
