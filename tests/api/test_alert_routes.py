"""``GET /campaigns/{id}/alerts`` over both stores: the alerts the detector raised on the
designed conversation of ``tests/reports/test_alerts.py``, newest first, with their cause."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from reports.alerts import detect
from sensing.config import Settings
from sensing.store import Store
from tests.reports.test_alerts import CAMPAIGN, NOW, ordinary_days, post
from workers.app import make_celery


@pytest.fixture
def client(tmp_path: Path, empty_store: Store) -> Iterator[TestClient]:
    empty_store.save_campaign(CAMPAIGN)
    empty_store.upsert_posts(ordinary_days())
    empty_store.upsert_posts([post(NOW - timedelta(minutes=50 - i), label="neutral",
                                   tags=("recall",)) for i in range(40)])
    detect(empty_store, CAMPAIGN, NOW, ["ops"])
    settings = Settings(data_dir=tmp_path)
    with TestClient(create_app(settings, store=empty_store,
                               celery=make_celery(settings))) as client:
        yield client


def test_the_alerts_of_a_campaign_with_their_cause(client: TestClient) -> None:
    [alert] = client.get("/campaigns/x2/alerts").json()
    assert alert["kind"] == "spike" and alert["summary"].startswith("45 posts in the hour")
    assert alert["explanation"]["hashtags"][0]["key"] == "recall"
    assert alert["deliveries"] == [{"target": "ops", "status": "pending", "attempts": 0,
                                    "last_error": None, "last_attempt_at": None,
                                    "delivered_at": None}]


def test_what_the_alerts_route_refuses(client: TestClient) -> None:
    assert client.get("/campaigns/nope/alerts").status_code == 404
    assert client.get("/campaigns/x2/alerts", params={"size": 0}).status_code == 422
    assert client.get("/campaigns/x2/alerts", params={"sise": 5}).status_code == 400
