"""Cost of the propensity model at scale: training (split, early stopping, calibration, test
metrics) and scoring time and peak memory for 1,000,000 customers x 40 features, beside a
scikit-learn logistic regression trained and scored on the same rows in the same process,
with the AUC of both on the same held-out customers (and the truth's, for reference).

    python bench/propensity.py [--rows 1000000] [--threads 2] [--reasons-rows 100000] [--json]

The customers are synthetic but shaped like behaviour aggregates: the planted, non-linear
mechanism of ``samples.customers`` over seven inputs (add-to-cart count, days since the last
visit, region, age, support calls, purchases, offer), 19 noisy relatives of them (the same
counts over other windows, as an event log gives) and 15 columns of noise, with missing values
where a customer never did the action. The baseline is what a first model usually is: a
standardised logistic regression with the categories one-hot encoded and missing values
imputed by the median. Peak memory is the largest resident size sampled during each phase,
above the size before it.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planning.customers import CustomerTable, Feature  # noqa: E402 - after the path set-up
from planning.metrics import auc  # noqa: E402
from planning.propensity import top_reasons, train  # noqa: E402
from samples.customers import OFFERS, REGIONS, planted_log_odds, sigmoid  # noqa: E402


class PeakMemory:
    """The largest resident set size seen while the block runs, above where it started."""

    def __init__(self, every: float = 0.02) -> None:
        import psutil

        self.process = psutil.Process()
        self.every = every
        self.peak = 0
        self._done = threading.Event()

    def __enter__(self) -> PeakMemory:
        self.start = self.process.memory_info().rss
        self.peak = self.start
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._done.wait(self.every):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def mib(self) -> float:
        return (self.peak - self.start) / 2**20


def synthetic(rows: int, seed: int = 7) -> tuple[CustomerTable, np.ndarray]:
    """40 features of ``rows`` customers and their true conversion probability."""
    rng = np.random.default_rng(seed)
    activity = rng.lognormal(0.0, 1.0, rows)
    carts_30d = rng.poisson(0.3 * activity)
    visit_gap = rng.exponential(20.0 / activity)
    visited = rng.random(rows) < 0.9
    age = np.clip(rng.normal(41, 13, rows), 18, 80).round()
    region = rng.choice(len(REGIONS), rows, p=(0.25, 0.2, 0.2, 0.2, 0.15))
    support_30d = rng.poisson(0.06 * activity)
    purchases_90d = rng.poisson(0.35 * activity)
    offer = rng.integers(0, len(OFFERS), rows)
    true_p = sigmoid(planted_log_odds(carts_30d, np.where(visited, visit_gap, 365.0),
                                       region == 0, age, support_30d, purchases_90d, offer))
    label = (rng.random(rows) < true_p).astype(float)
    columns: dict[str, np.ndarray] = {
        "add_to_cart_30d": carts_30d, "days_since_visit": np.where(visited, visit_gap, np.nan),
        "age": age, "support_call_30d": support_30d, "purchase_90d": purchases_90d,
    }
    for window, share in (("1d", 0.05), ("7d", 0.25), ("90d", 2.5)):
        columns[f"add_to_cart_{window}"] = rng.poisson(carts_30d * share + 0.01)
        columns[f"visit_{window}"] = rng.poisson(activity * share * 3)
        columns[f"view_product_{window}"] = rng.poisson(activity * share * 2)
        columns[f"purchase_{window}"] = rng.poisson(purchases_90d * share / 2.5 + 0.01)
        columns[f"support_call_{window}"] = rng.poisson(support_30d * share + 0.001)
    columns["days_since_purchase"] = np.where(purchases_90d > 0,
                                              rng.exponential(30.0 / (1 + purchases_90d)),
                                              np.nan)
    columns["days_since_add_to_cart"] = np.where(carts_30d > 0, rng.uniform(0, 30, rows),
                                                 np.nan)
    columns["active_days_30d"] = np.minimum(rng.poisson(activity * 2), 30)
    columns["tenure_days"] = np.clip(rng.gamma(2.0, 300.0, rows), 1, 3650).round()
    for i in range(15):
        columns[f"noise_{i}"] = rng.normal(0, 1, rows)
    features = [Feature(name, "numeric", np.asarray(values, float))
                for name, values in columns.items()]
    features.append(Feature("region", "categorical", region.astype(float), list(REGIONS)))
    features.append(Feature("offer", "categorical", offer.astype(float), sorted(OFFERS)))
    ids = np.char.add("c", np.arange(rows).astype(str))
    return CustomerTable("synthetic", ids, label, features), true_p


def logistic_design(table: CustomerTable) -> np.ndarray:
    """The baseline's inputs: numbers median-imputed and standardised, categories one-hot."""
    parts = []
    for feature in table.features:
        if feature.kind == "numeric":
            values = feature.values.copy()
            values[np.isnan(values)] = np.nanmedian(values)
            parts.append(((values - values.mean()) / (values.std() or 1.0))[:, None])
        else:
            codes = feature.values.astype(int)
            parts.append(np.eye(len(feature.categories))[codes][:, 1:])
    return np.hstack(parts)


