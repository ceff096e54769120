"""The marketing-mix model on generated data with planted ad-stock and saturation: a year of
daily spend on three channels (on six days in ten, gamma-sized bursts) whose outcome the
model of ``planning.mmm`` itself made, plus noise. The fit must find the planted carry-over,
half-saturation points and contributions, and the simulation must show diminishing
returns."""

from __future__ import annotations

import numpy as np
import pytest

from planning.mmm import ChannelFit, MixError, MixModel, adstock, fit_mix, hill, simulate

TRUTH = [ChannelFit("search", 0.2, 800.0, 1.0, 300.0),
         ChannelFit("social", 0.6, 1500.0, 2.0, 500.0),
         ChannelFit("video", 0.4, 3000.0, 1.5, 200.0)]
BASE = 1000.0


@pytest.fixture(scope="module")
def history() -> tuple[dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(1)
    spend = {}
    for channel, mean in (("search", 1000), ("social", 1500), ("video", 2500)):
        spend[channel] = np.where(rng.random(365) < 0.6, rng.gamma(2.0, mean / 2.0, 365), 0.0)
    outcome = MixModel(BASE, TRUTH, 1.0, 365).predict(spend) + rng.normal(0, 15, 365)
    return spend, outcome


@pytest.fixture(scope="module")
def fitted(history) -> MixModel:
    return fit_mix(*history)


def test_the_planted_parameters_are_recovered(fitted: MixModel, history) -> None:
    spend, _ = history
    assert fitted.r2 > 0.95 and fitted.base == pytest.approx(BASE, rel=0.05)
    for found, truth in zip(fitted.channels, TRUTH, strict=True):
        assert found.channel == truth.channel
        assert found.theta == pytest.approx(truth.theta, abs=0.05)
        assert found.half_saturation == pytest.approx(truth.half_saturation, rel=0.25)
        steady = np.full(28, spend[truth.channel].mean())
        assert found.response(steady).sum() == pytest.approx(truth.response(steady).sum(),
                                                              rel=0.1)


def test_a_budget_shows_diminishing_returns(fitted: MixModel) -> None:
    budget = {"search": 28_000.0, "social": 42_000.0, "video": 70_000.0}
    one = simulate(fitted, budget, 28)
    two = simulate(fitted, {c: 2 * v for c, v in budget.items()}, 28)
    assert one.outcome == pytest.approx(one.base + sum(one.incremental.values()))
    assert one.base < one.outcome < two.outcome
    for channel in budget:
        assert one.incremental[channel] < two.incremental[channel] \
            < 2 * one.incremental[channel]
        assert two.roi[channel] < one.roi[channel]
    assert simulate(fitted, {"search": 28_000.0}, 28).roi["social"] is None


def test_ad_stock_and_saturation_shapes() -> None:
    stock = adstock(np.array([100.0, 0.0, 0.0]), 0.5)
    assert stock.tolist() == [50.0, 25.0, 12.5]
    assert adstock(np.full(200, 10.0), 0.7)[-1] == pytest.approx(10.0)
    assert hill(np.array([800.0]), 800.0, 1.7)[0] == pytest.approx(0.5)


def test_what_cannot_be_fitted_or_simulated(fitted: MixModel, history) -> None:
    spend, outcome = history
    with pytest.raises(MixError, match="needs at least 56"):
        fit_mix({c: v[:30] for c, v in spend.items()}, outcome[:30])
    with pytest.raises(MixError, match="no spend at all on tv"):
        fit_mix({**spend, "tv": np.zeros(365)}, outcome)
    with pytest.raises(MixError, match="no history for tv"):
        simulate(fitted, {"tv": 100.0}, 28)
    with pytest.raises(MixError, match="never negative"):
        simulate(fitted, {"search": -1.0}, 28)
