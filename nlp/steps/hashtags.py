"""``hashtags``: one spelling per hashtag, so ``#NovaLumina``, ``novalumina`` and the
fullwidth ``＃ＮｏｖａＬｕｍｉｎａ`` count as one in aggregations."""

from __future__ import annotations

import unicodedata
from typing import Any

from nlp.pipeline import BatchContext, Step, register
from nlp.text import distinct
from sensing.schemas import Post


def normalise_hashtag(tag: str) -> str:
    """NFKC first, so a fullwidth ``＃`` is a ``#`` before it is stripped."""
    return unicodedata.normalize("NFKC", tag).strip().lstrip("#").strip().casefold()


@register
class Hashtags(Step):
    name = "hashtags"
    version = "1.0"
    title = "Normalise hashtags"
    description = "Hashtags lowercased (casefold), NFKC, without '#', deduplicated in order."
    adds = ("hashtags",)

    def analyse_post(self, post: Post, ctx: BatchContext) -> dict[str, Any]:
        tags = (normalise_hashtag(tag) for tag in post.hashtags)
        return {"hashtags": distinct([tag for tag in tags if tag])}
