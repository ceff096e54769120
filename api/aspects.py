"""A campaign's product aspects, grown from its conversation: accepting the aspect
suggestions of ``GET /campaigns/{id}/related-keywords`` (or any terms the analyst knows)."""

from __future__ import annotations

import re
from typing import Annotated

from celery import Celery
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from api.campaigns import _campaign_or_404
from api.deps import get_celery, get_store
from nlp.aspect_terms import add_terms
from sensing.schemas import Campaign
from sensing.store import Store

router = APIRouter(prefix="/campaigns", tags=["aspects"])

MAX_TERM_CHARS = 64
"""A term names an aspect in a few words ("low light", "夜景"); a longer one is a sentence
pasted by mistake and would never match."""
MAX_TERMS = 100
WORDLIKE = re.compile(r"[^\W_]")

Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                        max_length=MAX_TERM_CHARS)]


class AspectTermsIn(BaseModel):
    """Terms to add to one aspect. Unknown fields are an error, not silently dropped, so a
    typo like ``term`` is caught instead of adding nothing."""

    model_config = ConfigDict(extra="forbid")

    aspect: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=64)] = Field(
        description="One of the campaign's aspects (camera, battery, ... when it uses the "
                    "built-in taxonomy; case does not matter), or the name of a new aspect.")
    terms: list[Term] = Field(min_length=1, max_length=MAX_TERMS, description="Words or "
                              "phrases that name the aspect, in any language; matched as whole "
                              "words in Latin script, anywhere in Hangul, kana and Han "
                              "(`*` at an end lets a Latin word go on).")

    @field_validator("terms")
    @classmethod
    def _terms_say_something(cls, terms: list[str]) -> list[str]:
        empty = [t for t in terms if not WORDLIKE.search(t)]
        if empty:
            raise ValueError(f"terms {empty} have no letter or digit: they would match "
                             "nothing (or everything)")
        return terms


class AspectTermsAdded(BaseModel):
    campaign: Campaign = Field(description="The campaign as saved.")
    added: list[str] = Field(description="The terms that were new to the aspect; the others "
                             "were already among its terms.")
    task_id: str | None = Field(description="The `sensing.reanalyze_campaign` task re-running "
                                "the aspects step over the campaign's stored posts (poll "
                                "`GET /tasks/{id}`); None when no term was new.")


@router.post("/{campaign_id}/aspects/terms", response_model=AspectTermsAdded)
def add_aspect_terms(campaign_id: str, body: AspectTermsIn, store: Store = Depends(get_store),
                     celery: Celery = Depends(get_celery)) -> AspectTermsAdded:
    """Add terms to one of the campaign's aspects (a campaign on the built-in taxonomy gets
    its eleven aspects written out first, so none stops being tracked), save the campaign,
    and queue the re-analysis of its stored posts so they show the new terms. Adding a term
    the aspect already has changes nothing and queues nothing."""
    campaign = _campaign_or_404(store, campaign_id)
    aspects, added = add_terms(campaign.aspects, body.aspect, body.terms)
    if not added:
        return AspectTermsAdded(campaign=campaign, added=[], task_id=None)
    campaign = campaign.model_copy(update={"aspects": aspects})
    store.save_campaign(campaign)
    task = celery.send_task("sensing.reanalyze_campaign", queue="analyze",
                            args=[campaign_id, ["aspects"]])
    return AspectTermsAdded(campaign=campaign, added=added, task_id=task.id)
