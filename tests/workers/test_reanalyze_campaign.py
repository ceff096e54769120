"""A discovered keyword becomes an aspect term, end to end: related-keywords suggests it for
the camera, ``POST /campaigns/{id}/aspects/terms`` adds it, and ``sensing.reanalyze_campaign``
on a real worker (over Redis, SQLite store) re-runs the aspects step over the posts already
stored, so a post that says "bokeh" without "camera" now speaks of the camera."""

from __future__ import annotations

import pytest
from celery import Celery
from fastapi.testclient import TestClient

from analysis.pipeline import BatchContext, build_pipeline
from api.app import create_app
from nlp.steps.aspects import Aspects
from sensing.config import Settings
from sensing.schemas import PipelineInfo, Post
from sensing.store import Store
from tests.nlp.test_related_keywords import CAMPAIGN, analysed, other_campaign

TIMEOUT = 120
ANALYSIS = build_pipeline([{"step": "sentiment"}, {"step": "aspects"}])
CAMERA_BOKEH = ["The Nova Lumina camera bokeh is dreamy",
                "Nova Lumina portrait camera bokeh looks creamy",
                "nova lumina camera bokeh beats my old DSLR",
                "nova lumina camera gives real optical bokeh",
                "nova lumina camera bokeh on pets is lovely",
                "Loving the nova lumina camera bokeh at dusk",
                "nova lumina camera bokeh is smooth and natural",
                "nova lumina camera bokeh rivals a real lens"]
SAYS_BOKEH_ONLY = "mastodon:x/30"
"""'Nova Lumina bokeh shots are amazing': no camera word, so no aspect before."""
EMPTY = "mastodon:x/40"


def conversation() -> list[Post]:
    """Eight camera clauses with "bokeh", five battery posts, four "low light" posts (a
    built-in camera term), two posts that say "bokeh" alone, an empty one; analysed by the
    sentiment and aspects steps as the worker leaves them in the store."""
    posts = [analysed(n, text) for n, text in enumerate(CAMERA_BOKEH)]
    posts += [analysed(10 + n, "nova lumina battery drains by lunch") for n in range(5)]
    posts += [analysed(20 + n, "nova lumina low light shots are superb") for n in range(4)]
    posts += [analysed(30 + n, "Nova Lumina bokeh shots are amazing") for n in range(2)]
    posts.append(analysed(40, ""))
    ANALYSIS.run(posts, BatchContext(campaign=CAMPAIGN))
    # Analysed long ago: an older aspects step, and a clean step this re-run does not touch.
    posts[-3].pipeline = PipelineInfo(version="0ld", steps={"clean": "1.0", "aspects": "0.9"})
    return posts


@pytest.fixture
def client(settings: Settings, celery_app: Celery, worker: None, store: Store) -> TestClient:
    store.save_campaign(CAMPAIGN)
    store.upsert_posts([*conversation(), *other_campaign()])
    return TestClient(create_app(settings, store=store, celery=celery_app))


def related(client: TestClient) -> dict[str, dict]:
    response = client.get("/campaigns/x2/related-keywords", params={"limit": 200})
    assert response.status_code == 200
    return {t["term"]: t for t in response.json()["terms"]}


def test_an_accepted_suggestion_reaches_the_posts_already_stored(
        client: TestClient, celery_app: Celery, store: Store) -> None:
    terms = related(client)
    assert terms["bokeh"]["aspect"] == "camera"
    assert terms["bokeh"]["aspect_evidence"] == {"aspect": "camera", "posts": 8, "share": 1.0}
    assert (terms["low light"]["aspect"], terms["low light"]["known_aspects"]) == (
        None, ["camera"])
    [before] = store.get_posts([SAYS_BOKEH_ONLY])
    assert before.aspects == []

    accepted = client.post("/campaigns/x2/aspects/terms",
                           json={"aspect": "camera", "terms": ["bokeh"]}).json()
    summary = celery_app.AsyncResult(accepted["task_id"]).get(timeout=TIMEOUT)

    assert summary == {"campaign_id": "x2", "steps": ["aspects"], "posts": 20, "indexed": 20,
                       "problems": [], "index_errors": []}
    [after, empty] = store.get_posts([SAYS_BOKEH_ONLY, EMPTY])
    [camera] = after.aspects
    assert (camera.aspect, camera.sentiment) == ("camera", "positive")
    assert "bokeh" in camera.evidence
    assert after.pipeline == PipelineInfo(version="0ld", steps={"clean": "1.0",
                                                                "aspects": Aspects.version})
    assert empty.aspects == [] and empty.pipeline.steps["aspects"] == Aspects.version
    battery = store.get_posts(["mastodon:x/10"])[0]
    assert [a.aspect for a in battery.aspects] == ["battery"]
    assert store.get_posts(["mastodon:x/100"])[0].pipeline.steps == {}  # not the campaign's
    # bokeh is a camera term now: nothing left to suggest.
    assert (related(client)["bokeh"]["aspect"], related(client)["bokeh"]["known_aspects"]) == (
        None, ["camera"])


def test_reanalysing_again_changes_nothing(client: TestClient, celery_app: Celery,
                                           store: Store) -> None:
    ids = [f"mastodon:x/{n}" for n in (0, 10, 20, 30, 31, 40)]
    first = celery_app.send_task("sensing.reanalyze_campaign", args=["x2", ["aspects"]])
    first.get(timeout=TIMEOUT)
    done = [p.model_dump() for p in store.get_posts(ids)]
    second = celery_app.send_task("sensing.reanalyze_campaign", args=["x2", ["aspects"]])
    assert second.get(timeout=TIMEOUT)["indexed"] == 20
    assert [p.model_dump() for p in store.get_posts(ids)] == done


@pytest.mark.parametrize(("args", "reason"), [
    (["nope", ["aspects"]], "no campaign 'nope'"),
    (["x2", ["dedupe"]], "cannot be re-run on stored posts"),
    (["x2", ["sentiment-lexicon"]], "not in the worker's pipeline"),
])
def test_a_reanalysis_that_cannot_run_says_why(client: TestClient, celery_app: Celery,
                                               args: list, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        celery_app.send_task("sensing.reanalyze_campaign", args=args).get(timeout=TIMEOUT)
