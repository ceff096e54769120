"""A marketing-mix model: how daily spend per channel turns into outcome, with carry-over
(ad-stock) and diminishing returns (saturation), and what a proposed budget would bring.

    outcome_t = base + Σ_c β_c · hill(adstock_c(spend_c)_t)

- geometric ad-stock: ``a_t = x_t + θ · a_{t-1}`` (θ in [0, 0.9]: the share of a day's effect
  still felt the next day), normalised by ``1 − θ`` so a steady spend of x has ad-stock x;
- Hill saturation: ``h(a) = a^s / (a^s + K^s)`` (K: the ad-stock at half the channel's
  effect; s: how sharp the bend is);
- β_c ≥ 0 and the base by non-negative least squares, given θ, K and s (variable projection),
  and those three per channel by L-BFGS-B from several starts on the squared error.

``pymc-marketing`` and Google's ``meridian`` were not taken: both bring a probabilistic
programming stack (PyMC and PyTensor, or TensorFlow Probability) whose sampling takes many
minutes on two cores for what this fits in seconds. The price is no posterior: the figures
are point estimates, and the fit's R² says how far to trust them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, nnls

THETA_MAX = 0.9
SHAPE_RANGE = (0.5, 4.0)
STARTS = 6
MIN_DAYS = 56


class MixError(ValueError):
    """Data a mix model cannot be fitted on: too few days, a channel never spent on."""


def adstock(spend: np.ndarray, theta: float) -> np.ndarray:
    out = np.empty(len(spend))
    carry = 0.0
    for t, x in enumerate(spend):
        carry = x + theta * carry
        out[t] = carry
    return out * (1.0 - theta)


def hill(stock: np.ndarray, half: float, shape: float) -> np.ndarray:
    powered = np.power(np.maximum(stock, 0.0), shape)
    return powered / (powered + half ** shape)


@dataclass
class ChannelFit:
    channel: str
    theta: float
    half_saturation: float
    shape: float
    beta: float

    def response(self, spend: np.ndarray) -> np.ndarray:
        return self.beta * hill(adstock(spend, self.theta), self.half_saturation, self.shape)


@dataclass
class MixModel:
    base: float
    channels: list[ChannelFit]
    r2: float
    days: int

    def predict(self, spend: dict[str, np.ndarray]) -> np.ndarray:
        length = len(next(iter(spend.values())))
        total = np.full(length, self.base)
        for fit in self.channels:
            total += fit.response(spend.get(fit.channel, np.zeros(length)))
        return total


def _unpack(params: np.ndarray, n: int, scale: np.ndarray) -> tuple[np.ndarray, ...]:
    theta, log_half, shape = params[:n], params[n:2 * n], params[2 * n:]
    return theta, np.exp(log_half) * scale, shape


def fit_mix(spend: dict[str, np.ndarray], outcome: np.ndarray, seed: int = 7) -> MixModel:
    """Fit the model of the module docstring to daily ``spend`` per channel and ``outcome``."""
    names = sorted(spend)
    if len(outcome) < MIN_DAYS:
        raise MixError(f"{len(outcome)} days of data: a mix model needs at least {MIN_DAYS} "
                       f"(ad-stock and saturation are not visible in fewer)")
    x = np.column_stack([np.asarray(spend[c], float) for c in names])
    if x.shape[0] != len(outcome):
        raise MixError("every channel's spend needs one value per day of the outcome")
    if (x < 0).any() or not np.isfinite(x).all() or not np.isfinite(outcome).all():
        raise MixError("spend and outcome must be finite numbers, spend never negative")
    idle = [c for c, column in zip(names, x.T, strict=True) if not column.any()]
    if idle:
        raise MixError(f"no spend at all on {', '.join(idle)}: leave the channel out")
    n = len(names)
    scale = np.array([column[column > 0].mean() for column in x.T])
    y = np.asarray(outcome, float)

    def design(params: np.ndarray) -> np.ndarray:
        theta, half, shape = _unpack(params, n, scale)
        return np.column_stack([np.ones(len(y))] + [
            hill(adstock(x[:, i], theta[i]), half[i], shape[i]) for i in range(n)])

    def loss(params: np.ndarray) -> float:
        coef, residual = nnls(design(params), y)
        return residual ** 2

    bounds = [(0.0, THETA_MAX)] * n + [(np.log(0.05), np.log(20.0))] * n + [SHAPE_RANGE] * n
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(STARTS):
        start = np.concatenate([rng.uniform(0, 0.8, n), rng.uniform(-1.5, 1.5, n),
                                rng.uniform(0.8, 3.0, n)])
        found = minimize(loss, start, method="L-BFGS-B", bounds=bounds)
        if best is None or found.fun < best.fun:
            best = found
    coef, _ = nnls(design(best.x), y)
    theta, half, shape = _unpack(best.x, n, scale)
    r2 = 1.0 - best.fun / float(((y - y.mean()) ** 2).sum())
    return MixModel(base=float(coef[0]), r2=float(r2), days=len(y), channels=[
        ChannelFit(c, float(theta[i]), float(half[i]), float(shape[i]), float(coef[i + 1]))
        for i, c in enumerate(names)])


@dataclass
class Simulation:
    """What a budget split over ``days`` would bring: the outcome with it, the base without
    any spend, and per channel the outcome its spend adds and that over the spend (ROI)."""

    days: int
    outcome: float
    base: float
    incremental: dict[str, float]
    roi: dict[str, float | None]


def simulate(model: MixModel, budget: dict[str, float], days: int) -> Simulation:
    """``budget`` (total per channel over ``days``, spent evenly) through the model; a channel
    the model does not know is an error, not a zero."""
    known = {fit.channel for fit in model.channels}
    unknown = sorted(set(budget) - known)
    if unknown:
        raise MixError(f"no history for {', '.join(unknown)}: the model knows "
                       f"{', '.join(sorted(known))}")
    if any(amount < 0 for amount in budget.values()):
        raise MixError("a budget is never negative")
    daily = {c: np.full(days, budget.get(c, 0.0) / days) for c in known}
    incremental = {fit.channel: float(fit.response(daily[fit.channel]).sum())
                   for fit in model.channels}
    return Simulation(days=days, outcome=float(model.predict(daily).sum()),
                      base=model.base * days, incremental=incremental,
                      roi={c: (incremental[c] / budget[c] if budget.get(c) else None)
                           for c in sorted(known)})
