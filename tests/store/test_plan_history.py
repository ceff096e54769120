"""PlanHistory: each computed plan kept with its changes, newest first, per campaign."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sensing.plans import PlanChange, PlanRecord
from sensing.store import Store

T0 = datetime(2026, 10, 20, 10, 0, tzinfo=UTC)


def record(n: int, campaign: str = "x2", minutes: float = 0, **more) -> PlanRecord:
    return PlanRecord(id=f"plan-{n:03d}", campaign_id=campaign,
                      created_at=T0 + timedelta(minutes=minutes), trigger="on demand",
                      plan={"campaign": campaign, "segments": [{"segment": "s1",
                                                                "target_count": n}]},
                      **more)


def test_plans_come_back_newest_first_and_per_campaign(store: Store) -> None:
    store.save_plan(record(1, minutes=0))
    store.save_plan(record(3, minutes=20))
    store.save_plan(record(2, minutes=10))
    store.save_plan(record(4, campaign="other", minutes=30))
    assert [r.id for r in store.plan_history("x2")] == ["plan-003", "plan-002", "plan-001"]
    assert [r.id for r in store.plan_history("x2", size=2)] == ["plan-003", "plan-002"]
    assert [r.id for r in store.plan_history("other")] == ["plan-004"]
    assert store.plan_history("nobody") == []


def test_plans_at_the_same_instant_are_ordered_by_id(store: Store) -> None:
    for n in (5, 7, 6):
        store.save_plan(record(n))
    assert [r.id for r in store.plan_history("x2")] == ["plan-007", "plan-006", "plan-005"]


def test_a_plan_keeps_its_document_and_changes_as_written(store: Store) -> None:
    change = PlanChange(segment="Seg1", field="message.address", kind="moved", item="battery",
                        before="emphasise", after="address")
    saved = record(1, previous_id="plan-000", changes=[change])
    store.save_plan(saved)
    found = store.get_plan("plan-001")
    assert found == saved
    assert found.plan["segments"][0]["target_count"] == 1
    assert found.changes[0].item == "battery" and found.created_at == T0
    assert store.get_plan("plan-999") is None


def test_saving_a_plan_again_replaces_it(store: Store) -> None:
    store.save_plan(record(1))
    store.save_plan(record(1).model_copy(update={"trigger": "scheduled crawl"}))
    assert [(r.id, r.trigger) for r in store.plan_history("x2")] == [("plan-001",
                                                                      "scheduled crawl")]
