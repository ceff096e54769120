"""Helpers for the NLP tests: posts as a crawler hands them over, and the default pipeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from analysis.pipeline import DEFAULT_PIPELINE, BatchContext, build_pipeline
from sensing.schemas import AuthorRef, Post

PIPELINE = build_pipeline(DEFAULT_PIPELINE)
LAUNCH = datetime(2026, 10, 16, tzinfo=UTC)


def post(n: int, raw: str, *, minutes: int | None = None, author: str | None = None) -> Post:
    """Post ``mastodon:x/<n>``, created ``n`` minutes after launch unless told otherwise."""
    return Post(id=f"mastodon:x/{n}", source="mastodon",
                created_at=LAUNCH + timedelta(minutes=n if minutes is None else minutes),
                author=AuthorRef(id=f"mastodon:x/{author or f'a{n}'}"), raw_text=raw)


def analyse(*posts: Post, ctx: BatchContext | None = None) -> list[Post]:
    """The default pipeline over ``posts`` as one batch."""
    return PIPELINE.run(list(posts), ctx or BatchContext())
