"""The seasonal tests behind the alerts: an hour against the same hour on earlier days (or
weeks), by median and MAD, with a floor from counting noise."""

from __future__ import annotations

import pytest

from reports.anomaly import DAY, WEEK, count_test, share_test


def rhythm(days: int, evening: int = 12, night: int = 2) -> list[float]:
    """Posts per hour: busy evenings (18:00–22:00), quiet otherwise, ``days`` days long."""
    return [float(evening if 18 <= h % 24 <= 22 else night) for h in range(days * 24)]


def test_a_busy_evening_is_ordinary_and_the_same_count_at_night_is_not() -> None:
    evening = rhythm(15)
    assert count_test(evening, 15 * 24 - 4, 1, 14, 3).z == pytest.approx(0.0)  # 20:00, 12
    night = rhythm(15)
    night[-1] = 12.0  # 23:00 of the last day, usually 2
    test = count_test(night, len(night) - 1, 1, 14, 3)
    assert (test.observed, test.baseline, test.samples, test.period) == (12, 2, 14, DAY)
    assert test.z > 4


def test_a_flat_baseline_does_not_make_one_more_post_an_alarm() -> None:
    flat = rhythm(15, evening=2)
    flat[-1] = 3.0
    test = count_test(flat, len(flat) - 1, 1, 14, 3)
    assert test.spread == pytest.approx(2 ** 0.5)  # MAD 0: the Poisson floor
    assert test.z < 1


def test_one_earlier_storm_does_not_raise_the_bar() -> None:
    series = rhythm(15)
    series[-1 - 24 * 3] = 400.0  # a storm three days ago at the same hour
    series[-1] = 30.0
    assert count_test(series, len(series) - 1, 1, 14, 3).z > 4


def test_weeks_are_compared_once_there_are_enough_of_them() -> None:
    assert count_test(rhythm(22), 22 * 24 - 1, 1, 14, 3).period == WEEK
    assert count_test(rhythm(20), 20 * 24 - 1, 1, 14, 3).period == DAY


def test_too_little_history_tests_nothing() -> None:
    assert count_test(rhythm(2), 47, 1, 14, 3) is None


def test_a_share_is_tested_on_enough_posts_against_earlier_windows() -> None:
    totals = rhythm(15, evening=10, night=10)
    hits = [1.0] * len(totals)  # 10% negative, every hour
    hits[-6:] = [6.0] * 6        # 60% over the last six hours
    test = share_test(hits, totals, len(totals) - 1, 6, 14, 3, 15)
    assert test.observed == pytest.approx(0.6) and test.baseline == pytest.approx(0.1)
    assert test.z > 4
    assert share_test(hits, totals, len(totals) - 1, 1, 14, 3, 15) is None  # 10 posts < 15
