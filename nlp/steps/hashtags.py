"""``hashtags``: one spelling per hashtag, so ``#NovaLumina``, ``novalumina`` and the
fullwidth ``＃ＮｏｖａＬｕｍｉｎａ`` count as one in aggregations."""

from __future__ import annotations

import unicodedata

from nlp.pipeline import BatchContext, Step, register
from sensing.schemas import Post


def normalise_hashtag(tag: str) -> str:
    return unicodedata.normalize("NFKC", tag).lstrip("#").strip().casefold()


@register
class Hashtags(Step):
    name = "hashtags"
    version = "1.0"
    title = "Normalise hashtags"
    description = "Hashtags lowercased (casefold), NFKC, without '#', deduplicated in order."
    adds = ("hashtags",)

    def process_post(self, post: Post, ctx: BatchContext) -> None:
        tags = (normalise_hashtag(tag) for tag in post.hashtags)
        post.hashtags = list(dict.fromkeys(tag for tag in tags if tag))
