"""The customer side of the data contract: scored customers, their segments, the model runs
behind the scores and the imports that brought them in.

A customer file is the marketer's, with their ids in it; none of those reach the store. What
is stored is a :class:`ScoredCustomer` whose ``id`` is the salted hash of the file's id
(:func:`planning.customers.hash_id`), its segment, its calibrated propensity and the top
reasons for it, so a target list can be exported and joined back only by whoever holds the
file and the salt. Each import of a campaign is one :class:`SegmentImport`; readers see the
campaign's current import only, so an import that fails half-way is never half-visible.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from sensing.schemas import Interest, Model, _as_utc, utcnow


class Reason(Model):
    """One of the features that moved a customer's score most: its value for the customer and
    its contribution in log-odds (SHAP, LightGBM's ``pred_contrib``): positive raises the
    score."""

    feature: str
    value: str
    contribution: float


class ScoredCustomer(Model):
    """One customer of one campaign's current import."""

    id: str = Field(description="Salted hash of the customer id of the imported file; never "
                    "the raw id.")
    campaign_id: str
    import_id: str
    segment_id: str
    propensity: float | None = Field(None, ge=0.0, le=1.0, description="Calibrated "
                                     "probability of the outcome; None where no model scored "
                                     "the import (the user's own segments only).")
    label: int | None = Field(None, ge=0, le=1, description="The observed outcome, where the "
                              "file had one.")
    uplift: float | None = Field(None, description="Estimated lift of the treatment on the "
                                 "outcome for this customer, where the file had a "
                                 "treated/control flag: that of ``best_offer``.")
    best_offer: str | None = Field(None, description="The offer estimated to lift this "
                                   "customer's outcome most; None where none is estimated "
                                   "to lift it.")
    reasons: list[Reason] = Field(default_factory=list)


class SegmentTrait(Model):
    """What sets a segment apart from the base, in one feature: the segment's mean (numeric)
    or share (one ``level`` of a categorical) beside the base's, and the sentence saying it."""

    feature: str
    level: str | None = None
    segment_value: float
    base_value: float
    text: str


class OfferResult(Model):
    """How one offer (or channel) did in one segment: response rate, and the uplift over the
    control group with its 95% interval where there is one."""

    offer: str
    customers: int
    responses: int
    rate: float
    uplift: float | None = None
    uplift_low: float | None = None
    uplift_high: float | None = None


class Segment(Model):
    """One segment of one campaign's import, found by the model or imported as a column."""

    id: str = Field(description="'<campaign_id>:<name>'.")
    campaign_id: str
    import_id: str
    name: str
    origin: Literal["model", "imported"]
    size: int
    mean_propensity: float | None = None
    description: str = ""
    traits: list[SegmentTrait] = Field(default_factory=list)
    offers: list[OfferResult] = Field(default_factory=list)
    best_offer: str | None = None
    mean_uplift: float | None = None
    interests: list[Interest] = Field(default_factory=list, description="What the segment's "
                                      "customers are interested in (the customer file's "
                                      "interest column, in the audience taxonomy), largest "
                                      "share first: matched against influencers' audiences.")
    interest_customers: int = Field(0, description="Customers of the segment with an interest "
                                    "known: the sample size of ``interests``.")


class TargetingRow(Model):
    """One row of the targeting table: a segment, how many of its customers score at or above
    the threshold, and the share they are (the table's "Score" column)."""

    segment_id: str
    name: str
    count: int
    target_count: int
    target_share: float
    mean_propensity: float | None = None

    @classmethod
    def of(cls, segment_id: str, name: str, count: int, target_count: int,
           mean_propensity: float | None) -> TargetingRow:
        """The row of a segment's counts: the share is of its customers (0 for none)."""
        return cls(segment_id=segment_id, name=name, count=count, target_count=target_count,
                   target_share=target_count / count if count else 0.0,
                   mean_propensity=mean_propensity)


class ModelRun(Model):
    """A trained propensity model, as a record a score can be traced back to: what it was
    trained on (fingerprint, rows, features), how (parameters, split), and how well it did."""

    id: str
    created_at: datetime = Field(default_factory=utcnow)
    kind: str = "propensity-lightgbm"
    library_versions: dict[str, str] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)
    data_fingerprint: str
    rows: int
    labelled_rows: int
    positives: int
    features: list[dict[str, Any]] = Field(default_factory=list, description="{name, kind, "
                                           "categories} in the model's column order.")
    split: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, Any] = Field(default_factory=dict)
    calibration: list[dict[str, float]] = Field(default_factory=list)
    importance: list[dict[str, Any]] = Field(default_factory=list)
    artifacts: dict[str, str] = Field(default_factory=dict, description="File names of the "
                                      "model and calibration, in the run's directory.")

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)


class SegmentImport(Model):
    """One import of customers into a campaign: becomes the campaign's current one once all
    its customers and segments are written."""

    id: str
    campaign_id: str
    created_at: datetime = Field(default_factory=utcnow)
    source: str = Field("", description="File name (or 'api') the customers came from.")
    rows: int
    segments: int
    run_id: str | None = None
    threshold: float = Field(0.5, ge=0.0, le=1.0, description="The threshold the import's "
                             "table was printed with; the API takes any.")

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)


def targeting_order(rows: list[TargetingRow]) -> list[TargetingRow]:
    """The targeting table's order, the same from every store and the scoring itself: the
    share of a segment worth targeting, highest first, then mean propensity (unscored last),
    then name."""
    return sorted(rows, key=lambda r: (-r.target_share, r.mean_propensity is None,
                                       -(r.mean_propensity or 0.0), r.name))
