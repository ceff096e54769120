"""The data contract (DESIGN.md): Campaign, Post and Author, validated at every edge.

Field names are fixed by the design; fields may be added. A crawler emits a Post with the
platform fields, ``raw_text`` as fetched and ``text`` as its clean plain text (the crawler's
item pipeline, :func:`sensing.text.plain_text`); the analysis pipeline re-cleans ``text`` (PII
masked), fills ``lang``, ``sentiment`` and the rest, and records what it ran in ``pipeline``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

SentimentLabel = Literal["positive", "neutral", "negative"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken to be UTC; aware ones are converted, so all times compare.

    ValueError (a validation error where a model calls it) for a time that the conversion
    carries past the calendar: ``0001-01-01T00:00:00+14:00`` is still in year 0 in UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{value.isoformat()} is out of range once converted to UTC: times "
                         f"must fall between {datetime.min.isoformat()} and "
                         f"{datetime.max.isoformat()} UTC") from None


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
"""A datetime parameter as the API takes it: converted to UTC (naive ones are UTC)."""


class Model(BaseModel):
    """Base for contract models: unknown fields are kept (add fields freely), times are UTC."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class AuthorRef(Model):
    """The author as seen on one post; the full profile is an :class:`Author` document."""

    id: str
    handle: str = ""
    name: str = ""
    followers: int | None = None
    following: int | None = None
    verified: bool = False
    bio: str = ""
    bot: bool = Field(False, description="The platform marks the account automated.")


class Media(Model):
    url: str
    type: str = "image"
    phash: str | None = None
    colour: str | None = Field(None, description="Colour signature of the image (vision.phash), "
                               "so near-duplicates must also look alike in colour.")
    labels: list[dict[str, Any]] = Field(default_factory=list)
    ocr_text: str | None = None
    error: str | None = Field(None, description="Why the image was not analysed (a refusal code "
                              "such as 'too-large', 'not-an-image', 'blocked-address'), so a "
                              "report can count what was skipped instead of losing it.")
    duplicate_of: str | None = Field(None, description="The earlier image of the campaign "
                                     "this one nearly copies (re-crop, re-compression), as "
                                     "'{post id}#{media index}'; null on originals.")
    logos: list[str] = Field(default_factory=list, description="Brands whose registered logo "
                             "was found in the image (vision.logos).")
    phash_chunks: list[str] = Field(default_factory=list, description="The keys an original "
                                    "image is indexed under so later batches find its near "
                                    "copies ('{chunk}:{hex}', written by the media step with "
                                    "the hash, as dedupe writes minhash_bands).")


def media_key(post_id: str, index: int) -> str:
    """The name of a post's ``index``-th media entry, as ``Media.duplicate_of`` holds it."""
    return f"{post_id}#{index}"


@dataclass(frozen=True)
class ImageRef:
    """One analysed image as the near-duplicate pass compares it and a store returns it:
    ``key`` names it (:func:`media_key`), ``created_at`` is its post's time, which decides
    which of two copies is the original."""

    key: str
    post_id: str
    created_at: datetime
    phash: str
    colour: str


class Metrics(Model):
    likes: int = 0
    replies: int = 0
    shares: int = 0
    views: int | None = None

    @property
    def engagement(self) -> int:
        """How much people engaged: ``likes + 2 * shares + replies``. A share counts double
        because it carries the post to another audience (the sharer's), where a like or a
        reply stays among those who had already seen it. Views are left out: few platforms
        report them. The one definition the reports' examples and the store's engagement per
        interval (summed metrics, one ``Metrics``) both use."""
        return self.likes + 2 * self.shares + self.replies


class Sentiment(Model):
    label: SentimentLabel = "neutral"
    score: float = Field(0.0, ge=-1.0, le=1.0)
    model: str = ""


class AspectSentiment(Model):
    aspect: str
    sentiment: SentimentLabel
    evidence: str = ""


class AspectSpec(Model):
    """A product aspect a campaign listens for, with the words that name it in any language
    (``{"name": "battery", "terms": ["battery", "배터리", "バッテリー", "batería"]}``)."""

    name: str = Field(min_length=1, max_length=64)
    terms: list[str] = Field(default_factory=list)


class Entity(Model):
    text: str
    label: str


class PipelineInfo(Model):
    version: str = ""
    steps: dict[str, str] = Field(default_factory=dict, description="step name -> step version")


