"""``GET /campaigns/{id}/alerts``: the spikes and negative turns raised for a campaign, each
with its cause, its drivers and where it was delivered (:mod:`reports.alerts`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.campaigns import _campaign_or_404
from api.deps import get_store
from api.posts import reject_unknown_params
from sensing.alerts import Alert
from sensing.store import Store

router = APIRouter(prefix="/campaigns", tags=["alerts"])


@router.get("/{campaign_id}/alerts", response_model=list[Alert],
            dependencies=[Depends(reject_unknown_params({"size"}))])
def alerts(campaign_id: str,
           size: Annotated[int, Query(ge=1, le=500, description="The latest alerts.")] = 50,
           store: Store = Depends(get_store)) -> list[Alert]:
    """The campaign's alerts, newest first."""
    return store.list_alerts(_campaign_or_404(store, campaign_id).id, size)
