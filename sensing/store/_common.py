"""What both backends must compute identically: indexed text, the facts derived from a post
for aggregations (hashtag pairs, entity keys, aspect and image-label rows) and for finding
near-duplicate images (original images under the pHash chunk keys the media step wrote),
cursors, interval buckets and the engagement of each from summed metrics, bucket order, the
campaign-id union, how two observations of one author profile merge, and how a segment import
replaces the previous one and is read back (targeting rows, segment order, customer cursors).
One copy here keeps the contract suite honest: Elasticsearch indexes these derived facts as
fields, SQLite as side-table rows."""

from __future__ import annotations

import base64
import itertools
import json
import logging
import math
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, Protocol, TypeVar

from sensing.schemas import Author, ImageRef, Media, Metrics, Post, RecentPost, media_key
from sensing.segments import (
    ModelRun,
    ScoredCustomer,
    Segment,
    SegmentImport,
    TargetingRow,
    targeting_order,
)
from sensing.store.base import (
    MAX_PAIRED_HASHTAGS,
    AspectBucket,
    Bucket,
    CustomerPage,
    EntityBucket,
    HashtagPair,
    ImageLabelBucket,
    Interval,
    UpsertResult,
)
from sensing.textsearch import search_text

log = logging.getLogger(__name__)

# Joins the parts of a composite key (hashtag pair, entity text and label) into one keyword
# Elasticsearch can count: a control character that sorts below every printable one, so keys
# order as their (first, second) tuples do. Values holding it are left out of pairs and entities
# (on both backends), since their keys could not be split back.
KEY_SEPARATOR = "\x1f"


def index_text(post: Post) -> str:
    """The text queries run against: the clean text once analysed, the raw text before."""
    return search_text(post.text or post.raw_text)


def merged_campaigns(stored: Iterable[str], new: Iterable[str]) -> list[str]:
    """A post collected by several campaigns carries all of them, stored ones first."""
    return list(dict.fromkeys([*stored, *new]))


def _pack(values: list[Any]) -> str:
    """Values as an opaque, URL-safe cursor."""
    raw = json.dumps(values)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _unpack(cursor: str) -> Any:
    """What :func:`_pack` packed; ValueError (or TypeError, RecursionError) if forged."""
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


def encode_cursor(created_at: datetime, post_id: str) -> str:
    return _pack([created_at.astimezone(UTC).isoformat(), post_id])


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (created_at, id) of the last post of the previous page; ValueError if forged."""
    try:
        when, post_id = _unpack(cursor)
        return datetime.fromisoformat(when).astimezone(UTC), str(post_id)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # OverflowError: a date at the calendar's edge whose offset leaves it in UTC;
        # RecursionError: JSON nested deeper than the parser goes.
        raise ValueError(f"not a cursor from this API ({exc})") from None


def interval_start(moment: datetime, interval: Interval) -> datetime:
    """UTC start of the hour, day or ISO week (Monday) containing ``moment``."""
    moment = moment.astimezone(UTC)
    if interval == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day if interval == "day" else day - timedelta(days=day.weekday())


STEP = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}


def _intervals(counts: Mapping[datetime, int], interval: Interval) -> list[datetime]:
    """The interval starts from the first to the last of ``counts``, those without posts
    included."""
    if not counts:
        return []
    out = []
    current, last = min(counts), max(counts)
    while current <= last:
        out.append(current)
        current += STEP[interval]
    return out


def volume_buckets(counts: Mapping[datetime, int], interval: Interval) -> list[Bucket]:
    """Ascending buckets from the first to the last non-empty interval, gaps as zeros, so a
    chart shows quiet days instead of skipping them."""
    return [Bucket(key=start.isoformat(), count=counts.get(start, 0))
            for start in _intervals(counts, interval)]


ENGAGEMENT_METRICS = ("likes", "shares", "replies")
"""The ``Metrics`` that :attr:`~sensing.schemas.Metrics.engagement` weighs: what a store
sums per interval (SQLite keeps them in columns, Elasticsearch sums its indexed fields)."""


def summed_engagement(sums: Mapping[str, int]) -> int:
    """The engagement of posts whose ``ENGAGEMENT_METRICS`` add up to ``sums``: a weighted
    sum of the metrics, so that of many posts is that of their summed metrics, and the
    weights stay in ``Metrics.engagement`` alone."""
    return Metrics(**sums).engagement


def engagement_buckets(counts: Mapping[datetime, int], sums: Mapping[datetime, Mapping[str, int]],
                       interval: Interval) -> list[Bucket]:
    """Aligned with :func:`volume_buckets` of ``counts`` (same keys, gaps as zeros), the summed
    engagement of each interval's posts from their summed metrics (``sums``, by interval
    start)."""
    return [Bucket(key=start.isoformat(), count=summed_engagement(sums.get(start, {})))
            for start in _intervals(counts, interval)]


def ranked(counts: Iterable[tuple[str, int]], top: int | None = None) -> list[Bucket]:
    """Count descending, then key ascending: a stable order both backends can produce."""
    ordered = sorted(((k, c) for k, c in counts if c), key=lambda kc: (-kc[1], kc[0]))
    return [Bucket(key=k, count=c) for k, c in ordered[:top]]


def join_key(*parts: str) -> str:
    return KEY_SEPARATOR.join(parts)


def split_key(key: str) -> tuple[str, str]:
    first, second = key.split(KEY_SEPARATOR, 1)
    return first, second


def hashtag_pairs(hashtags: Iterable[str]) -> list[tuple[str, str]]:
    """Each unordered pair ``(a, b)``, ``a < b``, of a post's distinct hashtags, taken among its
    first ``MAX_PAIRED_HASHTAGS``."""
    tags = list(dict.fromkeys(t for t in hashtags if t and KEY_SEPARATOR not in t))
    tags = tags[:MAX_PAIRED_HASHTAGS]
    return [(min(a, b), max(a, b)) for a, b in itertools.combinations(tags, 2)]


def entity_pairs(post: Post) -> list[tuple[str, str]]:
    """The post's distinct (text, label) entities: a post naming one twice counts once."""
    return list(dict.fromkeys((e.text, e.label) for e in post.entities
                              if e.text and KEY_SEPARATOR not in e.text + e.label))


