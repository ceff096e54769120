"""One path from a validated customer table to scored, segmented, profiled customers: what the
``propensity`` command prints and writes, and what a segment import stores.

Steps: train and test the model on the labelled customers (if there is a label), score every
customer, segment them (the user's own segment column if given, else k-means), profile each
segment against the base, measure the offers per segment and estimate each customer's uplift
(if the file says which offer each customer received and which one is the control), and
explain each customer's score by its top reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from planning import offers, segmentation
from planning.customers import CustomerTable
from planning.events import EventSummary
from planning.propensity import Trained, top_reasons, train
from planning.runs import new_run, save_run
from planning.segmentation import Segmentation
from sensing.schemas import Interest
from sensing.segments import ModelRun, OfferResult, SegmentTrait, TargetingRow, targeting_order


@dataclass
class Options:
    """How to model a customer file (the command's flags)."""

    seed: int = 7
    reasons: int = 3
    time_split: float | None = None
    control: str | None = None
    segments: int | None = None   # k of the k-means segments; None: chosen by silhouette
    threads: int | None = None


@dataclass
class Profile:
    """One segment as the scoring found it (no campaign yet: an import adds that)."""

    name: str
    origin: str
    size: int
    mean_propensity: float | None
    traits: list[SegmentTrait]
    offers: list[OfferResult]
    best_offer: str | None
    mean_uplift: float | None
    interests: list[Interest] = field(default_factory=list)
    interest_customers: int = 0

    @property
    def description(self) -> str:
        return "; ".join(trait.text for trait in self.traits)


@dataclass
class Scored:
    """Everything scored for one file, one entry per customer in each array."""

    table: CustomerTable
    trained: Trained | None
    propensity: np.ndarray | None
    segments: Segmentation
    profiles: list[Profile]
    reasons: list[list[tuple[str, str, float]]]
    uplift: offers.Uplift | None = None
    events: EventSummary | None = None

    def segment_names(self) -> np.ndarray:
        return np.array(self.segments.names, dtype=object)[self.segments.labels]

    def targeting(self, threshold: float) -> list[TargetingRow]:
        """The targeting table at ``threshold``, ordered as the store orders it."""
        rows = []
        for index, profile in enumerate(self.profiles):
            members = self.segments.labels == index
            hits = int((self.propensity[members] >= threshold).sum()) \
                if self.propensity is not None else 0
            rows.append(TargetingRow.of(profile.name, profile.name, profile.size, hits,
                                        profile.mean_propensity))
        return targeting_order(rows)


def score(table: CustomerTable, options: Options) -> Scored:
    """Model, score, segment and profile ``table``'s customers (see the module docstring)."""
    trained = propensity = None
    matrix = table.matrix()
    if not np.isnan(table.label).all():
        trained = train(table, seed=options.seed, time_split=options.time_split,
                        threads=options.threads)
        propensity = trained.model.predict(matrix)
    if table.segment is not None:
        found = segmentation.imported(table.segment, propensity)
    elif trained is not None:
        found = segmentation.segment(table.features, trained.model.importance(), propensity,
                                     options.seed, options.segments)
    else:
        raise ValueError("nothing to segment by: give a label column (to train a model) or "
                         "a segment column (your own segments)")
    uplift = None
    if table.offer is not None and options.control:
        if options.control not in set(table.offer):
            raise ValueError(f"the control {options.control!r} is not one of the offers in "
                             f"the file: {', '.join(sorted({o for o in table.offer if o}))}")
        uplift = offers.customer_uplift(matrix, table.label, table.offer, options.control,
                                        table.categorical_columns, options.seed,
                                        options.threads)
    profiles = [_profile(table, found, index, propensity, uplift, options)
                for index in range(found.k)]
    reasons = top_reasons(trained.model, table.features, matrix, options.reasons) \
        if trained is not None else [[] for _ in range(table.rows)]
    return Scored(table, trained, propensity, found, profiles, reasons, uplift)


def score_and_keep(table: CustomerTable, options: Options, runs_dir: Path,
                   events: EventSummary | None = None) -> tuple[Scored, ModelRun | None]:
    """:func:`score`, and the model's run record written under ``runs_dir`` (none where no
    model was trained: the user's own segments only)."""
    scored = score(table, options)
    scored.events = events
    if scored.trained is None:
        return scored, None
    extra: dict[str, Any] = {"segmentation": scored.segments.describe()}
    if events is not None:
        extra["events"] = vars(events)
    run = new_run(table, scored.trained, extra)
    save_run(runs_dir, run, scored.trained.model)
    return scored, run


def _profile(table: CustomerTable, found: Segmentation, index: int,
             propensity: np.ndarray | None, uplift: offers.Uplift | None,
             options: Options) -> Profile:
    members = found.labels == index
    results, best = offers.segment_offers(table.label, table.offer, members, options.control) \
        if table.offer is not None else ([], None)
    interests, known = segmentation.interest_profile(table.interests, members) \
        if table.interests is not None else ([], 0)
    return Profile(
        name=found.names[index],
        origin="imported" if table.segment is not None else "model",
        size=int(members.sum()),
        mean_propensity=float(propensity[members].mean()) if propensity is not None else None,
        traits=segmentation.traits(table.features, members),
        offers=results, best_offer=best,
        mean_uplift=float(uplift.value[members].mean()) if uplift is not None else None,
        interests=interests, interest_customers=known)
