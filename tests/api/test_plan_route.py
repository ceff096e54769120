"""The campaign plan's routes over both stores, on the designed launch of
``tests/planning/test_planner.py``: ``GET /campaigns/{id}/plan`` in the JSON shape the issue
gives, the posts behind its evidence, tracking links and the budget simulation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from planning.mmm import MixModel
from sensing.config import Settings
from sensing.store import Store
from tests.planning.test_mmm import BASE, TRUTH
from tests.planning.test_planner import store as planned_store  # noqa: F401 (a fixture)
from workers.app import make_celery


@pytest.fixture
def client(tmp_path: Path, planned_store: Store) -> Iterator[TestClient]:  # noqa: F811
    settings = Settings(data_dir=tmp_path)
    with TestClient(create_app(settings, store=planned_store,
                               celery=make_celery(settings))) as client:
        yield client


def test_the_plan_has_the_issues_shape(client: TestClient) -> None:
    plan = client.get("/campaigns/x2/plan", params={"threshold": 0.5,
                                                    "segments": ["techies"]}).json()
    assert set(plan) >= {"campaign", "generated_at", "segments"}
    [techies] = plan["segments"]
    assert set(techies) >= {"segment", "target_count", "message", "hashtags", "influencers",
                            "channels", "timing", "offer"}
    assert techies["segment"] == "x2:techies" and techies["target_count"] == 1
    [camera] = techies["message"]["emphasise"]
    assert camera["aspect"] == "camera" and camera["evidence"]["mentions_post"] == 15
    assert techies["influencers"][0]["handle"] == "@techlens"
    assert techies["timing"]["best"][0] == {"day": "Fri", "hour": 21, "posts": 3,
                                            "engagement": 1500}
    assert techies["offer"]["offer"] == "coupon"


def test_what_the_plan_refuses(client: TestClient) -> None:
    assert client.get("/campaigns/nope/plan").status_code == 404
    assert client.get("/campaigns/x2/plan", params={"treshold": 0.5}).status_code == 400
    assert client.get("/campaigns/x2/plan", params={"threshold": 2}).status_code == 422


def test_posts_are_found_by_their_verdict_on_an_aspect(client: TestClient) -> None:
    """What a plan's evidence links to: the posts behind an aspect choice."""
    found = client.get("/posts", params={"campaign_id": "x2", "aspect": "battery:negative"})
    assert found.json()["total"] == 8
    both = client.get("/posts", params={"campaign_id": "x2", "aspect": ["battery", "price"]})
    assert both.json()["total"] == 12 + 3
    wrong = client.get("/posts", params={"aspect": "battery:negatve"})
    assert wrong.status_code == 400 and "negatve" in wrong.text


def test_tracking_links_from_the_plan(client: TestClient) -> None:
    made = client.post("/campaigns/x2/links", json={"base_url": "https://brand.example/x2"})
    assert made.status_code == 200, made.text
    links = made.json()
    techies = [link for link in links if link["segment"] == "techies"]
    assert [link["utm"].get("utm_term") for link in techies] == [None, "techlens", "glowup"]
    assert techies[1]["url"] == ("https://brand.example/x2?utm_source=mastodon&utm_medium="
                                 "influencer&utm_campaign=x2&utm_content=techies"
                                 "&utm_term=techlens")


def test_tracking_links_refuse_personal_data(client: TestClient) -> None:
    refused = client.post("/campaigns/x2/links", json={
        "base_url": "https://brand.example/x2",
        "links": [{"channel": "mastodon", "segment": "ana@example.com"}]})
    assert refused.status_code == 422 and "personal data" in refused.text
    assert client.post("/campaigns/x2/links", json={"base_url": "x2"}).status_code == 422


def test_a_budget_is_simulated_on_the_history_sent(client: TestClient) -> None:
    rng = np.random.default_rng(4)
    spend = {t.channel: np.where(rng.random(200) < 0.6, rng.gamma(2.0, 800.0, 200), 0.0)
             for t in TRUTH}
    outcome = MixModel(BASE, TRUTH, 1.0, 200).predict(spend) + rng.normal(0, 10, 200)
    body = {"history": {"spend": {c: v.tolist() for c, v in spend.items()},
                        "outcome": outcome.tolist()},
            "budget": {"search": 20_000, "social": 30_000}, "days": 28}
    found = client.post("/campaigns/x2/simulate", json=body)
    assert found.status_code == 200, found.text
    result = found.json()
    assert result["r2"] > 0.9 and result["roi"]["video"] is None
    assert result["outcome"] == pytest.approx(result["base"]
                                              + sum(result["incremental"].values()))
    short = {**body, "history": {"spend": {"search": [1.0] * 10}, "outcome": [1.0] * 10}}
    assert client.post("/campaigns/x2/simulate", json=short).status_code == 422
