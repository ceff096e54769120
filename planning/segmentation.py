"""Segments found in the customers, and what sets each one apart.

k-means over the customers' propensity and the features the model leaned on most: each
feature is turned into its rank (so a long-tailed count and a date weigh alike and outliers
do not drag the centres), weighted by the square root of its share of the model's gain, and
the propensity weighs most, so that segments are groups a marketer can target *and* tell
apart by behaviour. k is chosen among 3 to 10 by the silhouette on a sample; everything runs
from one seed, so the same file gives the same segments.

Segments are named ``Seg1``… by mean propensity, highest first (by size where there is no
model), and each gets a plain-language profile: the features whose segment mean (or share of a
category) differs most from the whole base, in standard deviations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planning.customers import Feature
from sensing.schemas import Interest
from sensing.segments import SegmentTrait

K_CHOICES = range(3, 11)
TOP_FEATURES = 8
PROPENSITY_WEIGHT = 2.0   # times the heaviest feature's weight
FIT_SAMPLE = 10_000
SILHOUETTE_SAMPLE = 3_000
TRAITS = 3


@dataclass
class Segmentation:
    """Each customer's segment (an index into ``names``) and how k was chosen."""

    labels: np.ndarray
    names: list[str]
    silhouette: dict[int, float] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.names)

    def describe(self) -> dict[str, Any]:
        return {"method": "kmeans", "k": self.k,
                "silhouette": {str(k): round(v, 4) for k, v in self.silhouette.items()}}


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each value's rank in [0, 1] (ties share the mean rank); missing at the middle."""
    from scipy.stats import rankdata

    out = np.full(len(values), 0.5)
    known = ~np.isnan(values)
    if known.sum() > 1:
        out[known] = (rankdata(values[known]) - 1) / (known.sum() - 1)
    return out


def design(features: list[Feature], importance: list[dict[str, Any]],
           propensity: np.ndarray) -> np.ndarray:
    """The clustering space: ranked, weighted top features and the propensity."""
    by_name = {f.name: f for f in features}
    top = [row for row in importance if row["share"] > 0][:TOP_FEATURES]
    weights = {row["feature"]: float(np.sqrt(row["share"])) for row in top}
    heaviest = max(weights.values(), default=1.0)
    columns = [_ranks(propensity) * PROPENSITY_WEIGHT * heaviest]
    for name, weight in weights.items():
        feature = by_name[name]
        if feature.kind == "numeric":
            columns.append(_ranks(feature.values) * weight)
            continue
        levels = len(feature.categories)
        for code in range(levels):
            columns.append((feature.values == code).astype(float) * weight / np.sqrt(levels))
    return np.column_stack(columns)


def segment(features: list[Feature], importance: list[dict[str, Any]],
            propensity: np.ndarray, seed: int = 7, k: int | None = None) -> Segmentation:
    """k-means segments of the customers, named by mean propensity; ``k`` of them, or as many
    as the silhouette prefers."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    space = design(features, importance, propensity)
    rng = np.random.default_rng(seed)
    fit_rows = rng.permutation(len(space))[:FIT_SAMPLE]
    probe = fit_rows[:SILHOUETTE_SAMPLE]
    scores: dict[int, float] = {}
    fitted: dict[int, Any] = {}
    for choice in [k] if k else K_CHOICES:
        if choice >= len(probe):
            break
        model = KMeans(n_clusters=choice, n_init=3, random_state=seed).fit(space[fit_rows])
        scores[choice] = float(silhouette_score(space[probe], model.predict(space[probe])))
        fitted[choice] = model
    if not scores:
        raise ValueError(f"{len(space)} customers are too few to segment")
    best = max(scores, key=lambda c: (scores[c], -c))
    raw = fitted[best].predict(space)
    means = [propensity[raw == c].mean() if (raw == c).any() else -1.0 for c in range(best)]
    order = np.argsort(-np.asarray(means), kind="stable")
    rename = np.empty(best, dtype=int)
    rename[order] = np.arange(best)
    labels = rename[raw]
    present = sorted(set(labels.tolist()))
    labels = np.searchsorted(present, labels)
    return Segmentation(labels, [f"Seg{i + 1}" for i in range(len(present))], scores)


def imported(values: np.ndarray, propensity: np.ndarray | None) -> Segmentation:
    """The user's own segments (a column), named as given; customers without one are
    ``unassigned``. Ordered by mean propensity where there is a model, else by size."""
    names = np.array([v if v else "unassigned" for v in values], dtype=object)
    distinct, labels = np.unique(names, return_inverse=True)
    if propensity is not None:
        key = [-propensity[labels == i].mean() for i in range(len(distinct))]
    else:
        key = [-(labels == i).sum() for i in range(len(distinct))]
    order = np.lexsort((distinct, key))
    rename = np.empty(len(distinct), dtype=int)
    rename[order] = np.arange(len(distinct))
    return Segmentation(rename[labels], [str(distinct[i]) for i in order])


def traits(features: list[Feature], members: np.ndarray, count: int = TRAITS
           ) -> list[SegmentTrait]:
    """What sets the customers ``members`` (a boolean mask) apart from the whole base: the
    ``count`` features (or category levels) whose segment mean differs most, in standard
    deviations of the base."""
    found: list[tuple[float, SegmentTrait]] = []
    for feature in features:
        if feature.kind == "numeric":
            found.extend(_numeric_trait(feature, members))
        else:
            found.extend(_level_traits(feature, members))
    found.sort(key=lambda item: -abs(item[0]))
    return [trait for _, trait in found[:count]]


def _numeric_trait(feature: Feature, members: np.ndarray) -> list[tuple[float, SegmentTrait]]:
    values = feature.values
    base_std = float(np.nanstd(values)) if np.isfinite(values).any() else 0.0
    inside = values[members]
    if base_std == 0 or not np.isfinite(inside).any():
        return []
    seg, base = float(np.nanmean(inside)), float(np.nanmean(values))
    effect = (seg - base) / base_std
    word = "higher" if effect > 0 else "lower"
    shown = feature.shown(seg, ".3g"), feature.shown(base, ".3g")
    text = f"{feature.name} {word}: {shown[0]} on average vs {shown[1]} overall"
    return [(effect, SegmentTrait(feature=feature.name, segment_value=seg, base_value=base,
                                  text=text))]


def _level_traits(feature: Feature, members: np.ndarray) -> list[tuple[float, SegmentTrait]]:
    out = []
    for code, level in enumerate(feature.categories):
        hit = feature.values == code
        base = float(hit.mean())
        if base in (0.0, 1.0):
            continue
        seg = float(hit[members].mean())
        effect = (seg - base) / np.sqrt(base * (1 - base))
        text = f"{feature.name} = {level}: {seg:.0%} of the segment vs {base:.0%} overall"
        out.append((effect, SegmentTrait(feature=feature.name, level=level,
                                         segment_value=seg, base_value=base, text=text)))
    return out


def interest_profile(interests: list[tuple[str, ...]], members: np.ndarray
                     ) -> tuple[list[Interest], int]:
    """The segment's interest shares (a customer of k interests counts 1/k in each), largest
    first, and how many of its customers have any."""
    totals: dict[str, float] = {}
    known = 0
    for row in np.flatnonzero(members):
        found = interests[row]
        if found:
            known += 1
            for category in found:
                totals[category] = totals.get(category, 0.0) + 1.0 / len(found)
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [Interest(category=c, share=round(v / known, 4)) for c, v in ranked], known
