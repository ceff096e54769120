"""The HTTP API as an analyst and a marketer use it, over a real SQLite store and an embedded
(file-system) Celery broker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from sensing.config import Settings
from sensing.schemas import AspectSentiment, AuthorRef, Media, Post, Sentiment
from sensing.store.sqlite import SqliteStore
from workers.app import make_celery

LAUNCH = datetime(2026, 10, 15, tzinfo=UTC)
TEXTS = [
    ("en", "positive", "The Nova Lumina X2 camera is stunning at night", ["novalumina"]),
    ("en", "negative", "X2 battery drains by noon, disappointed", ["luminax2"]),
    ("ko", "positive", "노바루미나 X2 카메라 최고예요", ["노바루미나"]),
    ("ja", "neutral", "ノヴァルミナX2のカメラを店頭で試した", ["ノヴァルミナ"]),
    ("es", "negative", "La batería del Nova Lumina X2 dura poco", ["novalumina"]),
]


def seeded_posts() -> list[Post]:
    posts = []
    for n in range(30):
        lang, label, text, tags = TEXTS[n % len(TEXTS)]
        posts.append(Post(
            id=f"mastodon:test.social/{n}", source="mastodon", campaign_ids=["x2"],
            created_at=LAUNCH + timedelta(hours=6 * n - 60), author=AuthorRef(id=f"a{n % 4}"),
            text=f"{text} #{n}", raw_text=text, lang=lang, hashtags=tags,
            sentiment=Sentiment(label=label, score={"positive": 0.6, "neutral": 0.0,
                                                   "negative": -0.6}[label], model="test")))
    return posts


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path)
    store = SqliteStore(settings.sqlite_file)
    store.setup()
    store.upsert_posts(seeded_posts())
    with TestClient(create_app(settings, store=store, celery=make_celery(settings))) as client:
        yield client
    store.close()


CAMPAIGN = {"id": "x2", "name": "Nova Lumina X2", "query": '"nova lumina" OR 노바루미나',
            "languages": ["en", "ko"], "launch_at": "2026-10-15T00:00:00Z"}


def test_health_reports_store_and_broker(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["ok"] is True
    assert body["store"]["backend"] == "sqlite"
    assert body["broker"]["ok"] is True


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/posts" in client.get("/openapi.json").json()["paths"]


def test_campaigns_are_created_listed_and_read(client: TestClient) -> None:
    created = client.post("/campaigns", json=CAMPAIGN)
    assert created.status_code == 201
    assert created.json()["pre_window_days"] == 14
    assert client.post("/campaigns", json=CAMPAIGN).status_code == 409
    assert [c["id"] for c in client.get("/campaigns").json()] == ["x2"]
    assert client.get("/campaigns/x2").json()["query"] == CAMPAIGN["query"]
    assert client.get("/campaigns/nope").status_code == 404


def test_a_misspelt_campaign_field_is_an_error_not_a_default(client: TestClient) -> None:
    body = {**CAMPAIGN, "lanugages": ["ko"]}
    response = client.post("/campaigns", json=body)
    assert response.status_code == 422
    assert "lanugages" in response.text


def test_unknown_sources_and_bad_source_options_are_refused(client: TestClient) -> None:
    unknown = client.post("/campaigns", json={**CAMPAIGN, "sources": ["mastodon", "myspace"]})
    assert unknown.status_code == 422
    assert "unknown source 'myspace'" in unknown.text
    typo = client.post("/campaigns", json={**CAMPAIGN, "source_options": {
        "mastodon": {"sinse": "2026-10-01"}}})
    assert typo.status_code == 422
    assert "bad mastodon options: sinse" in typo.text
    stray = client.post("/campaigns", json={**CAMPAIGN, "source_options": {"rss": {}}})
    assert stray.status_code == 422
    assert "not one of the campaign's sources" in stray.text
    assert client.get("/campaigns").json() == []
    boards = client.post("/campaigns", json={**CAMPAIGN, "sources": ["forum"], "source_options": {
        "forum": [{"site": "kr-phone"}, {"site": "lumina-owners", "max_pages": 0}]}})
    assert boards.status_code == 422
    assert "bad forum options: max_pages" in boards.text


def test_a_crawl_runs_once_per_option_set(client: TestClient) -> None:
    boards = [{"site": "kr-phone"}, {"site": "lumina-owners"}]
    created = client.post("/campaigns", json={**CAMPAIGN, "sources": ["mastodon", "forum"],
                                              "source_options": {"forum": boards}})
    assert created.status_code == 201
    queued = client.post("/campaigns/x2/crawl", json={}).json()["tasks"]
    assert [(t["source"], t["options"]) for t in queued] == [
        ("mastodon", None), ("forum", boards[0]), ("forum", boards[1])]
    only = client.post("/campaigns/x2/crawl", json={"sources": ["forum"]}).json()["tasks"]
    assert [t["options"] for t in only] == boards
    assert client.post("/campaigns/x2/crawl", json={"sources": ["rss"]}).status_code == 400


def test_a_malformed_campaign_query_says_where(client: TestClient) -> None:
    response = client.post("/campaigns", json={**CAMPAIGN, "query": 'nova AND (lumina'})
    assert response.status_code == 422
    assert "position" in response.text or "column" in response.text


def test_search_pages_through_every_match_newest_first(client: TestClient) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params = {"q": "camera OR 카메라 OR カメラ", "campaign_id": "x2", "size": 4}
        page = client.get("/posts", params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        body = page.json()
        seen += [p["id"] for p in body["posts"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert body["total"] == 18 == len(seen) == len(set(seen))
    newest_first = client.get("/posts", params={"q": "camera", "size": 50}).json()["posts"]
    created = [p["created_at"] for p in newest_first]
    assert created == sorted(created, reverse=True)


def test_search_filters_by_language_and_sentiment(client: TestClient) -> None:
    body = client.get("/posts", params={"lang": "es", "sentiment": "negative"}).json()
    assert body["total"] == 6
    assert {p["lang"] for p in body["posts"]} == {"es"}


def test_a_bad_query_is_a_400_pointing_at_the_position(client: TestClient) -> None:
    response = client.get("/posts", params={"q": "camera AND (battery"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail["error"] == "query_syntax"
    assert isinstance(detail["position"], int)
    assert "^" in detail["explain"]


def test_an_unknown_parameter_is_rejected_not_ignored(client: TestClient) -> None:
    response = client.get("/posts", params={"sentimnet": "negative"})
    assert response.status_code == 400
    assert "sentimnet" in response.json()["detail"]


def test_aggregations_count_volume_sentiment_and_hashtags(client: TestClient) -> None:
    body = client.get("/aggregations", params={"campaign_id": "x2", "interval": "day"}).json()
    assert body["total"] == 30
    assert sum(b["count"] for b in body["volume"]) == 30
    assert {b["key"]: b["count"] for b in body["sentiment"]} == \
        {"positive": 12, "negative": 12, "neutral": 6}
    assert body["hashtags"][0] == {"key": "novalumina", "count": 12}


def off_topic_posts() -> list[Post]:
    """Three posts about another "Lumina" (a paint brand): the relevance step scores them low."""
    return [Post(id=f"mastodon:test.social/paint{n}", source="mastodon", campaign_ids=["x2"],
                 created_at=LAUNCH + timedelta(hours=n), author=AuthorRef(id="painter"),
                 text="Lumina paint sale, 20% off all colours", lang="en", hashtags=["paint"],
                 keywords=["paint sale"], relevance=0.2,
                 aspects=[AspectSentiment(aspect="price", sentiment="positive")])
            for n in range(3)]


def test_campaign_aggregations_leave_out_posts_below_its_relevance_threshold(
        client: TestClient) -> None:
    client.app.state.store.upsert_posts(off_topic_posts())
    unknown_campaign = client.get("/aggregations", params={"campaign_id": "x2"}).json()
    assert (unknown_campaign["total"], unknown_campaign["min_relevance"]) == (33, None)
    client.post("/campaigns", json={**CAMPAIGN, "relevance_threshold": 0.5})
    body = client.get("/aggregations", params={"campaign_id": "x2"}).json()
    assert (body["total"], body["min_relevance"]) == (30, 0.5)
    assert body["aspects"] == [] and body["keywords"] == []
    everything = client.get("/aggregations", params={"campaign_id": "x2",
                                                     "min_relevance": 0}).json()
    assert (everything["total"], everything["min_relevance"]) == (33, 0.0)
    assert everything["aspects"] == [
        {"aspect": "price", "positive": 3, "neutral": 0, "negative": 0, "total": 3}]
    assert client.get("/posts", params={"campaign_id": "x2"}).json()["total"] == 33
    assert client.get("/posts", params={"min_relevance": 0.5}).json()["total"] == 30


def test_aggregations_show_image_subjects_with_their_hashtags(client: TestClient) -> None:
    shot = Post(id="mastodon:test.social/cat", source="mastodon", campaign_ids=["x2"],
                created_at=LAUNCH, author=AuthorRef(id="a9"), hashtags=["novalumina", "cats"],
                media=[Media(url="https://img.example/cat.jpg", labels=[
                    {"label": "pets", "score": 0.62, "model": "effnet-lite0"},
                    {"label": "people & selfies", "score": 0.3, "model": "haar-faces"}])])
    client.app.state.store.upsert_posts([shot])
    body = client.get("/aggregations", params={"campaign_id": "x2", "top": 3}).json()
    assert body["images"] == 1
    assert body["image_labels"] == [{"label": "pets", "images": 1, "posts": 1, "share": 1.0,
                                     "hashtags": [{"key": "cats", "count": 1},
                                                  {"key": "novalumina", "count": 1}]}]
    assert body["hashtag_pairs"] == [{"a": "cats", "b": "novalumina", "count": 1}]
    strict = client.get("/aggregations", params={"label_threshold": 0.7}).json()
    assert (strict["image_labels"], strict["label_threshold"]) == ([], 0.7)
    assert client.get("/aggregations", params={"label_threshold": 2}).status_code == 422


def test_erasure_deletes_every_post_of_an_author(client: TestClient) -> None:
    assert client.delete("/authors/a1").json()["posts_deleted"] == 8
    assert client.get("/posts", params={"author_id": "a1"}).json()["total"] == 0
    assert client.get("/posts").json()["total"] == 22


def test_starting_a_crawl_queues_one_task_per_source(client: TestClient) -> None:
    client.post("/campaigns", json=CAMPAIGN)
    response = client.post("/campaigns/x2/crawl", json={"limit": 50})
    assert response.status_code == 202
    tasks = response.json()["tasks"]
    assert [t["source"] for t in tasks] == ["mastodon"]
    assert client.get(f"/tasks/{tasks[0]['task_id']}").json()["state"] == "PENDING"
    assert client.post("/campaigns/x2/crawl", json={"limt": 5}).status_code == 422
