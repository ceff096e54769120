"""Which offer (or channel) worked, in which segment, and for whom.

Where the file says which offer each customer received and which group is the control, the
segment-level answer is measured, not modelled: each offer's response rate beside the
control's in the same segment, the difference (the uplift) and its 95% interval (normal
approximation for a difference of two proportions). An offer is a segment's best only when
its interval lies above zero; a segment where none does gets no best offer rather than a
noisy winner.

Per customer, the uplift is estimated by a two-model (T-learner) estimator: one LightGBM per
offer and one for the control, each on the labelled customers who received it; the
customer's uplift for an offer is the difference of the two predicted probabilities. It
assumes the offers were assigned at random (or as good as random given the features), which
the segment table's intervals let a user sanity-check. (``scikit-uplift`` and ``causalml``
were not taken: the first pins old scikit-learn releases, the second pulls a compiler
toolchain; the estimator is a few lines over the LightGBM already here.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from sensing.segments import OfferResult

Z95 = 1.959964
MIN_GROUP = 30          # labelled customers an offer (or the control) needs for its model
UPLIFT_PARAMS = {"objective": "binary", "learning_rate": 0.05, "num_leaves": 15,
                 "min_data_in_leaf": 100, "lambda_l2": 1.0, "verbose": -1,
                 "deterministic": True, "force_col_wise": True}
UPLIFT_ROUNDS = 150


def segment_offers(label: np.ndarray, offer: np.ndarray, members: np.ndarray,
                   control: str | None) -> tuple[list[OfferResult], str | None]:
    """Each offer's results among the labelled ``members`` (a mask), most responsive first,
    and the segment's best offer (see the module docstring)."""
    labelled = members & ~np.isnan(label)
    rates: dict[str, tuple[int, int]] = {}
    for name in sorted({o for o in offer[labelled] if o}):
        hit = labelled & (offer == name)
        rates[name] = (int(hit.sum()), int(label[hit].sum()))
    results = []
    base = rates.get(control) if control else None
    for name, (n, k) in rates.items():
        result = OfferResult(offer=name, customers=n, responses=k, rate=k / n if n else 0.0)
        if base and name != control and n and base[0]:
            uplift, half = _difference(k, n, base[1], base[0])
            result = result.model_copy(update={"uplift": uplift, "uplift_low": uplift - half,
                                               "uplift_high": uplift + half})
        results.append(result)
    results.sort(key=lambda r: (-r.rate, r.offer))
    if control:
        proven = [r for r in results if r.uplift_low is not None and r.uplift_low > 0]
        best = max(proven, key=lambda r: r.uplift or 0.0).offer if proven else None
    else:
        best = results[0].offer if results else None
    return results, best


def _difference(k1: int, n1: int, k0: int, n0: int) -> tuple[float, float]:
    """The difference of two proportions and the half-width of its 95% interval."""
    p1, p0 = k1 / n1, k0 / n0
    return p1 - p0, Z95 * float(np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0))


@dataclass
class Uplift:
    """Per customer, the estimated uplift of the offer that lifts them most, and that offer
    (None where no offer is estimated to lift them)."""

    value: np.ndarray
    best: np.ndarray   # object: offer name or None


def customer_uplift(matrix: np.ndarray, label: np.ndarray, offer: np.ndarray, control: str,
                    categorical: list[int], seed: int = 7, threads: int | None = None
                    ) -> Uplift | None:
    """The T-learner of the module docstring; None when the control or every offer has too
    few labelled customers to model."""
    import lightgbm as lgb

    params = {**UPLIFT_PARAMS, "seed": seed, "num_threads": threads or os.cpu_count() or 1}
    labelled = ~np.isnan(label)

    def fitted(group: np.ndarray) -> np.ndarray | None:
        rows = labelled & group
        if rows.sum() < MIN_GROUP or label[rows].min() == label[rows].max():
            return None
        data = lgb.Dataset(matrix[rows], label[rows], categorical_feature=categorical)
        return lgb.train(params, data, num_boost_round=UPLIFT_ROUNDS).predict(matrix)

    baseline = fitted(offer == control)
    if baseline is None:
        return None
    names, lifts = [], []
    for name in sorted({o for o in offer[labelled] if o and o != control}):
        predicted = fitted(offer == name)
        if predicted is not None:
            names.append(name)
            lifts.append(predicted - baseline)
    if not lifts:
        return None
    stacked = np.column_stack(lifts)
    top = stacked.argmax(axis=1)
    value = stacked[np.arange(len(top)), top]
    best = np.array([names[i] for i in top], dtype=object)
    best[value <= 0] = None
    return Uplift(value, best)
