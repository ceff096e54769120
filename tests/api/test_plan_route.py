"""The campaign plan's routes over both stores, on the designed launch of
``tests/planning/launch.py``: ``GET /campaigns/{id}/plan`` in the JSON shape the issue gives,
the posts behind its evidence, re-plans and their history, tracking links and the budget
simulation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from planning.mmm import MixModel
from sensing.config import Settings
from sensing.store import Store
from tests.planning.launch import LAUNCH, designed_launch, post
from tests.planning.test_mmm import BASE, TRUTH
from workers.app import make_celery


@pytest.fixture
def store(empty_store: Store) -> Store:
    return designed_launch(empty_store)


@pytest.fixture
def client(tmp_path: Path, store: Store) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path)
    with TestClient(create_app(settings, store=store,
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


def test_a_replan_after_a_negative_turn_shows_in_the_history(client: TestClient,
                                                             store: Store) -> None:
    first = client.post("/campaigns/x2/plan", json={"threshold": 0.5})
    assert first.status_code == 201 and first.json()["changes"] == []
    store.upsert_posts([post(LAUNCH + timedelta(days=10, minutes=i), "camera", "negative")
                        for i in range(30)])
    second = client.post("/campaigns/x2/plan", json={"trigger": "camera complaints"}).json()
    history = client.get("/campaigns/x2/plan/history").json()
    assert [p["id"] for p in history["plans"]] == [second["id"], first.json()["id"]]
    latest = history["plans"][0]
    assert latest["trigger"] == "camera complaints" and latest["threshold"] == 0.5
    assert {"segment": None, "field": "message.address", "kind": "moved", "item": "camera",
            "before": "emphasise", "after": "address"} in latest["changes"]
    assert "plan" not in latest  # the list is light; the body is one more request
    whole = client.get(f"/campaigns/x2/plan/history/{second['id']}").json()
    assert [s["name"] for s in whole["plan"]["segments"]] == ["beauty", "techies"]


def test_what_the_history_refuses(client: TestClient, store: Store) -> None:
    assert client.post("/campaigns/nope/plan").status_code == 404
    assert client.post("/campaigns/x2/plan", json={"threshold": 3}).status_code == 422
    assert client.get("/campaigns/nope/plan/history").status_code == 404
    assert client.get("/campaigns/x2/plan/history", params={"size": 0}).status_code == 422
    assert client.get("/campaigns/x2/plan/history/unknown").status_code == 404
    store.save_campaign(store.get_campaign("x2").model_copy(update={"id": "other"}))
    planned = client.post("/campaigns/x2/plan").json()["id"]  # another campaign's plan id
    assert client.get(f"/campaigns/other/plan/history/{planned}").status_code == 404


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