class Post(Model):
    """One platform post or comment; ``id`` is ``{source}:{native_id}`` and never changes."""

    id: str
    source: str
    url: str = ""
    campaign_ids: list[str] = Field(default_factory=list)
    created_at: datetime
    collected_at: datetime = Field(default_factory=utcnow)
    author: AuthorRef
    text: str = ""
    raw_text: str = ""
    lang: str = "und"
    hashtags: list[str] = Field(default_factory=list)
    hashtag_words: dict[str, list[str]] = Field(default_factory=dict, description="The words "
                                                "of each compound hashtag, keyed by its "
                                                "normalised form in ``hashtags`` "
                                                "(novaluminax2 -> [nova, lumina, x2]); "
                                                "one-word tags are absent.")
    mentions: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    emojis: list[str] = Field(default_factory=list)
    media: list[Media] = Field(default_factory=list)
    metrics: Metrics = Field(default_factory=Metrics)
    in_reply_to: str | None = None
    thread_id: str | None = None
    is_repost: bool = False
    sentiment: Sentiment | None = None
    aspects: list[AspectSentiment] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    duplicate_of: str | None = None
    content_hash: str | None = Field(None, description="Hash of the normalised text, for "
                                     "exact-duplicate detection across batches.")
    minhash_bands: list[str] = Field(default_factory=list, description="MinHash LSH band keys "
                                     "of an original's normalised text, for near-duplicate "
                                     "detection across batches (empty on duplicates and on "
                                     "short texts).")
    spam_score: float = Field(0.0, ge=0.0, le=1.0)
    spam_reasons: list[str] = Field(default_factory=list, description="Why spam_score is "
                                    "what it is: codes of the signals that raised it "
                                    "(giveaway-words, link-farm, hashtag-stuffing, ...), "
                                    "strongest first.")
    relevance: float = Field(1.0, ge=0.0, le=1.0)
    image_mentions: list[str] = Field(default_factory=list, description="Campaign query terms "
                                      "and brands found in the post's images (OCR text, "
                                      "logos), though the text may not name them.")
    pipeline: PipelineInfo = Field(default_factory=PipelineInfo)

    @field_validator("created_at", "collected_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)

    @model_validator(mode="after")
    def _id_names_source(self) -> Post:
        if not self.id.startswith(f"{self.source}:") or self.id == f"{self.source}:":
            raise ValueError(f"post id {self.id!r} must be '{self.source}:<native id>'")
        return self

    @property
    def engagement(self) -> int:
        """The post's :attr:`Metrics.engagement`."""
        return self.metrics.engagement


class RecentPost(Model):
    """One of an author's recent posts, kept on the profile for audience-interest analysis
    (author/follower mode) rather than as a campaign Post: a follower's posts about their
    hobbies must not count as reactions to the launch."""

    id: str
    created_at: datetime
    text: str = ""
    hashtags: list[str] = Field(default_factory=list)
    lang: str | None = None

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)


class Interest(Model):
    """One interest category of an author (``audience`` taxonomy ids): the share of what they
    post about that falls in ``category``, its most likely ``subcategory``, and the split over
    the category's subcategories (``subcategory_shares``, summing to 1)."""

    category: str
    subcategory: str | None = None
    share: float = Field(ge=0.0, le=1.0)
    subcategory_shares: dict[str, float] = Field(default_factory=dict)


