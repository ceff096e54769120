"""A campaign's attribution report: the stored journeys (:mod:`planning.conversions`) credited
under one model (:mod:`planning.attribution`), with the spend and ROI per channel. What
``GET /campaigns/{id}/attribution`` and ``sensing conversions attribution`` both answer."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from planning.attribution import MODELS, attribute
from planning.conversions import journeys
from sensing.schemas import Model
from sensing.store.base import JourneyStore

AttributionModel = Literal[MODELS]  # type: ignore[valid-type]  # the one list of models
CreditedBy = Literal["channel", "influencer", "segment"]


class Credit(Model):
    channel: str = Field(description="The channel, influencer or segment credited; '(none)' "
                         "for conversions with no touchpoint in the look-back window.")
    conversions: float = Field(description="Conversions credited (fractions under the "
                               "multi-touch models).")
    value: Decimal = Field(description="Value credited, to the cent.")
    spend: Decimal | None = None
    roi: float | None = Field(description="(value − spend) / spend; None without spend.")


class Attribution(Model):
    campaign: str
    model: AttributionModel
    by: CreditedBy
    half_life_days: float
    lookback_days: float
    touchpoints: int
    conversions: int
    total_value: Decimal = Field(description="The conversions' value: the credits add up to "
                                 "it exactly.")
    total_spend: Decimal
    credits: list[Credit]


def campaign_attribution(store: JourneyStore, campaign_id: str, model: str = "last_non_direct",
                         half_life_days: float = 7.0, lookback_days: float = 30.0,
                         by: str = "channel", spend: dict[str, Decimal] | None = None
                         ) -> Attribution:
    """Credit per channel (influencer, segment) under ``model``, most value first. ``spend``
    overrides the imported spend of the channels it names; spend, and so ROI, is per channel
    only (an influencer's fee is a channel's spend)."""
    touches, conversions, stored = journeys(store, campaign_id, by)
    spent = {**stored, **(spend or {})} if by == "channel" else {}
    credits = attribute(touches, conversions, model, half_life_days, lookback_days, spent)
    return Attribution(
        campaign=campaign_id, model=model, by=by, half_life_days=half_life_days,
        lookback_days=lookback_days, touchpoints=len(touches), conversions=len(conversions),
        total_value=sum((c.value for c in conversions), Decimal("0.00")),
        total_spend=sum(spent.values(), Decimal("0.00")),
        credits=[Credit(channel=c.channel, conversions=c.conversions, value=c.value,
                        spend=c.spend, roi=c.roi) for c in credits])
