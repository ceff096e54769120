"""The campaign plan's shape: per customer segment, who to target (the propensity scores),
with which message (aspects to emphasise and to address), hashtags, influencers, channels,
timing and offer. Every choice carries the evidence it was made on, so a marketer can check
it and a re-plan can say what moved; :mod:`planning.planner` fills it from the store."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sensing.schemas import Model


class AspectEvidence(Model):
    """How posts spoke of one aspect before and after the launch (posts, not mentions; shares
    of the posts speaking of it), the test of the change the choice rests on, and the most
    engaged posts behind it."""

    mentions_pre: int
    mentions_post: int
    positive_pre: float
    positive_post: float
    negative_pre: float
    negative_post: float
    change: float = Field(description="Net sentiment (positive − negative share) after the "
                          "launch minus before it.")
    p_value: float = Field(description="Two-proportion test of the share the choice rests on "
                           "(positive to emphasise, negative to address), before vs after.")
    posts: list[str] = Field(default_factory=list, description="2–3 representative post ids.")


class AspectChoice(Model):
    aspect: str
    why: str
    evidence: AspectEvidence


class Message(Model):
    emphasise: list[AspectChoice] = Field(default_factory=list, description="Aspects people "
                                          "praise, praised more since the launch.")
    address: list[AspectChoice] = Field(default_factory=list, description="Aspects people "
                                        "criticise, or criticise more since the launch.")


class HashtagChoice(Model):
    tag: str
    posts_post: int
    posts_pre: int
    growth: float = Field(description="Share of posts using it after the launch over its "
                          "share before (smoothed: a new tag is not infinitely rising).")


class InfluencerChoice(Model):
    author_id: str
    handle: str
    source: str
    followers: int | None
    followers_sampled: int
    fit: float | None = Field(description="Overlap of the follower sample's interests with the "
                              "segment's (0..1: the share of interest both hold); None where "
                              "the segment has no interest profile.")
    expected_reach: float | None = Field(description="followers × fit: the followers who match "
                                         "the segment.")
    shared_interests: list[str] = Field(default_factory=list)


class ChannelChoice(Model):
    source: str
    posts: int = Field(description="Counted posts after the launch on this platform.")
    share: float = Field(description="Its share of the campaign's counted posts.")
    positive_share: float = Field(description="Share of its posts that are positive.")
    fit: float | None = Field(description="Overlap of its authors' interests with the "
                              "segment's; None without an interest profile on either side.")
    score: float = Field(description="share × positive_share × (fit, or 1 without one): "
                         "where the segment's interests and the positive reaction are.")


class Slot(Model):
    day: str | None = None
    hour: int | None = None
    posts: int
    engagement: int


class Timing(Model):
    timezone: str
    best: list[Slot] = Field(default_factory=list, description="Day-and-hour slots with the "
                             "most engagement, then posts.")
    hours: list[Slot] = Field(default_factory=list, description="Per hour of the day, 0–23.")
    days: list[Slot] = Field(default_factory=list, description="Per day of the week.")


class OfferChoice(Model):
    offer: str
    rate: float
    uplift: float | None = None
    uplift_low: float | None = None
    uplift_high: float | None = None


class SegmentPlan(Model):
    segment: str
    name: str
    count: int
    target_count: int
    mean_propensity: float | None
    interests: list[str] = Field(default_factory=list, description="The segment's top "
                                 "interests, the basis of its fit.")
    message: Message
    hashtags: list[HashtagChoice]
    influencers: list[InfluencerChoice]
    channels: list[ChannelChoice]
    timing: Timing
    offer: OfferChoice | None = None


class CampaignPlan(Model):
    campaign: str
    generated_at: datetime
    threshold: float
    import_id: str | None
    model_run: str | None
    segments: list[SegmentPlan]
