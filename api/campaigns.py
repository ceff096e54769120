"""Campaigns: create, list, read, and start their crawls."""

from __future__ import annotations

from celery import Celery
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.deps import get_celery, get_store
from sensing.schemas import Campaign
from sensing.store import Store

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


class CampaignIn(Campaign):
    """A campaign as a client sends it: unknown fields are an error, not silently kept, so a
    typo like ``lanugages`` is caught instead of crawling with the defaults."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _sources_exist(self) -> CampaignIn:
        from crawlers.run import check_sources  # loads the spiders: only when validating

        check_sources(self)
        return self


class CrawlRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[str] | None = Field(None, description="Default: the campaign's sources.")
    base_url: str | None = Field(None, description="Instance/API base URL override.")
    limit: int | None = Field(None, ge=1, le=1_000_000, description="Max posts per source.")


def _campaign_or_404(store: Store, campaign_id: str) -> Campaign:
    campaign = store.get_campaign(campaign_id)
    if campaign is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no campaign {campaign_id!r}")
    return campaign


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Campaign)
def create_campaign(body: CampaignIn, store: Store = Depends(get_store)) -> Campaign:
    if store.get_campaign(body.id) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"campaign {body.id!r} exists; "
                            f"PUT /campaigns/{body.id} replaces it")
    campaign = Campaign.model_validate(body.model_dump())
    store.save_campaign(campaign)
    return campaign


@router.put("/{campaign_id}", response_model=Campaign)
def replace_campaign(campaign_id: str, body: CampaignIn,
                     store: Store = Depends(get_store)) -> Campaign:
    if body.id != campaign_id:
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            f"body id {body.id!r} differs from path id {campaign_id!r}")
    campaign = Campaign.model_validate(body.model_dump())
    store.save_campaign(campaign)
    return campaign


@router.get("", response_model=list[Campaign])
def list_campaigns(store: Store = Depends(get_store)) -> list[Campaign]:
    return store.list_campaigns()


@router.get("/{campaign_id}", response_model=Campaign)
def get_campaign(campaign_id: str, store: Store = Depends(get_store)) -> Campaign:
    return _campaign_or_404(store, campaign_id)


@router.post("/{campaign_id}/crawl", status_code=status.HTTP_202_ACCEPTED)
def start_crawl(campaign_id: str, body: CrawlRequest | None = None,
                store: Store = Depends(get_store), celery: Celery = Depends(get_celery)) -> dict:
    """Queue one crawl task per source (per option set, where a source has several); poll
    ``GET /tasks/{id}`` for each."""
    campaign = _campaign_or_404(store, campaign_id)
    body = body or CrawlRequest()
    unknown = set(body.sources or []) - set(campaign.sources)
    if unknown:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"{sorted(unknown)} are not among the "
                            f"campaign's sources {campaign.sources}")
    tasks = []
    for source, options in campaign.crawl_jobs(body.sources):
        result = celery.send_task("sensing.crawl_campaign", queue="crawl",
                                  args=[campaign_id, source, body.base_url, body.limit, options])
        tasks.append({"source": source, "options": options, "task_id": result.id})
    return {"campaign_id": campaign_id, "tasks": tasks}
