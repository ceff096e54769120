"""A designed launch on a store: its camera is praised more after the launch and its battery
turns sour, a hashtag takes off, engagement peaks on Friday evenings in Seoul, a tech reviewer
and a beauty creator have classified follower samples, and two customer segments (techies,
beauty fans) are scored. The plan's tests (``test_planner.py``, ``test_history.py``) read
their expectations off it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sensing.schemas import (
    AspectSentiment,
    Author,
    AuthorRef,
    Campaign,
    Interest,
    Metrics,
    Post,
    Sentiment,
)
from sensing.segments import OfferResult, ScoredCustomer, Segment, SegmentImport
from sensing.store import Store

LAUNCH = datetime(2026, 10, 15, tzinfo=UTC)
CAMPAIGN = Campaign(id="x2", name="X2", query="x2", launch_at=LAUNCH, timezone="Asia/Seoul",
                    sources=["mastodon", "bluesky"], pre_window_days=14, post_window_days=14)
# Friday 2026-10-16 12:00 UTC is Friday 21:00 in Seoul: the planted peak.
PEAK = datetime(2026, 10, 16, 12, tzinfo=UTC)
_ids = itertools.count()


def post(when: datetime, aspect: str, label: str, *, source: str = "mastodon",
         tags: tuple[str, ...] = (), likes: int = 1) -> Post:
    n = next(_ids)
    return Post(id=f"{source}:p/{n}", source=source, campaign_ids=["x2"], created_at=when,
                text=f"the x2 {aspect}", author=AuthorRef(id=f"{source}:u/{n % 7}"),
                hashtags=list(tags), metrics=Metrics(likes=likes),
                sentiment=Sentiment(label=label),
                aspects=[AspectSentiment(aspect=aspect, sentiment=label)])


def launch_posts() -> list[Post]:
    before = [LAUNCH - timedelta(days=3, hours=h) for h in range(12)]
    after = [LAUNCH + timedelta(days=4, hours=h) for h in range(40)]
    return [
        # camera: mixed before, praised after
        *(post(t, "camera", "positive" if i % 2 else "negative") for i, t in
          enumerate(before[:8])),
        *(post(t, "camera", "positive", tags=("nightmode",)) for t in after[:12]),
        # battery: praised before, criticised after
        *(post(t, "battery", "positive") for t in before[8:12]),
        *(post(t, "battery", "negative", source="bluesky") for t in after[12:20]),
        # the evening peak: few posts, much engagement
        *(post(PEAK, "camera", "positive", likes=500) for _ in range(3)),
        # price: steady and negative-free but too rarely mentioned to plan on
        *(post(t, "price", "positive") for t in after[20:23]),
    ]


def follower(n: int, category: str) -> Author:
    return Author(id=f"mastodon:f/{category}{n}", source="mastodon", interest_model="t@1",
                  interests=[Interest(category=category, share=1.0)])


TECH = [follower(i, "technology") for i in range(6)]
BEAUTY = [follower(i, "fashion_beauty") for i in range(6)]


def segment(name: str, interests: dict[str, float], **fields) -> Segment:
    return Segment(id=f"x2:{name}", campaign_id="x2", import_id="imp-1", name=name,
                   origin="imported", size=2, mean_propensity=0.4,
                   interests=[Interest(category=c, share=s) for c, s in interests.items()],
                   interest_customers=2, **fields)


def designed_launch(empty_store: Store) -> Store:
    """``empty_store`` holding the launch, its authors and two scored segments."""
    empty_store.save_campaign(CAMPAIGN)
    empty_store.upsert_posts(launch_posts())
    empty_store.upsert_authors([
        Author(id="mastodon:u/1", source="mastodon", handle="@techlens", followers=10_000,
               campaign_ids=["x2"], follower_sample=[a.id for a in TECH]),
        Author(id="bluesky:u/2", source="bluesky", handle="@glowup", followers=40_000,
               campaign_ids=["x2"], follower_sample=[a.id for a in BEAUTY]),
        *TECH, *BEAUTY])
    coupon = [OfferResult(offer="coupon", customers=50, responses=20, rate=0.4, uplift=0.1,
                          uplift_low=0.02, uplift_high=0.18)]
    segments = [segment("techies", {"technology": 0.8, "sports": 0.2}, offers=coupon,
                        best_offer="coupon"),
                segment("beauty", {"fashion_beauty": 0.7, "travel": 0.3})]
    record = SegmentImport(id="imp-1", campaign_id="x2", rows=4, segments=2)
    customers = [ScoredCustomer(id=f"cu_{i}", campaign_id="x2", import_id="imp-1",
                                segment_id=f"x2:{name}", propensity=p)
                 for i, (name, p) in enumerate([("techies", 0.9), ("techies", 0.2),
                                                ("beauty", 0.6), ("beauty", 0.7)])]
    empty_store.save_import(record, segments, customers)
    return empty_store
