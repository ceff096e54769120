"""The campaign plan from stored signals, on both stores, over the designed launch of
``launch.py``: a camera praised more after the launch and a battery that turns sour, a
hashtag that takes off, a peak on Friday evenings in Seoul, a tech reviewer and a beauty
creator with classified follower samples, and two scored segments. Each field of the plan must come
from those signals, and move when they do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planning.planner import fit, plan_campaign
from sensing.store import Store
from tests.planning.launch import CAMPAIGN, LAUNCH, designed_launch, post


@pytest.fixture
def store(empty_store: Store) -> Store:
    return designed_launch(empty_store)


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
