"""The pre/post-launch reaction report: what changed after the launch, with significance
and representative posts (:mod:`reports.render` draws and writes it)."""

from __future__ import annotations

from contextlib import closing
from datetime import datetime, timedelta
from operator import attrgetter

from pydantic import BaseModel, Field

from audience.campaign import (
    CampaignAudience,
    Influencer,
    campaign_audience,
    campaign_influencers,
)
from audience.taxonomy import Taxonomy, load_taxonomy
from nlp.related_keywords import reports_filter
from reports.sections import (
    AspectRow,
    DataQuality,
    HashtagRow,
    ImageShift,
    SentimentSection,
    VoiceShare,
    aspect_table,
    data_quality,
    hashtag_rows,
    image_shifts,
    sentiment_section,
    share_of_voice,
)
from reports.statistics import two_proportion_test
from sensing.config import get_settings
from sensing.schemas import Campaign, Post, utcnow
from sensing.store import Aggregations, Bucket, PostFilter, Store

LABELS = ("positive", "neutral", "negative")
SAMPLE = 300  # posts per window read for representative examples
TOP = 30  # hashtags, aspects and image labels read per window


class WindowStats(BaseModel):
    start: datetime
    end: datetime
    posts: int
    sentiment: dict[str, int]
    top_hashtags: list[Bucket]
    top_authors: list[Bucket]
    langs: list[Bucket]

    def share(self, label: str) -> float:
        rated = sum(self.sentiment.values())
        return self.sentiment.get(label, 0) / rated if rated else 0.0


class ShareChange(BaseModel):
    label: str
    pre: float
    post: float
    z: float
    p_value: float
    significant: bool


class Report(BaseModel):
    campaign: Campaign
    generated_at: datetime
    pre: WindowStats
    post: WindowStats
    volume: list[Bucket]
    changes: list[ShareChange]
    examples: dict[str, list[Post]]
    audience: CampaignAudience
    influencers: list[Influencer]
    share_of_voice: list[VoiceShare] = Field(default_factory=list)
    sentiment: SentimentSection
    aspects: list[AspectRow] = Field(default_factory=list)
    hashtags: list[HashtagRow] = Field(default_factory=list)
    images: list[ImageShift] = Field(default_factory=list)
    data_quality: DataQuality


def _window(store: Store, campaign: Campaign, start: datetime, end: datetime
            ) -> tuple[WindowStats, Aggregations]:
    agg = store.aggregate(reports_filter(campaign, start, end), interval="day", top=TOP)
    return WindowStats(start=start, end=end, posts=agg.total,
                       sentiment={b.key: b.count for b in agg.sentiment},
                       top_hashtags=agg.hashtags[:10], top_authors=agg.authors[:10],
                       langs=agg.langs), agg


def _examples(store: Store, campaign: Campaign, per_label: int = 3) -> dict[str, list[Post]]:
    """The most engaged (:attr:`~sensing.schemas.Post.engagement`) original posts of each
    sentiment after the launch."""
    found: dict[str, list[Post]] = {}
    after = reports_filter(campaign, campaign.launch_at, campaign.window_end)
    for label in LABELS:
        page = store.search(after.model_copy(update={"sentiment": [label]}), size=SAMPLE)
        found[label] = sorted((p for p in page.posts if not p.is_repost),
                              key=attrgetter("engagement"), reverse=True)[:per_label]
    return found


INFLUENCERS = 10


def _audience(store: Store, campaign: Campaign, taxonomy: Taxonomy
              ) -> tuple[CampaignAudience, list[Influencer]]:
    """The audience tables and the top influencers, from one read of the campaign's posts."""
    with closing(store.export(PostFilter(campaign_id=campaign.id))) as found:
        posts = list(found)
    names = taxonomy.names()
    return (campaign_audience(campaign, posts, store.campaign_authors(campaign.id), names),
            campaign_influencers(campaign, posts, store.get_authors, INFLUENCERS, names=names))


def build_report(store: Store, campaign: Campaign, taxonomy: Taxonomy | None = None) -> Report:
    """The report of ``campaign`` from what ``store`` holds now; ``taxonomy`` names the
    audience's interests (default: the deployment's, ``SENSING_INTEREST_TAXONOMY``)."""
    pre, pre_agg = _window(store, campaign, campaign.window_start, campaign.launch_at)
    post, post_agg = _window(store, campaign, campaign.launch_at, campaign.window_end)
    settings = get_settings()
    now = utcnow()
    competitors = [found for cid in campaign.competitors
                   if (found := store.get_campaign(cid)) is not None]
    volume = store.aggregate(reports_filter(campaign, campaign.window_start, campaign.window_end),
                             interval="day").volume
    audience, influencers = _audience(store, campaign, taxonomy or load_taxonomy(
        settings.interest_taxonomy))
    changes = []
    n_pre, n_post = sum(pre.sentiment.values()), sum(post.sentiment.values())
    for label in LABELS:
        z, p = two_proportion_test(pre.sentiment.get(label, 0), n_pre,
                                   post.sentiment.get(label, 0), n_post)
        changes.append(ShareChange(label=label, pre=pre.share(label), post=post.share(label),
                                   z=z, p_value=p, significant=p < 0.05))
    after = reports_filter(campaign, campaign.launch_at, campaign.window_end)
    return Report(
        campaign=campaign, generated_at=now, pre=pre, post=post, volume=volume,
        changes=changes, examples=_examples(store, campaign), audience=audience,
        influencers=influencers,
        share_of_voice=share_of_voice(store, campaign, competitors),
        sentiment=sentiment_section(pre_agg, post_agg),
        aspects=aspect_table(store, after, pre_agg, post_agg),
        hashtags=hashtag_rows(pre_agg, post_agg), images=image_shifts(pre_agg, post_agg),
        data_quality=data_quality(store, campaign, campaign.window_start, campaign.window_end,
                                  now, timedelta(minutes=settings.crawl_every_minutes)))