def aspect_pairs(post: Post) -> list[tuple[str, str]]:
    """The post's distinct (aspect, sentiment) pairs."""
    return list(dict.fromkeys((a.aspect, a.sentiment) for a in post.aspects))


def _score(value: object) -> float | None:
    """A label's score as a finite number, or None (a flag, a string, NaN or infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def image_labels(post: Post) -> list[dict[str, float]]:
    """Per classified image (a media entry with at least one well-formed label), its best
    score per label. Two models may give one image the same label: the image shows it once,
    with the higher score. Entries without a string label or a numeric score are skipped, so
    one bad classifier output does not hide the image's other labels."""
    images = []
    for media in post.media:
        best: dict[str, float] = {}
        for entry in media.labels:
            label, score = entry.get("label"), _score(entry.get("score"))
            if isinstance(label, str) and label and score is not None:
                best[label] = max(score, best.get(label, score))
        if best:
            images.append(best)
    return images


def aspect_buckets(totals: Iterable[tuple[str, int]],
                   by_sentiment: Iterable[tuple[str, str, int]], top: int) -> list[AspectBucket]:
    """Aspects by total posts descending, then name; ``by_sentiment`` gives (aspect, label,
    posts) for the aspects of ``totals``."""
    found = {aspect: AspectBucket(aspect=aspect, total=total) for aspect, total in totals}
    for aspect, label, count in by_sentiment:
        if aspect in found:
            setattr(found[aspect], label, count)
    ordered = sorted(found.values(), key=lambda b: (-b.total, b.aspect))
    return ordered[:top]


def image_label_buckets(images: int, labels: Iterable[tuple[str, int, int]],
                        hashtags: Mapping[str, Iterable[tuple[str, int]]],
                        top: int) -> list[ImageLabelBucket]:
    """Labels by images descending, then name, from (label, images, posts) rows, with each
    label's share of the ``images`` classified and its top hashtags."""
    ordered = sorted(labels, key=lambda row: (-row[1], row[0]))[:top]
    return [ImageLabelBucket(label=label, images=shown, posts=posts,
                             share=round(shown / images, 4) if images else 0.0,
                             hashtags=ranked(hashtags.get(label, ()), top))
            for label, shown, posts in ordered]


def _top_pairs(counts: Iterable[tuple[str, str, int]], top: int) -> list[tuple[str, str, int]]:
    """Count descending, then both keys ascending, like :func:`ranked` for composite keys."""
    return sorted(counts, key=lambda row: (-row[2], row[0], row[1]))[:top]


