"""Customer journeys: the touchpoints (a visit through a tagged link, or a direct one), the
conversions with their value, and the spend per channel that the attribution reads.

An event comes from the marketer's analytics export (``sensing conversions import``) with the
UTM parameters the plan's tracking links set (:mod:`planning.links`). As with segments, the
customer id is stored only as its salted hash, so journeys join the scored customers without
the store seeing a raw id. Each event's ``id`` is derived from what it says (or its order id),
so importing the same export twice stores each event once.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from sensing.schemas import Model, _as_utc

EventKind = Literal["touch", "conversion", "spend"]
DIRECT = "direct"  # the channel of a touch that came with no utm_source


class JourneyEvent(Model):
    """One touchpoint, conversion or spend of one campaign."""

    id: str
    campaign_id: str
    kind: EventKind
    at: datetime
    customer: str | None = Field(None, description="Salted hash of the customer id; None for "
                                 "spend.")
    channel: str = Field(DIRECT, description="utm_source (the platform) of a touch; the "
                         "channel a spend went to; unused for conversions.")
    medium: str | None = Field(None, description="utm_medium: 'influencer' or 'social' for "
                               "the plan's links.")
    utm_campaign: str | None = None
    segment: str | None = Field(None, description="utm_content: the segment a link was for.")
    influencer: str | None = Field(None, description="utm_term: who posted the link.")
    value: Decimal | None = Field(None, description="Conversion value or spend, in the "
                                  "campaign's currency, to the cent.")
    order_id: str | None = None

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)

    @model_validator(mode="after")
    def _complete(self) -> JourneyEvent:
        if self.kind != "spend" and not self.customer:
            raise ValueError(f"a {self.kind} needs a customer")
        if self.kind != "touch" and self.value is None:
            raise ValueError(f"a {self.kind} needs a value")
        if self.value is not None and (self.value < 0 or self.value != round(self.value, 2)):
            raise ValueError(f"value {self.value} must be at least 0 and in whole cents")
        return self
