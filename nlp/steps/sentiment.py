"""``sentiment``: a first, honest sentiment step.

English text is scored by VADER, with emoji read through :mod:`nlp.emoji_valence` (VADER's
own emoji handling reads 🔥 as negative and 👍 as neutral). No other language is covered by
VADER's lexicon, so other languages are scored by their emoji alone, since an emoji means
much the same in every language (model ``...:emoji-only``). A post in another language
with no emoji that carries a valence is ``neutral`` 0.0 with model
``none:<lang>-not-covered``, so reports can tell "not measured" from "neutral". The NLP
issue replaces this step with a multilingual transformer classifier.
"""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import version
from typing import Any

import emoji
from pydantic import BaseModel, ConfigDict, Field
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from nlp.emoji_valence import EMOJI_VALENCE
from nlp.pipeline import BatchContext, Step, register
from sensing.schemas import Post, Sentiment, SentimentLabel

MODEL = f"vader-{version('vaderSentiment')}+emoji"
COVERED = frozenset({"en"})


class SentimentOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float = Field(0.05, ge=0, lt=1, description="|compound| below this is neutral "
                             "(VADER's own recommendation).")


def analyzer_with_emoji_valences() -> SentimentIntensityAnalyzer:
    """VADER with our emoji valences: each listed emoji reads as a private lexicon word, so
    VADER's rules (negation, "but", intensifiers) apply to it like to any word."""
    analyzer = SentimentIntensityAnalyzer()
    for char, valence in EMOJI_VALENCE.items():
        word = f"emojivalence{ord(char):x}"
        analyzer.emojis[char] = word
        analyzer.lexicon[word] = valence
    return analyzer


def spaced_emoji(text: str) -> str:
    """VADER glues an emoji's replacement to the next word ("😍great"); spaces prevent it."""
    return emoji.replace_emoji(text, replace=lambda found, _: f" {found} ")


@register
class LexiconSentiment(Step):
    name = "sentiment"
    version = "1.1"
    title = "Sentiment (VADER + emoji)"
    description = ("English by VADER with an emoji valence table; other languages by their "
                   "emoji only (model '...:emoji-only'); otherwise neutral 0.0 with model "
                   "'none:<lang>-not-covered' so reports can exclude it.")
    adds = ("sentiment",)
    Options = SentimentOptions

    @cached_property
    def analyzer(self) -> SentimentIntensityAnalyzer:
        return analyzer_with_emoji_valences()

    def compound(self, text: str) -> float:
        return self.analyzer.polarity_scores(text)["compound"]

    def label(self, score: float) -> SentimentLabel:
        if score >= self.options.threshold:
            return "positive"
        if score <= -self.options.threshold:
            return "negative"
        return "neutral"

    def analyse_post(self, post: Post, ctx: BatchContext) -> dict[str, Any]:
        if post.lang in COVERED:
            score, model = self.compound(spaced_emoji(post.text)), MODEL
        elif any(self.compound(char) for char in post.emojis):
            score, model = self.compound(" ".join(post.emojis)), f"{MODEL}:emoji-only"
        else:
            return {"sentiment": Sentiment(label="neutral", score=0.0,
                                           model=f"none:{post.lang}-not-covered")}
        return {"sentiment": Sentiment(label=self.label(score), score=round(score, 4),
                                       model=model)}
