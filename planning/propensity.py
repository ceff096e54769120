"""The propensity model: LightGBM on the customers whose outcome is known, validated on ones it
never saw, calibrated so that a score is a probability, and explained per customer.

The labelled customers are split three ways: *train* (the trees), *valid* (early stopping
and the isotonic calibration) and *test* (the metrics, touched once). With a time column the
split is a backtest: the latest customers are the test, as the model will meet customers
after those it learnt from; without one it is a stratified hold-out. The model scores every
customer, labelled or not.

Categories go to LightGBM as category codes (native categorical splits), missing values as
NaN (LightGBM's own missing-value handling), so nothing is one-hot encoded or imputed here.
Trees of 15 leaves: as accurate as 31 on behaviour aggregates (measured on the sample
customers) and half the cost of the per-customer SHAP values, which grows with tree size.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planning import metrics
from planning.customers import CustomerTable, Feature

TEST_SHARE = 0.2
VALID_SHARE = 0.2  # of what is left once the test is set aside
DEFAULT_PARAMS: dict[str, Any] = {
    "objective": "binary", "learning_rate": 0.05, "num_leaves": 15,
    "min_data_in_leaf": 50, "feature_fraction": 0.9, "bagging_fraction": 0.8,
    "bagging_freq": 1, "lambda_l2": 1.0, "max_cat_to_onehot": 8, "cat_smooth": 10.0,
    "verbose": -1, "deterministic": True, "force_col_wise": True,
}
MAX_ROUNDS = 2000
EARLY_STOPPING_ROUNDS = 50
MIN_LABELLED = 200
MIN_PER_CLASS = 20


class ModelError(ValueError):
    """Too few labelled customers (or of one outcome) to train and validate a model."""


@dataclass
class Split:
    """Row indices (into the whole table) of the three labelled parts."""

    kind: str                 # "time" or "stratified"
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    detail: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "train": len(self.train), "valid": len(self.valid),
                "test": len(self.test), **self.detail}


def split_labelled(table: CustomerTable, seed: int, time_split: float | None = None) -> Split:
    """The three parts; by time where the table has a time column (the test is the customers
    at or after ``time_split``, by default the latest fifth), stratified otherwise."""
    labelled = np.flatnonzero(table.labelled)
    positives = int(table.label[labelled].sum())
    if len(labelled) < MIN_LABELLED or min(positives, len(labelled) - positives) < MIN_PER_CLASS:
        raise ModelError(f"{table.source}: {len(labelled)} labelled customers, {positives} "
                         f"positive: a model needs at least {MIN_LABELLED}, with "
                         f"{MIN_PER_CLASS} of each outcome, to be trained and validated")
    rng = np.random.default_rng(seed)
    if table.time is not None:
        times = table.time[labelled]
        at = float(np.quantile(times, 1 - TEST_SHARE)) if time_split is None else time_split
        test, rest = labelled[times >= at], labelled[times < at]
        if len(test) < MIN_PER_CLASS or len(rest) < MIN_LABELLED // 2:
            raise ModelError(f"{table.source}: the time split leaves {len(rest)} customers "
                             f"before it and {len(test)} after: move it")
        train, valid = _stratified(rest, table.label, VALID_SHARE, rng)
        return Split("time", train, valid, test, {"test_from": at})
    rest, test = _stratified(labelled, table.label, TEST_SHARE, rng)
    train, valid = _stratified(rest, table.label, VALID_SHARE, rng)
    return Split("stratified", train, valid, test)


def _stratified(rows: np.ndarray, label: np.ndarray, share: float,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` cut into (1 - share, share) with the same outcome rate on both sides."""
    kept, held = [], []
    for outcome in (0.0, 1.0):
        part = rng.permutation(rows[label[rows] == outcome])
        cut = round(len(part) * share)
        held.append(part[:cut])
        kept.append(part[cut:])
    return np.sort(np.concatenate(kept)), np.sort(np.concatenate(held))


