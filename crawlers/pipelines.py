"""Item pipelines: validate each post or author, give each post its clean text, drop repeats
within the crawl, hand batches on."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from crawlers.items import AuthorItem
from crawlers.sinks import Sink, open_sink
from sensing.schemas import Author, Post
from sensing.text import plain_text

log = logging.getLogger(__name__)


def kind_of(item: dict[str, Any]) -> str:
    return "author" if isinstance(item, AuthorItem) else "post"


class ValidatePipeline:
    """A post or author that breaks the data contract is dropped with the reason."""

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        model = Author if isinstance(item, AuthorItem) else Post
        try:
            valid = model.model_validate(item).model_dump(mode="json", exclude_none=True)
        except ValidationError as exc:
            self.stats.inc_value("sensing/invalid_items")
            raise DropItem(f"invalid {kind_of(item)} {item.get('id')!r}: "
                           f"{exc.errors()[0]['msg']}") from None
        return AuthorItem(valid) if isinstance(item, AuthorItem) else valid


class TextPipeline:
    """Every post's ``text``, the clean plain text of the data contract, made from ``raw_text``
    (which stays as fetched) with the primitive the analysis ``clean`` step reads it with:
    markup dropped, entities decoded, paragraphs and line breaks kept. One place for every
    source, so a crawl written to a file is readable before any analysis. Masking personal
    data stays with the ``clean`` step, which works ``text`` out again from ``raw_text``."""

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(item, AuthorItem):
            item["text"] = plain_text(item.get("raw_text") or item.get("text") or "")
        return item


class DedupPipeline:
    """The same post (or profile) reached twice in one crawl (a hashtag timeline and the
    search, a follower of two authors) once."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        key = (kind_of(item), item["id"])
        if key in self.seen:
            self.stats.inc_value("sensing/repeated_items")
            raise DropItem(f"already collected {key[0]} {item['id']}")
        self.seen.add(key)
        return item


class BatchPipeline:
    """Collects posts and author profiles into batches of ``SENSING_BATCH_SIZE`` for the sink
    (``SENSING_SINK``); the receipts (task ids) land in the crawl stats."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.size = crawler.settings.getint("SENSING_BATCH_SIZE")
        self.spec = crawler.settings.get("SENSING_SINK")
        self.batches: dict[str, list[dict[str, Any]]] = {"post": [], "author": []}
        self.sink: Sink | None = None
        self.receipts: dict[str, list[str]] = {"post": [], "author": []}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.sink = open_sink(self.spec, getattr(self.crawler.spider, "campaign_id", None))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        kind = kind_of(item)
        self.batches[kind].append(item)
        if len(self.batches[kind]) >= self.size:
            self.flush(kind)
        return item

    def flush(self, kind: str) -> None:
        batch = self.batches[kind]
        if not batch:
            return
        receipt = (self.sink.send_authors if kind == "author" else self.sink.send)(batch)
        if receipt:
            self.receipts[kind].append(receipt)
        self.stats.inc_value("sensing/batches" if kind == "post" else "sensing/author_batches")
        self.stats.inc_value(f"sensing/{kind}s_handed_off", len(batch))
        self.batches[kind] = []

    def close_spider(self) -> None:
        for kind in self.batches:
            self.flush(kind)
        self.sink.close()
        self.stats.set_value("sensing/task_ids", self.receipts["post"])
        self.stats.set_value("sensing/author_task_ids", self.receipts["author"])
