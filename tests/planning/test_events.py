"""Behaviour features from an event log, as of a cut-off: counts per action in 1/7/30/90-day
windows, days since the last one, active days; and the leakage guard: nothing at or after the
cut-off ever reaches a feature."""

from __future__ import annotations

import numpy as np
import pytest

from planning.customers import parse_time
from planning.events import aggregate, read_events
from planning.table import TableError, read_bytes

CUTOFF = parse_time("2026-11-01")
LOG = """customer_id,timestamp,action_type
a,2026-10-31T12:00:00Z,Visit
a,2026-10-29 08:00:00,visit
a,2026-10-20,Add to cart
a,2026-08-15,purchase
b,2026-10-31T23:59:59Z,visit
"""


def features(log: str, ids: tuple[str, ...] = ("a", "b", "c")) -> dict[str, np.ndarray]:
    table = read_events(read_bytes(log.encode(), "events.csv", "csv"))
    return aggregate(table, np.array(ids, dtype=object), CUTOFF)[0]


def test_counts_per_window_and_recency() -> None:
    f = features(LOG)
    assert f["visit_1d"].tolist() == [1, 1, 0]
    assert f["visit_7d"].tolist() == [2, 1, 0]
    assert f["add_to_cart_30d"].tolist() == [1, 0, 0]
    assert f["purchase_30d"].tolist() == [0, 0, 0] and f["purchase_90d"].tolist() == [1, 0, 0]
    assert f["events_90d"].tolist() == [4, 1, 0]
    assert f["days_since_visit"][0] == pytest.approx(0.5)
    assert np.isnan(f["days_since_visit"][2]), "never visited is missing, not a made-up number"
    assert f["active_days_30d"].tolist() == [3, 1, 0]


def test_events_at_or_after_the_cutoff_change_no_feature() -> None:
    before = features(LOG)
    after = features(LOG + "a,2026-11-01T00:00:00Z,purchase\nb,2026-11-20,add to cart\n"
                           "c,2027-01-01,visit\n")
    assert before.keys() == after.keys()
    for name in before:
        assert np.array_equal(before[name], after[name], equal_nan=True), name


def test_an_event_one_second_before_the_cutoff_counts() -> None:
    after = features(LOG + "c,2026-10-31T23:59:59Z,purchase\n")
    assert after["purchase_1d"].tolist() == [0, 0, 1]


def test_the_summary_says_what_was_left_out() -> None:
    table = read_events(read_bytes((LOG + "a,2026-11-02,visit\nzz,2026-10-01,visit\n").encode(),
                                   "events.csv", "csv"))
    _, summary = aggregate(table, np.array(["a", "b"], dtype=object), CUTOFF)
    assert (summary.events, summary.used, summary.after_cutoff, summary.unknown_customers) \
        == (7, 5, 1, 1)
    assert summary.actions == ["add_to_cart", "purchase", "visit"]


def test_epoch_seconds_are_times_too() -> None:
    log = f"customer_id,timestamp,action_type\na,{CUTOFF - 3600},visit\n"
    assert features(log)["visit_1d"].tolist() == [1, 0, 0]


def test_a_bad_time_or_missing_column_is_named() -> None:
    with pytest.raises(TableError, match=r"events.csv, line 3, column 'timestamp': "
                                         r"'yesterday' is not an ISO date"):
        features(LOG.replace("2026-10-29 08:00:00", "yesterday"))
    with pytest.raises(TableError, match="no column 'action_type'"):
        features("customer_id,timestamp,act\na,2026-10-01,visit\n")
    with pytest.raises(TableError, match=r"line 2, column 'action_type': empty"):
        features("customer_id,timestamp,action_type\na,2026-10-01,\n")
