"""Spikes and negative turns in a campaign's conversation, each raised once and explained.

Three signals are read per campaign from its counted posts (relevant, original, not spam),
hour by hour over ``AlertRules.history_days``, and tested against the same hours on earlier
days or weeks (:mod:`reports.anomaly`):

- ``spike``: the posts of the last complete hour;
- ``negative_turn``: the negative share of the rated posts of the last ``turn_hours``;
- ``aspect_negative_turn``: per aspect spoken of in that window, the negative share of its
  mentions.

An alert fires when the robust z-score passes ``AlertRules.z`` and the change is large enough
to matter (``min_posts`` and ``spike_ratio`` for a spike, ``min_negative`` and ``min_rise``
for a turn). One event is one alert: while an alert of the same kind and subject is younger
than ``cooldown_hours``, the same signal raises nothing. Each alert says what drove it: the
hashtags, terms and authors over-represented in the window against the week before it, and
the most engaged posts that show it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from nlp.related_keywords import reports_filter
from reports.anomaly import Test, count_test, share_test
from reports.examples import most_engaged
from sensing.alerts import Alert, AlertKind, Delivery, Driver, Explanation
from sensing.schemas import Campaign
from sensing.store import Bucket, PostFilter, Store
from sensing.store.base import SENTIMENT_LABELS

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class AlertRules:
    history_days: int = 15
    seasons: int = 14          # earlier days (or weeks) each window is compared with
    min_samples: int = 3       # fewer earlier windows than this: no test
    z: float = 4.0
    turn_hours: int = 6        # the window a negative share is read over
    min_posts: int = 10        # a spike has at least this many posts in its hour ...
    spike_ratio: float = 2.0   # ... and at least this many times the baseline
    min_rated: int = 15        # a share is tested on at least this many posts in its window
    min_negative: int = 5      # a turn has at least this many negative posts ...
    min_rise: float = 0.15     # ... and a negative share this much above the baseline's
    cooldown_hours: int = 6
    baseline_days: int = 7     # the period a window's drivers are compared with
    drivers: int = 5
    examples: int = 3


def hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def hourly(store: Store, flt: PostFilter, hours: list[datetime]) -> list[float]:
    """Posts matching ``flt`` in each hour of ``hours`` (contiguous, ascending)."""
    counted = store.aggregate(flt.model_copy(update={"since": hours[0],
                                                     "until": hours[-1] + HOUR}),
                              interval="hour", sections=["volume"]).volume
    found = {datetime.fromisoformat(b.key): b.count for b in counted}
    return [float(found.get(hour, 0)) for hour in hours]


def _drivers(now: list[Bucket], before: list[Bucket], n_now: int, n_before: int,
             top: int) -> list[Driver]:
    """The keys most over-represented in the window: share of the window's posts over the
    share of the baseline's, smoothed so that a key new in the window is not infinite."""
    earlier = {b.key: b.count for b in before}
    found = []
    for bucket in now:
        if bucket.count < 2:
            continue
        lift = ((bucket.count + 0.5) / (n_now + 1)) / ((earlier.get(bucket.key, 0) + 0.5)
                                                        / (n_before + 1))
        if lift > 1.5:
            found.append(Driver(key=bucket.key, count=bucket.count,
                                baseline=earlier.get(bucket.key, 0), lift=round(lift, 2)))
    return sorted(found, key=lambda d: (-d.lift, -d.count, d.key))[:top]


def explain(store: Store, flt: PostFilter, start: datetime, end: datetime,
            rules: AlertRules) -> Explanation:
    """What the posts of ``flt`` in [start, end) say more than those of the week before."""
    sections = ["hashtags", "keywords", "authors"]
    window = flt.model_copy(update={"since": start, "until": end})
    baseline = flt.model_copy(update={"since": start - timedelta(days=rules.baseline_days),
                                      "until": start})
    now = store.aggregate(window, top=50, sections=sections)
    before = store.aggregate(baseline, top=200, sections=sections)
    return Explanation(
        hashtags=_drivers(now.hashtags, before.hashtags, now.total, before.total, rules.drivers),
        terms=_drivers(now.keywords, before.keywords, now.total, before.total, rules.drivers),
        authors=_drivers(now.authors, before.authors, now.total, before.total, rules.drivers),
        posts=most_engaged(store, window, rules.examples))


@dataclass
class Signal:
    kind: AlertKind
    subject: str | None
    test: Test
    posts: int
    width: int                  # hours
    shown: PostFilter           # the posts that show it (for the explanation)
    details: dict = field(default_factory=dict)

    @property
    def negatives(self) -> float:
        return self.test.observed * self.posts


def _one_per_event(signals: list[Signal]) -> list[Signal]:
    """The overall negative turn is left out when the aspects that turned hold at least
    half of its negative posts: it is their event, said once, by the more precise alert
    (which notes the overall share)."""
    overall = next((s for s in signals if s.kind == "negative_turn"), None)
    aspects = [s for s in signals if s.kind == "aspect_negative_turn"]
    if overall is None or not aspects or sum(a.negatives for a in aspects) < \
            overall.negatives / 2:
        return signals
    for aspect in aspects:
        aspect.details["overall_negative_share"] = round(overall.test.observed, 4)
    return [s for s in signals if s is not overall]


