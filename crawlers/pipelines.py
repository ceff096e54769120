"""Item pipelines: validate each post, drop repeats within the crawl, hand batches on."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from crawlers.sinks import Sink, open_sink
from sensing.schemas import Post

log = logging.getLogger(__name__)


class ValidatePipeline:
    """A post that breaks the data contract is dropped with the reason, never passed on."""

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        try:
            return Post.model_validate(item).model_dump(mode="json", exclude_none=True)
        except ValidationError as exc:
            self.stats.inc_value("sensing/invalid_items")
            raise DropItem(f"invalid post {item.get('id')!r}: {exc.errors()[0]['msg']}") from None


class DedupPipeline:
    """The same post reached twice in one crawl (a hashtag timeline and the search) once."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        if item["id"] in self.seen:
            self.stats.inc_value("sensing/repeated_items")
            raise DropItem(f"already collected {item['id']}")
        self.seen.add(item["id"])
        return item


class BatchPipeline:
    """Collects posts into batches of ``SENSING_BATCH_SIZE`` for the sink (``SENSING_SINK``);
    the receipts (analysis task ids) land in the crawl stats."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.size = crawler.settings.getint("SENSING_BATCH_SIZE")
        self.spec = crawler.settings.get("SENSING_SINK")
        self.batch: list[dict[str, Any]] = []
        self.sink: Sink | None = None
        self.receipts: list[str] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.sink = open_sink(self.spec, getattr(self.crawler.spider, "campaign_id", None))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        self.batch.append(item)
        if len(self.batch) >= self.size:
            self.flush()
        return item

    def flush(self) -> None:
        if not self.batch:
            return
        receipt = self.sink.send(self.batch)
        if receipt:
            self.receipts.append(receipt)
        self.stats.inc_value("sensing/batches")
        self.stats.inc_value("sensing/posts_handed_off", len(self.batch))
        self.batch = []

    def close_spider(self) -> None:
        self.flush()
        self.sink.close()
        self.stats.set_value("sensing/task_ids", self.receipts)
