"""``relevance``: is a post about the campaign's product, or the query word in another sense?

A crawl for "aurora" brings the Aurora 14 laptop and the northern lights; for "nova", a phone
and bossa nova. Keyword queries cannot tell them apart, so reports built on them count other
people's conversations as reactions to the launch.

The post and a *profile* of the campaign (its name, description and query words) are
embedded by the multilingual encoder (e5: one vector space for every language, so a Korean
post is compared with an English description), as they are written: without e5's
``query:`` prefix, so that the encoder pass is the one the sentiment model reads too
(:mod:`nlp.encoding`). Their cosine similarity is compared with a *reference*: a fixed
calibration point (option ``center``, where e5 puts loosely related texts) or, when the
campaign names negative keywords (the other senses: "northern lights", "bossa nova"), the
post's similarity to the closest of them, if that is higher. The
difference goes through a logistic curve (option ``scale``), so relevance reads as a
probability-like 0..1; the campaign's ``relevance_threshold`` decides what reports keep.

A negative keyword written out in the post also halves its relevance (option
``keyword_penalty``): literal evidence that a writer meant the other sense, kept weaker than
the semantic comparison because a product post may mention one in passing.
Posts without a campaign keep relevance 1.0: there is nothing to be relevant to.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from nlp.encoding import batch_states, reading_model
from nlp.transformer import TransformerModel
from sensing.config import get_settings
from sensing.query import positive_words
from sensing.schemas import Campaign, Post

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
CENTER = 0.81
"""Calibrated once, away from the evaluation set: the midpoint between the mean similarity
of ten posts about a "Galaxy S30" phone and ten about other galaxies (the sky, a film, a
football club, a chocolate bar) to that campaign's profile, in eight languages: 0.859 and
0.764, so 0.811 (``tests/nlp/test_relevance.py`` keeps it between them)."""


class RelevanceOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str | None = Field(None, description="Encoder path or name; default: the "
                              "settings' encoder (SENSING_ENCODER_MODEL).")
    center: float = Field(CENTER, ge=0, le=1, description="Similarity to the campaign "
                          "profile that scores 0.5 when no negative keyword is closer.")
    scale: float = Field(40.0, gt=0, description="Steepness of the logistic curve: "
                         "similarity differences of e5 are small (0.05 is a lot).")
    keyword_penalty: float = Field(0.5, ge=0, le=1, description="Factor applied when a "
                                   "negative keyword appears literally in the post.")


def folded(text: str) -> str:
    """NFKC + casefold, so fullwidth and case variants compare equal."""
    return unicodedata.normalize("NFKC", text).casefold()


def mentions(text: str, keyword: str) -> bool:
    """Whole-word match for alphabetic keywords; substring where words are not spaced (CJK)
    or carry particles (Korean)."""
    text, keyword = folded(text), folded(keyword).strip()
    if not keyword:
        return False
    if CJK.search(keyword):
        return keyword in text
    return re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", text) is not None


def profile_text(campaign: Campaign) -> str:
    """What the campaign is about, in words an encoder compares posts with."""
    words = " ".join(positive_words(campaign.query))
    return ". ".join(part for part in (campaign.name, campaign.description, words) if part)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x))))


@register
class Relevance(Step):
    name = "relevance"
    version = "1.1"
    title = "Relevance to the campaign"
    description = ("0..1: multilingual-encoder similarity of the post to the campaign's name, "
                   "description and query words, against its negative keywords (the query "
                   "word's other senses); literal negative keywords halve it.")
    adds = ("relevance",)
    Options = RelevanceOptions

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        campaign = ctx.campaign
        if campaign is None or not posts:
            return posts
        settings = self.settings or get_settings()
        model = reading_model(self.options.model or settings.encoder_path, settings)
        references = _reference_vectors(model, profile_text(campaign),
                                        tuple(campaign.negative_keywords))
        vectors = np.stack([s.vector() for s in batch_states(ctx, model,
                                                             [post.text for post in posts])])
        similarities = vectors @ references.T  # column 0: the profile; then negatives
        for post, row in zip(posts, similarities, strict=True):
            self.apply(post, self.score(post, row, campaign))
        return posts

    def score(self, post: Post, row: np.ndarray, campaign: Campaign) -> dict[str, Any]:
        reference = max([self.options.center, *row[1:].tolist()])
        relevance = logistic(self.options.scale * (float(row[0]) - reference))
        if any(mentions(post.text, keyword) for keyword in campaign.negative_keywords):
            relevance *= self.options.keyword_penalty
        return {"relevance": round(relevance, 4)}


@lru_cache(maxsize=64)
def _reference_vectors(model: TransformerModel, profile: str, negatives: tuple[str, ...]
                       ) -> np.ndarray:
    """The profile's vector, then one per negative keyword: computed once per campaign."""
    return model.embed([profile, *negatives], prefix="")
