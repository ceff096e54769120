"""``GET /campaigns/{id}/attribution`` over both stores, on the sample journey export: the
issue's models and parameters, exact totals, ROI with the spend given, and what it refuses."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from planning.conversions import import_events
from samples.journeys import LAUNCH, generate, write
from sensing.config import Settings
from sensing.schemas import Campaign
from sensing.store import Store
from workers.app import make_celery


@pytest.fixture(scope="module")
def sample():
    return generate(customers=600, seed=9)


@pytest.fixture
def client(tmp_path: Path, empty_store: Store, sample) -> Iterator[TestClient]:
    empty_store.save_campaign(Campaign(id="x2", name="X2", query="x2", launch_at=LAUNCH))
    import_events(empty_store, write(sample, tmp_path / "j.csv"), "x2", b"salt")
    settings = Settings(data_dir=tmp_path)
    with TestClient(create_app(settings, store=empty_store,
                               celery=make_celery(settings))) as client:
        yield client


def test_time_decay_with_a_half_life_sums_to_the_revenue(client: TestClient, sample) -> None:
    answer = client.get("/campaigns/x2/attribution", params={"model": "time_decay",
                                                             "half_life_days": 7})
    assert answer.status_code == 200
    report = answer.json()
    assert report["model"] == "time_decay" and report["half_life_days"] == 7
    assert Decimal(report["total_value"]) == sample.revenue
    assert sum(Decimal(c["value"]) for c in report["credits"]) == sample.revenue
    values = [Decimal(c["value"]) for c in report["credits"]]
    assert values == sorted(values, reverse=True)


def test_spend_given_in_the_request_sets_the_roi(client: TestClient) -> None:
    report = client.get("/campaigns/x2/attribution", params={
        "model": "linear", "spend": ["mastodon:100", "Reddit:50.5"]}).json()
    by = {c["channel"]: c for c in report["credits"]}
    value = Decimal(by["mastodon"]["value"])
    assert by["mastodon"]["spend"] == "100"
    assert by["mastodon"]["roi"] == pytest.approx(float((value - 100) / 100))
    assert by["reddit"]["spend"] == "50.5"
    assert by["bluesky"]["spend"] == "30000.00"  # the imported spend where none is given


def test_what_it_refuses(client: TestClient) -> None:
    get = client.get
    assert get("/campaigns/nope/attribution").status_code == 404
    assert get("/campaigns/x2/attribution", params={"model": "shapley"}).status_code == 422
    assert get("/campaigns/x2/attribution", params={"half_life_days": 0}).status_code == 422
    assert get("/campaigns/x2/attribution", params={"by": "city"}).status_code == 422
    bad = get("/campaigns/x2/attribution", params={"spend": "mastodon=100"})
    assert bad.status_code == 422 and "CHANNEL:AMOUNT" in bad.text
    assert get("/campaigns/x2/attribution", params={"spend": "x:-1"}).status_code == 422
    assert get("/campaigns/x2/attribution", params={"modle": "linear"}).status_code == 400