def pair_buckets(counts: Iterable[tuple[str, str, int]], top: int) -> list[HashtagPair]:
    return [HashtagPair(a=a, b=b, count=n) for a, b, n in _top_pairs(counts, top)]


def entity_buckets(counts: Iterable[tuple[str, str, int]], top: int) -> list[EntityBucket]:
    return [EntityBucket(text=t, label=lb, count=n) for t, lb, n in _top_pairs(counts, top)]


def _indexable(media: Media) -> bool:
    """Whether a later batch can be pointed at this image: the media step hashed it and wrote
    the chunk keys it is found under. Whether two hashes compare is the media step's check,
    made when it reads the candidates back (:func:`vision.groups.near_originals`)."""
    return bool(media.phash and media.colour and media.phash_chunks)


class OriginalImage(NamedTuple):
    """An original image of a post as a store indexes it: its media ``index``, the ``ref``
    the near-duplicate pass compares, and the pHash chunk ``keys`` it is found under."""

    index: int
    ref: ImageRef
    keys: list[str]


def original_images(post: Post) -> list[OriginalImage]:
    """Each original image of the post (hashed, and not itself a near-copy: copies are never
    candidates, so a chain of copies ends after one link), so later batches find it by
    :func:`vision.groups.probe_keys`."""
    return [OriginalImage(n, ImageRef(media_key(post.id, n), post.id, post.created_at,
                                      media.phash, media.colour), list(media.phash_chunks))
            for n, media in enumerate(post.media)
            if media.duplicate_of is None and _indexable(media)]


def best_images(shared: Mapping[ImageRef, int], limit: int) -> list[ImageRef]:
    """Candidate images (image -> chunk keys it shares with the lookup) ranked as the text
    near-duplicate lookup ranks posts: those sharing the most keys first (a near copy within
    a few bits shares several chunks, a chance match one), then the earliest."""
    order = sorted(shared, key=lambda ref: (-shared[ref], ref.created_at, ref.post_id, ref.key))
    return order[:limit]


# -- author profiles ---------------------------------------------------------------------------
# Every sighting of an author (a post's author, an influencer, a sampled follower, a re-crawl)
# is merged into the one stored profile of its id, by both backends alike.

MAX_RECENT_POSTS = 200
"""Recent posts a profile keeps (newest first). The profile is one document rewritten at every
sighting, so it must not grow with each re-crawl; 200 is the most one author-mode crawl brings
(``recent_posts`` option), so a crawl's sample is never cut, and older posts say less about
what the author cares about now."""

PROFILE_FIELDS = ("handle", "name", "followers", "following", "verified", "bio", "url")
"""Taken from the newer observation, unless it lacks them."""
ANALYSED_FIELDS = ("interests", "interest_model", "influence", "pipeline")
"""Computed from the profile's text by the author steps: valid only for the text they read."""
UNIONED_FIELDS = ("campaign_ids", "follower_sample", "followers_of", "same_as")


def _known(value: object) -> bool:
    """A value an observation actually carries: a post's author reference has no follower
    count on some platforms, a follower sample no bio, and neither may erase a known one."""
    return value is not None and value != "" and value != [] and value != {}


def _text_basis(author: Author) -> tuple[str, frozenset[str]]:
    """What the analysed fields are computed from: the bio and which recent posts."""
    return author.bio, frozenset(post.id for post in author.recent_posts)


def _recent(older: Iterable[RecentPost], newer: Iterable[RecentPost]) -> list[RecentPost]:
    """Both lists united by post id (the newer copy of an edited post wins), newest first,
    then by id, at most ``MAX_RECENT_POSTS``."""
    by_id = {post.id: post for post in older}
    by_id.update((post.id, post) for post in newer)
    ordered = sorted(by_id.values(), key=lambda post: post.id)
    ordered.sort(key=lambda post: post.created_at, reverse=True)
    return ordered[:MAX_RECENT_POSTS]


def tidy_author(author: Author) -> Author:
    """A profile in the form the store keeps: lists without repeats, recent posts newest first
    and bounded. Merging gives this form too, so storing a profile once or merging it into
    itself gives the same document."""
    return author.model_copy(update={
        **{name: list(dict.fromkeys(getattr(author, name))) for name in UNIONED_FIELDS},
        "recent_posts": _recent([], author.recent_posts)})


