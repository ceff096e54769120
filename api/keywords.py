"""What a campaign's conversation is made of beyond its query: related keywords to expand
the query with, and the hashtags used together.

Both read the campaign's posts by streaming ``store.export`` (a consistent snapshot, the same
on SQLite and Elasticsearch) and count in one pass; nothing is kept per post.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import closing
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from analysis.campaign import run_campaign_analysis
from api.campaigns import _campaign_or_404
from api.deps import get_store
from api.posts import reject_unknown_params
from nlp.cooccurrence import HashtagCooccurrence, PairOrder
from nlp.related_keywords import RelatedKeywords
from sensing.schemas import Campaign, Post
from sensing.store import PostFilter, Store

router = APIRouter(prefix="/campaigns", tags=["keywords"])

MAX_BACKGROUND_POSTS = 50_000
"""Other campaigns' posts read as background at most: enough for stable rates of the terms
that matter, and a bound on the work of one request however large the store grows."""


class StoredCampaignPosts:
    """A campaign's posts as campaign analyses read them (:class:`analysis.campaign.
    CampaignPosts`), streamed from the store in a consistent snapshot."""

    def __init__(self, store: Store, campaign: Campaign):
        self.store, self.campaign = store, campaign

    def posts(self) -> Iterator[Post]:
        with closing(self.store.export(PostFilter(campaign_id=self.campaign.id))) as posts:
            yield from posts

    def background(self) -> Iterator[Post]:
        with closing(self.store.export(PostFilter())) as posts:
            others = (p for p in posts if self.campaign.id not in p.campaign_ids)
            yield from itertools.islice(others, MAX_BACKGROUND_POSTS)


@router.get("/{campaign_id}/related-keywords", response_model=RelatedKeywords,
            dependencies=[Depends(reject_unknown_params({"limit", "min_count"}))])
def related_keywords(
    campaign_id: str,
    limit: Annotated[int, Query(ge=1, le=200, description="Terms returned at most.")] = 25,
    min_count: Annotated[int, Query(ge=1, le=100_000, description="Relevant posts a term "
                                    "must appear in.")] = 3,
    store: Store = Depends(get_store),
) -> RelatedKeywords:
    """Terms and hashtags the campaign's relevant posts use far more than other posts
    (log-odds ratio z-scores with an informative Dirichlet prior), strongest first, and the
    campaign query expanded with the strongest of them, for the marketer to review."""
    campaign = _campaign_or_404(store, campaign_id)
    return run_campaign_analysis("related-keywords", campaign,
                                 StoredCampaignPosts(store, campaign),
                                 {"limit": limit, "min_count": min_count})


@router.get("/{campaign_id}/hashtag-pairs", response_model=HashtagCooccurrence,
            dependencies=[Depends(reject_unknown_params({"limit", "min_count", "order"}))])
def hashtag_pairs(
    campaign_id: str,
    limit: Annotated[int, Query(ge=1, le=200, description="Pairs returned at most.")] = 20,
    min_count: Annotated[int, Query(ge=1, le=100_000, description="Posts a pair must be "
                                    "used together in.")] = 3,
    order: Annotated[PairOrder, Query(description="count: the most used pairs; npmi: the "
                                      "most strongly associated.")] = "count",
    store: Store = Depends(get_store),
) -> HashtagCooccurrence:
    """Hashtags used together in the campaign's relevant posts (not duplicates, not spam),
    with lift and normalised PMI."""
    campaign = _campaign_or_404(store, campaign_id)
    return run_campaign_analysis("hashtag-pairs", campaign,
                                 StoredCampaignPosts(store, campaign),
                                 {"limit": limit, "min_count": min_count, "order": order})
