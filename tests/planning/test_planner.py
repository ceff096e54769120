"""The campaign plan from stored signals, on both stores: a designed launch whose camera is
praised more after the launch and whose battery turns sour, a hashtag that takes off, a peak
on Friday evenings in Seoul, a tech reviewer and a beauty creator with classified follower
samples, and two customer segments (techies, beauty fans). Each field of the plan must come
from those signals, and move when they do."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from planning.planner import fit, plan_campaign
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


@pytest.fixture
def store(empty_store: Store) -> Store:
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


def by_name(plan, name: str):
    return next(s for s in plan.segments if s.name == name)


def test_targets_come_from_the_scores(store: Store) -> None:
    plan = plan_campaign(store, CAMPAIGN, threshold=0.5)
    assert [(s.name, s.target_count) for s in plan.segments] == [("beauty", 2), ("techies", 1)]
    assert plan.import_id == "imp-1"
    assert [s.name for s in plan_campaign(store, CAMPAIGN, segments=["techies"]).segments] \
        == ["techies"]


def test_the_message_emphasises_what_rose_and_addresses_what_soured(store: Store) -> None:
    message = by_name(plan_campaign(store, CAMPAIGN), "techies").message
    assert [c.aspect for c in message.emphasise] == ["camera"]
    assert [c.aspect for c in message.address] == ["battery"]
    camera = message.emphasise[0].evidence
    assert (camera.mentions_pre, camera.mentions_post) == (8, 15)
    assert camera.positive_pre == 0.5 and camera.positive_post == 1.0
    assert camera.change == pytest.approx(1.0)
    assert len(camera.posts) == 3 and all(p.startswith("mastodon:p/") for p in camera.posts)
    battery = message.address[0].evidence
    assert battery.negative_post == 1.0 and battery.p_value < 0.05
    assert "price" not in {c.aspect for c in message.emphasise + message.address}


def test_a_negative_turn_moves_an_aspect_to_address(store: Store) -> None:
    late = LAUNCH + timedelta(days=10)
    store.upsert_posts([post(late + timedelta(minutes=i), "camera", "negative")
                        for i in range(30)])
    message = by_name(plan_campaign(store, CAMPAIGN), "techies").message
    assert "camera" in [c.aspect for c in message.address]
    assert "camera" not in [c.aspect for c in message.emphasise]


def test_rising_hashtags(store: Store) -> None:
    [tag] = by_name(plan_campaign(store, CAMPAIGN), "beauty").hashtags
    assert (tag.tag, tag.posts_post, tag.posts_pre) == ("nightmode", 12, 0)


def test_timing_finds_the_planted_peak_in_the_campaigns_zone(store: Store) -> None:
    timing = by_name(plan_campaign(store, CAMPAIGN), "techies").timing
    assert timing.timezone == "Asia/Seoul"
    best = timing.best[0]
    assert (best.day, best.hour, best.posts, best.engagement) == ("Fri", 21, 3, 1500)
    assert sum(s.posts for s in timing.hours) == sum(s.posts for s in timing.days) == 38


def test_the_matching_influencer_ranks_first(store: Store) -> None:
    plan = plan_campaign(store, CAMPAIGN)
    techies = by_name(plan, "techies").influencers
    beauty = by_name(plan, "beauty").influencers
    assert [i.handle for i in techies] == ["@techlens", "@glowup"]
    assert techies[0].fit == pytest.approx(0.8) and techies[0].expected_reach == 8000
    assert techies[1].fit == 0.0
    assert beauty[0].handle == "@glowup" and beauty[0].expected_reach == pytest.approx(28_000)
    assert beauty[0].shared_interests == ["fashion_beauty"]


def test_channels_weigh_the_positive_reaction(store: Store) -> None:
    channels = by_name(plan_campaign(store, CAMPAIGN), "techies").channels
    assert channels[0].source == "mastodon" and channels[0].positive_share == 1.0
    bluesky = next(c for c in channels if c.source == "bluesky")
    assert bluesky.positive_share == 0.0 and bluesky.score == 0.0


def test_the_offer_is_the_segments_proven_one(store: Store) -> None:
    plan = plan_campaign(store, CAMPAIGN)
    assert by_name(plan, "techies").offer.offer == "coupon"
    assert by_name(plan, "beauty").offer is None


def test_fit_is_the_overlap_of_two_profiles() -> None:
    assert fit({"a": 0.5, "b": 0.5}, {"a": 0.5, "b": 0.5}) == 1.0
    assert fit({"a": 1.0}, {"b": 1.0}) == 0.0
    assert fit({"a": 0.7, "b": 0.3}, {"a": 0.2, "b": 0.8}) == 0.5
    assert fit({}, {"a": 1.0}) is None