def timed(work):  # noqa: ANN001, ANN201 - a callable in, its result and costs out
    with PeakMemory() as memory:
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
    return result, seconds, memory.mib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reasons-rows", type=int, default=100_000,
                        help="Customers whose top reasons (SHAP) are timed.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    table, true_p = synthetic(args.rows)
    matrix = table.matrix()
    trained, train_s, train_mib = timed(lambda: train(table, threads=args.threads))
    scores, score_s, score_mib = timed(lambda: trained.model.predict(matrix))
    subset = matrix[:args.reasons_rows]
    _, reasons_s, reasons_mib = timed(lambda: top_reasons(trained.model, table.features,
                                                          subset, 3))
    from sklearn.linear_model import LogisticRegression

    design = logistic_design(table)
    fit_rows = np.concatenate([trained.split.train, trained.split.valid])
    test = trained.split.test
    baseline, base_train_s, base_train_mib = timed(
        lambda: LogisticRegression(max_iter=500).fit(design[fit_rows], table.label[fit_rows]))
    base_scores, base_score_s, base_score_mib = timed(
        lambda: baseline.predict_proba(design)[:, 1])
    label_test = table.label[test]
    found = {
        "rows": args.rows, "features": len(table.features), "threads": args.threads,
        "trees": trained.metrics["best_iteration"],
        "lightgbm": {"train_s": round(train_s, 2), "train_peak_mib": round(train_mib),
                     "score_s": round(score_s, 2), "score_peak_mib": round(score_mib),
                     "rows_per_s_scored": round(args.rows / score_s),
                     "reasons_rows": len(subset), "reasons_s": round(reasons_s, 2),
                     "reasons_peak_mib": round(reasons_mib),
                     "auc": round(auc(label_test, scores[test]), 4),
                     "ece": round(trained.metrics["ece"], 4)},
        "logistic_regression": {"train_s": round(base_train_s, 2),
                                "train_peak_mib": round(base_train_mib),
                                "score_s": round(base_score_s, 2),
                                "score_peak_mib": round(base_score_mib),
                                "auc": round(auc(label_test, base_scores[test]), 4)},
        "truth_auc": round(auc(label_test, true_p[test]), 4),
        "test_customers": len(test),
    }
    lgb, lr = found["lightgbm"], found["logistic_regression"]
    found["ratios"] = {"train_time_lgb_over_lr": round(lgb["train_s"] / lr["train_s"], 2),
                       "score_time_lgb_over_lr": round(lgb["score_s"] / lr["score_s"], 2),
                       "auc_gain_over_lr": round(lgb["auc"] - lr["auc"], 4)}
    if args.json:
        print(json.dumps(found, indent=2))
        return
    print(f"{args.rows:,} customers x {len(table.features)} features, {args.threads} threads; "
          f"test {len(test):,} customers")
    print(f"  LightGBM  train {lgb['train_s']:.1f} s (peak +{lgb['train_peak_mib']} MiB, "
          f"{found['trees']} trees), score {lgb['score_s']:.2f} s "
          f"({lgb['rows_per_s_scored']:,} rows/s, +{lgb['score_peak_mib']} MiB), "
          f"AUC {lgb['auc']:.4f}, calibration error {lgb['ece']:.4f}")
    print(f"            top-3 reasons of {len(subset):,} customers {lgb['reasons_s']:.1f} s "
          f"(+{lgb['reasons_peak_mib']} MiB)")
    print(f"  logistic  train {lr['train_s']:.1f} s (peak +{lr['train_peak_mib']} MiB), "
          f"score {lr['score_s']:.2f} s (+{lr['score_peak_mib']} MiB), AUC {lr['auc']:.4f}")
    print(f"  truth     AUC {found['truth_auc']:.4f}")
    print(f"  ratios    {found['ratios']}")


if __name__ == "__main__":
    main()
