"""The alert record: a spike or a negative turn the detector found (:mod:`reports.alerts`),
what drove it, and its deliveries to the configured webhooks.

An alert is stored before it is delivered, and its id is derived from the campaign, the
kind, the subject and the window, so a detection run repeated after a crash finds the alert
it already stored instead of raising a second one; a delivery left pending by a restart is
sent again by the next delivery pass.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from sensing.schemas import Model, _as_utc

AlertKind = Literal["spike", "negative_turn", "aspect_negative_turn", "report_late",
                    "crawl_gap"]
DeliveryStatus = Literal["pending", "delivered", "failed"]


class Delivery(Model):
    """One webhook's delivery of the alert."""

    target: str = Field(description="The webhook's name (its URL is configuration, not data).")
    status: DeliveryStatus = "pending"
    attempts: int = 0
    last_error: str | None = None
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None


class Driver(Model):
    """A term, hashtag or author over-represented in the alert's window."""

    key: str
    count: int = Field(description="Posts in the window.")
    baseline: int = Field(description="Posts in the baseline period.")
    lift: float = Field(description="Its share of the window's posts over its share of the "
                        "baseline's (smoothed).")


class Explanation(Model):
    hashtags: list[Driver] = Field(default_factory=list)
    terms: list[Driver] = Field(default_factory=list)
    authors: list[Driver] = Field(default_factory=list)
    posts: list[str] = Field(default_factory=list, description="The most engaged posts of the "
                             "window that show it.")


class Alert(Model):
    id: str
    campaign_id: str
    kind: AlertKind
    subject: str | None = Field(None, description="The aspect of an aspect_negative_turn; "
                                "the report of a report_late or crawl_gap.")
    window_start: datetime
    window_end: datetime
    detected_at: datetime
    observed: float = Field(description="Posts (spike) or negative share (turns) in the "
                            "window.")
    baseline: float = Field(description="The median of the same window on earlier days or "
                            "weeks.")
    z: float = Field(description="Robust z-score: (observed − baseline) / MAD-based spread.")
    posts: int = Field(description="Posts in the window behind the observed value.")
    summary: str
    explanation: Explanation = Field(default_factory=Explanation)
    deliveries: list[Delivery] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)

    @field_validator("window_start", "window_end", "detected_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)

    @property
    def pending(self) -> bool:
        return any(d.status == "pending" for d in self.deliveries)
