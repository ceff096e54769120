"""The pipeline: assembled from named, versioned steps by configuration; every post says
which steps made it; one bad post is a reported problem, never a failed batch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from analysis.pipeline import (
    DEFAULT_PIPELINE,
    BatchContext,
    Pipeline,
    Step,
    build_pipeline,
    registered_steps,
)
from analysis.registry import register
from nlp.steps.clean import Clean
from nlp.steps.sentiment_lexicon import LexiconSentiment
from sensing.config import DEFAULT_LANGUAGES, Settings
from sensing.schemas import Campaign, Post
from tests.nlp.conftest import PIPELINE, analyse, post


class Fragile(Step):
    """A step that breaks on posts mentioning 'boom' after computing half of its work."""

    name = "fragile"
    version = "0.1"
    title = "Fragile"
    description = "Fails on 'boom'."
    adds = ("keywords",)

    def analyse_post(self, post: Post, ctx: BatchContext) -> dict[str, Any]:
        if "boom" in post.text:
            raise ValueError("cannot handle boom")
        return {"keywords": post.text.split()[:1]}


class FragileBatch(Fragile):
    """The same, as a batch step: one bad post makes the whole call raise."""

    name = "fragile-batch"

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        updates = [self.analyse_post(p, ctx) for p in posts]
        for p, update in zip(posts, updates, strict=True):
            self.apply(p, update)
        return posts


def test_the_default_pipeline_runs_the_steps_in_order() -> None:
    assert [s.name for s in PIPELINE.steps] == [e["step"] for e in DEFAULT_PIPELINE] == \
        ["clean", "hashtags", "langid", "dedupe", "spam", "relevance", "sentiment", "aspects",
         "entities", "media"]


def test_every_post_records_the_steps_and_versions_that_made_it() -> None:
    [done] = analyse(post(1, "hello world, this is the X2"))
    assert done.pipeline.steps == {s.name: s.version for s in PIPELINE.steps}
    assert done.pipeline.version == PIPELINE.version


def test_the_pipeline_version_changes_with_options_and_only_then() -> None:
    same = build_pipeline(DEFAULT_PIPELINE)
    other = build_pipeline([{"step": "dedupe", "options": {"min_chars": 20}}
                            if entry["step"] == "dedupe" else entry for entry in DEFAULT_PIPELINE])
    assert same.version == PIPELINE.version != other.version


@pytest.mark.parametrize("fragile", [Fragile(), FragileBatch()], ids=["per-post", "batch"])
def test_one_failing_post_is_a_problem_not_a_failed_batch(fragile: Step) -> None:
    pipeline = Pipeline([Clean(), fragile, LexiconSentiment()])
    ctx = BatchContext()
    bad = post(1, "boom goes the X2")
    bad.keywords = ["kept"]
    good, broken = pipeline.run([post(2, "The camera is great"), bad], ctx)

    assert ctx.problems == [f"mastodon:x/1: {fragile.name}: ValueError: cannot handle boom"]
    assert good.keywords == ["The"] and good.sentiment is not None
    assert broken.keywords == ["kept"], "the post keeps what it had"
    assert broken.sentiment is not None, "later steps still run"
    assert fragile.name not in broken.pipeline.steps
    assert fragile.name in good.pipeline.steps


def test_a_post_a_step_cannot_read_is_reported() -> None:
    bad = post(1, "fine text here")
    bad.raw_text = 12345  # type: ignore[assignment]  # what a buggy caller could hand over
    ctx = BatchContext()
    good, broken = analyse(post(2, "The camera is great"), bad, ctx=ctx)
    assert good.sentiment.label == "positive"
    assert ctx.problems[0].startswith("mastodon:x/1: clean: ")


def test_a_step_may_only_set_the_fields_it_declares() -> None:
    class Sneaky(Fragile):
        name = "sneaky"

        def analyse_post(self, post: Post, ctx: BatchContext) -> dict[str, Any]:
            return {"lang": "xx"}

    ctx = BatchContext()
    [done] = Pipeline([Sneaky()]).run([post(1, "")], ctx)
    assert done.lang == "und"
    assert "sets ['lang'] but declares adds=('keywords',)" in ctx.problems[0]


def test_unknown_steps_and_bad_options_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="unknown analysis step 'nope'; known: aspects, clean"):
        build_pipeline([{"step": "nope"}])
    with pytest.raises(ValueError, match="bad options for step 'dedupe'"):
        build_pipeline([{"step": "dedupe", "options": {"min_chars": "many"}}])
    with pytest.raises(ValueError, match="(?s)bad options for step 'langid'.*min_confidnce"):
        build_pipeline([{"step": "langid", "options": {"min_confidnce": 0.5}}])


def test_steps_describe_themselves() -> None:
    described = {s.name: s.describe() for s in registered_steps()}
    assert list(described)[:10] == ["clean", "hashtags", "langid", "dedupe", "spam", "relevance",
                                    "sentiment", "aspects", "entities", "media"]
    assert "sentiment-lexicon" in described  # registered, outside the default pipeline
    assert described["sentiment"]["adds"] == ["sentiment"]
    assert described["dedupe"]["options"]["properties"]["min_chars"]["default"] == 12
    assert all(d["title"] and d["description"] and d["version"] for d in described.values())


def test_registering_checks_the_self_description() -> None:
    class Typo(Fragile):
        name = "typo"
        adds = ("sentimant",)

    with pytest.raises(TypeError, match="unknown Post fields"):
        register(Typo)
    with pytest.raises(ValueError, match="two analyses are named 'clean'"):
        register(type("OtherClean", (Fragile,), {"name": "clean"}))


def test_languages_come_from_the_campaign_or_a_broad_default() -> None:
    launch = Campaign(id="c", name="c", query="x2", languages=["EN", "ko"],
                      launch_at=datetime(2026, 10, 15))
    step = Clean()
    assert step.languages(BatchContext()) == list(DEFAULT_LANGUAGES)
    assert {"en", "ko", "ja", "es", "fr", "de", "pt", "zh"} <= set(DEFAULT_LANGUAGES)
    assert step.languages(BatchContext(campaign=launch)) == ["en", "ko"]
    assert Clean(settings=Settings(languages=["EN", "es"])).languages(BatchContext()) == [
        "en", "es"], "without a campaign, the deployment's SENSING_LANGUAGES"
    assert BatchContext().known_hashes(["abc"]) == {}
