"""Downloader middlewares: keeping to each platform's published rate limit, and waiting as long
as the platform asks before a retry."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.http.headers import Headers
from scrapy.utils.response import response_status_message

log = logging.getLogger(__name__)

RATE_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*$")
POLL = 0.05  # seconds between looks at a window filled only by requests still on their way
COUNTED = "sensing_rate_counted"  # meta key: the request went through the rate limit


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


def parse_rate_limit(value: str) -> tuple[int, float]:
    """``"300/300"`` (requests / seconds) as ``(300, 300.0)``; ValueError otherwise."""
    match = RATE_LIMIT.match(value or "")
    if not match or int(match.group(1)) < 1 or float(match.group(2)) <= 0:
        raise ValueError(f"rate limit {value!r} is not '<requests>/<seconds>'")
    return int(match.group(1)), float(match.group(2))


def quota_of(headers: Headers) -> tuple[float, float] | None:
    """``(requests left, seconds until the quota resets)`` from a platform's rate-limit
    headers, or None without them. Both header families are read: Mastodon's
    ``X-RateLimit-Remaining`` with ``X-RateLimit-Reset`` as an ISO 8601 time, and Reddit's
    ``X-Ratelimit-Remaining`` (a float) with ``X-Ratelimit-Reset`` in seconds (header names
    are case-insensitive)."""
    remaining, reset = headers.get("X-RateLimit-Remaining"), headers.get("X-RateLimit-Reset")
    if remaining is None or reset is None:
        return None
    text = reset.decode("latin-1").strip()
    try:
        left = float(remaining.decode("latin-1"))
    except ValueError:
        return None
    try:
        return left, max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        log.warning("unreadable X-RateLimit-Reset %r: ignored", text)
        return None
    return left, max(0.0, when.timestamp() - time.time())


@dataclass
class HostBudget:
    """What one host allows now. Two independent limits: the declared one (at most
    ``requests`` per ``seconds``; a request occupies the window from when it is passed on
    until ``seconds`` after its answer, since it reached the platform somewhere in between),
    and the ``quota`` the platform's headers last reported, less the requests sent since."""

    requests: int
    seconds: float
    answered: deque[float] = field(default_factory=deque)
    pending: int = 0  # passed on to the downloader, not answered yet
    quota: float | None = None
    quota_resets: float = 0.0

    def delay(self, now: float) -> float:
        """Seconds to wait before the next request may go; 0 when it may go now."""
        if self.quota is not None:
            if now >= self.quota_resets:
                self.quota = None
            elif self.quota <= 0:
                return self.quota_resets - now
        if not self.requests:
            return 0.0
        while self.answered and self.answered[0] <= now - self.seconds:
            self.answered.popleft()
        if self.pending + len(self.answered) < self.requests:
            return 0.0
        # window full: wait for the oldest answer to leave it, or for an answer at all
        return self.answered[0] + self.seconds - now if self.answered else POLL

    def take(self) -> None:
        self.pending += 1
        if self.quota is not None:
            self.quota -= 1

    def settle(self, now: float) -> None:
        self.pending -= 1
        if self.requests:
            self.answered.append(now)

    def learn(self, left: float, reset_in: float, now: float) -> None:
        """The platform's count, less the requests still on their way, which it may not have
        counted yet; answers arriving out of order never raise the quota of one window."""
        quota, resets = left - self.pending, now + reset_in
        if self.quota is not None and abs(resets - self.quota_resets) < 1.0:
            quota = min(quota, self.quota)
        self.quota, self.quota_resets = quota, resets


class RateLimitMiddleware:
    """Keeps every host within the spider's declared limit (``SENSING_RATE_LIMIT``,
    ``"<requests>/<seconds>"``, e.g. Mastodon's ``"300/300"``; none declared, none kept) and
    within the quota its rate-limit headers report, holding the host's requests until the
    reset when it is spent (at most ``SENSING_RETRY_AFTER_MAX``). Waits are asyncio sleeps
    per request, so other hosts' requests keep going; ``sensing/rate_limit_waits`` counts the
    requests that waited and ``sensing/rate_limit_wait_seconds`` adds up how long."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        declared = crawler.settings.get("SENSING_RATE_LIMIT")
        self.requests, self.seconds = parse_rate_limit(declared) if declared else (0, 0.0)
        self.max_wait = crawler.settings.getfloat("SENSING_RETRY_AFTER_MAX")
        self.hosts: dict[str, HostBudget] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def budget(self, url: str) -> HostBudget:
        host = urlsplit(url).netloc
        if host not in self.hosts:
            self.hosts[host] = HostBudget(self.requests, self.seconds)
        return self.hosts[host]

    async def process_request(self, request: Request) -> None:
        budget = self.budget(request.url)
        waited = 0.0
        while (wait := budget.delay(time.monotonic())) > 0:
            waited += wait
            await asyncio.sleep(wait)
        if waited:
            self.stats.inc_value("sensing/rate_limit_waits")
            self.stats.inc_value("sensing/rate_limit_wait_seconds", round(waited, 3))
            log.debug("%s waited %.2f s for the host's rate limit", request.url, waited)
        budget.take()
        request.meta[COUNTED] = True

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.pop(COUNTED, False):
            budget = self.budget(request.url)
            budget.settle(time.monotonic())
            if (quota := quota_of(response.headers)) is not None:
                left, reset_in = quota
                if left <= 0 and reset_in > self.max_wait:
                    log.warning("%s: rate limit resets in %.0f s; holding the host only "
                                "%.0f s", response.url, reset_in, self.max_wait)
                budget.learn(left, min(reset_in, self.max_wait), time.monotonic())
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if request.meta.pop(COUNTED, False):
            self.budget(request.url).settle(time.monotonic())


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
