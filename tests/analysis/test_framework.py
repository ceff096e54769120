"""The analysis framework: every analysis describes itself the same way and is found by name,
whether it runs over posts, over authors or over a whole campaign."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.metadata import entry_points
from typing import Any

import pytest

from analysis.campaign import run_campaign_analysis
from analysis.pipeline import BatchContext, Step, build_pipeline
from analysis.registry import ENTRY_POINT_GROUP, lookup, register, registered
from nlp.cooccurrence import hashtag_cooccurrence
from sensing.schemas import Author, AuthorRef, Campaign, Post

LAUNCH = datetime(2026, 10, 16, tzinfo=UTC)


@register
class BioLength(Step):
    """A small author step written for these tests: the share of bio characters that are
    letters, as ``influence``. An author whose bio is a number makes it raise."""

    kind = "author"
    name = "test-bio-letters"
    version = "1.0"
    title = "Bio letters"
    description = "Share of the bio's characters that are letters (a test step)."
    adds = ("influence",)

    def analyse_author(self, author: Author, ctx: BatchContext) -> dict[str, Any]:
        if author.bio.isdigit():
            raise ValueError("a bio of digits")
        return {"influence": sum(c.isalpha() for c in author.bio) / len(author.bio)}


def test_an_author_step_fills_authors_and_stamps_them() -> None:
    authors = [Author(id="mastodon:a/1", source="mastodon", bio="ab12"),
               Author(id="mastodon:a/2", source="mastodon", bio="1234"),
               Author(id="mastodon:a/3", source="mastodon", bio="abcd")]
    ctx = BatchContext()
    done = build_pipeline([{"step": "test-bio-letters"}]).run(authors, ctx)
    assert [a.influence for a in done] == [0.5, None, 1.0], "the failing author is left as is"
    assert done[0].pipeline.steps == {"test-bio-letters": "1.0"}
    assert done[1].pipeline.steps == {}, "a step that failed on an author is not recorded"
    assert ctx.failed == {"mastodon:a/2": {"test-bio-letters"}}


def test_a_step_adds_only_fields_of_what_it_runs_over() -> None:
    class PostFieldOnAuthors(Step):
        kind = "author"
        name = "test-wrong-field"
        version = "1.0"
        title = description = "adds a Post field to authors"
        adds = ("sentiment",)

    with pytest.raises(TypeError, match="unknown Author fields"):
        register(PostFieldOnAuthors)

    class Unknown(Step):
        kind = "campaignish"
        name = "test-unknown-kind"
        version = "1.0"
        title = description = "runs over nothing known"
        adds = ("text",)

    with pytest.raises(TypeError, match="runs over 'campaignish'"):
        register(Unknown)


def test_one_pipeline_runs_over_one_kind() -> None:
    with pytest.raises(ValueError, match="one pipeline runs over one kind"):
        build_pipeline([{"step": "clean"}, {"step": "test-bio-letters"}])
    with pytest.raises(ValueError, match="campaign analysis, not a step"):
        build_pipeline([{"step": "hashtag-pairs"}])


class Posts:
    """A campaign's posts held in memory (the API streams them from the store)."""

    def __init__(self, posts: list[Post], others: list[Post] = ()):
        self._posts, self._others = posts, list(others)

    def posts(self) -> Iterator[Post]:
        return iter(self._posts)

    def background(self) -> Iterator[Post]:
        return iter(self._others)


def tagged(n: int, *tags: str, spam: float = 0.0) -> Post:
    return Post(id=f"mastodon:x/{n}", source="mastodon", created_at=LAUNCH,
                author=AuthorRef(id=f"mastodon:u/{n}"), raw_text="x", campaign_ids=["x2"],
                hashtags=list(tags), relevance=1.0, spam_score=spam)


def test_a_campaign_analysis_is_run_by_name_with_validated_options() -> None:
    campaign = Campaign(id="x2", name="X2", query="x2", launch_at=LAUNCH)
    posts = [tagged(n, "novalumina", "camera") for n in range(4)]
    posts += [tagged(9, "novalumina", "giveaway", spam=0.99)] * 3
    result = run_campaign_analysis("hashtag-pairs", campaign, Posts(posts), {"min_count": 2})
    assert result == hashtag_cooccurrence(posts[:4], min_count=2)
    assert [(p.a, p.b) for p in result.pairs] == [("camera", "novalumina")], "spam left out"
    with pytest.raises(ValueError, match="bad options for 'hashtag-pairs'"):
        run_campaign_analysis("hashtag-pairs", campaign, Posts(posts), {"min_cont": 2})
    with pytest.raises(ValueError, match="not a campaign analysis"):
        run_campaign_analysis("clean", campaign, Posts(posts))


def test_every_declared_analysis_loads_under_its_own_name() -> None:
    declared = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert {"clean", "sentiment", "media", "related-keywords", "hashtag-pairs"} <= declared
    for name in declared:
        cls = lookup(name)
        assert cls.name == name
        assert cls.describe()["kind"] in {"post", "author", "campaign"}
    assert {cls.name for cls in registered("campaign")} >= {"related-keywords",
                                                            "hashtag-pairs"}
    with pytest.raises(ValueError, match="unknown analysis 'nope'"):
        lookup("nope")


def test_a_pipeline_imports_only_the_steps_it_names() -> None:
    """Steps are found by name, so text analysis never loads the vision code."""
    code = ("import json, sys; from analysis.pipeline import build_pipeline; "
            "build_pipeline([{'step': 'clean'}, {'step': 'hashtags'}]); "
            "print(json.dumps([m for m in sys.modules if m.split('.')[0] in ('vision', 'nlp')]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    loaded = json.loads(done.stdout)
    assert "nlp.steps.clean" in loaded
    assert not [m for m in loaded if m.startswith("vision")], loaded
