"""The statistics of a report: whether a share changed after the launch."""

from __future__ import annotations

import math


def two_proportion_test(hits_a: int, n_a: int, hits_b: int, n_b: int) -> tuple[float, float]:
    """Pooled two-proportion z-test (two-sided): is a share different after the launch?"""
    if not n_a or not n_b:
        return 0.0, 1.0
    pooled = (hits_a + hits_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return 0.0, 1.0
    z = (hits_b / n_b - hits_a / n_a) / se
    return z, math.erfc(abs(z) / math.sqrt(2))
