"""Analyst search and aggregations over the store, and the status of queued tasks."""

from __future__ import annotations

from typing import Annotated

from celery import Celery
from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import ValidationError

from api.deps import get_celery, get_store
from sensing.query import QuerySyntaxError
from sensing.schemas import SentimentLabel, UtcDatetime
from sensing.store import Aggregations, PostFilter, SearchPage, Store
from sensing.store.base import DEFAULT_LABEL_THRESHOLD, Interval

router = APIRouter(tags=["posts"])

FILTER_PARAMS = {"q", "campaign_id", "source", "lang", "sentiment", "since", "until",
                 "author_id", "include_duplicates", "max_spam", "min_relevance", "aspect"}


def reject_unknown_params(allowed: set[str]):
    """A misspelt filter (``sentimnet=negative``) must not silently widen a search."""
    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise HTTPException(status.HTTP_400_BAD_REQUEST,
                                f"unknown parameter(s) {', '.join(unknown)}; "
                                f"known: {', '.join(sorted(allowed))}")
    return check


def post_filter(
    q: Annotated[str | None, Query(description="Boolean query: AND OR NOT ( ) \"phrase\" "
                                   "NEAR/n wildcard*", max_length=2000)] = None,
    campaign_id: str | None = None,
    source: Annotated[list[str] | None, Query()] = None,
    lang: Annotated[list[str] | None, Query()] = None,
    sentiment: Annotated[list[SentimentLabel] | None, Query()] = None,
    since: UtcDatetime | None = None,
    until: UtcDatetime | None = None,
    author_id: str | None = None,
    include_duplicates: bool = True,
    max_spam: Annotated[float | None, Query(ge=0, le=1)] = None,
    min_relevance: Annotated[float | None, Query(ge=0, le=1, description="Drop posts less "
                                                 "relevant than this. Aggregations over a "
                                                 "campaign default to its relevance_threshold; "
                                                 "pass 0 to count every post.")] = None,
    aspect: Annotated[list[str] | None, Query(description="Posts speaking of an aspect "
                                              "('camera'), or with a verdict on it "
                                              "('camera:negative'); repeat to OR.")] = None,
) -> PostFilter:
    try:
        return PostFilter(query=q, campaign_id=campaign_id, sources=source or [],
                          langs=lang or [], sentiment=sentiment or [], since=since, until=until,
                          author_id=author_id, include_duplicates=include_duplicates,
                          max_spam=max_spam, min_relevance=min_relevance, aspects=aspect or [])
    except ValidationError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            "; ".join(e["msg"] for e in exc.errors())) from None


@router.get("/posts", response_model=SearchPage,
            dependencies=[Depends(reject_unknown_params(FILTER_PARAMS | {"size", "cursor"}))])
def search_posts(flt: PostFilter = Depends(post_filter),
                 size: Annotated[int, Query(ge=1, le=500)] = 20,
                 cursor: str | None = None, store: Store = Depends(get_store)) -> SearchPage:
    """Newest first; pass ``next_cursor`` back as ``cursor`` for the next page."""
    try:
        return store.search(flt, size=size, cursor=cursor)
    except QuerySyntaxError:
        raise  # answered by the app's handler, with the position
    except ValueError as exc:  # a cursor that is not one of ours
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"bad cursor: {exc}") from None


@router.get("/aggregations", response_model=Aggregations,
            dependencies=[Depends(reject_unknown_params(
                FILTER_PARAMS | {"interval", "top", "label_threshold"}))])
def aggregations(flt: PostFilter = Depends(post_filter), interval: Interval = "day",
                 top: Annotated[int, Query(ge=1, le=100)] = 10,
                 label_threshold: Annotated[float, Query(
                     ge=0, le=1, description="Score from which an image label counts as "
                     "shown.")] = DEFAULT_LABEL_THRESHOLD,
                 store: Store = Depends(get_store)) -> Aggregations:
    """Volume per interval, sentiment split, top hashtags, authors, sources and languages;
    aspect x sentiment, image subject labels with their hashtags, hashtag pairs, keywords and
    entities.

    Over a campaign, posts below its ``relevance_threshold`` (the query word in another sense)
    are left out unless ``min_relevance`` is given: the counts a report shows are about the
    product. The floor applied is echoed as ``min_relevance``."""
    if flt.campaign_id and flt.min_relevance is None:
        campaign = store.get_campaign(flt.campaign_id)
        if campaign is not None:
            flt = flt.model_copy(update={"min_relevance": campaign.relevance_threshold})
    return store.aggregate(flt, interval=interval, top=top, label_threshold=label_threshold)


@router.get("/tasks/{task_id}", tags=["tasks"])
def task_status(task_id: str, celery: Celery = Depends(get_celery)) -> dict:
    result = celery.AsyncResult(task_id)
    body: dict = {"task_id": task_id, "state": result.state}
    if result.successful():
        body["result"] = result.result
    elif result.failed():
        body["error"] = repr(result.result)
    return body
