"""What the benchmarks that pit a path against its naive baseline share: the median wall time
of a piece of work over several runs, with the result of the last run (so the two answers
can be compared as well as timed)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")


def median_run(work: Callable[[], Result], runs: int) -> tuple[float, Result]:
    """(median seconds over ``runs`` runs of ``work``, what the last run returned)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result
