"""Multi-touch attribution against cases worked by hand: one journey of three touchpoints
(social, then an influencer's link, then direct) before a conversion of 100.00, and the
rules that keep every model's credits summing to the conversions' total exactly."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from planning.attribution import (
    DAY,
    MODELS,
    NO_TOUCH,
    Conversion,
    Touchpoint,
    attribute,
    split_cents,
)

JOURNEY = [Touchpoint("a", 0 * DAY, "mastodon"), Touchpoint("a", 7 * DAY, "influencer"),
           Touchpoint("a", 14 * DAY, "direct")]
SALE = Conversion("a", 14 * DAY, Decimal("100.00"))


def credited(model: str, touches=JOURNEY, sales=(SALE,), **kw) -> dict[str, Decimal]:
    return {c.channel: c.value for c in attribute(touches, sales, model, **kw)}


def test_single_touch_models() -> None:
    assert credited("first_touch") == {"mastodon": Decimal("100.00")}
    assert credited("last_touch") == {"direct": Decimal("100.00")}
    assert credited("last_non_direct") == {"influencer": Decimal("100.00")}


def test_linear_splits_the_odd_cent_once() -> None:
    assert credited("linear") == {"mastodon": Decimal("33.34"), "influencer": Decimal("33.33"),
                                  "direct": Decimal("33.33")}


def test_time_decay_halves_per_half_life() -> None:
    # ages 14, 7, 0 days with a 7-day half-life: weights 1/4, 1/2, 1 -> 1/7, 2/7, 4/7
    assert credited("time_decay", half_life_days=7) == {
        "direct": Decimal("57.14"), "influencer": Decimal("28.57"), "mastodon": Decimal("14.29")}


def test_position_based_gives_the_ends_forty_percent() -> None:
    four = [*JOURNEY[:2], Touchpoint("a", 10 * DAY, "youtube"), JOURNEY[2]]
    assert credited("position_based", four) == {
        "mastodon": Decimal("40.00"), "direct": Decimal("40.00"),
        "influencer": Decimal("10.00"), "youtube": Decimal("10.00")}
    assert credited("position_based", JOURNEY[:2]) == {"mastodon": Decimal("50.00"),
                                                        "influencer": Decimal("50.00")}


def test_touchpoints_after_the_conversion_or_before_the_lookback_do_not_count() -> None:
    late = [*JOURNEY, Touchpoint("a", 15 * DAY, "email")]
    assert credited("last_touch", late) == {"direct": Decimal("100.00")}
    assert credited("first_touch", lookback_days=10) == {"influencer": Decimal("100.00")}


def test_a_conversion_without_touchpoints_is_kept_as_none() -> None:
    found = credited("linear", sales=(SALE, Conversion("b", DAY, Decimal("5.00"))))
    assert found[NO_TOUCH] == Decimal("5.00")


@pytest.mark.parametrize("model", MODELS)
def test_every_model_credits_exactly_the_total(model: str) -> None:
    rng = np.random.default_rng(3)
    channels = ["mastodon", "bluesky", "youtube", "direct", "email", "influencer"]
    touches = [Touchpoint(f"c{rng.integers(300)}", float(rng.uniform(0, 60 * DAY)),
                          channels[rng.integers(len(channels))]) for _ in range(3000)]
    sales = [Conversion(f"c{i}", float(rng.uniform(20 * DAY, 60 * DAY)),
                        Decimal(int(rng.integers(1, 100_000))) / 100) for i in range(400)]
    credits = attribute(touches, sales, model, half_life_days=3.5)
    assert sum(c.value for c in credits) == sum(s.value for s in sales)
    assert sum(c.conversions for c in credits) == pytest.approx(len(sales))


def test_roi_per_channel_from_spend() -> None:
    [first] = attribute(JOURNEY, [SALE], "first_touch", spend={"mastodon": Decimal("40.00")})
    assert first.roi == pytest.approx(1.5)
    spent_only = attribute(JOURNEY, [SALE], "last_touch", spend={"youtube": Decimal("10")})
    assert {c.channel: c.roi for c in spent_only} == {"direct": None, "youtube": -1.0}


def test_split_cents_adds_up() -> None:
    parts = split_cents(Decimal("0.10"), np.array([1.0, 1.0, 1.0]))
    assert parts == [Decimal("0.04"), Decimal("0.03"), Decimal("0.03")]


def test_an_unknown_model_is_named() -> None:
    with pytest.raises(ValueError, match="unknown attribution model 'u_shaped'"):
        attribute(JOURNEY, [SALE], "u_shaped")
