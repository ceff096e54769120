"""The campaign plan: per customer segment, who to target, with which message, hashtags,
influencers, channels, timing and offer, each with its evidence (:mod:`planning.planner`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.campaigns import _campaign_or_404
from api.deps import get_store
from api.posts import reject_unknown_params
from planning.plan import CampaignPlan
from planning.planner import plan_campaign
from sensing.store import Store

router = APIRouter(prefix="/campaigns", tags=["plan"])


@router.get("/{campaign_id}/plan", response_model=CampaignPlan,
            dependencies=[Depends(reject_unknown_params({"segments", "threshold"}))])
def plan(
    campaign_id: str,
    segments: Annotated[list[str] | None, Query(description="Segments (names or ids) to "
                                                "plan for; default all.")] = None,
    threshold: Annotated[float, Query(ge=0.0, le=1.0, description="A customer is a target "
                                      "from this calibrated propensity up.")] = 0.5,
    store: Store = Depends(get_store),
) -> CampaignPlan:
    """The plan computed now from the campaign's stored signals and its current segments."""
    return plan_campaign(store, _campaign_or_404(store, campaign_id), threshold, segments)
