"""Who moves a campaign's conversation: an influence score per author, explained by its parts.

Five signals, each turned into 0..1 so that weights mean what they say:

* **reach**: followers, log-scaled up to :data:`REACH_FULL` (1k followers is not a tenth of
  10k in what a post can do, but it is not nothing either);
* **engagement**: likes, replies and shares per post, per follower (at least
  :data:`MIN_AUDIENCE`, so an account with three followers and one like is not the most
  engaging voice), ranked among the campaign's authors: the rank, not the rate, so one
  viral post does not flatten everyone else to zero. An author whose platform shows no
  follower count (a YouTube channel as its comments show it) has no rate and scores 0 here
  rather than a rate made up from a guessed audience;
* **topic**: the author's posts that the campaign's reports count (relevant, original, not
  spam), log-scaled against the most active author's;
* **centrality**: weighted PageRank in the campaign's interaction graph
  (:mod:`audience.graph`), against the most central author's;
* **penalty**, multiplying the weighted sum: one minus the mean spam score of the author's
  posts, halved again for an account its platform marks automated.

The weights are options (:class:`InfluenceWeights`) and every ranked author carries each
part's raw value, normalised value, weight and contribution, so a marketer sees *why*
someone ranks where they do.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, model_validator

from audience.graph import interaction_graph
from nlp.related_keywords import in_reports
from sensing.schemas import Author, Campaign, Post

REACH_FULL = 1_000_000
MIN_AUDIENCE = 100
BOT_FACTOR = 0.5
COMPONENTS = ("reach", "engagement", "topic", "centrality")


class InfluenceWeights(BaseModel):
    """How much each part counts; non-negative, summing to 1."""

    model_config = ConfigDict(extra="forbid")
    reach: float = Field(0.25, ge=0)
    engagement: float = Field(0.2, ge=0)
    topic: float = Field(0.25, ge=0)
    centrality: float = Field(0.3, ge=0)

    @model_validator(mode="after")
    def _sum_to_one(self) -> InfluenceWeights:
        total = sum(getattr(self, name) for name in COMPONENTS)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValueError(f"influence weights must sum to 1, these sum to {total:g}")
        return self


class Component(BaseModel):
    name: str
    raw: float = Field(description="The measured value: followers, engagement per post per "
                       "follower, counted posts, PageRank.")
    value: float = Field(description="Normalised to 0..1.")
    weight: float
    contribution: float = Field(description="weight × value × penalty: its part of the score.")


class InfluencerScore(BaseModel):
    author_id: str
    source: str
    handle: str
    name: str
    score: float
    penalty: float = Field(description="Spam and bot factor the weighted sum was multiplied "
                           "by (1: a clean, human account).")
    posts: int
    counted_posts: int = Field(description="Posts the campaign's reports count (relevant, "
                               "original, not spam).")
    components: list[Component]
    explanation: str


@dataclass
class _Tally:
    source: str = ""
    handle: str = ""
    name: str = ""
    followers: int = 0
    followers_known: bool = False
    bot: bool = False
    posts: int = 0
    counted: int = 0
    interactions: int = 0
    spam: float = 0.0
    originals: int = 0
    ids: list[str] = field(default_factory=list)


def _tallies(posts: list[Post], campaign: Campaign | None,
             authors: Mapping[str, Author]) -> dict[str, _Tally]:
    found: dict[str, _Tally] = {}
    for post in posts:
        ref = post.author
        tally = found.setdefault(ref.id, _Tally(post.source, ref.handle, ref.name))
        tally.followers = max(tally.followers, ref.followers or 0)
        tally.followers_known = tally.followers_known or ref.followers is not None
        tally.bot = tally.bot or ref.bot
        tally.posts += 1
        tally.spam += post.spam_score
        if campaign is None or in_reports(post, campaign):
            tally.counted += 1
        if not post.is_repost:
            tally.originals += 1
            tally.interactions += (post.metrics.likes + post.metrics.replies
                                   + post.metrics.shares)
    for author_id, tally in found.items():
        profile = authors.get(author_id)
        if profile is not None:
            if profile.followers is not None:
                tally.followers, tally.followers_known = profile.followers, True
            tally.handle = tally.handle or profile.handle
            tally.name = tally.name or profile.name
    return found


def _percentile(values: list[float]) -> list[float]:
    """Each value's mid-rank among ``values`` in 0..1 (ties share a rank; one value: 1)."""
    ordered = sorted(values)
    if len(ordered) < 2:
        return [1.0 for _ in values]
    return [((bisect_left(ordered, v) + bisect_right(ordered, v) - 1) / 2) / (len(ordered) - 1)
            for v in values]


