"""JourneyStore: touchpoints, conversions and spend, stored once per id, read per campaign."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from sensing.journeys import JourneyEvent
from sensing.store import Store

T0 = datetime(2026, 10, 20, 10, 0, tzinfo=UTC)


def touch(n: int, campaign: str = "x2", channel: str = "mastodon") -> JourneyEvent:
    return JourneyEvent(id=f"t{n}", campaign_id=campaign, kind="touch", customer=f"cu_{n:08x}",
                        at=T0 + timedelta(hours=n), channel=channel, medium="social",
                        segment="seg1")


def conversion(n: int, value: str, campaign: str = "x2") -> JourneyEvent:
    return JourneyEvent(id=f"c{n}", campaign_id=campaign, kind="conversion",
                        customer=f"cu_{n:08x}", at=T0 + timedelta(days=1, hours=n),
                        value=Decimal(value), order_id=f"o{n}")


def test_events_are_stored_once_per_id_and_counted(store: Store) -> None:
    first = store.save_journey_events([touch(1), touch(2), conversion(1, "19.99")])
    assert (first.created, first.updated, first.errors) == (3, 0, [])
    again = store.save_journey_events([touch(2), conversion(1, "19.99"), touch(3)])
    assert (again.created, again.updated) == (1, 2)
    assert sorted(e.id for e in store.journey_events("x2")) == ["c1", "t1", "t2", "t3"]


def test_events_come_back_whole_and_per_campaign_and_kind(store: Store) -> None:
    store.save_journey_events([touch(1), conversion(1, "1234.56"), touch(9, campaign="other"),
                               JourneyEvent(id="s1", campaign_id="x2", kind="spend",
                                            at=T0, channel="mastodon", value=Decimal("500"))])
    conversions = list(store.journey_events("x2", kinds=["conversion"]))
    assert conversions == [conversion(1, "1234.56")]
    assert conversions[0].value == Decimal("1234.56")  # to the cent, never a float
    assert {e.kind for e in store.journey_events("x2", kinds=["touch", "spend"])} == {
        "touch", "spend"}
    assert [e.id for e in store.journey_events("other")] == ["t9"]
    assert list(store.journey_events("nobody")) == []


def test_a_long_read_pages_through_every_event(store: Store) -> None:
    store.save_journey_events(touch(n) for n in range(25))
    assert len({e.id for e in store.journey_events("x2", batch_size=4)}) == 25


def test_an_event_that_says_too_little_is_refused_before_the_store() -> None:
    with pytest.raises(ValidationError, match="needs a customer"):
        JourneyEvent(id="t", campaign_id="x2", kind="touch", at=T0)
    with pytest.raises(ValidationError, match="needs a value"):
        JourneyEvent(id="c", campaign_id="x2", kind="conversion", customer="cu_1", at=T0)
    with pytest.raises(ValidationError, match="whole cents"):
        JourneyEvent(id="c", campaign_id="x2", kind="conversion", customer="cu_1", at=T0,
                     value=Decimal("1.005"))
