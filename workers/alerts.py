"""Alerts in the worker: detection on a schedule, delivery to the webhooks with back-off,
and the pass that re-sends what a restart left pending (what the ``check_alerts`` and
``deliver_alert`` tasks run).

An alert is stored, with a pending delivery per webhook, before any is attempted
(:func:`reports.alerts.detect`); each attempt is stored as it ends. So a worker killed at
any point leaves the alert pending in the store, and the next check queues its delivery
again. Delivery is therefore at least once: a receiver that must not act twice keys on the
alert's ``id``, which the message carries.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import httpx

from reports.alert_messages import message
from sensing.alerts import Alert
from sensing.config import Settings
from sensing.schemas import utcnow
from sensing.store import Store

log = logging.getLogger(__name__)
STALE = timedelta(minutes=30)  # a pending delivery untried this long is queued again
TIMEOUT = 10.0


def deliver(store: Store, alert_id: str, settings: Settings,
            client: httpx.Client | None = None) -> Alert | None:
    """Try each pending delivery of the alert once and store the outcome; the alert as
    stored after (None if it is not stored)."""
    alert = store.get_alert(alert_id)
    if alert is None:
        return None
    with client or httpx.Client(timeout=TIMEOUT) as http:
        for delivery in alert.deliveries:
            if delivery.status != "pending":
                continue
            delivery.attempts += 1
            delivery.last_attempt_at = utcnow()
            hook = settings.alert_webhooks.get(delivery.target)
            if hook is None:
                delivery.status, delivery.last_error = "failed", "no webhook of that name"
                continue
            try:
                answer = http.post(hook.url, json=message(alert, hook.format))
                answer.raise_for_status()
            except httpx.HTTPError as exc:
                delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if delivery.attempts >= settings.alert_max_attempts:
                    delivery.status = "failed"
                log.warning("alert %s to %s: attempt %d failed: %s", alert.id, delivery.target,
                            delivery.attempts, delivery.last_error)
                continue
            delivery.status, delivery.delivered_at, delivery.last_error = (
                "delivered", utcnow(), None)
    store.save_alert(alert)
    return alert


def backoff(alert: Alert) -> float:
    """Seconds before the next attempt: 10 s doubling with each attempt, at most 10 min."""
    attempts = max((d.attempts for d in alert.deliveries if d.status == "pending"), default=1)
    return float(min(600, 10 * 2 ** (attempts - 1)))


def stale_pending(store: Store, now: datetime) -> list[Alert]:
    """Pending alerts no delivery task is working on: neither detected nor tried for
    ``STALE`` (longer than the longest back-off), as a restart leaves them."""
    return [a for a in store.pending_alerts() if all(
        now - (d.last_attempt_at or a.detected_at) > STALE
        for d in a.deliveries if d.status == "pending")]