def rank_influencers(posts: Iterable[Post], authors: Mapping[str, Author] | None = None,
                     campaign: Campaign | None = None, top: int | None = 20,
                     weights: InfluenceWeights | None = None) -> list[InfluencerScore]:
    """The campaign's authors by influence, highest first (ties: more counted posts, then
    id). ``authors`` (profiles by id) supply follower counts fresher than the posts'; with no
    ``campaign`` every post counts as on topic."""
    posts = list(posts)
    weights = weights or InfluenceWeights()
    tallies = _tallies(posts, campaign, authors or {})
    if not tallies:
        return []
    graph = interaction_graph(posts)
    pagerank = nx.pagerank(graph, weight="weight") if graph.number_of_edges() else {}
    top_rank = max(pagerank.values(), default=0.0)
    most_counted = max(t.counted for t in tallies.values())
    ids = sorted(tallies)
    rated = [i for i in ids if tallies[i].followers_known]
    rates = [tallies[i].interactions / max(1, tallies[i].originals)
             / max(MIN_AUDIENCE, tallies[i].followers) for i in rated]
    engagement = dict.fromkeys(ids, (0.0, 0.0))  # no follower count: no rate per follower
    engagement.update(zip(rated, zip(rates, _percentile(rates), strict=True), strict=True))
    scores = []
    for author_id in ids:
        tally = tallies[author_id]
        rank = pagerank.get(author_id, 0.0)
        parts = {
            "reach": (tally.followers, min(1.0, math.log10(1 + tally.followers)
                                           / math.log10(1 + REACH_FULL))),
            "engagement": engagement[author_id],
            "topic": (tally.counted, math.log1p(tally.counted) / math.log1p(most_counted)
                      if most_counted else 0.0),
            "centrality": (rank, rank / top_rank if top_rank else 0.0),
        }
        penalty = (1 - tally.spam / tally.posts) * (BOT_FACTOR if tally.bot else 1.0)
        components = [Component(name=name, raw=round(raw, 6), value=round(value, 4),
                                weight=getattr(weights, name),
                                contribution=round(getattr(weights, name) * value * penalty, 4))
                      for name, (raw, value) in parts.items()]
        score = round(sum(c.contribution for c in components), 4)
        scores.append(InfluencerScore(
            author_id=author_id, source=tally.source, handle=tally.handle, name=tally.name,
            score=score, penalty=round(penalty, 4), posts=tally.posts,
            counted_posts=tally.counted, components=components,
            explanation=_explain(components, tally, penalty)))
    scores.sort(key=lambda s: (-s.score, -s.counted_posts, s.author_id))
    return scores[:top] if top is not None else scores


def _explain(components: list[Component], tally: _Tally, penalty: float) -> str:
    """One line a marketer reads: each part's value and what it measured."""
    by = {c.name: c for c in components}
    rate = (f"{by['engagement'].raw:.2%} per post per follower" if tally.followers_known
            else "followers unknown")
    text = (f"reach {by['reach'].value:.2f} ({tally.followers:,} followers), "
            f"engagement {by['engagement'].value:.2f} ({rate}), "
            f"topic {by['topic'].value:.2f} ({tally.counted} counted posts), "
            f"centrality {by['centrality'].value:.2f}")
    if penalty < 1:
        why = "automated account, " if tally.bot else ""
        text += f"; ×{penalty:.2f} ({why}mean spam score {tally.spam / tally.posts:.2f})"
    return text
