"""``sentiment-lexicon``: VADER plus emoji, the baseline the model step is measured against.

This was the first sentiment step; the multilingual model step (:mod:`nlp.steps.sentiment`)
replaced it in the default pipeline. It stays because ``sensing eval sentiment`` prints every
model beside it (a model that cannot beat a lexicon is not worth its cost), and because its
emoji reading (:func:`emoji_valences`) is what the model step uses to let emoji count.

English text is scored by VADER. Emoji are scored apart from the words, by
:mod:`nlp.emoji_valence` (VADER's own emoji handling reads 🔥 as negative and 👍 as neutral,
and lets "don't like it 👎" negate the emoji into praise), and their valences are added to
the words' raw VADER sum before VADER's normalisation, so one compound score comes out.

VADER's lexicon covers no other language, so other languages are scored by their emoji
alone, since an emoji means much the same in every language (model ``...:emoji-only``). A
post in another language with no emoji that carries a valence is ``neutral`` 0.0 with
model ``none:<lang>-not-covered``, so reports can tell "not measured" from "neutral".
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib.metadata import version
from typing import Any

import emoji
from pydantic import BaseModel, ConfigDict, Field
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from nlp.emoji_valence import EMOJI_VALENCE
from sensing.schemas import Post, Sentiment, SentimentLabel

MODEL = f"vader-{version('vaderSentiment')}+emoji"
COVERED = frozenset({"en"})
ALPHA = 15.0  # VADER's normalisation constant: compound = sum / sqrt(sum² + ALPHA)


def normalise(total: float) -> float:
    return total / math.sqrt(total * total + ALPHA)


def unnormalise(compound: float) -> float:
    """The raw valence sum behind a VADER compound score (the inverse of ``normalise``)."""
    compound = max(-0.9999, min(0.9999, compound))
    return compound * math.sqrt(ALPHA / (1 - compound * compound))


@lru_cache(maxsize=1)
def vader() -> SentimentIntensityAnalyzer:
    """One analyzer per process: reading its lexicon takes a while."""
    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=4096)
def emoji_valence(found: str) -> float:
    """Valence of one emoji on VADER's raw scale: our table by its first code point (so ❤️
    and 👍🏽 count as ❤ and 👍), else VADER's reading of its English name."""
    if found[0] in EMOJI_VALENCE:
        return EMOJI_VALENCE[found[0]]
    return unnormalise(vader().polarity_scores(found)["compound"])


def emoji_valences(text: str) -> list[float]:
    """The valence of every emoji in ``text``, in order, on VADER's raw scale."""
    return [emoji_valence(found["emoji"]) for found in emoji.emoji_list(text)]


class LexiconOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float = Field(0.05, ge=0, lt=1, description="|compound| below this is neutral "
                             "(VADER's own recommendation).")


@register
class LexiconSentiment(Step):
    name = "sentiment-lexicon"
    version = "1.1"
    title = "Sentiment (VADER + emoji)"
    description = ("English by VADER plus an emoji valence table; other languages by their "
                   "emoji only (model '...:emoji-only'); otherwise neutral 0.0 with model "
                   "'none:<lang>-not-covered' so reports can exclude it.")
    adds = ("sentiment",)
    Options = LexiconOptions

    def label(self, score: float) -> SentimentLabel:
        if score >= self.options.threshold:
            return "positive"
        if score <= -self.options.threshold:
            return "negative"
        return "neutral"

    def analyse_post(self, post: Post, ctx: BatchContext) -> dict[str, Any]:
        valences = emoji_valences(post.text)
        if post.lang in COVERED:
            words = vader().polarity_scores(emoji.replace_emoji(post.text, " "))
            total, model = unnormalise(words["compound"]) + sum(valences), MODEL
        elif any(valences):
            total, model = sum(valences), f"{MODEL}:emoji-only"
        else:
            return {"sentiment": Sentiment(label="neutral", score=0.0,
                                           model=f"none:{post.lang}-not-covered")}
        score = round(normalise(total), 4)
        return {"sentiment": Sentiment(label=self.label(score), score=score, model=model)}
