"""Related keywords and hashtag pairs of a campaign over HTTP, from a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from sensing.config import Settings
from sensing.store.sqlite import SqliteStore
from tests.nlp.test_related_keywords import CAMPAIGN, launch_conversation, other_campaign
from workers.app import make_celery


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The launch conversation of the discovery tests (relevant camera and battery posts,
    "Lumina paint" posts, spam, copies) beside another campaign's 60 posts."""
    settings = Settings(data_dir=tmp_path)
    store = SqliteStore(settings.sqlite_file)
    store.setup()
    store.save_campaign(CAMPAIGN)
    store.upsert_posts([*launch_conversation(), *other_campaign()])
    with TestClient(create_app(settings, store=store, celery=make_celery(settings))) as client:
        yield client
    store.close()


def test_related_keywords_rank_the_campaigns_own_terms_and_expand_its_query(
        client: TestClient) -> None:
    response = client.get("/campaigns/x2/related-keywords")
    assert response.status_code == 200
    body = response.json()
    assert (body["relevant_posts"], body["background_posts"]) == (20, 75)
    top = body["terms"][0]
    assert set(top) == {"term", "kind", "count", "background_count", "z", "words", "aspect",
                        "aspect_evidence", "known_aspects"}
    assert {t["term"] for t in body["terms"][:2]} == {"periscope camera", "lunch"}
    assert "battery" not in {t["term"] for t in body["terms"]}  # the other campaign's too
    tag = next(t for t in body["terms"] if t["term"] == "nightshot")
    assert (tag["kind"], tag["words"]) == ("hashtag", ["night", "shot"])  # stored with the post
    assert '"periscope camera"' in body["expansion"]["terms"]
    assert body["expansion"]["query"].startswith(f"({CAMPAIGN.query}) OR ")


def test_limit_and_min_count_bound_the_answer(client: TestClient) -> None:
    assert len(client.get("/campaigns/x2/related-keywords?limit=1").json()["terms"]) == 1
    none = client.get("/campaigns/x2/related-keywords", params={"min_count": 11}).json()
    assert none["terms"] == [] and none["expansion"]["query"] == CAMPAIGN.query


def test_an_unknown_campaign_is_404_and_bad_parameters_are_refused(client: TestClient) -> None:
    assert client.get("/campaigns/nope/related-keywords").status_code == 404
    assert client.get("/campaigns/x2/related-keywords?limit=0").status_code == 422
    assert client.get("/campaigns/x2/related-keywords?min_count=many").status_code == 422
    misspelt = client.get("/campaigns/x2/related-keywords?limt=5")
    assert misspelt.status_code == 400 and "limt" in misspelt.text
    assert client.get("/campaigns/nope/hashtag-pairs").status_code == 404
    assert client.get("/campaigns/x2/hashtag-pairs?order=best").status_code == 422


def test_hashtag_pairs_are_counted_over_the_relevant_posts_only(client: TestClient) -> None:
    body = client.get("/campaigns/x2/hashtag-pairs").json()
    assert body["tagged_posts"] == 20  # the spam's #giveaway #nightshot is not among them
    [pair] = body["pairs"]
    assert (pair["a"], pair["b"], pair["count"]) == ("nightshot", "novalumina", 10)
    assert pair["lift"] == pytest.approx(20 * 10 / (10 * 20))
