"""The report's findings beyond volume: sentiment with intervals and a correction for the
number of comparisons, the aspect table, share of voice against competitors, new and rising
hashtags, shifts in what images show, and the data quality behind every number.

Every count is of the posts in reports (:func:`nlp.related_keywords.reports_filter`):
relevant, original, not spam; only the data-quality section counts what was left out, and
says how much. With several labels or aspects tested at once, some would pass p < 0.05 by
chance, so each family of tests is corrected by Holm's step-down method, and a finding is
called significant only on its adjusted p.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from nlp.related_keywords import reports_filter
from reports.examples import most_engaged
from reports.statistics import two_proportion_test
from sensing.schemas import Campaign
from sensing.store import PostFilter, Store
from sensing.store.base import SENTIMENT_LABELS, Aggregations

ALPHA = 0.05
MIN_MENTIONS = 5      # an aspect spoken of less than this in both windows is not tested
NEW_TAG_POSTS = 3     # a hashtag unseen before the launch counts as new from this many posts
EVIDENCE = 3


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a share: sound at small n and near 0 or 1."""
    if not n:
        return 0.0, 0.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def holm(p_values: list[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values, in the order given (monotone, capped at 1)."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [1.0] * len(p_values)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


class LabelShare(BaseModel):
    label: str
    pre: float
    post: float
    pre_interval: tuple[float, float]
    post_interval: tuple[float, float]
    change: float
    p_value: float
    p_adjusted: float = Field(description="Holm-adjusted over the three labels.")
    significant: bool


class SentimentSection(BaseModel):
    rated_pre: int
    rated_post: int
    labels: list[LabelShare]
    correction: str = "holm"


class AspectRow(BaseModel):
    aspect: str
    mentions_pre: int
    mentions_post: int
    positive_pre: float
    positive_post: float
    negative_pre: float
    negative_post: float
    net_change: float = Field(description="Net sentiment (positive − negative share) after "
                              "minus before.")
    p_value: float = Field(description="Two-proportion test of the negative share.")
    p_adjusted: float = Field(description="Holm-adjusted over the aspects tested.")
    verdict: str = Field(description="improved, worsened (significant after correction) or "
                         "steady.")
    evidence: list[str] = Field(default_factory=list, description="Most engaged posts after "
                                "the launch with the aspect's dominant verdict.")


class VoiceShare(BaseModel):
    campaign: str
    posts_pre: int
    posts_post: int
    share_pre: float
    share_post: float


class HashtagRow(BaseModel):
    tag: str
    posts_pre: int
    posts_post: int
    growth: float = Field(description="Share of posts after over share before (smoothed).")
    new: bool


class ImageShift(BaseModel):
    label: str
    share_pre: float
    share_post: float
    change: float
    images_post: int
    hashtags: list[str]


class DataQuality(BaseModel):
    collected: int = Field(description="Posts of the campaign stored in the report's window.")
    duplicates: int
    spam: int
    off_topic: int = Field(description="Below the campaign's relevance threshold.")
    counted: int
    langs: dict[str, int]
    sources: dict[str, int]
    gaps: list[str] = Field(default_factory=list, description="Sources that fell silent or "
                            "were not crawled when due: numbers from them may be low.")
    due_at: datetime | None = Field(None, description="When a scheduled report was due.")
    late: bool = Field(False, description="Made past its deadline: its numbers are those of "
                       "when it was made, not of when it was due.")


def sentiment_section(pre: Aggregations, post: Aggregations) -> SentimentSection:
    before = {b.key: b.count for b in pre.sentiment}
    after = {b.key: b.count for b in post.sentiment}
    n0, n1 = sum(before.values()), sum(after.values())
    tests = [two_proportion_test(before.get(lb, 0), n0, after.get(lb, 0), n1)
             for lb in SENTIMENT_LABELS]
    adjusted = holm([p for _, p in tests])
    labels = []
    for label, (_, p), p_adj in zip(SENTIMENT_LABELS, tests, adjusted, strict=True):
        share0 = before.get(label, 0) / n0 if n0 else 0.0
        share1 = after.get(label, 0) / n1 if n1 else 0.0
        labels.append(LabelShare(label=label, pre=round(share0, 4), post=round(share1, 4),
                                 pre_interval=wilson(before.get(label, 0), n0),
                                 post_interval=wilson(after.get(label, 0), n1),
                                 change=round(share1 - share0, 4), p_value=p,
                                 p_adjusted=p_adj, significant=p_adj < ALPHA))
    return SentimentSection(rated_pre=n0, rated_post=n1, labels=labels)


def aspect_table(store: Store, after: PostFilter, pre: Aggregations, post: Aggregations
                 ) -> list[AspectRow]:
    """Per aspect spoken of enough: shares before and after, the test of the negative share
    (Holm-corrected over the aspects), the verdict, and the posts behind it."""
    before = {a.aspect: a for a in pre.aspects}
    rows, tests = [], []
    for bucket in post.aspects:
        old = before.get(bucket.aspect)
        n0 = old.total if old else 0
        if max(n0, bucket.total) < MIN_MENTIONS:
            continue
        _, p = two_proportion_test(old.negative if old else 0, n0, bucket.negative,
                                   bucket.total)
        tests.append(p)
        rows.append((bucket, old, p))
    adjusted = holm(tests)
    table = []
    for (bucket, old, p), p_adj in zip(rows, adjusted, strict=True):
        def share(b, label: str) -> float:
            return getattr(b, label) / b.total if b and b.total else 0.0

        net0 = share(old, "positive") - share(old, "negative")
        net1 = share(bucket, "positive") - share(bucket, "negative")
        verdict = "steady" if p_adj >= ALPHA else (
            "worsened" if share(bucket, "negative") > share(old, "negative") else "improved")
        dominant = "negative" if bucket.negative > bucket.positive else "positive"
        table.append(AspectRow(
            aspect=bucket.aspect, mentions_pre=old.total if old else 0,
            mentions_post=bucket.total, positive_pre=round(share(old, "positive"), 4),
            positive_post=round(share(bucket, "positive"), 4),
            negative_pre=round(share(old, "negative"), 4),
            negative_post=round(share(bucket, "negative"), 4),
            net_change=round(net1 - net0, 4), p_value=p, p_adjusted=p_adj, verdict=verdict,
            evidence=most_engaged(store, after.model_copy(update={
                "aspects": [f"{bucket.aspect}:{dominant}"]}), EVIDENCE)))
    return table


def share_of_voice(store: Store, campaign: Campaign, competitors: list[Campaign]
                   ) -> list[VoiceShare]:
    """The campaign's counted posts against each competitor's, in this campaign's windows."""
    counts = []
    for found in [campaign, *competitors]:
        counts.append((found.id,
                       store.count(reports_filter(found, campaign.window_start,
                                                  campaign.launch_at)),
                       store.count(reports_filter(found, campaign.launch_at,
                                                  campaign.window_end))))
    total0 = sum(c[1] for c in counts) or 1
    total1 = sum(c[2] for c in counts) or 1
    return [VoiceShare(campaign=cid, posts_pre=n0, posts_post=n1,
                       share_pre=round(n0 / total0, 4), share_post=round(n1 / total1, 4))
            for cid, n0, n1 in counts]


def hashtag_rows(pre: Aggregations, post: Aggregations, top: int = 10) -> list[HashtagRow]:
    """Hashtags used more after the launch than before, new ones (unseen before) marked."""
    before = {b.key: b.count for b in pre.hashtags}
    rows = []
    for bucket in post.hashtags:
        count0 = before.get(bucket.key, 0)
        growth = ((bucket.count + 1) / (post.total + 1)) / ((count0 + 1) / (pre.total + 1))
        new = count0 == 0 and bucket.count >= NEW_TAG_POSTS
        if growth > 1 or new:
            rows.append(HashtagRow(tag=bucket.key, posts_pre=count0, posts_post=bucket.count,
                                   growth=round(growth, 3), new=new))
    return sorted(rows, key=lambda r: (-r.growth, r.tag))[:top]


def image_shifts(pre: Aggregations, post: Aggregations) -> list[ImageShift]:
    """What the images show more (or less) after the launch, with the hashtags beside it."""
    before = {b.label: b for b in pre.image_labels}
    shifts = [ImageShift(label=b.label, share_pre=before[b.label].share if b.label in before
                         else 0.0, share_post=b.share,
                         change=round(b.share - (before[b.label].share if b.label in before
                                                 else 0.0), 4),
                         images_post=b.images, hashtags=[h.key for h in b.hashtags[:5]])
              for b in post.image_labels]
    return sorted(shifts, key=lambda s: (-abs(s.change), s.label))


def data_quality(store: Store, campaign: Campaign, start: datetime, end: datetime,
                 now: datetime, crawl_every: timedelta) -> DataQuality:
    """What the window holds and what the report left out of it; sources silent over its
    last day while speaking before, or not crawled for three intervals, are gaps."""
    every = PostFilter(campaign_id=campaign.id, since=start, until=end)
    originals = every.model_copy(update={"include_duplicates": False})
    counted_filter = reports_filter(campaign, start, end)
    clean = originals.model_copy(update={"spam_below": counted_filter.spam_below})
    collected, original, not_spam = (store.count(every), store.count(originals),
                                     store.count(clean))
    counted = store.aggregate(counted_filter, sections=["langs", "sources"])
    last_day = store.aggregate(counted_filter.model_copy(update={
        "since": max(start, min(end, now) - timedelta(days=1))}), sections=["sources"])
    recent = {b.key for b in last_day.sources}
    gaps = [f"{b.key}: no counted post in the last day of the window (it had {b.count})"
            for b in counted.sources if b.key not in recent and end > now - timedelta(days=1)]
    for source in campaign.sources:
        crawled = campaign.crawled_at.get(source)
        if campaign.active and start <= now <= end and (
                crawled is None or now - crawled > 3 * crawl_every):
            gaps.append(f"{source}: not crawled since "
                        f"{crawled:%Y-%m-%d %H:%M} UTC" if crawled else f"{source}: never "
                        "crawled by the schedule")
    return DataQuality(collected=collected, duplicates=collected - original,
                       spam=original - not_spam, off_topic=not_spam - counted.total,
                       counted=counted.total, langs={b.key: b.count for b in counted.langs},
                       sources={b.key: b.count for b in counted.sources}, gaps=gaps)
