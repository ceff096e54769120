"""``dedupe``: exact duplicates (copy-pasta, bot posts, cross-posts) point at one original.

Within a batch the earliest post (``created_at``, then id) is the original; across batches
the store's earliest post with the same content hash is (``ctx.known_hashes``), unless that
stored post is the very post being analysed. So re-running a batch after it was stored gives
the same answers, and a retried task changes nothing.

Short texts ("wow", a bare link, one emoji) are never duplicates: different people write
them independently all the time.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, ConfigDict, Field

from nlp.pipeline import BatchContext, Step, register
from nlp.text import hash_form
from sensing.schemas import Post


class DedupeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_chars: int = Field(12, ge=1, description="Normalised texts with fewer non-space "
                           "characters than this ('wow', a bare link) are never duplicates.")


@register
class Dedupe(Step):
    name = "dedupe"
    version = "1.1"
    title = "Exact duplicates"
    description = ("Posts whose normalised text (content_hash) equals an earlier post's get "
                   "duplicate_of = that post's id, within the batch and against the store.")
    adds = ("duplicate_of",)
    Options = DedupeOptions

    def long_enough(self, post: Post) -> bool:
        return len(hash_form(post.text).replace(" ", "")) >= self.options.min_chars

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        groups: dict[str, list[Post]] = defaultdict(list)
        for post in posts:
            if post.content_hash and self.long_enough(post):
                groups[post.content_hash].append(post)
        known = ctx.known_hashes(sorted(groups)) if groups else {}
        originals: dict[str, str | None] = {post.id: None for post in posts}
        for digest, group in groups.items():
            group.sort(key=lambda p: (p.created_at, p.id))
            original = known.get(digest, group[0].id)
            for post in group:
                originals[post.id] = original if post.id != original else None
        for post in posts:
            self.apply(post, {"duplicate_of": originals[post.id]})
        return posts
