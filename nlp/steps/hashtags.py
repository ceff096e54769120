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
import unicodedata
from typing import Any

from nlp.hashtag_split import split_hashtag
from nlp.pipeline import BatchContext, Step, register
from sensing.schemas import Post

MAX_SEGMENTED = 30
"""Tags of one post segmented at most (the first ones): more is hashtag stuffing, whose
words are not worth the time a spam post could make the batch spend."""


def normalise_hashtag(tag: str) -> str:
    """NFKC first, so a fullwidth ``＃`` is a ``#`` before it is stripped."""
    return unicodedata.normalize("NFKC", tag).strip().lstrip("#").strip().casefold()


def _has_case(spelling: str) -> bool:
    return spelling.lower() != spelling and spelling.upper() != spelling


def best_spellings(raw_tags: list[str]) -> dict[str, str]:
    """normalised tag -> the spelling to split, in first-seen order: the first mixed-case
    spelling of the tag if there is one, else its first spelling."""
    spellings: dict[str, str] = {}
    for raw in raw_tags:
        tag = normalise_hashtag(raw)
        if tag and (tag not in spellings or _has_case(raw) and not _has_case(spellings[tag])):
            spellings[tag] = raw
    return spellings


def known_language(post: Post) -> str:
    """The post's language as far as is known here: ``langid`` runs after this step, so
    until it has, the language the platform declared (``lang_hint``), else ``und``."""
    if post.lang != "und":
        return post.lang
    hint = getattr(post, "lang_hint", None)
    return str(hint).split("-")[0].lower() if hint else "und"


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
