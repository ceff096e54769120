"""The entry point workers call: a batch of validated posts through a pipeline."""

from __future__ import annotations

from analysis.pipeline import BatchContext, Pipeline
from sensing.schemas import Post


def analyze_posts(posts: list[Post], pipeline: Pipeline, ctx: BatchContext) -> list[Post]:
    """Analyse ``posts`` in place and return them; per-post problems land in ``ctx``."""
    return pipeline.run(posts, ctx)
