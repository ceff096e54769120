"""The store interface: everything the rest of Sensing may ask of storage.

Two backends implement it (``elastic.py`` for production, ``sqlite.py`` for the embedded
default) and one contract suite (``tests/store/``) runs against both, so a query answers the
same on a laptop and on a cluster.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from sensing.schemas import Author, Campaign, Post, SentimentLabel

Interval = Literal["hour", "day", "week"]


class PostFilter(BaseModel):
    """Filters every search, count, aggregation and export accepts; all are ANDed."""

    query: str | None = Field(None, description="Boolean query in the campaign query language.")
    campaign_id: str | None = None
    sources: list[str] = Field(default_factory=list)
    langs: list[str] = Field(default_factory=list)
    sentiment: list[SentimentLabel] = Field(default_factory=list)
    since: datetime | None = Field(None, description="created_at >= since")
    until: datetime | None = Field(None, description="created_at < until")
    author_id: str | None = None
    include_duplicates: bool = Field(True, description="False drops posts with duplicate_of set.")
    max_spam: float | None = Field(None, description="Drop posts with spam_score above this.")


class SearchPage(BaseModel):
    total: int
    posts: list[Post]
    next_cursor: str | None = Field(None, description="Opaque; pass back for the next page.")


class Bucket(BaseModel):
    key: str
    count: int


class Aggregations(BaseModel):
    total: int
    volume: list[Bucket] = Field(description="Posts per interval, key = ISO start of interval "
                                 "(UTC), ascending, empty intervals included between the first "
                                 "and the last.")
    sentiment: list[Bucket] = Field(description="Count per sentiment label (positive, neutral, "
                                    "negative; posts without sentiment are not counted).")
    hashtags: list[Bucket] = Field(description="Top hashtags, count desc then key asc.")
    authors: list[Bucket] = Field(description="Top authors by post count (key = author id), "
                                  "count desc then key asc.")
    sources: list[Bucket] = Field(description="Count per source, count desc then key asc.")
    langs: list[Bucket] = Field(description="Count per language, count desc then key asc.")


class BandMatch(BaseModel):
    """A stored original sharing a MinHash band with a post being analysed: enough for the
    ``dedupe`` step to verify it (its band keys hold its whole signature) and to choose the
    earliest of several."""

    id: str
    created_at: datetime
    minhash_bands: list[str]


class UpsertResult(BaseModel):
    created: int = 0
    updated: int = 0
    errors: list[str] = Field(default_factory=list, description="'<post id>: <reason>' each.")


class Store(ABC):
    """Storage for posts, authors and campaigns. Implementations are safe to call from
    several worker threads; ``upsert_posts`` is idempotent (same post twice = one document)."""

    @abstractmethod
    def setup(self) -> None:
        """Create indices/tables/templates if missing; safe to call at every start."""

    @abstractmethod
    def health(self) -> dict:
        """``{"ok": bool, "backend": str, ...}`` for the API's health endpoint; never raises."""

    @abstractmethod
    def close(self) -> None: ...

    # posts
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
    def aggregate(self, flt: PostFilter, interval: Interval = "day",
                  top: int = 10) -> Aggregations: ...

    @abstractmethod
    def export(self, flt: PostFilter, batch_size: int = 500) -> Iterator[Post]:
        """Every matching post once, in a consistent snapshot (ES point-in-time), any order."""

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
    def delete_author(self, author_id: str) -> int:
        """Erase every post and the profile of an author (erasure requests); returns the
        number of posts deleted."""

    # authors
    @abstractmethod
    def upsert_authors(self, authors: Iterable[Author]) -> UpsertResult: ...

    @abstractmethod
    def get_author(self, author_id: str) -> Author | None: ...

    # campaigns
    @abstractmethod
    def save_campaign(self, campaign: Campaign) -> None: ...

    @abstractmethod
    def get_campaign(self, campaign_id: str) -> Campaign | None: ...

    @abstractmethod
    def list_campaigns(self) -> list[Campaign]: ...
