"""``GET /authors/{id}`` and ``DELETE /authors/{id}``: an author profile by its id, as posts
carry it in ``author.id``, colons and slashes included (``mastodon:host/123``, Bluesky DIDs),
over SQLite and Elasticsearch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from sensing.config import Settings
from sensing.schemas import Author, AuthorRef, Interest, Post
from sensing.store import Store
from workers.app import make_celery

ANA = "mastodon:m.social/109"
ANA_B = "bluesky:did:plc:ana"


@pytest.fixture
def client(tmp_path: Path, empty_store: Store) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path)
    empty_store.upsert_authors([
        Author(id=ANA, source="mastodon", handle="@ana", followers=40, campaign_ids=["x2"],
               url="https://m.social/@ana", same_as=[ANA_B], interest_model="test@1",
               interests=[Interest(category="sports", share=1.0)]),
        Author(id=ANA_B, source="bluesky", same_as=[ANA])])
    empty_store.upsert_posts([Post(id="mastodon:m.social/1", source="mastodon",
                                   created_at=datetime(2026, 10, 16, tzinfo=UTC),
                                   author=AuthorRef(id=ANA), text="X2!")])
    app = create_app(settings, store=empty_store, celery=make_celery(settings))
    with TestClient(app) as client:
        yield client


def test_an_author_is_read_by_an_id_with_colons_and_slashes(client: TestClient) -> None:
    response = client.get(f"/authors/{ANA}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["handle"], body["followers"], body["same_as"]) == \
        (ANA, "@ana", 40, [ANA_B])
    assert body["interests"][0]["category"] == "sports"
    assert client.get(f"/authors/{ANA_B}").json()["same_as"] == [ANA]


def test_an_unknown_author_is_a_404_naming_the_id(client: TestClient) -> None:
    response = client.get("/authors/mastodon:m.social/404")
    assert response.status_code == 404
    assert "no author 'mastodon:m.social/404'" in response.json()["detail"]


def test_erasure_takes_the_profile_and_the_posts(client: TestClient) -> None:
    assert client.delete(f"/authors/{ANA}").json() == {"author_id": ANA, "posts_deleted": 1}
    assert client.get(f"/authors/{ANA}").status_code == 404
    assert client.get("/posts").json()["total"] == 0
    assert client.get(f"/authors/{ANA_B}").status_code == 200
