"""``aspects``: which product aspects a post speaks about, and the sentiment towards each.

Each aspect mention (:mod:`nlp.aspects`: the campaign's aspects, or the built-in taxonomy)
is scored by the sentiment of the clause it sits in, not by the post's overall label, so
"the camera is great but the battery dies by noon" gives camera positive and battery
negative. The clauses of the whole batch go to the sentiment model in one call
(:func:`nlp.steps.sentiment.default_scorer`), so the model runs once per batch.

Rules, each for a reason:

* **A clause that is hardly more than the aspect's name** ("Camera!", "배터리…") takes the
  post's overall sentiment (the step runs after ``sentiment``): a model reading one word has
  nothing to go on, the writer's stance is the best guess. No post sentiment: neutral.
* **One entry per aspect.** When a post names an aspect in several clauses, the clauses'
  labels vote: positive and negative clauses are counted, the larger count wins; a tie goes
  to the clause the model is most sure of (largest ``|score|``); only neutral clauses give
  neutral. At most :data:`MAX_CLAUSES` clauses per aspect are read: the first ones say it.
  ``evidence`` is the first clause that carries the winning label, trimmed to 200 characters
  around the mention. The model reads that text less a Korean or Japanese concessive ending
  ("최고인데", "最高だけど"), which on its own pulls the praise before it towards negative
  (:func:`nlp.aspects.opinion`).
* **A clause that is the whole post** takes the post's sentiment when the ``sentiment``
  step used the same model: it is the same reading, and most posts are one clause, so the
  model is not run twice on them.
* **Long posts** are read up to :data:`MAX_CHARS` characters: a 1 MB paste costs what a long
  review costs, and aspects are named long before that.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from nlp.aspects import Clause, Lexicon, clauses, evidence, opinion, says_little
from nlp.steps.sentiment import default_scorer
from sensing.schemas import AspectSentiment, Post, Sentiment, SentimentLabel

MAX_CHARS = 20_000
MAX_CLAUSES = 4


@dataclass(frozen=True)
class Reading:
    """One clause read for one aspect: its evidence, what the model reads of it, and whether
    the model reads it at all."""

    aspect: str
    text: str
    scored: str
    """:func:`nlp.aspects.opinion` of the evidence."""
    inherits: bool
    """True: the clause says too little; it takes the post's sentiment."""


def readings(post: Post, lexicon: Lexicon) -> list[Reading]:
    """Up to :data:`MAX_CLAUSES` clauses for each aspect the post names, in text order."""
    text = post.text[:MAX_CHARS]
    lang = (post.lang or "und").lower()
    found: list[Reading] = []
    per_aspect: dict[str, int] = {}
    for clause in clauses(text, lang, lexicon.mentions(text, lang)):
        for aspect in _in_order(clause):
            if per_aspect.get(aspect, 0) >= MAX_CLAUSES:
                continue
            per_aspect[aspect] = per_aspect.get(aspect, 0) + 1
            first = next(m for m in clause.mentions if m.aspect == aspect)
            shown = evidence(text, clause, first)
            found.append(Reading(aspect, shown, opinion(shown, lang), says_little(text, clause)))
    return found


def _in_order(clause: Clause) -> list[str]:
    return list(dict.fromkeys(m.aspect for m in clause.mentions))


def combine(scored: list[tuple[str, Sentiment]]) -> tuple[SentimentLabel, str]:
    """One label and its evidence from an aspect's (evidence, sentiment) clauses, by the
    vote described in the module doc."""
    positive = sum(s.label == "positive" for _, s in scored)
    negative = sum(s.label == "negative" for _, s in scored)
    if positive == negative == 0:
        return "neutral", scored[0][0]
    if positive != negative:
        label: SentimentLabel = "positive" if positive > negative else "negative"
    else:
        label = max((s for _, s in scored if s.label != "neutral"), key=lambda s: abs(s.score)
                    ).label
    return label, next(text for text, s in scored if s.label == label)


@register
class Aspects(Step):
    name = "aspects"
    version = "1.0"
    title = "Product-aspect sentiment"
    description = ("aspects: [{aspect, sentiment, evidence}] for the campaign's aspects (or "
                   "the built-in multilingual taxonomy: camera, battery, price, design, "
                   "display, performance, software, sound, build quality, delivery & service, "
                   "size & weight), each scored by the sentiment model on the clause that "
                   "names it; clauses split at sentence ends and contrast words in eight "
                   "languages.")
    adds = ("aspects",)

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        lexicon = Lexicon.for_campaign(ctx.campaign.aspects if ctx.campaign else [])
        found: dict[str, list[Reading]] = {}
        for post in posts:
            try:
                found[post.id] = readings(post, lexicon)
            except Exception as exc:  # noqa: BLE001 - one bad post must not sink its batch
                ctx.report(post, self.name, exc)
        wanted = list(dict.fromkeys(r.scored for rs in found.values() for r in rs
                                    if not r.inherits))
        scores: dict[str, Sentiment] = {}
        if wanted:
            scorer = default_scorer()
            scores = {" ".join(p.text.split()): p.sentiment for p in posts
                      if p.sentiment is not None and p.sentiment.model == scorer.name}
            to_score = [text for text in wanted if text not in scores]
            scores.update(zip(to_score, scorer.score(to_score) if to_score else [],
                              strict=True))
        for post in posts:
            if post.id in found:
                self.apply(post, {"aspects": self._aspects(post, found[post.id], scores)})
        return posts

    @staticmethod
    def _aspects(post: Post, found: list[Reading], scores: dict[str, Sentiment]
                 ) -> list[AspectSentiment]:
        overall = post.sentiment or Sentiment()
        by_aspect: dict[str, list[tuple[str, Sentiment]]] = {}
        for reading in found:
            sentiment = overall if reading.inherits else scores[reading.scored]
            by_aspect.setdefault(reading.aspect, []).append((reading.text, sentiment))
        result = []
        for aspect, scored in by_aspect.items():
            label, text = combine(scored)
            result.append(AspectSentiment(aspect=aspect, sentiment=label, evidence=text))
        return result
