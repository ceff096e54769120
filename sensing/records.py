"""Turning untrusted records (JSON lines, task payloads) into validated Posts, one at a time.

Crawled data is hostile by nature: broken UTF-8, malformed JSON, megabyte posts, fields a
platform renamed. Each record is parsed on its own so one bad record is reported with a
reason and skipped, and the rest of its batch goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sensing.schemas import Post


@dataclass(frozen=True)
class Rejection:
    """Why one record was not accepted: where it was, which post (if known) and the reason."""

    position: int
    post_id: str | None
    reason: str

    def __str__(self) -> str:
        who = f" ({self.post_id})" if self.post_id else ""
        return f"record {self.position}{who}: {self.reason}"


class RecordError(ValueError):
    def __init__(self, reason: str, post_id: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.post_id = post_id


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start:exc.start + 4]
        raise RecordError(f"invalid UTF-8 at byte {exc.start}: {bad!r}") from None


def _load(raw: bytes | str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    text = _decode(raw)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"malformed JSON at line {exc.lineno} column {exc.colno}: "
                          f"{exc.msg}") from None
    if not isinstance(value, dict):
        raise RecordError(f"expected a JSON object, got {type(value).__name__}")
    return value


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "post"
        parts.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - 5
    return "invalid post: " + "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def parse_record(raw: bytes | str | dict[str, Any], max_text_bytes: int) -> Post:
    """One record to a Post, or RecordError saying what is wrong with it."""
    data = _load(raw)
    post_id = data.get("id") if isinstance(data.get("id"), str) else None
    for field in ("raw_text", "text"):
        value = data.get(field)
        if isinstance(value, str) and len(value.encode("utf-8", "surrogatepass")) > max_text_bytes:
            raise RecordError(f"{field} is {len(value.encode('utf-8', 'surrogatepass')):,} bytes; "
                              f"the limit is {max_text_bytes:,} (SENSING_MAX_POST_BYTES)", post_id)
    try:
        return Post.model_validate(data)
    except ValidationError as exc:
        raise RecordError(_describe(exc), post_id) from None


def parse_records(records: Iterable[bytes | str | dict[str, Any]],
                  max_text_bytes: int) -> tuple[list[Post], list[Rejection]]:
    """Every record parsed independently: the good ones as Posts, the bad ones as Rejections.

    Blank lines (as at the end of a JSONL file) are neither posts nor errors.
    """
    posts: list[Post] = []
    rejected: list[Rejection] = []
    for position, raw in enumerate(records, start=1):
        if isinstance(raw, bytes | str) and not raw.strip():
            continue
        try:
            posts.append(parse_record(raw, max_text_bytes))
        except RecordError as exc:
            rejected.append(Rejection(position, exc.post_id, exc.reason))
    return posts, rejected