def _fires(signal: Signal, rules: AlertRules) -> bool:
    test = signal.test
    if test.z < rules.z or math.isinf(test.z):
        return False
    if signal.kind == "spike":
        return test.observed >= rules.min_posts and \
            test.observed >= rules.spike_ratio * max(test.baseline, 1.0)
    negative = test.observed * signal.posts
    return negative >= rules.min_negative and test.observed - test.baseline >= rules.min_rise


def _signals(store: Store, campaign: Campaign, hours: list[datetime],
             rules: AlertRules) -> list[Signal]:
    counted = reports_filter(campaign, hours[0], hours[-1] + HOUR)
    posts = hourly(store, counted, hours)
    # history starts with the campaign's first post: the empty hours before it say nothing
    first = next((i for i, n in enumerate(posts) if n), len(posts) - 1)
    hours, posts = hours[first:], posts[first:]
    end = len(hours) - 1
    found = []
    if spike := count_test(posts, end, 1, rules.seasons, rules.min_samples):
        found.append(Signal("spike", None, spike, int(spike.observed), 1, counted))
    rated = hourly(store, counted.model_copy(update={"sentiment": list(SENTIMENT_LABELS)}),
                   hours)
    negative_filter = counted.model_copy(update={"sentiment": ["negative"]})
    negative = hourly(store, negative_filter, hours)
    width = rules.turn_hours
    if turn := share_test(negative, rated, end, width, rules.seasons, rules.min_samples,
                          rules.min_rated):
        found.append(Signal("negative_turn", None, turn, int(sum(rated[-width:])), width,
                            negative_filter))
    recent = store.aggregate(counted.model_copy(update={"since": hours[max(0, end - width + 1)]}),
                             sections=["aspects"], top=20).aspects
    for aspect in (a.aspect for a in recent if a.total >= rules.min_rated):
        said = hourly(store, counted.model_copy(update={"aspects": [aspect]}), hours)
        bad_filter = counted.model_copy(update={"aspects": [f"{aspect}:negative"]})
        bad = hourly(store, bad_filter, hours)
        if test := share_test(bad, said, end, width, rules.seasons, rules.min_samples,
                              rules.min_rated):
            found.append(Signal("aspect_negative_turn", aspect, test,
                                int(sum(said[-width:])), width, bad_filter))
    return found


def _summary(signal: Signal, end: datetime) -> str:
    test, days = signal.test, "weeks" if signal.test.period == 168 else "days"
    if signal.kind == "spike":
        return (f"{test.observed:.0f} posts in the hour to {end:%Y-%m-%d %H:%M} UTC against a "
                f"median of {test.baseline:.0f} in that hour on the {test.samples} previous "
                f"{days} (z = {test.z:.1f})")
    about = f"on {signal.subject} " if signal.subject else ""
    return (f"negative share {about}{test.observed:.0%} of {signal.posts} posts in the "
            f"{signal.width} hours to {end:%Y-%m-%d %H:%M} UTC against a median of "
            f"{test.baseline:.0%} in those hours on the {test.samples} previous {days} "
            f"(z = {test.z:.1f})")


def alert_id(campaign_id: str, kind: str, subject: str | None, window_end: datetime) -> str:
    return f"{campaign_id}:{kind}:{subject or '-'}:{window_end:%Y%m%dT%H}"


def detect(store: Store, campaign: Campaign, now: datetime, targets: list[str],
           rules: AlertRules = AlertRules(),
           clock: Callable[[], datetime] | None = None) -> list[Alert]:
    """The new alerts of the campaign at ``now`` (over the hours before it), stored with a
    pending delivery per target before they are returned; none repeats one younger than the
    cooldown. Detecting again at the same ``now`` finds the stored ones and adds nothing."""
    end = hour_floor(now)
    hours = [end - HOUR * k for k in range(rules.history_days * 24, 0, -1)]
    recent = [a for a in store.list_alerts(campaign.id, size=200)
              if a.window_end > end - timedelta(hours=rules.cooldown_hours)]
    raised = []
    for signal in _one_per_event(
            [s for s in _signals(store, campaign, hours, rules) if _fires(s, rules)]):
        if any(a.kind == signal.kind and a.subject == signal.subject for a in recent):
            continue
        start = end - HOUR * signal.width
        alert = Alert(id=alert_id(campaign.id, signal.kind, signal.subject, end),
                      campaign_id=campaign.id, kind=signal.kind, subject=signal.subject,
                      window_start=start, window_end=end,
                      detected_at=(clock or (lambda: now))(),
                      observed=round(signal.test.observed, 4),
                      baseline=round(signal.test.baseline, 4), z=round(signal.test.z, 2),
                      posts=signal.posts, summary=_summary(signal, end),
                      explanation=explain(store, signal.shown, start, end, rules),
                      deliveries=[Delivery(target=t) for t in targets],
                      details={"samples": signal.test.samples, "period_hours":
                               signal.test.period, "spread": round(signal.test.spread, 4),
                               **signal.details})
        store.save_alert(alert)
        raised.append(alert)
    return raised
