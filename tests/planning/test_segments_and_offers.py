"""From scores to decisions on generated customers: segments a marketer can tell apart (named
by propensity, profiled against the base, the same for the same seed), the targeting table,
and which offer works for whom (the generator plants a coupon that works from 40 up and an
app push that works under 35, randomised against a ``none`` control)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planning import segmentation
from planning.scoring import Options, Scored, score
from tests.planning.test_propensity import customer_table


@pytest.fixture(scope="module")
def scored(sample_files: tuple[Path, Path]) -> Scored:
    return score(customer_table(sample_files, offer_column="offer"),
                 Options(control="none", reasons=2, seed=5))


def test_segments_are_named_by_mean_propensity(scored: Scored) -> None:
    means = [p.mean_propensity for p in scored.profiles]
    assert [p.name for p in scored.profiles] == [f"Seg{i + 1}" for i in range(len(means))]
    assert means == sorted(means, reverse=True) and 3 <= len(means) <= 10
    assert sum(p.size for p in scored.profiles) == scored.table.rows
    assert scored.segments.k in scored.segments.silhouette


def test_each_segment_says_what_sets_it_apart(scored: Scored) -> None:
    top, *_, bottom = scored.profiles
    assert len(top.traits) == 3 and top.description.count(";") == 2
    cart = next(t for t in top.traits + bottom.traits if "add_to_cart" in t.feature)
    assert ("higher" in cart.text) == (cart.segment_value > cart.base_value)
    assert all(" overall" in t.text for t in top.traits)


def test_the_same_seed_gives_the_same_segments(scored: Scored) -> None:
    features = scored.table.features
    importance = scored.trained.model.importance()
    again = segmentation.segment(features, importance, scored.propensity, seed=5)
    assert np.array_equal(again.labels, scored.segments.labels)
    assert again.names == scored.segments.names


def test_a_fixed_number_of_segments(scored: Scored) -> None:
    found = segmentation.segment(scored.table.features, scored.trained.model.importance(),
                                 scored.propensity, seed=5, k=6)
    assert found.names == [f"Seg{i}" for i in range(1, 7)]


def test_the_targeting_table_counts_scores_at_the_threshold(scored: Scored) -> None:
    rows = scored.targeting(0.3)
    for row in rows:
        members = scored.segment_names() == row.name
        assert row.count == members.sum()
        assert row.target_count == (scored.propensity[members] >= 0.3).sum()
    shares = [row.target_share for row in rows]
    assert shares == sorted(shares, reverse=True)
    assert sum(r.target_count for r in scored.targeting(0.0)) == scored.table.rows


def test_offers_are_measured_against_the_control_per_segment(scored: Scored) -> None:
    for profile in scored.profiles:
        by_offer = {o.offer: o for o in profile.offers}
        assert set(by_offer) == {"none", "email_coupon", "app_push"}
        control = by_offer["none"]
        coupon = by_offer["email_coupon"]
        assert coupon.uplift == pytest.approx(coupon.rate - control.rate)
        assert coupon.uplift_low < coupon.uplift < coupon.uplift_high
        assert control.uplift is None
        if profile.best_offer:
            assert by_offer[profile.best_offer].uplift_low > 0


def test_the_customer_uplift_finds_who_each_offer_works_for(scored: Scored) -> None:
    age = scored.table.feature("age").values
    best = scored.uplift.best
    older, young = best[age >= 45], best[age < 30]
    assert (older == "email_coupon").mean() > 0.7
    assert (young == "app_push").mean() > 0.6
    assert scored.uplift.value[best == None].max() <= 0  # noqa: E711 (elementwise)


def test_the_users_own_segments_are_kept(sample_files: tuple[Path, Path]) -> None:
    table = customer_table(sample_files, segment_column="region")
    found = score(table, Options(reasons=0))
    assert sorted(p.name for p in found.profiles) == ["capital", "east", "north", "south",
                                                      "west"]
    assert {p.origin for p in found.profiles} == {"imported"}
    means = [p.mean_propensity for p in found.profiles]
    assert means == sorted(means, reverse=True)
    assert "region" not in [f.name for f in table.features]


def test_each_segment_has_the_interest_profile_of_its_customers(scored: Scored) -> None:
    for profile in scored.profiles:
        assert sum(i.share for i in profile.interests) == pytest.approx(1.0, abs=1e-3)
        assert 0.7 * profile.size < profile.interest_customers < 0.9 * profile.size
    age = scored.table.feature("age").values
    young, old = (segmentation.interest_profile(scored.table.interests, mask)[0]
                  for mask in (age < 35, age >= 55))
    young, old = ({i.category: i.share for i in found} for found in (young, old))
    assert young["fashion_beauty"] > 2 * old["fashion_beauty"]
    assert old["news_politics"] > 4 * young["news_politics"]
