"""Is this hour unusual? Robust seasonal tests for the alerts (:mod:`reports.alerts`).

A launch's conversation has a daily rhythm (quiet nights, busy evenings) and, given weeks of
history, a weekly one, so an hour is compared with the *same* hour on earlier days (or earlier
weeks), never with the hour before it: 300 posts at 21:00 may be an ordinary evening, 300 at
04:00 a storm. The comparison is a median/MAD z-score, which a single earlier storm in the
baseline does not drag along as a mean and a standard deviation would. The spread has a floor
from counting noise (Poisson for counts, binomial for shares), so a flat baseline (MAD 0)
does not turn one extra post into an alert.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

MAD_TO_SD = 1.4826  # the MAD of a normal distribution times this is its standard deviation
DAY, WEEK = 24, 168  # seasonal periods, in hours


@dataclass(frozen=True)
class Test:
    """An observed value against its seasonal baseline."""

    observed: float
    baseline: float      # the median of the same windows earlier
    spread: float        # robust standard deviation (floored by counting noise)
    samples: int         # earlier windows compared with
    period: int          # hours between them: DAY or WEEK

    @property
    def z(self) -> float:
        return (self.observed - self.baseline) / self.spread


def period_for(hours_of_history: int, min_samples: int) -> int:
    """Weekly seasons once there are enough earlier weeks to compare with, else daily."""
    return WEEK if hours_of_history >= WEEK * min_samples else DAY


def window_sum(values: Sequence[float], end: int, width: int) -> float:
    """The sum of ``values`` over the ``width`` hours ending at index ``end`` (inclusive)."""
    return float(sum(values[max(0, end - width + 1):end + 1]))


def seasonal_windows(values: Sequence[float], end: int, width: int, period: int,
                     seasons: int) -> list[float]:
    """The same window on up to ``seasons`` earlier days (weeks), nearest first."""
    return [window_sum(values, end - k * period, width) for k in range(1, seasons + 1)
            if end - k * period - width + 1 >= 0]


def robust_spread(samples: Sequence[float], center: float) -> float:
    return MAD_TO_SD * median(abs(s - center) for s in samples)


def count_test(counts: Sequence[float], end: int, width: int, seasons: int,
               min_samples: int) -> Test | None:
    """The window's count against the same windows earlier; None with too little history."""
    period = period_for(end + 1, min_samples)
    earlier = seasonal_windows(counts, end, width, period, seasons)
    if len(earlier) < min_samples:
        return None
    center = median(earlier)
    spread = max(robust_spread(earlier, center), math.sqrt(max(center, 1.0)))
    return Test(window_sum(counts, end, width), center, spread, len(earlier), period)


def share_test(hits: Sequence[float], totals: Sequence[float], end: int, width: int,
               seasons: int, min_samples: int, min_total: int) -> Test | None:
    """The window's share (``hits`` / ``totals``) against the same windows earlier that had
    at least ``min_total`` posts; None with too little history or too few posts now."""
    total = window_sum(totals, end, width)
    if total < min_total:
        return None
    period = period_for(end + 1, min_samples)
    earlier = [h / t for h, t in zip(seasonal_windows(hits, end, width, period, seasons),
                                     seasonal_windows(totals, end, width, period, seasons),
                                     strict=True) if t >= min_total]
    if len(earlier) < min_samples:
        return None
    center = median(earlier)
    p = min(max(center, 0.05), 0.95)
    spread = max(robust_spread(earlier, center), math.sqrt(p * (1 - p) / total))
    return Test(window_sum(hits, end, width) / total, center, spread, len(earlier), period)
