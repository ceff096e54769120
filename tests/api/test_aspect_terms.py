"""``POST /campaigns/{id}/aspects/terms`` over HTTP, on a real SQLite store: the terms join
the aspect, the campaign is saved, and the re-analysis of its stored posts is queued."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from nlp.aspects import TAXONOMY
from sensing.config import Settings
from sensing.schemas import AspectSpec
from sensing.store.sqlite import SqliteStore
from tests.nlp.test_related_keywords import CAMPAIGN
from workers.app import make_celery

URL = "/campaigns/x2/aspects/terms"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The API over a store holding the X2 campaign (built-in taxonomy) and a campaign with
    its own two aspects; tasks go to the embedded broker, where no worker takes them."""
    settings = Settings(data_dir=tmp_path)
    store = SqliteStore(settings.sqlite_file)
    store.setup()
    store.save_campaign(CAMPAIGN)
    store.save_campaign(CAMPAIGN.model_copy(update={"id": "own", "aspects": [
        AspectSpec(name="battery", terms=["juice"]), AspectSpec(name="hinge")]}))
    with TestClient(create_app(settings, store=store, celery=make_celery(settings))) as client:
        yield client
    store.close()


def camera_terms(campaign: dict) -> list[str]:
    return next(a["terms"] for a in campaign["aspects"] if a["name"] == "camera")


def test_adding_a_term_saves_the_campaign_and_queues_the_reanalysis(client: TestClient) -> None:
    response = client.post(URL, json={"aspect": "camera", "terms": ["bokeh", "夜景 "]})
    assert response.status_code == 200
    body = response.json()
    assert body["added"] == ["bokeh", "夜景"] and body["task_id"]
    assert [a["name"] for a in body["campaign"]["aspects"]] == list(TAXONOMY)
    assert camera_terms(body["campaign"]) == ["bokeh", "夜景"]
    assert client.get("/campaigns/x2").json() == body["campaign"]


def test_adding_the_same_terms_again_stores_them_once_and_queues_nothing(
        client: TestClient) -> None:
    first = client.post(URL, json={"aspect": "camera", "terms": ["bokeh"]}).json()
    again = client.post(URL, json={"aspect": "Camera", "terms": ["Bokeh", "bokeh"]}).json()
    assert (again["added"], again["task_id"]) == ([], None)
    assert again["campaign"] == first["campaign"]
    assert camera_terms(client.get("/campaigns/x2").json()) == ["bokeh"]


def test_a_campaigns_own_aspects_get_the_term_and_a_new_name_a_new_aspect(
        client: TestClient) -> None:
    body = client.post("/campaigns/own/aspects/terms",
                       json={"aspect": "stylus", "terms": ["s pen"]}).json()
    assert [(a["name"], a["terms"]) for a in body["campaign"]["aspects"]] == [
        ("battery", ["juice"]), ("hinge", []), ("stylus", ["s pen"])]


def test_an_unknown_campaign_is_404(client: TestClient) -> None:
    response = client.post("/campaigns/nope/aspects/terms",
                           json={"aspect": "camera", "terms": ["bokeh"]})
    assert response.status_code == 404 and "nope" in response.text


@pytest.mark.parametrize(("body", "reason"), [
    ({"aspect": "camera", "terms": []}, "at least 1 item"),
    ({"aspect": "camera"}, "missing"),
    ({"aspect": "camera", "terms": ["  "]}, "at least 1 character"),
    ({"aspect": "camera", "terms": ["x" * 65]}, "at most 64 characters"),
    ({"aspect": "camera", "terms": ["!!!"]}, "no letter or digit"),
    ({"aspect": "camera", "terms": [f"t{n}" for n in range(101)]}, "at most 100 items"),
    ({"aspect": " ", "terms": ["bokeh"]}, "at least 1 character"),
    ({"aspect": "camera", "terms": ["bokeh"], "term": "bokeh"}, "Extra inputs"),
])
def test_bad_bodies_are_refused_and_change_nothing(client: TestClient, body: dict,
                                                   reason: str) -> None:
    response = client.post(URL, json=body)
    assert response.status_code == 422 and reason in response.text
    assert client.get("/campaigns/x2").json()["aspects"] == []
