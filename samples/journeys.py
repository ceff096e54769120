"""A sample journey export for the demo campaign: visits through the plan's tracking links
(and direct ones), the orders that followed, and the spend per channel, with a planted truth
the attribution must recover.

Each customer visits one to four times over the two weeks after the launch, mostly through a
link on one platform (some carried by an influencer), sometimes directly. The chance of an
order rises with each visit by the rate of the visit's channel, so the channels that convert
best are known: Mastodon first, then Bluesky, YouTube, Reddit (``RATES``). The customer ids
are those of :mod:`samples.customers`, so the journeys join the imported segments.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

LAUNCH = datetime(2026, 10, 15, tzinfo=UTC)
# channel: (share of link visits, added chance of an order per visit)
RATES = {"mastodon": (0.35, 0.10), "bluesky": (0.30, 0.06), "youtube": (0.20, 0.03),
         "reddit": (0.15, 0.015)}
DIRECT_SHARE = 0.25  # visits with no tracking parameters
INFLUENCERS = {"mastodon": ["es_user44", "techlens"], "bluesky": ["glowup"],
               "youtube": ["unboxd"], "reddit": []}
SPEND = {"mastodon": Decimal("40000.00"), "bluesky": Decimal("30000.00"),
         "youtube": Decimal("45000.00"), "reddit": Decimal("20000.00")}  # over the two weeks
FIELDS = ["type", "customer", "timestamp", "utm_source", "utm_medium", "utm_campaign",
          "utm_content", "utm_term", "value", "order_id", "channel"]


@dataclass
class JourneySample:
    rows: list[dict[str, str]] = field(default_factory=list)
    orders: int = 0
    revenue: Decimal = Decimal("0.00")


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(customers: int = 4000, seed: int = 5, campaign: str = "nova-lumina-x2"
             ) -> JourneySample:
    """The journeys of the first ``customers`` sample customers (ids ``C0000001``...)."""
    rng = np.random.default_rng(seed)
    channels = list(RATES)
    reach = np.array([RATES[c][0] for c in channels])
    sample = JourneySample()
    for n in range(1, customers + 1):
        customer = f"C{n:07d}"
        visits = int(rng.integers(1, 5))
        times = sorted(LAUNCH + timedelta(hours=float(h)) for h in rng.uniform(0, 14 * 24,
                                                                                  visits))
        chance = 0.0
        for when in times:
            row = {"type": "touch", "customer": customer, "timestamp": _iso(when)}
            if rng.random() >= DIRECT_SHARE:
                channel = channels[int(rng.choice(len(channels), p=reach))]
                carriers = INFLUENCERS[channel]
                by = carriers[int(rng.integers(len(carriers)))] if carriers and \
                    rng.random() < 0.5 else None
                row |= {"utm_source": channel, "utm_medium": "influencer" if by else "social",
                        "utm_campaign": campaign, "utm_term": by or ""}
                chance = 1 - (1 - chance) * (1 - RATES[channel][1])
            sample.rows.append(row)
        if rng.random() < chance:
            value = Decimal(int(rng.integers(2_000, 120_000))) / 100
            sample.orders += 1
            sample.revenue += value
            sample.rows.append({"type": "conversion", "customer": customer,
                                "timestamp": _iso(times[-1] + timedelta(
                                    hours=float(rng.uniform(0.1, 48)))),
                                "value": str(value), "order_id": f"O{n:07d}"})
    for channel, amount in SPEND.items():
        sample.rows.append({"type": "spend", "channel": channel, "timestamp": _iso(LAUNCH),
                            "value": str(amount)})
    return sample


def write(sample: JourneySample, path: Path) -> Path:
    """The sample as the CSV export a marketer's analytics tool gives."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(sample.rows)
    return path
