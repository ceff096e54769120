"""The plan history's record: each campaign plan computed on demand, after a scheduled crawl
or on an alert, kept with what changed since the plan before it.

The plan itself is the planning layer's model (:class:`planning.plan.CampaignPlan`); the store
keeps it as the JSON document it serves, so storage never depends on the layer above it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from sensing.schemas import Model, _as_utc

ChangeKind = Literal["added", "removed", "moved", "changed"]


class PlanChange(Model):
    """One difference between a plan and the one before it, in one segment: an aspect that
    moved from ``emphasise`` to ``address``, a hashtag or influencer that came or went, a new
    top channel or best slot, a target count that grew."""

    segment: str | None = Field(description="The segment's name; None for a change every "
                                "segment shares (the message, hashtags and timing are read "
                                "from the campaign's posts).")
    field: str = Field(description="The plan field: message.emphasise, message.address, "
                       "hashtags, influencers, channels, timing.best, target_count, offer, "
                       "or segment (the segment itself came or went).")
    kind: ChangeKind
    item: str | None = Field(None, description="The aspect, tag, handle, source or slot.")
    before: Any = None
    after: Any = None


class PlanRecord(Model):
    """A stored plan: when and why it was computed, the plan, and the changes to the last."""

    id: str
    campaign_id: str
    created_at: datetime
    trigger: str = Field(description="Why it was computed: 'on demand', 'scheduled crawl' or "
                         "the alert that fired.")
    previous_id: str | None = Field(None, description="The plan it is compared with; None "
                                    "for a campaign's first.")
    changes: list[PlanChange] = Field(default_factory=list)
    plan: dict[str, Any] = Field(description="The plan as GET /campaigns/{id}/plan serves it.")

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)
