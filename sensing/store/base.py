"""The store interfaces: everything the rest of Sensing may ask of storage.

A few narrow interfaces, one per kind of record and the consumers that need it: the posts
(:class:`PostStore`: writes, search, aggregations, export), the duplicate lookups of analysis
(:class:`DuplicateIndex`), authors (:class:`AuthorStore`), the campaign catalog
(:class:`CampaignCatalog`), customer segments (:class:`SegmentStore`), the plan history
(:class:`PlanHistory`), customer journeys (:class:`JourneyStore`), alerts
(:class:`AlertStore`), made reports (:class:`ReportCatalog`), and the lifecycle the wiring
calls (:class:`StoreLifecycle`). :class:`Store` is all of them at once. Two backends
implement it (``elastic.py`` for production, ``sqlite.py`` for the embedded default) and one
contract suite (``tests/store/``, a file or more per interface) runs against both, so a query
answers the same on a laptop and on a cluster.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Literal, get_args

from pydantic import BaseModel, Field, field_validator

from sensing.alerts import Alert
from sensing.journeys import EventKind, JourneyEvent
from sensing.plans import PlanRecord
from sensing.report_records import ReportRecord
from sensing.schemas import Author, Campaign, ImageRef, Post, SentimentLabel
from sensing.segments import ModelRun, ScoredCustomer, Segment, SegmentImport, TargetingRow

Interval = Literal["hour", "day", "week"]
DEFAULT_LABEL_THRESHOLD = 0.5  # an image classifier's label counts from this score up
# Pairs grow with the square of a post's hashtags: a stuffed post (hundreds of tags, spam) would
# outweigh thousands of real ones, so pairs are taken among its first few distinct tags only.
MAX_PAIRED_HASHTAGS = 30
SENTIMENT_LABELS: tuple[SentimentLabel, ...] = get_args(SentimentLabel)
Section = Literal["volume", "engagement", "sentiment", "hashtags", "authors", "sources", "langs",
                  "aspects", "images", "image_labels", "hashtag_pairs", "keywords", "entities"]
SECTIONS: tuple[Section, ...] = get_args(Section)


def sections_asked(sections: Iterable[Section] | None) -> frozenset[Section]:
    """The sections an ``aggregate`` call computes: all for None. ValueError naming an
    unknown one (a typo would otherwise come back as a silently empty section)."""
    if sections is None:
        return frozenset(SECTIONS)
    asked = frozenset(sections)
    unknown = sorted(asked - set(SECTIONS))
    if unknown:
        raise ValueError(f"unknown aggregation sections {unknown}; known: {', '.join(SECTIONS)}")
    return asked


def aspect_term(entry: str) -> tuple[str, SentimentLabel | None]:
    """An entry of :attr:`PostFilter.aspects` as (aspect, label): ``"camera"`` is
    ``("camera", None)``, any verdict; ``"camera:negative"`` is ``("camera", "negative")``.
    The label follows the last colon, so ``"a:b:negative"`` is aspect ``a:b``; a name holding
    a colon can therefore only be asked for with a label. ValueError for an empty aspect or a
    label that is not one."""
    aspect, colon, label = entry.rpartition(":") if ":" in entry else (entry, "", "")
    if not aspect:
        raise ValueError(f"aspect filter {entry!r}: no aspect name")
    if not colon:
        return aspect, None
    for known in SENTIMENT_LABELS:
        if label == known:
            return aspect, known
    raise ValueError(f"aspect filter {entry!r}: unknown label {label!r} (labels: "
                     f"{', '.join(SENTIMENT_LABELS)})")


class PostFilter(BaseModel):
    """Filters every search, count, aggregation and export accepts; all are ANDed."""

    query: str | None = Field(None, description="Boolean query in the campaign query language.")
    campaign_id: str | None = None
    sources: list[str] = Field(default_factory=list)
    langs: list[str] = Field(default_factory=list)
    sentiment: list[SentimentLabel] = Field(default_factory=list)
    aspects: list[str] = Field(default_factory=list, description="Posts speaking of any of "
                               "these aspects: 'camera' (whatever the verdict) or "
                               "'camera:negative' (the post's verdict on the camera is "
                               "negative); how to find the posts behind an aspect's counts.")
    since: datetime | None = Field(None, description="created_at >= since")
    until: datetime | None = Field(None, description="created_at < until")
    author_id: str | None = None
    include_duplicates: bool = Field(True, description="False drops posts with duplicate_of set.")
    max_spam: float | None = Field(None, description="Drop posts with spam_score above this.")
    spam_below: float | None = Field(None, ge=0.0, le=1.0, description="Drop posts with "
                                     "spam_score at or above this: a spam threshold (the score "
                                     "from which a post is spam), as reports apply it.")
    min_relevance: float | None = Field(None, ge=0.0, le=1.0, description="Drop posts with "
                                        "relevance below this (the query word in another "
                                        "sense); a campaign's relevance_threshold is the usual "
                                        "value.")

    @field_validator("aspects")
    @classmethod
    def _aspect_terms_parse(cls, value: list[str]) -> list[str]:
        """A misspelt label must fail here, not quietly match nothing."""
        for entry in value:
            aspect_term(entry)
        return value

    @property
    def aspect_terms(self) -> list[tuple[str, SentimentLabel | None]]:
        """:attr:`aspects` as (aspect, label or None) pairs, as the backends query them."""
        return [aspect_term(entry) for entry in self.aspects]


class SearchPage(BaseModel):
    total: int
    posts: list[Post]
    next_cursor: str | None = Field(None, description="Opaque; pass back for the next page.")


class Bucket(BaseModel):
    key: str
    count: int


class AspectBucket(BaseModel):
    """How posts feel about one product aspect. Counts are posts, not mentions: a post that
    praises the camera twice is one positive post; a post with mixed feelings about it counts
    under each of its labels, and once in ``total``."""

    aspect: str
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    total: int = Field(description="Posts speaking of the aspect.")


class ImageLabelBucket(BaseModel):
    """One subject label of the images (the "subjects photographed x hashtags" table)."""

    label: str
    images: int = Field(description="Images showing the subject (label score >= the "
                        "threshold).")
    posts: int = Field(description="Posts holding at least one such image.")
    share: float = Field(description="images / every classified image of the matching posts, "
                         "rounded to 4 places.")
    hashtags: list[Bucket] = Field(description="Top hashtags of those posts, count desc then "
                                   "key asc.")


class HashtagPair(BaseModel):
    """Two hashtags used together (``a < b``) and the number of posts that use both."""

    a: str
    b: str
    count: int


class EntityBucket(BaseModel):
    text: str
    label: str
    count: int = Field(description="Posts naming the entity.")


class Aggregations(BaseModel):
    """Counts over the matching posts; a section ``aggregate`` was not asked for is empty."""

    total: int
    volume: list[Bucket] = Field(default_factory=list, description="Posts per interval, key = "
                                 "ISO start of interval (UTC), ascending, empty intervals "
                                 "included between the first and the last.")
    engagement: list[Bucket] = Field(default_factory=list, description="Per interval of "
                                     "``volume`` (same keys, same order), the summed "
                                     "engagement of its posts (``Post.engagement``): a quiet "
                                     "day of widely shared posts shows here, not in the "
                                     "volume.")
    sentiment: list[Bucket] = Field(default_factory=list, description="Count per sentiment "
                                    "label (positive, neutral, negative; posts without "
                                    "sentiment are not counted).")
    hashtags: list[Bucket] = Field(default_factory=list, description="Top hashtags, count desc "
                                   "then key asc.")
    authors: list[Bucket] = Field(default_factory=list, description="Top authors by post count "
                                  "(key = author id), count desc then key asc.")
    sources: list[Bucket] = Field(default_factory=list, description="Count per source, count "
                                  "desc then key asc.")
    langs: list[Bucket] = Field(default_factory=list, description="Count per language, count "
                                "desc then key asc.")
    aspects: list[AspectBucket] = Field(default_factory=list, description="Top aspects, total "
                                        "desc then aspect asc.")
    images: int = Field(0, description="Classified images of the matching posts (media with at "
                        "least one label, whatever its score): the base of image label shares.")
    image_labels: list[ImageLabelBucket] = Field(default_factory=list, description="Top image "
                                                 "subject labels, images desc then label asc.")
    hashtag_pairs: list[HashtagPair] = Field(default_factory=list, description="Top hashtag "
                                             "pairs, count desc then a, b asc. Pairs are taken "
                                             f"among a post's first {MAX_PAIRED_HASHTAGS} "
                                             "distinct hashtags.")
    keywords: list[Bucket] = Field(default_factory=list, description="Top keywords by posts, "
                                   "count desc then key asc.")
    entities: list[EntityBucket] = Field(default_factory=list, description="Top entities "
                                         "(text and label) by posts, count desc then text, "
                                         "label asc.")
    min_relevance: float | None = Field(None, description="The relevance floor these counts "
                                        "were taken with, if any.")
    label_threshold: float = Field(DEFAULT_LABEL_THRESHOLD, description="The score from which "
                                   "an image label counts as shown.")


class BandMatch(BaseModel):
    """A stored original sharing a MinHash band with a post being analysed: enough for the
    ``dedupe`` step to verify it (its band keys hold its whole signature) and to choose the
    earliest of several."""

    id: str
    created_at: datetime
    minhash_bands: list[str]


class CustomerPage(BaseModel):
    total: int
    customers: list[ScoredCustomer]
    next_cursor: str | None = Field(None, description="Opaque; pass back for the next page.")


class UpsertResult(BaseModel):
    created: int = 0
    updated: int = 0
    errors: list[str] = Field(default_factory=list, description="'<post id>: <reason>' each.")


# -- the interfaces ---------------------------------------------------------------------------
# Each consumer asks for the narrowest one that serves it, so a new kind of record (segments,
# users, audit) arrives as one more interface beside these rather than more methods on a
# single wide one, and a test stand-in implements only what its consumer calls.
# Every public method belongs to exactly one interface (``tests/store/test_interfaces.py``).


class StoreLifecycle(ABC):
    """Bringing a backend up, checking it and letting it go. Only the wiring calls these
    (``open_store``, the worker's runtime, the CLI and the demo) and the API's health endpoint
    (``health``); nothing that reads or writes records needs them."""

    @abstractmethod
    def setup(self) -> None:
        """Create indices/tables/templates if missing; safe to call at every start."""

    @abstractmethod
    def health(self) -> dict:
        """``{"ok": bool, "backend": str, ...}`` for the API's health endpoint; never raises."""

    @abstractmethod
    def close(self) -> None: ...


class PostStore(ABC):
    """The analysed posts: bulk writes, reads by id, search, counts, aggregations, export and
    erasure. What the analysis worker indexes through, what re-analysis streams and writes back
    (``workers/reanalysis.py``), and all that the API's search, aggregation, keyword and erasure
    routes and the reports read."""

    @abstractmethod
    def upsert_posts(self, posts: Iterable[Post]) -> UpsertResult:
        """Insert or replace posts by id. ``campaign_ids`` is the union of the stored and the
        new lists, so a post collected by two campaigns carries both."""

    @abstractmethod
    def get_posts(self, ids: Iterable[str]) -> list[Post]:
        """The stored posts among ``ids``, in the order given; missing ids are left out."""

    @abstractmethod
    def search(self, flt: PostFilter, size: int = 20, cursor: str | None = None) -> SearchPage:
        """Posts matching ``flt``, newest ``created_at`` first (ties by id ascending)."""

    @abstractmethod
    def count(self, flt: PostFilter) -> int: ...

    @abstractmethod
    def aggregate(self, flt: PostFilter, interval: Interval = "day", top: int = 10,
                  label_threshold: float = DEFAULT_LABEL_THRESHOLD,
                  sections: Iterable[Section] | None = None) -> Aggregations:
        """The counts of :class:`Aggregations` over the posts matching ``flt``: all of them,
        or only ``sections`` (the rest left empty: a caller that needs three counts does not
        pay for thirteen); ``top`` bounds each ranked list (and the hashtags of each image
        label); an image label counts for an image when its score is at least
        ``label_threshold``. ``total`` is always counted."""

    @abstractmethod
    def export(self, flt: PostFilter, batch_size: int = 500) -> Iterator[Post]:
        """Every matching post once, in a consistent snapshot (ES point-in-time), any order."""

    @abstractmethod
    def delete_author(self, author_id: str) -> int:
        """Erase every post and the profile of an author (erasure requests); returns the
        number of posts deleted. It lives with the posts, which are nearly all an author
        leaves behind; the profile goes in the same call so one request erases a person."""


class DuplicateIndex(ABC):
    """Earlier posts of a campaign found by content hash, MinHash band and pHash chunk: all
    that the analysis of a batch needs of the store. The ``dedupe`` and ``media`` steps see
    earlier batches only through these lookups (the :class:`~analysis.pipeline.BatchContext`
    hooks), so a batch can be analysed against anything that answers them. The answers come
    from the posts written through :meth:`PostStore.upsert_posts` (their ``content_hash``,
    ``minhash_bands`` and media hashes): two interfaces over the same documents."""

    @abstractmethod
    def find_content_hashes(self, campaign_id: str, hashes: Iterable[str]) -> dict[str, str]:
        """For exact-duplicate detection: content hash -> id of the earliest stored post of
        the campaign with that hash (earliest by created_at, then id) among ``hashes``.
        Posts already marked duplicates are not candidates, so the answer for a stored batch
        does not change when the batch is analysed again."""

    @abstractmethod
    def find_near_duplicates(self, campaign_id: str, band_keys: Iterable[str],
                             limit: int = 1000) -> list[BandMatch]:
        """For near-duplicate detection: the stored posts of the campaign sharing at least one
        of ``band_keys`` (``Post.minhash_bands``), at most ``limit``: those sharing the most
        keys first (a real near copy shares several bands, a chance match one), then the
        earliest (created_at, then id). As with content hashes, posts already marked
        duplicates are not candidates, so a stored batch analysed again gets the same
        answers."""

    @abstractmethod
    def find_near_images(self, campaign_id: str, chunk_keys: Iterable[str],
                         limit: int = 1000) -> list[ImageRef]:
        """For near-duplicate images across batches: the stored original images of the
        campaign's posts (``Media.phash`` and ``colour`` set, ``duplicate_of`` unset) indexed
        under at least one of ``chunk_keys`` (:func:`vision.groups.chunk_keys`), at most
        ``limit``: those sharing the most keys first, then the earliest (created_at, post id,
        key). Images marked near-copies are not candidates, so a stored batch analysed again
        gets the same answers, as with :meth:`find_near_duplicates`."""


class AuthorStore(ABC):
    """Author profiles (influencer and audience analysis), one per platform identity (id):
    every author seen, as a post's author, an influencer or a sampled follower, merged into
    one document however often and by whichever crawl it is seen. What the workers' author
    task and the post analysis write through, and what audience analysis and the API's
    author routes read. Erasing an author is :meth:`PostStore.delete_author`, which takes the
    profile too."""

    @abstractmethod
    def upsert_authors(self, authors: Iterable[Author]) -> UpsertResult:
        """Merge profiles into the stored ones by id (:func:`~sensing.store._common.
        merge_author`: lists united, a missing value never erasing a known one, analysed
        fields cleared when the text they read changed); two copies of one id in the batch
        are merged too. Idempotent: the same profiles again change nothing. ``created``
        counts new ids, ``updated`` those stored already."""

    @abstractmethod
    def get_author(self, author_id: str) -> Author | None:
        """The stored profile, or None."""

    @abstractmethod
    def get_authors(self, ids: Iterable[str]) -> list[Author]:
        """The stored profiles among ``ids``, in the order given; missing ids are left out."""

    @abstractmethod
    def campaign_authors(self, campaign_id: str, batch_size: int = 500) -> Iterator[Author]:
        """Every profile whose ``campaign_ids`` holds ``campaign_id``, by id ascending, read
        ``batch_size`` at a time (a campaign's audience can be far larger than memory)."""

    @abstractmethod
    def find_authors_by_url(self, urls: Iterable[str]) -> list[Author]:
        """The profiles found under any of ``urls`` (compared in the form of
        :func:`sensing.links.profile_url`): those living at one of them, and those whose bio
        names one, so an explicit cross-platform link is found whichever profile was stored
        first (:mod:`audience.identity` decides which link). By id ascending."""


class CampaignCatalog(ABC):
    """The campaigns: a handful of small documents, read far more often than written. All
    that the API's campaign routes, the beat schedule (due crawls) and the tasks resolving a
    ``campaign_id`` need."""

    @abstractmethod
    def save_campaign(self, campaign: Campaign) -> None:
        """Insert or replace a campaign by id."""

    @abstractmethod
    def get_campaign(self, campaign_id: str) -> Campaign | None:
        """The stored campaign, or None."""

    @abstractmethod
    def list_campaigns(self) -> list[Campaign]:
        """Every campaign, by id ascending."""


class SegmentStore(ABC):
    """Customer segments with their scored customers and the model runs behind the scores
    (``planning``): what the segment import writes through, and what the API's segment and
    targeting routes and the campaign plan read. A campaign has at most one *current* import;
    every read answers from it alone, so an import is seen whole or not at all. Customer ids
    arrive hashed (:mod:`sensing.segments`); the store never sees a raw one."""

    @abstractmethod
    def save_import(self, record: SegmentImport, segments: list[Segment],
                    customers: Iterable[ScoredCustomer],
                    run: ModelRun | None = None) -> UpsertResult:
        """Write the run, the customers (streamed: a file can hold millions) and the segments
        of ``record``, then make it the campaign's current import, then remove what the
        previous import of the campaign held. Idempotent: the same import again changes
        nothing. ``created`` counts the customers written."""

    @abstractmethod
    def current_import(self, campaign_id: str) -> SegmentImport | None:
        """The campaign's current import, or None."""

    @abstractmethod
    def list_segments(self, campaign_id: str | None = None) -> list[Segment]:
        """The segments of the current import of ``campaign_id`` (of every campaign if None),
        by campaign id, then mean propensity descending (None last), then name."""

    @abstractmethod
    def get_segment(self, segment_id: str) -> Segment | None:
        """The segment of a current import with that id, or None."""

    @abstractmethod
    def targeting(self, campaign_id: str, threshold: float) -> list[TargetingRow]:
        """The targeting table of the campaign's current import: per segment, its customers,
        those whose propensity is at least ``threshold`` and the share they are; by share
        descending, then mean propensity descending (None last), then name. Empty without an
        import."""

    @abstractmethod
    def segment_customers(self, campaign_id: str, segment_id: str | None = None,
                          min_propensity: float | None = None, size: int = 100,
                          cursor: str | None = None) -> CustomerPage:
        """The current import's customers (of one segment if given, scoring at least
        ``min_propensity`` if given): the target list, propensity descending (None last),
        then id ascending."""

    @abstractmethod
    def get_model_run(self, run_id: str) -> ModelRun | None:
        """The stored model run, or None."""


class PlanHistory(ABC):
    """The campaign plans computed so far, each with its changes to the one before
    (``planning.history``): what a re-plan writes and ``/campaigns/{id}/plan/history``
    reads. Append-mostly: a plan is written once and never edited."""

    @abstractmethod
    def save_plan(self, record: PlanRecord) -> None:
        """Store ``record`` (readable on return). Idempotent: the same id again replaces it."""

    @abstractmethod
    def plan_history(self, campaign_id: str, size: int = 20) -> list[PlanRecord]:
        """The campaign's latest ``size`` plans, newest first (by time, then id)."""

    @abstractmethod
    def get_plan(self, plan_id: str) -> PlanRecord | None:
        """The stored plan of that id, or None."""


class JourneyStore(ABC):
    """Touchpoints, conversions and spend (``sensing conversions import``), which the
    attribution reads. Events are keyed by id: importing the same export again, or one that
    overlaps the last, stores each event once."""

    @abstractmethod
    def save_journey_events(self, events: Iterable[JourneyEvent]) -> UpsertResult:
        """Write ``events`` (streamed; readable on return); ``created`` counts the new ids,
        ``updated`` the ids already stored."""

    @abstractmethod
    def journey_events(self, campaign_id: str, kinds: Iterable[EventKind] | None = None,
                       batch_size: int = 1000) -> Iterator[JourneyEvent]:
        """The campaign's events (of ``kinds`` if given), read ``batch_size`` at a time, in
        no particular order."""


class AlertStore(ABC):
    """Alerts with their deliveries (``reports.alerts``): written before delivery and again
    as each delivery ends, read by ``/campaigns/{id}/alerts``, the detector's cooldown and
    the delivery pass."""

    @abstractmethod
    def save_alert(self, alert: Alert) -> None:
        """Store ``alert`` (readable on return), replacing the stored one of its id."""

    @abstractmethod
    def get_alert(self, alert_id: str) -> Alert | None:
        """The stored alert of that id, or None."""

    @abstractmethod
    def list_alerts(self, campaign_id: str, size: int = 50) -> list[Alert]:
        """The campaign's latest ``size`` alerts, newest detection first (then id)."""

    @abstractmethod
    def pending_alerts(self, size: int = 100) -> list[Alert]:
        """Alerts of any campaign with a delivery still pending, oldest detection first."""


class ReportCatalog(ABC):
    """The records of made reports (``reports.runs``): written as each report is made or
    fails, read by ``/campaigns/{id}/reports`` and ``/reports/{id}``."""

    @abstractmethod
    def save_report(self, record: ReportRecord) -> None:
        """Store ``record`` (readable on return), replacing the stored one of its id."""

    @abstractmethod
    def list_reports(self, campaign_id: str, size: int = 50) -> list[ReportRecord]:
        """The campaign's latest ``size`` reports, latest due first (then id)."""

    @abstractmethod
    def get_report(self, report_id: str) -> ReportRecord | None:
        """The stored record of that id, or None."""


class Store(StoreLifecycle, PostStore, DuplicateIndex, AuthorStore, CampaignCatalog,
            SegmentStore, PlanHistory, JourneyStore, AlertStore, ReportCatalog):
    """Every interface at once: what a backend implements and ``open_store`` returns, one
    client over one connection. Declares nothing of its own; a new method goes on the narrow
    interface it belongs to (or a new one), never here.

    Implementations are safe to call from several worker threads; ``upsert_posts`` is
    idempotent (same post twice = one document)."""