class Author(Model):
    """An author profile with what influencer and audience analysis adds to it."""

    id: str
    source: str
    handle: str = ""
    name: str = ""
    followers: int | None = None
    following: int | None = None
    verified: bool = False
    bio: str = ""
    url: str = ""
    campaign_ids: list[str] = Field(default_factory=list)
    follower_sample: list[str] = Field(default_factory=list, description="Ids of the "
                                       "followers collected (bounded by the crawl's sample).")
    followers_of: list[str] = Field(default_factory=list, description="Ids of the collected "
                                    "authors this profile was found following.")
    recent_posts: list[RecentPost] = Field(default_factory=list)
    interests: list[Interest] = Field(default_factory=list, description="What the author "
                                      "posts about, one entry per taxonomy category, largest "
                                      "share first; shares sum to 1. Empty when the profile "
                                      "has too little text to tell (audience.interests).")
    interest_model: str | None = Field(None, description="name@version of the classifier "
                                       "that filled ``interests``; None: not classified.")
    same_as: list[str] = Field(default_factory=list, description="Ids of this person's "
                               "profiles on other platforms, only where one profile links the "
                               "other explicitly (its bio or url names it).")
    influence: float | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    pipeline: PipelineInfo | None = Field(None, description="Which author steps (and versions) "
                                          "produced the analysed fields.")

    @field_validator("interests", mode="before")
    @classmethod
    def _interests_list(cls, value: Any) -> Any:
        """Profiles stored before interests had subcategories kept ``{category: share}``."""
        if isinstance(value, dict):
            return [{"category": k, "share": v} for k, v in
                    sorted(value.items(), key=lambda item: -item[1])]
        return value

    @field_validator("updated_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)


class Campaign(Model):
    """What a marketer listens for: a boolean query, languages, sources and the launch."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    name: str
    query: str
    description: str = ""
    languages: list[str] = Field(default_factory=lambda: ["en"])
    sources: list[str] = Field(default_factory=lambda: ["mastodon"])
    source_options: dict[str, dict[str, Any] | list[dict[str, Any]]] = Field(
        default_factory=dict, description="Per source, the options its spider takes (e.g. "
        "{'rss': {'feeds': [...]}}), or a list of option sets, crawled one crawl each (e.g. "
        "several forum boards); see `sensing sources`.")
    launch_at: datetime
    pre_window_days: int = Field(14, ge=0, le=365)
    post_window_days: int = Field(14, ge=0, le=365)
    aspects: list[AspectSpec] = Field(default_factory=list, description="Product aspects to "
                                      "score; empty means the built-in taxonomy (camera, "
                                      "battery, price, design, display, ...), see nlp.aspects.")
    negative_keywords: list[str] = Field(default_factory=list, description="Words that mark a "
                                         "post as about something else (the query word in "
                                         "another sense): such posts get a low relevance.")
    relevance_threshold: float = Field(0.5, ge=0.0, le=1.0, description="Posts whose relevance "
                                       "is below this are left out of aggregations and "
                                       "reports (still stored, and searchable).")
    timezone: str = Field("UTC", description="IANA time zone of the campaign's market "
                          "(e.g. Asia/Seoul): the plan's timing is given in it, and the daily "
                          "report is made at ``report_hour`` there.")
    report_hour: int = Field(10, ge=0, le=23, description="Local hour of the daily report.")
    competitors: list[str] = Field(default_factory=list, description="Ids of the campaigns "
                                   "tracking competing products: the report's share of voice "
                                   "sets this campaign's posts against theirs.")
    snapshot_hours: int = Field(4, ge=1, le=24, description="On the day after the launch, a "
                                "snapshot report every this many hours.")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    crawled_at: dict[str, datetime] = Field(default_factory=dict, description="Per source, when "
                                            "the schedule last queued its crawl.")
    reports_checked_at: datetime | None = Field(None, description="When the schedule last "
                                                "queued the reports then due.")

    @field_validator("launch_at", "created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as "
                             f"Asia/Seoul or Europe/Paris)") from None
        return value

    @field_validator("crawled_at")
    @classmethod
    def _utc_values(cls, value: dict[str, datetime]) -> dict[str, datetime]:
        return {source: _as_utc(when) for source, when in value.items()}

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        from sensing.query import parse_query  # late import: query imports nothing from here

        parse_query(value)
        return value

    @model_validator(mode="after")
    def _window_on_the_calendar(self) -> Campaign:
        """The pre- and post-launch windows must be datetimes too: the schedule and the
        reports compute their ends."""
        try:
            self.window_start, self.window_end  # noqa: B018 - computed for the check
        except OverflowError:
            raise ValueError(f"launch_at {self.launch_at.isoformat()} with pre_window_days="
                             f"{self.pre_window_days} and post_window_days="
                             f"{self.post_window_days} reaches past the calendar (years 1 to "
                             f"9999): move the launch or shorten the windows") from None
        return self

    def crawl_jobs(self, sources: list[str] | None = None,
                   ) -> list[tuple[str, dict[str, Any] | None]]:
        """(source, options) for each crawl a refresh of ``sources`` (default: all of the
        campaign's) runs: one per source, or one per option set where a list is given."""
        jobs: list[tuple[str, dict[str, Any] | None]] = []
        for source in sources or self.sources:
            found = self.source_options.get(source)
            option_sets = found if isinstance(found, list) else [found]
            jobs.extend((source, options) for options in option_sets)
        return jobs

    @property
    def window_start(self) -> datetime:
        return self.launch_at - timedelta(days=self.pre_window_days)

    @property
    def window_end(self) -> datetime:
        return self.launch_at + timedelta(days=self.post_window_days)
