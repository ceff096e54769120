"""What both backends must compute identically: indexed text, cursors, interval buckets,
bucket order and the campaign-id union. One copy here keeps the contract suite honest."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sensing.schemas import Post
from sensing.store.base import Bucket, Interval
from sensing.textsearch import search_text


def index_text(post: Post) -> str:
    """The text queries run against: the clean text once analysed, the raw text before."""
    return search_text(post.text or post.raw_text)


def merged_campaigns(stored: Iterable[str], new: Iterable[str]) -> list[str]:
    """A post collected by several campaigns carries all of them, stored ones first."""
    return list(dict.fromkeys([*stored, *new]))


def encode_cursor(created_at: datetime, post_id: str) -> str:
    raw = json.dumps([created_at.astimezone(UTC).isoformat(), post_id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (created_at, id) of the last post of the previous page; ValueError if forged."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        when, post_id = json.loads(raw)
        return datetime.fromisoformat(when).astimezone(UTC), str(post_id)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a cursor from this API ({exc})") from None


def interval_start(moment: datetime, interval: Interval) -> datetime:
    """UTC start of the hour, day or ISO week (Monday) containing ``moment``."""
    moment = moment.astimezone(UTC)
    if interval == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day if interval == "day" else day - timedelta(days=day.weekday())


STEP = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}


def volume_buckets(counts: dict[datetime, int], interval: Interval) -> list[Bucket]:
    """Ascending buckets from the first to the last non-empty interval, gaps as zeros, so a
    chart shows quiet days instead of skipping them."""
    if not counts:
        return []
    out = []
    current, last = min(counts), max(counts)
    while current <= last:
        out.append(Bucket(key=current.isoformat(), count=counts.get(current, 0)))
        current += STEP[interval]
    return out


def ranked(counts: Iterable[tuple[str, int]], top: int | None = None) -> list[Bucket]:
    """Count descending, then key ascending: a stable order both backends can produce."""
    ordered = sorted(((k, c) for k, c in counts if c), key=lambda kc: (-kc[1], kc[0]))
    return [Bucket(key=k, count=c) for k, c in ordered[:top]]
