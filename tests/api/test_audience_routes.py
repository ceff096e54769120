"""``GET /campaigns/{id}/influencers`` and ``GET /campaigns/{id}/audience`` over both stores:
a small launch conversation (a reviewer everyone answers, fans, a critic) whose authors and
sampled followers carry interests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from sensing.config import Settings
from sensing.schemas import Author, AuthorRef, Campaign, Interest, Metrics, Post, Sentiment
from sensing.store import Store
from workers.app import make_celery

CAMPAIGN = Campaign(id="x2", name="X2", query="x2", launch_at=datetime(2026, 10, 15, tzinfo=UTC))
MODEL = "interests-test@1"


def interested(author_id: str, category: str, sub: str, **fields) -> Author:
    return Author(id=author_id, source="mastodon", campaign_ids=["x2"], interest_model=MODEL,
                  interests=[Interest(category=category, subcategory=sub, share=1.0,
                                      subcategory_shares={sub: 1.0})], **fields)


def said(n: int, author: str, label: str, followers: int = 100, **fields) -> Post:
    return Post(id=f"mastodon:h/{n}", source="mastodon", campaign_ids=["x2"],
                created_at=datetime(2026, 10, 16, tzinfo=UTC), text="the x2",
                author=AuthorRef(id=f"mastodon:h/{author}", handle=f"@{author}",
                                 followers=followers),
                sentiment=Sentiment(label=label), **fields)


@pytest.fixture
def client(tmp_path: Path, empty_store: Store) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path)
    empty_store.save_campaign(CAMPAIGN)
    review = said(1, "reviewer", "positive", 80_000, metrics=Metrics(likes=900))
    empty_store.upsert_posts([
        review, *(said(10 + i, f"fan{i}", "positive", 50, in_reply_to=review.id)
                  for i in range(3)),
        said(20, "critic", "negative", 300, mentions=["@reviewer"])])
    followers = [interested(f"mastodon:h/f{i}", "technology" if i < 3 else "sports",
                            "gadgets" if i < 3 else "tennis", followers_of=["mastodon:h/reviewer"])
                 for i in range(4)]
    empty_store.upsert_authors([
        Author(id="mastodon:h/reviewer", source="mastodon", campaign_ids=["x2"],
               follower_sample=[f.id for f in followers]),
        *followers,
        *(interested(f"mastodon:h/fan{i}", "fashion_beauty", "make_up") for i in range(3)),
        interested("mastodon:h/critic", "news_politics", "economy")])
    app = create_app(settings, store=empty_store, celery=make_celery(settings))
    with TestClient(app) as client:
        yield client


def test_influencers_are_ranked_with_their_parts_and_their_followers_interests(
        client: TestClient) -> None:
    response = client.get("/campaigns/x2/influencers", params={"limit": 3})
    assert response.status_code == 200
    ranked = response.json()
    assert len(ranked) == 3
    top = ranked[0]
    assert top["handle"] == "@reviewer"
    assert {c["name"] for c in top["components"]} == {"reach", "engagement", "topic",
                                                      "centrality"}
    assert "80,000 followers" in top["explanation"]
    audience = top["follower_audience"]
    assert (top["followers_sampled"], audience["sample_size"]) == (4, 4)
    assert [(row["category"], row["share"]) for row in audience["categories"]] == [
        ("technology", 0.75), ("sports", 0.25)]
    assert audience["categories"][0]["name"] == "Technology"


def test_influencer_weights_are_checked(client: TestClient) -> None:
    response = client.get("/campaigns/x2/influencers", params={"reach": 0.9})
    assert response.status_code == 422
    assert "sum to 1" in response.text
    only_reach = {"reach": 1, "engagement": 0, "topic": 0, "centrality": 0}
    assert client.get("/campaigns/x2/influencers", params=only_reach).status_code == 200
    assert client.get("/campaigns/nope/influencers").status_code == 404


def test_the_audience_table_engaged_followers_and_by_verdict(client: TestClient) -> None:
    response = client.get("/campaigns/x2/audience", params={"lang": "ko"})
    assert response.status_code == 200
    body = response.json()
    engaged = body["engaged"]
    assert engaged["sample_size"] == 4, "three fans and the critic; the reviewer: no interests"
    assert engaged["categories"][0]["category"] == "fashion_beauty"
    assert engaged["categories"][0]["share"] == 0.75
    assert engaged["categories"][0]["name"] == "패션·뷰티"
    assert engaged["categories"][0]["subcategories"][0]["subcategory"] == "make_up"
    assert body["followers"]["sample_size"] == 4
    assert body["overall"]["sample_size"] == 8
    assert body["by_sentiment"]["negative"]["categories"][0]["category"] == "news_politics"
    first = engaged["categories"][0]
    assert first["ci_low"] <= first["share"] <= first["ci_high"]
    assert client.get("/campaigns/x2/audience", params={"size": 3}).status_code == 400
