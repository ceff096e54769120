"""One batch through the data path: parse records -> analysis pipeline -> store.

Shared by the Celery task (``analyze_batch``) and the file command (``sensing analyze``), so a
post is analysed the same way whether it arrives from a crawl or from a JSONL file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from analysis.pipeline import BatchContext, Pipeline
from nlp.analyze import analyze_posts
from sensing.records import Rejection, parse_records
from sensing.schemas import Author, Campaign, ImageRef, Post
from sensing.store import Store
from sensing.store.base import BandMatch


@dataclass
class BatchResult:
    """What happened to one batch; ``summary()`` is the task's JSON result."""

    posts: list[Post]
    rejected: list[Rejection]
    problems: list[str] = field(default_factory=list)
    indexed: int = 0
    authors: int = 0
    index_errors: list[str] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return sum(1 for p in self.posts if p.duplicate_of)

    def summary(self) -> dict[str, Any]:
        return {
            "received": len(self.posts) + len(self.rejected),
            "rejected": len(self.rejected),
            "analysed": len(self.posts),
            "duplicates": self.duplicates,
            "indexed": self.indexed,
            "authors": self.authors,
            "problems": self.problems[:50],
            "rejections": [str(r) for r in self.rejected[:50]],
            "index_errors": self.index_errors[:50],
        }


def analyze_records(records: Iterable[bytes | str | dict[str, Any]], pipeline: Pipeline, *,
                    campaign: Campaign | None, max_text_bytes: int,
                    known_hashes: Callable[[list[str]], dict[str, str]] | None = None,
                    near_candidates: Callable[[list[str]], list[BandMatch]] | None = None,
                    known_images: Callable[[list[str]], list[ImageRef]] | None = None,
                    ) -> BatchResult:
    """Parse and analyse a batch; bad records are rejected with a reason, never fatal. The
    lookups are the :class:`BatchContext` hooks through which earlier batches are seen."""
    posts, rejected = parse_records(records, max_text_bytes)
    ctx = BatchContext(campaign=campaign)
    if known_hashes is not None:
        ctx.known_hashes = known_hashes
    if near_candidates is not None:
        ctx.near_candidates = near_candidates
    if known_images is not None:
        ctx.known_images = known_images
    if campaign is not None:
        for post in posts:
            if campaign.id not in post.campaign_ids:
                post.campaign_ids.append(campaign.id)
    analysed = analyze_posts(posts, pipeline, ctx) if posts else []
    return BatchResult(posts=analysed, rejected=rejected, problems=list(ctx.problems))


def analyze_and_index(records: Iterable[bytes | str | dict[str, Any]], pipeline: Pipeline,
                      store: Store, *, campaign: Campaign | None,
                      max_text_bytes: int) -> BatchResult:
    """The worker's unit of work. Re-running it on the same records changes nothing: upserts
    are keyed by post id, and exact and near duplicates, of texts and of images, resolve to
    the same original. Originals are looked up among the campaign's stored posts, so a repost
    in a later batch points at the post of an earlier one. The posts' authors are stored as
    author profiles in the same pass (one batched upsert, merged by author id)."""
    known = (lambda hashes: store.find_content_hashes(campaign.id, hashes)) if campaign else None
    near = (lambda bands: store.find_near_duplicates(campaign.id, bands)) if campaign else None
    images = (lambda keys: store.find_near_images(campaign.id, keys)) if campaign else None
    result = analyze_records(records, pipeline, campaign=campaign, max_text_bytes=max_text_bytes,
                             known_hashes=known, near_candidates=near, known_images=images)
    if result.posts:
        upsert = store.upsert_posts(result.posts)
        result.indexed = upsert.created + upsert.updated
        result.index_errors = upsert.errors
        authors = store.upsert_authors(map(post_author, result.posts))
        result.authors = authors.created + authors.updated
        result.index_errors += [f"author {error}" for error in authors.errors]
    return result


def post_author(post: Post) -> Author:
    """The author profile a post shows (its :class:`~sensing.schemas.AuthorRef`), as seen
    when the post was collected: every post author is an author of the index, merged by the
    store with what author-mode crawls and other posts have shown of the same id."""
    return Author.model_validate({**post.author.model_dump(), "source": post.source,
                                  "campaign_ids": post.campaign_ids,
                                  "updated_at": post.collected_at})
