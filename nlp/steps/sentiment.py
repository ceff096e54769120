"""``sentiment``: a first, honest sentiment step.

English text is scored by VADER (its lexicon includes emoji). Other languages are scored by
their emoji alone when they have any, since an emoji means the same in every language; with
no emoji the post is ``neutral`` 0.0 with model ``none:<lang>-not-covered``, so reports can
tell "not measured" from "neutral". The NLP issue replaces this with a multilingual model.
"""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import version

from pydantic import BaseModel, ConfigDict, Field
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from nlp.pipeline import BatchContext, Step, register
from sensing.schemas import Post, Sentiment

VADER = f"vader-{version('vaderSentiment')}"


class SentimentOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float = Field(0.05, ge=0, lt=1, description="|compound| below this is neutral "
                             "(VADER's own recommendation).")


@register
class LexiconSentiment(Step):
    name = "sentiment"
    version = "1.0"
    title = "Sentiment (VADER + emoji)"
    description = ("English by VADER; other languages by their emoji only; otherwise neutral "
                   "with model 'none:<lang>-not-covered'.")
    adds = ("sentiment",)
    Options = SentimentOptions

    @cached_property
    def analyzer(self) -> SentimentIntensityAnalyzer:
        return SentimentIntensityAnalyzer()

    def label(self, score: float) -> str:
        if score >= self.options.threshold:
            return "positive"
        if score <= -self.options.threshold:
            return "negative"
        return "neutral"

    def process_post(self, post: Post, ctx: BatchContext) -> None:
        if post.lang == "en":
            score, model = self.analyzer.polarity_scores(post.text)["compound"], VADER
        elif post.emojis:
            score = self.analyzer.polarity_scores(" ".join(post.emojis))["compound"]
            model = f"{VADER}:emoji-only"
        else:
            post.sentiment = Sentiment(label="neutral", score=0.0,
                                       model=f"none:{post.lang}-not-covered")
            return
        post.sentiment = Sentiment(label=self.label(score), score=round(score, 4), model=model)
