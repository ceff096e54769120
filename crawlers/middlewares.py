"""Downloader middlewares: waiting as long as the platform asks before a retry."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message

log = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class PoliteRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, but a 429/503 waits for its ``Retry-After`` (capped by
    ``SENSING_RETRY_AFTER_MAX``) and other retryable failures back off exponentially
    (``SENSING_BACKOFF_BASE`` × 2^attempt). The wait is an asyncio sleep: the reactor keeps
    serving other requests meanwhile."""

    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("SENSING_RETRY_AFTER_MAX")
        self.backoff = settings.getfloat("SENSING_BACKOFF_BASE")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        stats = self.crawler.stats
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        if asked is not None:
            if asked > self.max_wait:
                log.warning("%s asks to wait %.0f s (> %.0f s): giving up on it", request.url,
                            asked, self.max_wait)
                return response
            wait = asked
            stats.inc_value("sensing/retry_after_waits")
        else:
            wait = self.backoff * 2 ** request.meta.get("retry_times", 0)
        stats.inc_value("sensing/retry_wait_seconds", wait)
        log.info("%s answered %s; retrying in %.1f s", request.url, response.status, wait)
        await asyncio.sleep(wait)
        return self._retry(request, response_status_message(response.status)) or response
