"""Synthetic customers and their event log, with a planted conversion mechanism, for the demo,
the tests and the benchmark.

A retailer's customers: a few attributes (age, region, tenure, preferred channel, when they
were first seen) and 90 days of events before a cut-off (visits, product views, add-to-cart,
purchases, support calls), plus the 30 days after it. Each customer's chance of converting in
the 30 days after the cut-off is set by a mechanism that is deliberately *not* linear in the
features, so a linear model cannot get it all:

=====================================  ==============================================
term                                   shape
=====================================  ==============================================
add-to-cart in the last 30 days        saturating: one cart counts, more add little
days since the last visit              decays with a 7-day time constant
region ``capital`` × age under 35      an interaction: only together
age 40 to 55                           a band: neither young nor old
a support call in the last 30 days      a threshold (an unhappy customer)
purchases in 90 days                   log1p
the offer received                     depends on age: the coupon works from 40 up,
                                       the app push under 35 (and slightly hurts above)
=====================================  ==============================================

Each customer also has one or two interests (``interests``: ids of the audience taxonomy,
``|``-separated; empty for a fifth), drawn from mixes that change with age (fashion, nightlife
and entertainment young; parenting, food and travel in mid-life; news and travel later;
technology more in the capital), what a retailer knows from the categories a customer buys;
they do not enter the planted mechanism, so they describe segments without steering them.

The offer was randomised (a third each: ``none``, ``email_coupon``, ``app_push``), so the
uplift of each offer by segment can be estimated against the ``none`` control group.

The probabilities are computed here from the generated events with code of its own (numpy
counts), independent of ``planning.events``: the tests compare a model trained on the
features ``planning`` builds against these true probabilities. The events after the cut-off
include the converters' purchases: a feature builder that leaked them would score far better
than the true probabilities allow, which a test catches. A quarter of the customers carry no
label (the ones to score).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

CUTOFF = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY_DAYS = 90
HORIZON_DAYS = 30
ACTIONS = ("visit", "view_product", "add_to_cart", "purchase", "support_call")
# Mean events per active day for an average customer, per action.
ACTION_RATES = np.array([0.03, 0.025, 0.01, 0.004, 0.002])
REGIONS = ("capital", "north", "south", "east", "west")
REGION_SHARES = (0.25, 0.2, 0.2, 0.2, 0.15)
CHANNELS = ("email", "app", "web")
OFFERS = ("none", "email_coupon", "app_push")
UNLABELLED_SHARE = 0.25
DAY = 86_400.0
INTERESTS = ("fashion_beauty", "health_fitness", "travel", "sports", "entertainment",
             "parenting", "technology", "food_drink", "news_politics", "nightlife")
# Interest weights by age band (under 35, 35 to 54, 55 up), in INTERESTS order.
INTEREST_MIX = np.array([
    [0.22, 0.10, 0.06, 0.08, 0.16, 0.02, 0.14, 0.06, 0.02, 0.14],
    [0.08, 0.12, 0.14, 0.08, 0.06, 0.20, 0.10, 0.14, 0.06, 0.02],
    [0.04, 0.10, 0.22, 0.08, 0.06, 0.04, 0.06, 0.16, 0.22, 0.02],
])
NO_INTEREST_SHARE = 0.2


@dataclass
class CustomerSample:
    """Columns of the customers (one entry per customer), the event log, and the truth."""

    customers: dict[str, np.ndarray]
    events: dict[str, np.ndarray]   # customer_id, timestamp (epoch s), action_type
    true_p: np.ndarray              # the planted probability of converting, per customer
    cutoff: datetime


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def planted_log_odds(carts_30d: np.ndarray, days_since_visit: np.ndarray, capital: np.ndarray,
                     age: np.ndarray, support_30d: np.ndarray, purchases_90d: np.ndarray,
                     offer: np.ndarray) -> np.ndarray:
    """The mechanism of the module docstring, in log-odds (``offer`` holds OFFERS indices)."""
    young = age < 35
    z = (-3.2
         + 1.8 * sigmoid((carts_30d - 0.5) * 3.0)
         + 1.4 * np.exp(-days_since_visit / 7.0)
         + 1.3 * (capital & young)
         + 0.8 * ((age >= 40) & (age <= 55))
         - 1.0 * (support_30d >= 1)
         + 0.6 * np.log1p(purchases_90d))
    z = z + np.where(offer == 1, np.where(age >= 40, 0.7, 0.0), 0.0)
    z = z + np.where(offer == 2, np.where(young, 0.8, -0.2), 0.0)
    return z


def generate(n: int = 50_000, seed: int = 7, cutoff: datetime = CUTOFF) -> CustomerSample:
    """``n`` customers and their events, the same for the same ``seed``."""
    rng = np.random.default_rng(seed)
    ids = np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    age = np.clip(rng.normal(41, 13, n), 18, 80).round().astype(int)
    region = rng.choice(len(REGIONS), n, p=REGION_SHARES)
    tenure = np.clip(rng.gamma(2.0, 300.0, n), 1, 3650).round().astype(int)
    channel = rng.choice(len(CHANNELS), n, p=(0.4, 0.35, 0.25))
    offer = rng.integers(0, len(OFFERS), n)
    cut = cutoff.timestamp()
    first_seen = cut - tenure * DAY

    # Activity: how busy each customer is, and how long ago they drifted away (a third lapse).
    activity = rng.lognormal(0.0, 1.0, n)
    lapse_days = np.where(rng.random(n) < 0.35, rng.uniform(3, 80, n), 0.0)
    start = np.maximum(first_seen, cut - HISTORY_DAYS * DAY)
    active_days = np.maximum((cut - lapse_days * DAY - start) / DAY, 0.0)
    counts = rng.poisson(np.outer(activity * active_days, ACTION_RATES)).ravel()
    owner = np.repeat(np.repeat(np.arange(n), len(ACTIONS)), counts)
    kind = np.repeat(np.tile(np.arange(len(ACTIONS)), n), counts)
    end = cut - lapse_days * DAY
    when = start[owner] + rng.random(owner.size) * (end[owner] - start[owner])

    # The truth, from these events with counts of its own.
    recent = when >= cut - 30 * DAY

    def per_customer(mask: np.ndarray) -> np.ndarray:
        return np.bincount(owner[mask], minlength=n)

    carts_30d = per_customer(recent & (kind == 2))
    support_30d = per_customer(recent & (kind == 4))
    purchases_90d = per_customer(kind == 3)
    last_visit = np.full(n, -np.inf)
    visits = kind == 0
    np.maximum.at(last_visit, owner[visits], when[visits])
    days_since_visit = np.where(np.isfinite(last_visit), (cut - last_visit) / DAY, 365.0)
    true_p = sigmoid(planted_log_odds(carts_30d, days_since_visit, region == 0, age,
                                       support_30d, purchases_90d, offer))
    converted = rng.random(n) < true_p

    # After the cut-off: the converters' purchases, and some visits of everybody active.
    buyers = np.flatnonzero(converted)
    after_owner = np.concatenate([buyers, np.flatnonzero(rng.random(n) < 0.5)])
    after_kind = np.concatenate([np.full(buyers.size, 3), np.zeros(after_owner.size
                                                                    - buyers.size, int)])
    after_when = cut + rng.random(after_owner.size) * HORIZON_DAYS * DAY
    owner = np.concatenate([owner, after_owner])
    kind = np.concatenate([kind, after_kind])
    when = np.concatenate([when, after_when])
    order = np.argsort(when, kind="stable")

    label = np.where(converted, "1", "0").astype(object)
    label[rng.random(n) < UNLABELLED_SHARE] = ""
    interests = _interests(rng, age, region == 0)
    customers = {
        "customer_id": ids, "age": age, "region": np.array(REGIONS)[region],
        "tenure_days": tenure, "preferred_channel": np.array(CHANNELS)[channel],
        "first_seen": np.array([_day(t) for t in first_seen]),
        "offer": np.array(OFFERS)[offer], "converted": label, "interests": interests,
    }
    events = {"customer_id": ids[owner[order]], "timestamp": when[order],
              "action_type": np.array(ACTIONS)[kind[order]]}
    return CustomerSample(customers=customers, events=events, true_p=true_p, cutoff=cutoff)


def _interests(rng: np.random.Generator, age: np.ndarray, capital: np.ndarray) -> np.ndarray:
    """One or two interests per customer (a fifth none), from the mix of their age band."""
    band = np.digitize(age, (35, 55))
    weights = INTEREST_MIX[band]
    weights[:, INTERESTS.index("technology")] += np.where(capital, 0.1, 0.0)
    weights /= weights.sum(axis=1, keepdims=True)
    cumulative = weights.cumsum(axis=1)
    first = (rng.random(len(age))[:, None] > cumulative).sum(axis=1)
    second = (rng.random(len(age))[:, None] > cumulative).sum(axis=1)
    two = rng.random(len(age)) < 0.4
    out = np.empty(len(age), dtype=object)
    for i, (a, b, both) in enumerate(zip(first, second, two & (first != second), strict=True)):
        out[i] = f"{INTERESTS[a]}|{INTERESTS[b]}" if both else INTERESTS[a]
    out[rng.random(len(age)) < NO_INTEREST_SHARE] = ""
    return out


def _day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).date().isoformat()


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write(sample: CustomerSample, directory: Path) -> tuple[Path, Path]:
    """``customers.csv`` and ``events.csv`` under ``directory``; the truth stays in memory."""
    directory.mkdir(parents=True, exist_ok=True)
    customers, events = directory / "customers.csv", directory / "events.csv"
    names = list(sample.customers)
    with customers.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        writer.writerows(zip(*(sample.customers[name] for name in names), strict=True))
    with events.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["customer_id", "timestamp", "action_type"])
        writer.writerows(zip(sample.events["customer_id"],
                             (_iso(t) for t in sample.events["timestamp"]),
                             sample.events["action_type"], strict=True))
    return customers, events
