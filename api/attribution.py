"""``GET /campaigns/{id}/attribution``: which channel (influencer, segment) earned the
campaign's conversions under a chosen attribution model, and its ROI given the spend, over
the journeys ``sensing conversions import`` stored (:mod:`planning.credits`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status

from api.campaigns import _campaign_or_404
from api.deps import get_store
from api.posts import reject_unknown_params
from planning.credits import Attribution, AttributionModel, CreditedBy, campaign_attribution
from sensing.store import Store

router = APIRouter(prefix="/campaigns", tags=["plan"])


def _spend(entries: list[str]) -> dict[str, Decimal]:
    spend: dict[str, Decimal] = {}
    for entry in entries:
        channel, colon, amount = entry.rpartition(":")
        try:
            value = Decimal(amount)
        except InvalidOperation:
            value = Decimal("NaN")
        if not colon or not channel.strip() or not value.is_finite() or value < 0:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                f"spend {entry!r}: give CHANNEL:AMOUNT, e.g. mastodon:1200")
        spend[channel.strip().lower()] = value
    return spend


@router.get("/{campaign_id}/attribution", response_model=Attribution,
            dependencies=[Depends(reject_unknown_params(
                {"model", "half_life_days", "lookback_days", "by", "spend"}))])
def attribution(
    campaign_id: str,
    model: AttributionModel = "last_non_direct",
    half_life_days: Annotated[float, Query(gt=0, le=365, description="time_decay: a "
                                           "touchpoint's credit halves every this many days "
                                           "before the conversion.")] = 7.0,
    lookback_days: Annotated[float, Query(gt=0, le=3650, description="Touchpoints count "
                                          "this many days before a conversion.")] = 30.0,
    by: Annotated[CreditedBy, Query(description="What is credited: the channel "
                                    "(utm_source), the influencer (utm_term) or the segment "
                                    "(utm_content) of the link.")] = "channel",
    spend: Annotated[list[str] | None, Query(description="CHANNEL:AMOUNT, repeated; "
                                             "overrides the imported spend of that "
                                             "channel.")] = None,
    store: Store = Depends(get_store),
) -> Attribution:
    """Credit per channel under ``model``, most value first; ROI where spend is known."""
    campaign = _campaign_or_404(store, campaign_id)
    return campaign_attribution(store, campaign.id, model, half_life_days, lookback_days, by,
                                _spend(spend or []))
