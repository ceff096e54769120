"""``hashtags``: one spelling per hashtag, so ``#NovaLumina``, ``novalumina`` and the
fullwidth ``＃ＮｏｖａＬｕｍｉｎａ`` count as one in aggregations; and the words of compound
tags (``novaluminax2`` -> nova lumina x2), so queries and keyword discovery can read them.

The normalised tag stays the aggregation key; the words are a lookup beside it
(``post.hashtag_words``), split from the best-cased spelling the post has: a platform often
hands over lowercase tags while the text keeps the writer's ``#NovaLuminaX2``, and the case
is what marks the words.
"""

from __future__ import annotations

import itertools
from typing import Any

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from nlp.hashtag_split import bare_hashtag, mixed_case, split_hashtag
from nlp.steps.langid import hinted_language
from sensing.schemas import Post

MAX_SEGMENTED = 30
"""Tags of one post segmented at most (the first ones): more is hashtag stuffing, whose
words are not worth the time a spam post could make the batch spend."""


def normalise_hashtag(tag: str) -> str:
    """NFKC first, so a fullwidth ``＃`` is a ``#`` before it is stripped."""
    return bare_hashtag(tag).casefold()


def best_spellings(raw_tags: list[str]) -> dict[str, str]:
    """normalised tag -> the spelling to split, in first-seen order: the first mixed-case
    spelling of the tag if there is one, else its first spelling."""
    spellings: dict[str, str] = {}
    for raw in raw_tags:
        tag = normalise_hashtag(raw)
        if tag and (tag not in spellings or mixed_case(raw) and not mixed_case(spellings[tag])):
            spellings[tag] = raw
    return spellings


def known_language(post: Post) -> str:
    """The post's language as far as is known here: ``langid`` runs after this step, so
    until it has, the language the platform declared (``lang_hint``), else ``und``."""
    return post.lang if post.lang != "und" else hinted_language(post) or "und"


@register
class Hashtags(Step):
    name = "hashtags"
    version = "1.1"
    title = "Normalise and segment hashtags"
    description = ("Hashtags lowercased (casefold), NFKC, without '#', deduplicated in order; "
                   "compound tags split into words (camelCase, wordninja for one-case Latin, "
                   "kiwipiepy spacing for Korean; Japanese and Chinese left whole).")
    adds = ("hashtags", "hashtag_words")

    def analyse_post(self, post: Post, ctx: BatchContext) -> dict[str, Any]:
        spellings = best_spellings(post.hashtags)
        lang = known_language(post)
        first = itertools.islice(spellings.items(), MAX_SEGMENTED)
        words = {tag: split for tag, raw in first if len(split := split_hashtag(raw, lang)) > 1}
        return {"hashtags": list(spellings), "hashtag_words": words}