def merge_author(stored: Author, new: Author) -> Author:
    """One profile from two observations of the same author id; ``stored`` itself when the
    merge would change nothing but ``updated_at``, so an identical re-crawl, or a retried task,
    leaves the stored profile as it was.

    - ``campaign_ids``, ``follower_sample``, ``followers_of``, ``same_as``: united, stored ones
      first, no repeats;
    - ``recent_posts``: united by post id, newest first, at most ``MAX_RECENT_POSTS``;
    - profile fields (``PROFILE_FIELDS``) from the newer observation (``updated_at``; the new
      one on a tie), except where it has none: an empty value never erases a known one;
      extra fields likewise;
    - analysed fields (``ANALYSED_FIELDS``): the new ones if given, else the stored ones, but
      only those computed from the merged profile's text (bio and set of recent post ids).
      When the text changed they are cleared, so the author steps compute them again;
    - ``updated_at``: the newer."""
    newer, older = (new, stored) if new.updated_at >= stored.updated_at else (stored, new)
    fields: dict[str, object] = {
        name: getattr(newer, name) if _known(getattr(newer, name)) else getattr(older, name)
        for name in PROFILE_FIELDS}
    fields.update({name: list(dict.fromkeys([*getattr(stored, name), *getattr(new, name)]))
                   for name in UNIONED_FIELDS})
    fields["recent_posts"] = _recent(older.recent_posts, newer.recent_posts)
    basis = (fields["bio"], frozenset(post.id for post in fields["recent_posts"]))
    for name in ANALYSED_FIELDS:
        valid = [getattr(side, name) for side in (new, stored)
                 if _known(getattr(side, name)) and _text_basis(side) == basis]
        fields[name] = valid[0] if valid else Author.model_fields[name].get_default(
            call_default_factory=True)
    extra = {**(older.model_extra or {}),
             **{k: v for k, v in (newer.model_extra or {}).items() if _known(v)}}
    merged = Author(**extra, **fields, id=stored.id, source=stored.source,
                    updated_at=newer.updated_at)
    if merged.model_dump(exclude={"updated_at"}) == stored.model_dump(exclude={"updated_at"}):
        return stored
    return merged


def fold_authors(authors: Iterable[Author]) -> dict[str, Author]:
    """A batch of profiles by id, the copies of one id merged in batch order (a post author
    seen on several posts of one batch, a follower of two influencers)."""
    folded: dict[str, Author] = {}
    for author in authors:
        found = folded.get(author.id)
        folded[author.id] = merge_author(found, author) if found else tidy_author(author)
    return folded


# -- customer segments -------------------------------------------------------------------------
# An import is written beside the campaign's current one, made current in one write, and only
# then is the previous one removed (``replace_import``): readers, who see the current import
# alone, never see one half-written.

IMPORT_CHUNK = 5000
Item = TypeVar("Item")


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """``items`` in lists of ``size`` (the last shorter), read only as far as needed."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
"""Customers written (and those of a replaced import deleted) per bulk request or SQLite
transaction: a file of millions is never held in memory, nor the SQLite lock held for all of
it."""

MEAN_PLACES = 6
"""Places a targeting row's mean propensity is rounded to: the backends add the scores up in
different orders, so their last digits may differ, and a tie on the mean must order alike."""

MISSING_PROPENSITY = -1.0
"""Where a customer without a score ranks: below every score (scores lie in [0, 1])."""


class ImportSteps(Protocol):
    """The steps :func:`replace_import` takes on a backend."""

    def current_import(self, campaign_id: str) -> SegmentImport | None: ...

    def _save_run(self, run: ModelRun) -> None: ...

    def _save_customers(self, customers: Iterable[ScoredCustomer]) -> int:
        """Write (or overwrite) them ``IMPORT_CHUNK`` at a time, readable once it returns;
        returns how many."""

    def _save_segments(self, segments: list[Segment]) -> None:
        """Write (or overwrite) them, readable once it returns."""

    def _make_current(self, record: SegmentImport) -> None:
        """Make ``record`` the campaign's current import, in one write."""

    def _discard(self, campaign_id: str, import_id: str) -> None:
        """Delete the customers and segments of that import of the campaign."""


