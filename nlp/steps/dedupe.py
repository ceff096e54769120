"""``dedupe``: exact and near duplicates (copy-pasta, bot posts, cross-posts, reposts with a
small edit) point at one original.

Exact copies share a content hash. Within a batch the earliest post (``created_at``, then id)
is the original; across batches the store's earliest post with the same content hash is
(``ctx.known_hashes``), unless that stored post is the very post being analysed.

Near copies share MinHash LSH bands (``nlp.near_dupes``). Every post that is not an exact
copy is compared, earliest first, with the originals found so far in its batch and with the
stored originals sharing one of its bands (``ctx.near_candidates``); among the candidates
whose estimated Jaccard reaches the threshold, the earliest is its original, and with none
it is an original itself. Stored posts of the batch being analysed are left to the batch's
own pass, so re-running a batch after it was stored gives the same answers, and a retried
task changes nothing. Exact copies of a post that turns out a near copy follow it to its
original: every chain ends after one link.

Short texts ("wow", a bare link, one emoji) are never duplicates: different people write
them independently all the time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import cached_property

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from nlp.near_dupes import (
    MinHashScheme,
    band_keys,
    jaccard_estimate,
    shingles,
    signature,
    signature_from_bands,
)
from sensing.schemas import Post
from sensing.text import hash_form


class DedupeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_chars: int = Field(12, ge=1, description="Normalised texts with fewer non-space "
                           "characters than this ('wow', a bare link) are never duplicates.")
    near: bool = Field(True, description="Also link near-duplicates (MinHash LSH); False "
                       "keeps exact duplicates only.")
    threshold: float = Field(0.5, gt=0.0, le=1.0, description="Estimated Jaccard similarity "
                             "of shingle sets from which a post is a near-duplicate.")
    bands: int = Field(32, ge=1, le=256, description="LSH bands: more find less similar pairs "
                       "as candidates, at the cost of more band keys per post.")
    rows: int = Field(4, ge=1, le=32, description="MinHash values per band.")


@register
class Dedupe(Step):
    name = "dedupe"
    version = "2.0"
    title = "Exact and near duplicates"
    description = ("Posts whose normalised text (content_hash) equals an earlier post's, or "
                   "whose MinHash signature is close to an earlier original's (copy-pasta "
                   "with edits, templated bot posts), get duplicate_of = that post's id, "
                   "within the batch and against the store; minhash_bands keeps the LSH band "
                   "keys that let later batches find this original.")
    adds = ("duplicate_of", "minhash_bands")
    Options = DedupeOptions

    @cached_property
    def scheme(self) -> MinHashScheme:
        return MinHashScheme(bands=self.options.bands, rows=self.options.rows)

    def long_enough(self, post: Post) -> bool:
        return len(hash_form(post.text).replace(" ", "")) >= self.options.min_chars

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        originals = self.exact_originals(posts, ctx)
        bands: dict[str, list[str]] = {post.id: [] for post in posts}
        if self.options.near:
            signatures = {post.id: signature(shingles(post.text, self.scheme,
                                                      self.options.min_chars), self.scheme)
                          for post in posts if originals[post.id] is None}
            bands.update((post_id, band_keys(sig, self.scheme))
                         for post_id, sig in signatures.items())
            near = self.near_originals(posts, signatures, bands, ctx)
            originals = {post_id: near.get(original or post_id, original)
                         for post_id, original in originals.items()}
        for post in posts:
            original = originals[post.id]
            self.apply(post, {"duplicate_of": original,
                              "minhash_bands": bands[post.id] if original is None else []})
        return posts

    def exact_originals(self, posts: list[Post], ctx: BatchContext) -> dict[str, str | None]:
        """post id -> the original it exactly copies, or None."""
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
        return originals

    def near_originals(self, posts: list[Post], signatures: dict[str, np.ndarray | None],
                       bands: dict[str, list[str]], ctx: BatchContext) -> dict[str, str]:
        """post id -> the original it nearly copies, for the posts with a signature that do
        (greedy, earliest first: a post is compared with originals only, never with copies).
        Stored posts of this very batch are not candidates: the batch's own pass decides
        them, as it did the first time."""
        in_batch = {post.id for post in posts}
        wanted = sorted({key for keys in bands.values() for key in keys})
        originals: dict[str, tuple[datetime, np.ndarray]] = {}
        by_band: dict[str, list[str]] = defaultdict(list)
        for match in (ctx.near_candidates(wanted) if wanted else []):
            sig = signature_from_bands(match.minhash_bands, self.scheme)
            if match.id not in in_batch and sig is not None:
                originals[match.id] = (match.created_at, sig)
                for key in match.minhash_bands:
                    by_band[key].append(match.id)
        found: dict[str, str] = {}
        for post in sorted(posts, key=lambda p: (p.created_at, p.id)):
            sig = signatures.get(post.id)
            if sig is None:
                continue
            candidates = sorted({other for key in bands[post.id]
                                 for other in by_band.get(key, ())},
                                key=lambda other: (originals[other][0], other))
            if candidates:
                agree = jaccard_estimate(sig, np.stack([originals[c][1] for c in candidates]))
                close = np.flatnonzero(agree >= self.options.threshold)
                if close.size:
                    found[post.id] = candidates[close[0]]
                    continue
            originals[post.id] = (post.created_at, sig)
            for key in bands[post.id]:
                by_band[key].append(post.id)
        return found
