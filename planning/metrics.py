"""How good a propensity score is, on customers the model never saw: ranking (AUC, PR-AUC),
what targeting the top of the list buys (lift and capture at the top 5/10/20%), and whether a
score of 0.3 means three in ten (the calibration table, its expected calibration error, Brier).

A marketer acts on the top of the list and on the probability itself (how many conversions a
target list should bring), so both the ranking and the calibration are reported.
"""

from __future__ import annotations

from typing import Any

import numpy as np

TOP_SHARES = (0.05, 0.10, 0.20)
CALIBRATION_BINS = 10


def auc(label: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve: the chance a random positive outranks a random negative
    (ties count half)."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(label, score))


def pr_auc(label: np.ndarray, score: np.ndarray) -> float:
    """Average precision: the area under the precision-recall curve, which unlike the AUC
    moves with the base rate (a rare outcome makes it small)."""
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(label, score))


def top_of_list(label: np.ndarray, score: np.ndarray,
                shares: tuple[float, ...] = TOP_SHARES) -> list[dict[str, float]]:
    """For the top ``share`` of customers by score: their outcome rate, the lift over the
    base rate, and the capture (the share of all positives they hold)."""
    order = np.argsort(-score, kind="stable")
    positives = label.sum()
    base = positives / len(label)
    rows = []
    for share in shares:
        top = label[order[:max(1, round(share * len(label)))]]
        rate = top.mean()
        rows.append({"top": share, "customers": len(top), "rate": float(rate),
                     "lift": float(rate / base) if base else 0.0,
                     "capture": float(top.sum() / positives) if positives else 0.0})
    return rows


def calibration_table(label: np.ndarray, probability: np.ndarray,
                      bins: int = CALIBRATION_BINS) -> list[dict[str, float]]:
    """Customers in equal-count bins of predicted probability: the mean prediction beside the
    observed rate. Equal counts, not equal widths: most customers score low, and a bin of ten
    customers says nothing."""
    order = np.argsort(probability, kind="stable")
    rows = []
    for part in np.array_split(order, bins):
        if part.size:
            rows.append({"customers": int(part.size),
                         "predicted": float(probability[part].mean()),
                         "observed": float(label[part].mean())})
    return rows


def expected_calibration_error(table: list[dict[str, float]]) -> float:
    """The customers-weighted mean gap between predicted and observed, over the bins."""
    total = sum(row["customers"] for row in table)
    return float(sum(row["customers"] * abs(row["predicted"] - row["observed"])
                     for row in table) / total)


def brier(label: np.ndarray, probability: np.ndarray) -> float:
    return float(np.mean((probability - label) ** 2))


def evaluate(label: np.ndarray, probability: np.ndarray) -> dict[str, Any]:
    """Every metric above for one set of held-out customers."""
    table = calibration_table(label, probability)
    return {"customers": int(len(label)), "positives": int(label.sum()),
            "base_rate": float(label.mean()), "auc": auc(label, probability),
            "pr_auc": pr_auc(label, probability), "brier": brier(label, probability),
            "ece": expected_calibration_error(table), "top": top_of_list(label, probability),
            "calibration": table}
