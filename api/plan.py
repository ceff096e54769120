"""The campaign plan: per customer segment, who to target, with which message, hashtags,
influencers, channels, timing and offer, each with its evidence (:mod:`planning.planner`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import Field

from api.campaigns import _campaign_or_404
from api.deps import get_store
from api.posts import reject_unknown_params
from planning.history import replan
from planning.links import LinkError, LinkRequest, TrackingLink, build_link
from planning.plan import CampaignPlan
from planning.planner import plan_campaign
from sensing.plans import PlanChange, PlanRecord
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


class ReplanIn(Model):
    threshold: float | None = Field(None, ge=0.0, le=1.0, description="Default: the "
                                    "threshold the campaign was last planned at.")
    trigger: str = Field("on demand", min_length=1, max_length=200, description="Why: kept "
                         "with the plan in its history.")


class HistoryEntry(Model):
    """A stored plan without its body: when, why, and what changed since the one before."""

    id: str
    created_at: datetime
    trigger: str
    previous_id: str | None
    threshold: float | None
    changes: list[PlanChange]


class PlanHistoryPage(Model):
    campaign: str
    plans: list[HistoryEntry]


def _entry(record: PlanRecord) -> HistoryEntry:
    return HistoryEntry(id=record.id, created_at=record.created_at, trigger=record.trigger,
                        previous_id=record.previous_id,
                        threshold=record.plan.get("threshold"), changes=record.changes)


@router.post("/{campaign_id}/plan", response_model=PlanRecord,
             status_code=status.HTTP_201_CREATED)
def replan_now(campaign_id: str, body: ReplanIn | None = None,
               store: Store = Depends(get_store)) -> PlanRecord:
    """Plan again now and keep the plan in the history, with what changed since the last."""
    body = body or ReplanIn()
    return replan(store, _campaign_or_404(store, campaign_id), body.trigger, body.threshold)


@router.get("/{campaign_id}/plan/history", response_model=PlanHistoryPage,
            dependencies=[Depends(reject_unknown_params({"size"}))])
def plan_history(
    campaign_id: str,
    size: Annotated[int, Query(ge=1, le=500, description="The latest plans to list.")] = 20,
    store: Store = Depends(get_store),
) -> PlanHistoryPage:
    """The stored plans, newest first, each with its changes to the one before it (the
    aspects that moved between emphasise and address, hashtags, influencers, channels, best
    slot, targets and offer that changed); a plan's body is at ``/plan/history/{plan_id}``."""
    campaign = _campaign_or_404(store, campaign_id)
    return PlanHistoryPage(campaign=campaign.id, plans=[
        _entry(r) for r in store.plan_history(campaign.id, size)])


@router.get("/{campaign_id}/plan/history/{plan_id}", response_model=PlanRecord)
def stored_plan(campaign_id: str, plan_id: str, store: Store = Depends(get_store)
                ) -> PlanRecord:
    """One stored plan, whole."""
    campaign = _campaign_or_404(store, campaign_id)
    record = store.get_plan(plan_id)
    if record is None or record.campaign_id != campaign.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no plan {plan_id!r} of campaign "
                            f"{campaign.id!r}")
    return record


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
