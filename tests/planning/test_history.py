"""Re-planning: each plan is stored with what changed since the one before, so a negative turn
shows as an aspect moving from "emphasise" to "address", once for every segment. On both
stores, over the designed launch of ``launch.py``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planning.history import plan_changes, previous_threshold, replan
from planning.planner import plan_campaign
from sensing.plans import PlanChange
from sensing.store import Store
from tests.planning.launch import CAMPAIGN, LAUNCH, designed_launch, post


@pytest.fixture
def store(empty_store: Store) -> Store:
    return designed_launch(empty_store)


def test_the_first_plan_has_no_changes_nor_the_same_plan_again(store: Store) -> None:
    first = replan(store, CAMPAIGN, "on demand", threshold=0.5)
    again = replan(store, CAMPAIGN, "on demand")
    assert first.previous_id is None and first.changes == []
    assert again.previous_id == first.id and again.changes == []
    assert [r.id for r in store.plan_history(CAMPAIGN.id)] == [again.id, first.id]
    assert store.get_plan(first.id).plan["segments"][0]["name"] == "beauty"


def test_a_negative_turn_shows_the_aspect_moving_into_address(store: Store) -> None:
    replan(store, CAMPAIGN, "on demand", threshold=0.5)
    late = LAUNCH + timedelta(days=10)
    store.upsert_posts([post(late + timedelta(minutes=i), "camera", "negative")
                        for i in range(30)])
    turned = replan(store, CAMPAIGN, "scheduled crawl")
    moved = [c for c in turned.changes if c.field == "message.address"]
    assert moved == [PlanChange(segment=None, field="message.address", kind="moved",
                                item="camera", before="emphasise", after="address")]
    assert store.plan_history(CAMPAIGN.id, size=1)[0].trigger == "scheduled crawl"


def test_a_change_of_one_segment_is_given_for_that_segment(store: Store) -> None:
    before = plan_campaign(store, CAMPAIGN, threshold=0.5)
    after = plan_campaign(store, CAMPAIGN, threshold=0.8)
    changes = plan_changes(before, after)
    assert PlanChange(segment="beauty", field="target_count", kind="changed", before=2,
                      after=0) in changes
    assert PlanChange(segment="techies", field="target_count", kind="changed", before=1,
                      after=1) not in changes
    assert {c.segment for c in changes} == {"beauty"}


def test_segments_that_come_and_go_are_named(store: Store) -> None:
    every = plan_campaign(store, CAMPAIGN)
    techies = plan_campaign(store, CAMPAIGN, segments=["techies"])
    assert plan_changes(every, techies) == [PlanChange(segment="beauty", field="segment",
                                                       kind="removed")]
    assert plan_changes(techies, every) == [PlanChange(segment="beauty", field="segment",
                                                       kind="added")]


def test_an_unasked_replan_keeps_the_last_threshold(store: Store) -> None:
    assert previous_threshold(store, CAMPAIGN.id) == pytest.approx(0.5)  # the import's
    replan(store, CAMPAIGN, "on demand", threshold=0.65)
    assert previous_threshold(store, CAMPAIGN.id) == pytest.approx(0.65)
    assert replan(store, CAMPAIGN, "scheduled crawl").plan["threshold"] == pytest.approx(0.65)
