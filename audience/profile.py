"""The audience table: what share of an audience's attention goes to each interest category,
and within a category to each subcategory, with 95% confidence intervals and the sample size.

An audience is a set of classified author profiles (a campaign's engaged authors, or one
influencer's follower sample). Each author weighs the same: the category share is the mean of
the authors' shares (an author who posts 75% about gym and 25% about travel adds 0.75 and
0.25), so a prolific poster does not outvote everyone else. A subcategory's share is taken
*within* its category: the category-weighted mean of the authors' subcategory splits, so
"Make-up 25%" reads as a quarter of the Fashion/Beauty attention, as marketers read the table.

The intervals are percentile bootstrap intervals over authors (resampled with a fixed seed,
so the same audience always gets the same table): the shares are means of bounded values and
the subcategory shares are ratios, for which textbook normal intervals are wrong near 0 and
1 and with the small samples (20 followers) a crawl often brings back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from pydantic import BaseModel, Field

from sensing.schemas import Author, Post, SentimentLabel

CONFIDENCE = 0.95
RESAMPLES = 1000
SEED = 20261203


class Share(BaseModel):
    """A share with its 95% interval; all three in 0..1."""

    share: float
    ci_low: float
    ci_high: float


class SubcategoryShare(Share):
    """A subcategory's share *within* its category (a category's subcategories sum to 1,
    less the part of authors whose subcategory could not be told)."""

    subcategory: str
    name: str


class CategoryShare(Share):
    category: str
    name: str
    authors: int = Field(description="Authors with any share in this category.")
    subcategories: list[SubcategoryShare] = Field(default_factory=list)


class AudienceTable(BaseModel):
    """The table for one audience: ``sample_size`` classified authors (those with too little
    text to classify are counted in ``unclassified``, never guessed)."""

    sample_size: int
    unclassified: int
    confidence: float = CONFIDENCE
    categories: list[CategoryShare] = Field(default_factory=list)

    def share_of(self, category: str) -> float:
        """The category's share, 0 where the audience shows none of it."""
        return next((row.share for row in self.categories if row.category == category), 0.0)


def audience_profile(authors: Iterable[Author], names: Mapping[str, str] | None = None
                     ) -> AudienceTable:
    """The audience table of ``authors``: categories by share, largest first (ties by id),
    subcategories likewise within each; ``names`` gives display names by ``category`` and
    ``category/subcategory`` (the taxonomy's), else the ids are shown. Authors never
    classified (``interest_model`` unset) are left out of both counts: they are not part of
    the measured sample yet."""
    names = names or {}
    classified = [a for a in authors if a.interest_model is not None]
    measured = [a for a in classified if a.interests]
    unclassified = len(classified) - len(measured)
    if not measured:
        return AudienceTable(sample_size=0, unclassified=unclassified)
    categories = sorted({i.category for a in measured for i in a.interests})
    subs = {c: sorted({s for a in measured for i in a.interests if i.category == c
                       for s in (i.subcategory_shares or
                                 ({i.subcategory: 1.0} if i.subcategory else {}))})
            for c in categories}
    shares = np.zeros((len(measured), len(categories)))
    splits = {c: np.zeros((len(measured), len(subs[c]))) for c in categories}
    for row, author in enumerate(measured):
        for interest in author.interests:
            column = categories.index(interest.category)
            shares[row, column] += interest.share
            split = interest.subcategory_shares or (
                {interest.subcategory: 1.0} if interest.subcategory else {})
            for sub, value in split.items():
                splits[interest.category][row, subs[interest.category].index(sub)] += (
                    interest.share * value)
    resampled = np.random.default_rng(SEED).integers(0, len(measured),
                                                     (RESAMPLES, len(measured)))
    rows = []
    for column, category in enumerate(categories):
        weight = shares[:, column]
        low, high = _interval(weight.mean(), weight[resampled].mean(axis=1))
        sub_rows = []
        for index, sub in enumerate(subs[category]):
            part = splits[category][:, index]
            within = part.sum() / weight.sum() if weight.sum() else 0.0
            totals = weight[resampled].sum(axis=1)
            boot = np.divide(part[resampled].sum(axis=1), totals,
                             out=np.zeros_like(totals), where=totals > 0)
            sub_low, sub_high = _interval(within, boot)
            sub_rows.append(SubcategoryShare(
                subcategory=sub, name=names.get(f"{category}/{sub}", sub), share=within,
                ci_low=sub_low, ci_high=sub_high))
        sub_rows.sort(key=lambda r: (-r.share, r.subcategory))
        rows.append(CategoryShare(category=category, name=names.get(category, category),
                                  share=float(weight.mean()), ci_low=low, ci_high=high,
                                  authors=int((weight > 0).sum()), subcategories=sub_rows))
    rows.sort(key=lambda r: (-r.share, r.category))
    return AudienceTable(sample_size=len(measured), unclassified=unclassified, categories=rows)


def author_stances(posts: Iterable[Post]) -> dict[str, SentimentLabel]:
    """Each posting author's verdict on the campaign: the label most of their analysed posts
    carry, neutral on a tie (one rave and one rant is no verdict). The caller passes the
    posts that count (the report's filter: relevant, not spam, not duplicates)."""
    counts: dict[str, dict[str, int]] = {}
    for post in posts:
        if post.sentiment is not None:
            tally = counts.setdefault(post.author.id, {})
            tally[post.sentiment.label] = tally.get(post.sentiment.label, 0) + 1
    stances: dict[str, SentimentLabel] = {}
    for author_id, tally in counts.items():
        ranked = sorted(tally.items(), key=lambda item: -item[1])
        tied = len(ranked) > 1 and ranked[0][1] == ranked[1][1]
        stances[author_id] = "neutral" if tied else ranked[0][0]  # type: ignore[assignment]
    return stances


def sentiment_split(authors: Iterable[Author], stances: Mapping[str, SentimentLabel],
                    names: Mapping[str, str] | None = None,
                    ) -> dict[SentimentLabel, AudienceTable]:
    """The audience table of the authors who love it, of those who hate it and of the
    undecided: who says what, by what else they care about."""
    groups: dict[SentimentLabel, list[Author]] = {"positive": [], "neutral": [], "negative": []}
    for author in authors:
        if author.id in stances:
            groups[stances[author.id]].append(author)
    return {label: audience_profile(members, names) for label, members in groups.items()}


def _interval(value: float, boot: np.ndarray) -> tuple[float, float]:
    """The percentile interval of the bootstrap means, widened to hold the estimate itself
    (a skewed resampling distribution can leave it just outside)."""
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(boot, [tail, 100 - tail])
    return float(min(low, value)), float(max(high, value))
