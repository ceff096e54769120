"""The crawl sink of a deployment: each batch a crawl hands over becomes one analysis task.

Named by ``SENSING_CRAWL_SINK`` (a dotted path, Scrapy style), so the crawler process loads it
without the crawlers package importing the workers.
"""

from __future__ import annotations

from typing import Any

from workers.tasks import enqueue_authors, enqueue_batch


class CelerySink:
    """Each batch of posts becomes one ``sensing.analyze_batch`` task; each batch of
    profiles one ``sensing.index_authors`` task."""

    def __init__(self, campaign_id: str | None):
        self.campaign_id = campaign_id

    def send(self, posts: list[dict[str, Any]]) -> str:
        return enqueue_batch(posts, self.campaign_id)

    def send_authors(self, authors: list[dict[str, Any]]) -> str:
        return enqueue_authors(authors, self.campaign_id)

    def close(self) -> None:
        """Nothing buffered: every batch was sent when full."""
