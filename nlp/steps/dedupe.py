"""``dedupe``: exact duplicates (copy-pasta, bot posts, cross-posts) point at one original.

Within a batch the earliest post (``created_at``, then id) is the original; across batches
the store's earliest non-duplicate post with the same content hash is. Re-running a batch
gives the same answer, so a retried task changes nothing.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, ConfigDict, Field

from nlp.pipeline import BatchContext, Step, register
from nlp.steps.clean import MENTION, URL
from sensing.schemas import Post


class DedupeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_chars: int = Field(12, description="Shorter texts ('wow', a bare link) are too "
                           "common to call duplicates.")


@register
class Dedupe(Step):
    name = "dedupe"
    version = "1.0"
    title = "Exact duplicates"
    description = ("Posts whose normalised text equals an earlier post's get duplicate_of = "
                   "that post's id (within the batch and against the store).")
    adds = ("duplicate_of",)
    Options = DedupeOptions

    def process(self, posts: list[Post], ctx: BatchContext) -> None:
        groups: dict[str, list[Post]] = defaultdict(list)
        for post in posts:
            post.duplicate_of = None
            words = "".join(MENTION.sub("", URL.sub("", post.text)).split())
            if post.content_hash and len(words) >= self.options.min_chars:
                groups[post.content_hash].append(post)
        known = ctx.lookup_hashes(list(groups))
        for digest, group in groups.items():
            group.sort(key=lambda p: (p.created_at, p.id))
            original = known.get(digest, group[0].id)
            for post in group:
                if post.id != original:
                    post.duplicate_of = original