@dataclass
class Calibration:
    """Isotonic map from the model's raw probability to an observed rate, kept as its knots
    (so it is stored as plain numbers and applied by interpolation)."""

    x: np.ndarray
    y: np.ndarray

    @classmethod
    def fit(cls, raw: np.ndarray, label: np.ndarray) -> Calibration:
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, label)
        return cls(np.asarray(iso.X_thresholds_, float), np.asarray(iso.y_thresholds_, float))

    def apply(self, raw: np.ndarray) -> np.ndarray:
        return np.interp(raw, self.x, self.y)

    def to_json(self) -> dict[str, list[float]]:
        return {"x": self.x.tolist(), "y": self.y.tolist()}

    @classmethod
    def from_json(cls, data: dict[str, list[float]]) -> Calibration:
        return cls(np.asarray(data["x"], float), np.asarray(data["y"], float))


@dataclass
class PropensityModel:
    """A trained booster with its calibration and the features it was trained on."""

    booster: Any                     # lightgbm.Booster
    features: list[dict[str, Any]]   # Feature.describe(), in column order
    calibration: Calibration

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """Calibrated probabilities."""
        return self.calibration.apply(self.booster.predict(matrix))

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Per customer and feature, the SHAP contribution in log-odds (LightGBM's
        ``pred_contrib``; the last column, the expected value, is dropped)."""
        return self.booster.predict(matrix, pred_contrib=True)[:, :-1]

    def importance(self) -> list[dict[str, Any]]:
        """Features by total gain, with each one's share of it."""
        gain = self.booster.feature_importance("gain")
        total = gain.sum() or 1.0
        order = np.argsort(-gain, kind="stable")
        return [{"feature": self.features[i]["name"], "gain": float(gain[i]),
                 "share": float(gain[i] / total)} for i in order]


@dataclass
class Trained:
    """The model, how it was validated, and its results on the test part."""

    model: PropensityModel
    split: Split
    params: dict[str, Any]
    metrics: dict[str, Any]


def train(table: CustomerTable, *, seed: int = 7, time_split: float | None = None,
          params: dict[str, Any] | None = None, threads: int | None = None) -> Trained:
    """Train, early-stop, calibrate and test a model on ``table``'s labelled customers."""
    import lightgbm as lgb

    split = split_labelled(table, seed, time_split)
    matrix = table.matrix()
    chosen = {**DEFAULT_PARAMS, "seed": seed, "num_threads": threads or os.cpu_count() or 1,
              **(params or {})}
    names = [f.name for f in table.features]

    def dataset(rows: np.ndarray, reference: Any = None) -> Any:
        return lgb.Dataset(matrix[rows], table.label[rows], feature_name=names,
                           categorical_feature=table.categorical_columns, reference=reference,
                           free_raw_data=False)

    train_set = dataset(split.train)
    valid_set = dataset(split.valid, train_set)
    booster = lgb.train(chosen, train_set, num_boost_round=MAX_ROUNDS, valid_sets=[valid_set],
                        callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)])
    raw_valid = booster.predict(matrix[split.valid])
    calibration = Calibration.fit(raw_valid, table.label[split.valid])
    model = PropensityModel(booster, [f.describe() for f in table.features], calibration)
    raw_test = booster.predict(matrix[split.test])
    label_test = table.label[split.test]
    found = metrics.evaluate(label_test, calibration.apply(raw_test))
    found["ece_uncalibrated"] = metrics.expected_calibration_error(
        metrics.calibration_table(label_test, raw_test))
    found["best_iteration"] = int(booster.best_iteration)
    return Trained(model, split, {**chosen, "max_rounds": MAX_ROUNDS,
                                  "early_stopping_rounds": EARLY_STOPPING_ROUNDS}, found)


def top_reasons(model: PropensityModel, features: list[Feature], matrix: np.ndarray,
                count: int) -> list[list[tuple[str, str, float]]]:
    """Per customer, the ``count`` features that moved the score most (largest absolute
    contribution first), as (feature, the customer's value, contribution)."""
    if count <= 0:
        return [[] for _ in range(len(matrix))]
    contrib = model.contributions(matrix)
    count = min(count, contrib.shape[1])
    top = np.argsort(-np.abs(contrib), axis=1, kind="stable")[:, :count]
    return [[(features[j].name, features[j].display(row), float(contrib[row, j]))
             for j in top[row]] for row in range(len(matrix))]
