"""Behaviour aggregates from an event log (``customer_id, timestamp, action_type[, value]``),
as of a cut-off.

A propensity model learns from what customers did *before* the moment it predicts from; an
event at or after the cut-off is the future the label is about (a converter's purchase), and a
feature that saw it would score well in validation and fail in use. So :func:`aggregate` drops
every event at or after the cut-off before counting anything, and says how many it dropped.

Per action type: counts in the last 1, 7, 30 and 90 days (daily, weekly, monthly, quarterly),
days since the last one (missing where there was none: LightGBM takes missing values as
such, no made-up "never" number), and the value summed over 90 days where the log has a value
column; over all actions, counts per window and the active days in the last 30.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from planning.customers import parse_time
from planning.table import Table, TableError

WINDOWS_DAYS = (1, 7, 30, 90)
DAY = 86_400.0
MAX_ACTIONS = 50  # more action types than this is a free-text column, not a log of actions


@dataclass
class EventLog:
    """A validated event log: one entry per event in each array."""

    source: str
    customer: np.ndarray         # the file's customer ids (object)
    time: np.ndarray             # epoch seconds
    action: np.ndarray           # action codes into ``actions``
    actions: list[str]           # feature-safe action names, sorted
    value: np.ndarray | None = None


@dataclass
class EventSummary:
    """What went into the features: for the run record and the printed report."""

    events: int
    used: int
    after_cutoff: int
    unknown_customers: int
    actions: list[str]


def read_events(table: Table, id_column: str = "customer_id",
                time_column: str = "timestamp", action_column: str = "action_type",
                value_column: str | None = None) -> EventLog:
    """Validate ``table`` as an event log; TableError naming the column and row otherwise."""
    for name in (id_column, time_column, action_column, value_column):
        if name and name not in table.columns:
            raise TableError(f"{table.source}: no column {name!r}; an event log needs "
                             f"{id_column}, {time_column} and {action_column}; its columns "
                             f"are {', '.join(table.columns)}")
    customer = _required(table, id_column)
    action_text = _required(table, action_column)
    names = sorted({_action_name(a) for a in set(action_text)})
    if len(names) > MAX_ACTIONS:
        raise TableError(f"{table.source}: column {action_column!r} has {len(names)} distinct "
                         f"action types (at most {MAX_ACTIONS}): is it the right column?")
    code = {name: i for i, name in enumerate(names)}
    action = np.array([code[_action_name(a)] for a in action_text], dtype=np.int32)
    return EventLog(source=table.source, customer=customer,
                    time=_event_times(table, time_column), action=action, actions=names,
                    value=_values(table, value_column) if value_column else None)


def _required(table: Table, name: str) -> np.ndarray:
    values = np.array(table.columns[name].cast("string").to_pylist(), dtype=object)
    for row, value in enumerate(values):
        if value is None or not value.strip():
            raise TableError(f"{table.locate(row, name)}: empty; every event needs it")
    return values


def _action_name(text: str) -> str:
    """``Add to cart`` -> ``add_to_cart``: a name a feature can carry."""
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_") or "action"


def _event_times(table: Table, name: str) -> np.ndarray:
    """Epoch seconds from ISO dates/times or epoch numbers, parsed fast and, when that fails,
    again row by row to name the bad one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table.columns[name]
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return column.cast(pa.float64()).to_numpy(zero_copy_only=False)
    text = column.cast(pa.string())
    try:
        return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        pass
    out = np.empty(table.rows)
    for row, value in enumerate(text.to_pylist()):
        try:
            out[row] = parse_time(value.strip())
        except (ValueError, AttributeError):
            raise TableError(f"{table.locate(row, name)}: {value!r} is not an ISO date or "
                             f"time, nor epoch seconds") from None
    return out


def _values(table: Table, name: str) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(table.columns[name].cast(pa.string()))
    out = np.empty(table.rows)
    for row, value in enumerate(text.to_pylist()):
        try:
            out[row] = float(value) if value else 0.0
        except ValueError:
            raise TableError(f"{table.locate(row, name)}: {value!r} is not a number") from None
    return out


def aggregate(log: EventLog, customer_ids: np.ndarray, cutoff: float
              ) -> tuple[dict[str, np.ndarray], EventSummary]:
    """Feature columns (one value per entry of ``customer_ids``, the file's raw ids) from the
    events strictly before ``cutoff`` (epoch seconds). Events of customers not in
    ``customer_ids`` are counted in the summary and otherwise ignored."""
    position = {cid: i for i, cid in enumerate(customer_ids)}
    owner = np.array([position.get(cid, -1) for cid in log.customer], dtype=np.int64)
    before = log.time < cutoff
    known = owner >= 0
    keep = before & known
    owner, time, action = owner[keep], log.time[keep], log.action[keep]
    value = log.value[keep] if log.value is not None else None
    age_days = (cutoff - time) / DAY
    n = len(customer_ids)
    columns: dict[str, np.ndarray] = {}
    for window in WINDOWS_DAYS:
        recent = age_days < window
        columns[f"events_{window}d"] = np.bincount(owner[recent], minlength=n).astype(float)
        for code, name in enumerate(log.actions):
            mask = recent & (action == code)
            columns[f"{name}_{window}d"] = np.bincount(owner[mask], minlength=n).astype(float)
    for code, name in enumerate(log.actions):
        columns[f"days_since_{name}"] = _days_since(owner[action == code],
                                                    age_days[action == code], n)
        if value is not None:
            mask = (action == code) & (age_days < WINDOWS_DAYS[-1])
            columns[f"{name}_value_90d"] = np.bincount(owner[mask], weights=value[mask],
                                                       minlength=n)
    columns["days_since_any"] = _days_since(owner, age_days, n)
    columns["active_days_30d"] = _active_days(owner[age_days < 30], age_days[age_days < 30], n)
    summary = EventSummary(events=len(log.time), used=int(keep.sum()),
                           after_cutoff=int((~before & known).sum()),
                           unknown_customers=len(set(log.customer[~known])),
                           actions=log.actions)
    return columns, summary


def _days_since(owner: np.ndarray, age_days: np.ndarray, n: int) -> np.ndarray:
    """Days from each customer's latest event to the cut-off; NaN for none."""
    out = np.full(n, np.inf)
    np.minimum.at(out, owner, age_days)
    out[np.isinf(out)] = np.nan
    return out


def _active_days(owner: np.ndarray, age_days: np.ndarray, n: int) -> np.ndarray:
    """Distinct days with at least one event, per customer."""
    pairs = np.unique(owner * 1000 + np.floor(age_days).astype(np.int64))
    return np.bincount(pairs // 1000, minlength=n).astype(float)
