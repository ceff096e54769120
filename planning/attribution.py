"""Which channel earned a conversion: multi-touch attribution over the touchpoints that came
before each conversion, under the usual models.

=====================  =====================================================================
model                  credit of a conversion's value
=====================  =====================================================================
``first_touch``        all to the first touchpoint
``last_touch``         all to the last
``last_non_direct``    all to the last that is not ``direct`` (the last, if all are)
``linear``             equal shares
``time_decay``         halves every ``half_life_days`` before the conversion
``position_based``     40% first, 40% last, 20% shared by those between (one touch: all of
                       it; two: half each)
=====================  =====================================================================

A conversion with no touchpoint before it (within ``lookback_days``) is credited to
``(none)``, so no value is lost. Money is counted in minor units (cents) and each
conversion's value is split by largest remainder, so the credits of every model add up to
the conversions' total value exactly, not to within rounding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

MODELS = ("first_touch", "last_touch", "last_non_direct", "linear", "time_decay",
          "position_based")
DIRECT = "direct"
NO_TOUCH = "(none)"
CENT = Decimal("0.01")
DAY = 86_400.0


@dataclass(frozen=True)
class Touchpoint:
    customer: str
    time: float        # epoch seconds
    channel: str


@dataclass(frozen=True)
class Conversion:
    customer: str
    time: float
    value: Decimal     # in whole cents (an import refuses finer values)


@dataclass
class ChannelCredit:
    """What one channel earned under one model, and its return on the spend given."""

    channel: str
    conversions: float = 0.0
    value: Decimal = Decimal("0.00")
    spend: Decimal | None = None

    @property
    def roi(self) -> float | None:
        """(value − spend) / spend; None without a spend."""
        if not self.spend:
            return None
        return float((self.value - self.spend) / self.spend)


def weights(model: str, times: np.ndarray, channels: list[str], converted_at: float,
            half_life_days: float) -> np.ndarray:
    """The share of the conversion each touchpoint (in time order) earns under ``model``."""
    n = len(times)
    out = np.zeros(n)
    if model == "first_touch":
        out[0] = 1.0
    elif model == "last_touch":
        out[-1] = 1.0
    elif model == "last_non_direct":
        found = [i for i, channel in enumerate(channels) if channel != DIRECT]
        out[found[-1] if found else -1] = 1.0
    elif model == "linear":
        out[:] = 1.0 / n
    elif model == "time_decay":
        decay = 0.5 ** ((converted_at - times) / (half_life_days * DAY))
        out = decay / decay.sum()
    elif model == "position_based":
        if n <= 2:
            out[:] = 1.0 / n
        else:
            out[0] = out[-1] = 0.4
            out[1:-1] = 0.2 / (n - 2)
    else:
        raise ValueError(f"unknown attribution model {model!r}; one of {', '.join(MODELS)}")
    return out


def split_cents(value: Decimal, shares: np.ndarray) -> list[Decimal]:
    """``value`` split in proportion to ``shares``, in whole cents adding up to ``value``
    exactly: each gets its floor, the cents left go to the largest remainders."""
    cents = int((value / CENT).to_integral_value(ROUND_HALF_EVEN))
    raw = shares / shares.sum() * cents
    floors = np.floor(raw).astype(np.int64)
    left = cents - int(floors.sum())
    order = np.argsort(-(raw - floors), kind="stable")
    floors[order[:left]] += 1
    return [Decimal(int(c)) * CENT for c in floors]


def attribute(touchpoints: Iterable[Touchpoint], conversions: Iterable[Conversion],
              model: str, half_life_days: float = 7.0, lookback_days: float = 30.0,
              spend: dict[str, Decimal] | None = None) -> list[ChannelCredit]:
    """Credit per channel under ``model``, most value first (see the module docstring)."""
    if model not in MODELS:
        raise ValueError(f"unknown attribution model {model!r}; one of {', '.join(MODELS)}")
    if half_life_days <= 0:
        raise ValueError("half_life_days must be above 0")
    journeys: dict[str, list[Touchpoint]] = defaultdict(list)
    for touch in touchpoints:
        journeys[touch.customer].append(touch)
    for journey in journeys.values():
        journey.sort(key=lambda t: t.time)
    credit: dict[str, ChannelCredit] = {}

    def add(channel: str, share: float, value: Decimal) -> None:
        found = credit.setdefault(channel, ChannelCredit(channel))
        found.conversions += share
        found.value += value

    for conversion in conversions:
        before = [t for t in journeys.get(conversion.customer, ())
                  if conversion.time - lookback_days * DAY <= t.time <= conversion.time]
        if not before:
            add(NO_TOUCH, 1.0, conversion.value.quantize(CENT, ROUND_HALF_EVEN))
            continue
        channels = [t.channel for t in before]
        shares = weights(model, np.array([t.time for t in before]), channels,
                         conversion.time, half_life_days)
        for channel, share, value in zip(channels, shares,
                                         split_cents(conversion.value, shares), strict=True):
            if share > 0:
                add(channel, float(share), value)
    for channel, amount in (spend or {}).items():
        credit.setdefault(channel, ChannelCredit(channel)).spend = amount
    return sorted(credit.values(), key=lambda c: (-c.value, c.channel))
