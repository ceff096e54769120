"""``GET /health``: is the store reachable, is the broker reachable."""

from __future__ import annotations

from celery import Celery
from fastapi import APIRouter, Depends

from api.deps import get_celery, get_store
from sensing.store import Store

router = APIRouter(tags=["health"])


def broker_status(celery: Celery) -> dict:
    """Connect to the broker once; never raises, so health always answers."""
    try:
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return {"ok": True, "url": conn.as_uri()}
    except Exception as exc:  # noqa: BLE001 - any failure is a health finding, not an error
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


@router.get("/health")
def get_health(store: Store = Depends(get_store), celery: Celery = Depends(get_celery)) -> dict:
    store_status = store.health()
    broker = broker_status(celery)
    return {"ok": bool(store_status.get("ok")) and broker["ok"], "store": store_status,
            "broker": broker}
