"""Which hashtags are used together, and how much more often than by chance.

A raw pair count mostly repeats the top-hashtag list (the two most used tags are the most
used pair); an association score says which tags belong together: ``lift`` is how many
times more often two tags share a post than if they were used independently, ``npmi`` (PMI
normalised to -1..1, Bouma 2009) ranks pairs without PMI's bias toward rare tags. Both are
taken over the posts that carry at least one hashtag, and only for pairs seen at least
``min_count`` times: below that, a pair of two one-off tags would top any PMI ranking.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from analysis.campaign import CampaignAnalysis, CampaignPosts
from analysis.registry import register
from nlp.related_keywords import in_reports
from sensing.schemas import Campaign, Post
from sensing.store._common import hashtag_pairs

PairOrder = Literal["count", "npmi"]


class HashtagPairStats(BaseModel):
    """Two hashtags (``a < b``) used together, with how strongly they are associated."""

    a: str
    b: str
    count: int = Field(description="Posts using both.")
    a_count: int = Field(description="Posts using a.")
    b_count: int = Field(description="Posts using b.")
    lift: float = Field(description="P(a, b) / (P(a) P(b)): 1 is chance, 3 three times as "
                        "often together as by chance.")
    npmi: float = Field(description="log(lift) / -log P(a, b), in -1..1; 1 when the two are "
                        "only ever used together.")


class HashtagCooccurrence(BaseModel):
    tagged_posts: int = Field(description="Posts with at least one hashtag: the universe the "
                              "probabilities are taken over.")
    min_count: int
    pairs: list[HashtagPairStats]


def hashtag_cooccurrence(posts: Iterable[Post], *, min_count: int = 3, limit: int = 20,
                         order: PairOrder = "count") -> HashtagCooccurrence:
    """The top ``limit`` pairs of tags used together in at least ``min_count`` of ``posts``,
    by count (then npmi) or by npmi (then count); ties by tag. One pass, any number of posts.
    Pairs are taken as the stores take them for aggregations (a stuffed post pairs only its
    first tags), so the counts here and in ``/aggregations`` agree."""
    tagged = 0
    singles: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for post in posts:
        tags = list(dict.fromkeys(t for t in post.hashtags if t))
        if not tags:
            continue
        tagged += 1
        singles.update(tags)
        pairs.update(hashtag_pairs(tags))
    found = [_stats(a, b, n, singles[a], singles[b], tagged)
             for (a, b), n in pairs.items() if n >= min_count]
    if order == "count":
        found.sort(key=lambda p: (-p.count, -p.npmi, p.a, p.b))
    else:
        found.sort(key=lambda p: (-p.npmi, -p.count, p.a, p.b))
    return HashtagCooccurrence(tagged_posts=tagged, min_count=min_count, pairs=found[:limit])


class HashtagPairsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(20, ge=1, le=200, description="Pairs returned at most.")
    min_count: int = Field(3, ge=1, le=100_000, description="Posts a pair must be used "
                           "together in.")
    order: PairOrder = Field("count", description="count: the most used pairs; npmi: the "
                             "most strongly associated.")


@register
class HashtagPairsAnalysis(CampaignAnalysis):
    name = "hashtag-pairs"
    version = "1.0"
    title = "Hashtag pairs"
    description = ("Hashtags used together in the campaign's relevant posts (not duplicates, "
                   "not spam), with lift and normalised PMI.")
    adds = ("tagged_posts", "pairs")
    Options = HashtagPairsOptions
    Result = HashtagCooccurrence

    def run(self, campaign: Campaign, data: CampaignPosts) -> HashtagCooccurrence:
        relevant = (post for post in data.posts() if in_reports(post, campaign))
        return hashtag_cooccurrence(relevant, min_count=self.options.min_count,
                                    limit=self.options.limit, order=self.options.order)


def _stats(a: str, b: str, both: int, a_count: int, b_count: int,
           total: int) -> HashtagPairStats:
    lift = both * total / (a_count * b_count)
    joint = both / total
    npmi = 1.0 if joint == 1.0 else math.log(lift) / -math.log(joint)
    return HashtagPairStats(a=a, b=b, count=both, a_count=a_count, b_count=b_count,
                            lift=round(lift, 4), npmi=round(npmi, 4))
