"""Who moves a campaign's conversation (its influencers) and who it reaches (its audience's
interest tables). Both read the campaign's posts and profiles by streaming the
store, so they answer the same on SQLite and Elasticsearch."""

from __future__ import annotations

from contextlib import closing
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import ValidationError

from api.campaigns import _campaign_or_404
from api.deps import get_settings_dep, get_store
from api.posts import reject_unknown_params
from audience.campaign import (
    CampaignAudience,
    Influencer,
    campaign_audience,
    campaign_influencers,
)
from audience.influence import InfluenceWeights
from audience.taxonomy import load_taxonomy
from sensing.config import Settings
from sensing.store import PostFilter, Store

router = APIRouter(prefix="/campaigns", tags=["audience"])

Lang = Annotated[str, Query(pattern=r"^[a-z]{2}$", description="Language of the category "
                            "names (the taxonomy's: en, ko, ja, es, fr, de, pt, zh).")]


@router.get("/{campaign_id}/audience", response_model=CampaignAudience,
            dependencies=[Depends(reject_unknown_params({"lang"}))])
def audience(campaign_id: str, lang: Lang = "en", store: Store = Depends(get_store),
             settings: Settings = Depends(get_settings_dep)) -> CampaignAudience:
    """The interest shares of the campaign's engaged authors, of the followers sampled from
    its authors, of both, and of the engaged split by sentiment: categories by share, each
    with its subcategories' shares within it, 95% intervals and the sample size."""
    campaign = _campaign_or_404(store, campaign_id)
    names = load_taxonomy(settings.interest_taxonomy).names(lang)
    with closing(store.export(PostFilter(campaign_id=campaign.id))) as posts:
        return campaign_audience(campaign, posts, store.campaign_authors(campaign.id), names)


@router.get("/{campaign_id}/influencers", response_model=list[Influencer],
            dependencies=[Depends(reject_unknown_params(
                {"limit", "lang", "reach", "engagement", "topic", "centrality"}))])
def influencers(
    campaign_id: str,
    limit: Annotated[int, Query(ge=1, le=200, description="Influencers returned.")] = 20,
    lang: Lang = "en",
    reach: Annotated[float, Query(ge=0, le=1, description="Weight of reach.")] = 0.25,
    engagement: Annotated[float, Query(ge=0, le=1, description="Weight of engagement.")]
    = 0.2,
    topic: Annotated[float, Query(ge=0, le=1, description="Weight of on-topic posts.")]
    = 0.25,
    centrality: Annotated[float, Query(ge=0, le=1, description="Weight of centrality.")]
    = 0.3,
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings_dep),
) -> list[Influencer]:
    """The campaign's authors by influence, each with the parts of their score (reach,
    engagement per follower, on-topic posts, PageRank centrality, spam and bot penalty) and
    the interest table of the followers sampled from them. The four weights must sum to 1."""
    campaign = _campaign_or_404(store, campaign_id)
    try:
        weights = InfluenceWeights(reach=reach, engagement=engagement, topic=topic,
                                   centrality=centrality)
    except ValidationError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            exc.errors()[0]["msg"]) from None
    names = load_taxonomy(settings.interest_taxonomy).names(lang)
    with closing(store.export(PostFilter(campaign_id=campaign.id))) as posts:
        return campaign_influencers(campaign, posts, store.get_authors, limit, weights, names)
