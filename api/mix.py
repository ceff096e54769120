"""``POST /campaigns/{id}/simulate``: a marketing-mix model (ad-stock and saturation,
:mod:`planning.mmm`) fitted on the daily spend per channel and outcomes sent with the request,
and what a proposed budget split would bring: predicted outcome and ROI per channel."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import Field

from api.campaigns import _campaign_or_404
from api.deps import get_store
from planning.mmm import MixError, fit_mix, simulate
from sensing.schemas import Model
from sensing.store import Store

router = APIRouter(prefix="/campaigns", tags=["plan"])
MAX_DAYS = 3650


class History(Model):
    spend: dict[str, list[float]] = Field(description="Per channel, the spend of each day.",
                                          min_length=1, max_length=50)
    outcome: list[float] = Field(description="The outcome (sales value) of each day.",
                                 max_length=MAX_DAYS)


class SimulateIn(Model):
    history: History
    budget: dict[str, float] = Field(description="Total spend per channel over ``days``.")
    days: int = Field(28, ge=1, le=365)


class ChannelOut(Model):
    channel: str
    carry_over: float = Field(description="θ: the share of a day's effect still felt the "
                              "next day.")
    half_saturation: float = Field(description="The daily spend (as ad-stock) at half the "
                                   "channel's effect.")
    shape: float
    effect: float = Field(description="β: the outcome the channel adds at full saturation, "
                          "per day.")


class SimulateOut(Model):
    days: int
    outcome: float
    base: float
    incremental: dict[str, float]
    roi: dict[str, float | None] = Field(description="Outcome added per unit spent; None "
                                         "where the budget spends nothing.")
    r2: float = Field(description="How much of the history's variation the model explains.")
    channels: list[ChannelOut]


@router.post("/{campaign_id}/simulate", response_model=SimulateOut)
def simulate_budget(campaign_id: str, body: SimulateIn, store: Store = Depends(get_store)
                    ) -> SimulateOut:
    """Fit the mix model on ``history`` and run ``budget`` through it; 422 for history it
    cannot be fitted on (too short, a channel never spent on, unequal lengths) or a budget
    for a channel without history."""
    _campaign_or_404(store, campaign_id)
    try:
        model = fit_mix({c: np.asarray(v) for c, v in body.history.spend.items()},
                        np.asarray(body.history.outcome))
        found = simulate(model, body.budget, body.days)
    except MixError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    return SimulateOut(days=found.days, outcome=found.outcome, base=found.base,
                       incremental=found.incremental, roi=found.roi, r2=model.r2,
                       channels=[ChannelOut(channel=c.channel, carry_over=c.theta,
                                            half_saturation=c.half_saturation, shape=c.shape,
                                            effect=c.beta) for c in model.channels])