def _check(record: SegmentImport, item: ScoredCustomer | Segment) -> None:
    """A customer or segment must belong to the import saved: it is stored and removed under
    its own campaign and import ids, so a stray one would never be read, nor ever removed."""
    if (item.campaign_id, item.import_id) != (record.campaign_id, record.id):
        raise ValueError(f"{item.id}: of import {item.import_id!r} of campaign "
                         f"{item.campaign_id!r}, not {record.id!r} of {record.campaign_id!r}")


def _checked(record: SegmentImport,
             customers: Iterable[ScoredCustomer]) -> Iterator[ScoredCustomer]:
    for customer in customers:
        _check(record, customer)
        yield customer


def replace_import(steps: ImportSteps, record: SegmentImport, segments: list[Segment],
                   customers: Iterable[ScoredCustomer],
                   run: ModelRun | None = None) -> UpsertResult:
    """:meth:`~sensing.store.base.SegmentStore.save_import` on either backend: the run, the
    customers, the segments, then the switch to ``record``, then the previous import removed
    (its run stays: runs are the audit trail). Until the switch readers see the previous import
    whole; a failure before it raises, and what the import had written is removed again.

    An import saved again is written over in place: its rows stay readable meanwhile and hold
    the same values, so nothing visible changes. A fresh one starts by removing whatever an
    earlier attempt under its id left (a crash skips the clean-up), so none of it can become
    visible with it."""
    for segment in segments:
        _check(record, segment)
    previous = steps.current_import(record.campaign_id)
    again = previous is not None and previous.id == record.id
    if not again:
        steps._discard(record.campaign_id, record.id)
    try:
        if run is not None:
            steps._save_run(run)
        written = steps._save_customers(_checked(record, customers))
        steps._save_segments(segments)
        steps._make_current(record)
    except Exception:
        if not again:
            _discard_failed(steps, record)
        raise
    if previous is not None and not again:
        steps._discard(record.campaign_id, previous.id)
    return UpsertResult(created=written)


def _discard_failed(steps: ImportSteps, record: SegmentImport) -> None:
    """Remove what a failed import wrote, unless the switch to it did happen (a write that
    timed out may still have been applied). Best effort: the import's own failure is what the
    caller must see, and a fresh attempt under its id cleans up anyway."""
    try:
        current = steps.current_import(record.campaign_id)
        if current is None or current.id != record.id:
            steps._discard(record.campaign_id, record.id)
    except Exception:
        log.warning("could not remove what failed import %s of %s wrote", record.id,
                    record.campaign_id, exc_info=True)


def segment_order(segment: Segment) -> tuple[str, bool, float, str]:
    """Sort key of :meth:`~sensing.store.base.SegmentStore.list_segments`: campaign id, then
    mean propensity descending (None last), then name."""
    mean = segment.mean_propensity
    return segment.campaign_id, mean is None, -(mean or 0.0), segment.name


def targeting_rows(segments: Iterable[Segment],
                   counts: Mapping[str, tuple[int, int, float | None]]) -> list[TargetingRow]:
    """The targeting table from the import's segments and, by segment id, (customers, those
    at or above the threshold, mean propensity): every segment has a row, one without
    customers a share of 0; in :func:`~sensing.segments.targeting_order`."""
    rows = []
    for segment in segments:
        count, target, mean = counts.get(segment.id, (0, 0, None))
        rows.append(TargetingRow.of(segment.id, segment.name, count, target,
                                    None if mean is None else round(mean, MEAN_PLACES)))
    return targeting_order(rows)


def encode_customer_cursor(customer: ScoredCustomer) -> str:
    return _pack([customer.propensity, customer.id])


def decode_customer_cursor(cursor: str) -> tuple[float | None, str]:
    """The (propensity, id) of the last customer of the previous page; ValueError if forged."""
    try:
        propensity, customer_id = _unpack(cursor)
    except (ValueError, TypeError, RecursionError) as exc:
        raise ValueError(f"not a cursor from this API ({exc})") from None
    forged_score = propensity is not None and _score(propensity) is None
    if forged_score or not isinstance(customer_id, str):
        raise ValueError("not a cursor from this API")
    return (None if propensity is None else float(propensity)), customer_id


def customer_page(total: int, found: list[ScoredCustomer], size: int) -> CustomerPage:
    """A page from the ``size + 1`` customers read for it: the extra one says there is more."""
    page = found[:size]
    more = len(found) > size and bool(page)
    return CustomerPage(total=total, customers=page,
                        next_cursor=encode_customer_cursor(page[-1]) if more else None)
