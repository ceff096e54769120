"""The campaign plan: per customer segment, who to target, with which message, hashtags,
influencers, channels, timing and offer, each with its evidence (:mod:`planning.planner`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import Field

from api.campaigns import _campaign_or_404
from api.deps import get_store
from api.posts import reject_unknown_params
from planning.links import LinkError, LinkRequest, TrackingLink, build_link
from planning.plan import CampaignPlan
from planning.planner import plan_campaign
from sensing.schemas import Model
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


class LinksIn(Model):
    base_url: str = Field(description="The landing page (absolute http(s), no utm_ "
                          "parameters of its own).")
    links: list[LinkRequest] | None = Field(None, max_length=1000, description="The links "
                                            "to build; default: from the plan, each "
                                            "segment's top channel with and without each of "
                                            "its top influencers.")
    threshold: float = Field(0.5, ge=0.0, le=1.0, description="The plan's threshold, when "
                             "the links come from it.")


def _from_plan(plan: CampaignPlan) -> list[LinkRequest]:
    requests = []
    for segment in plan.segments:
        for channel in segment.channels[:1]:
            requests.append(LinkRequest(channel=channel.source, segment=segment.name))
        for influencer in segment.influencers[:3]:
            requests.append(LinkRequest(channel=influencer.source, segment=segment.name,
                                        influencer=influencer.handle or influencer.author_id))
    return requests


@router.post("/{campaign_id}/links", response_model=list[TrackingLink])
def links(campaign_id: str, body: LinksIn, store: Store = Depends(get_store)
          ) -> list[TrackingLink]:
    """UTM-tagged links per channel x influencer x segment (given, or from the plan); a value
    that looks like personal data, or a landing URL that is not one, is a 422 saying which."""
    campaign = _campaign_or_404(store, campaign_id)
    requests = body.links if body.links is not None else _from_plan(
        plan_campaign(store, campaign, body.threshold))
    try:
        return [build_link(campaign.id, body.base_url, r) for r in requests]
    except LinkError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
