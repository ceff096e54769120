"""Re-running analysis steps over a campaign's stored posts, when something those steps read
from the campaign changed: new aspect terms (``POST /campaigns/{id}/aspects/terms``) must
show on the posts already analysed, not only on the next crawl's.

The posts are streamed (``store.export``, a consistent snapshot) in batches, run through only
the named steps of the worker's own pipeline (same step objects and options, models already
loaded), and upserted by id: running it again, or a retry after a lost worker, repeats the
work and changes nothing more.

``post.pipeline`` stays true per step: the re-run steps' versions replace their entries, the
other steps' entries are kept, and so is ``version`` (the configuration of the full run that
made the rest of the document). A step that fails on a post leaves that post's field, and its
old entry, as they were.

Only steps whose inputs are the stored post and the campaign can be re-run alone
(:data:`RERUNNABLE`). ``clean`` and ``hashtags`` rewrite the text and tags every other step
read, ``dedupe`` compares with other stored posts and ``media`` fetches images: changing
those means analysing the posts again from their raw records.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from analysis.pipeline import BatchContext, Pipeline
from sensing.schemas import Campaign, PipelineInfo, Post
from sensing.store import PostFilter, PostStore

log = logging.getLogger(__name__)

RERUNNABLE = frozenset({"langid", "spam", "relevance", "sentiment", "sentiment-lexicon",
                        "aspects", "entities"})
BATCH_SIZE = 200
"""Posts per pipeline run and upsert: the aspects step scores a whole batch's clauses in one
model call, and a batch is what a crash loses."""


def rerun_pipeline(pipeline: Pipeline, steps: Sequence[str]) -> Pipeline:
    """The steps of ``pipeline`` named in ``steps``, in the pipeline's order."""
    if not steps:
        raise ValueError("no steps to re-run")
    refused = sorted(set(steps) - RERUNNABLE)
    if refused:
        raise ValueError(f"steps {refused} cannot be re-run on stored posts; re-runnable: "
                         f"{', '.join(sorted(RERUNNABLE))}")
    missing = sorted(set(steps) - {step.name for step in pipeline.steps})
    if missing:
        raise ValueError(f"steps {missing} are not in the worker's pipeline")
    return Pipeline([step for step in pipeline.steps if step.name in steps])


@dataclass
class Reanalysis:
    """What one re-run did; ``summary()`` is the task's JSON result."""

    campaign_id: str
    steps: list[str]
    posts: int = 0
    indexed: int = 0
    problems: list[str] = field(default_factory=list)
    index_errors: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "steps": self.steps, "posts": self.posts,
                "indexed": self.indexed, "problems": self.problems[:50],
                "index_errors": self.index_errors[:50]}


def _restamp(post: Post, before: PipelineInfo) -> None:
    """The stored stamp with the re-run steps' entries replaced (see the module doc)."""
    post.pipeline = PipelineInfo(version=before.version,
                                 steps={**before.steps, **post.pipeline.steps})


def reanalyze(store: PostStore, campaign: Campaign, pipeline: Pipeline,
              batch_size: int = BATCH_SIZE) -> Reanalysis:
    """Run ``pipeline`` (see :func:`rerun_pipeline`) over every stored post of ``campaign``
    and store the results."""
    result = Reanalysis(campaign.id, [step.name for step in pipeline.steps])
    with closing(store.export(PostFilter(campaign_id=campaign.id))) as stored:
        while batch := list(itertools.islice(stored, batch_size)):
            stamps = {post.id: post.pipeline for post in batch}
            ctx = BatchContext(campaign=campaign)
            done = pipeline.run(batch, ctx)
            for post in done:
                _restamp(post, stamps[post.id])
            upsert = store.upsert_posts(done)
            result.posts += len(done)
            result.indexed += upsert.created + upsert.updated
            result.problems += ctx.problems
            result.index_errors += upsert.errors
            log.info("re-ran %s on %d posts of %s", result.steps, result.posts, campaign.id)
    return result
