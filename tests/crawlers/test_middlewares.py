"""The rate-limit middleware: every spider's declared limit is kept per host, and a host whose
rate-limit headers say the quota is spent is held until the reset, while other hosts go on.
Real crawl subprocesses against real sample servers on loopback; the server's request log is
the witness."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.http.headers import Headers

from crawlers.middlewares import parse_rate_limit, quota_of
from crawlers.run import settings_env
from samples.platforms.mastodon import RateWindow
from samples.server import SampleServer, start_sample_server
from sensing.config import Settings

TOLERANCE = 0.1  # the log records when a request was answered, not when it was sent


@pytest.fixture
def servers() -> Iterator[list[SampleServer]]:
    started = [start_sample_server()[0] for _ in range(2)]
    yield started
    for server in started:
        server.shutdown()


def crawl(tmp_path: Path, server: SampleServer, query: str,
          **options: Any) -> dict[str, Any]:
    """A real crawl process (``crawlers.runner``, as ``run_crawl`` starts it); returns
    Scrapy's own stats, where the middleware counts its waits."""
    stats_file = tmp_path / "stats.json"
    settings = Settings(data_dir=tmp_path / "data")
    cmd = [sys.executable, "-m", "crawlers.runner", "mastodon", "--query", query,
           "--base-url", server.base_url, "--sink", f"jsonl:{tmp_path / 'posts.jsonl'}",
           "--stats-file", str(stats_file), "--options", json.dumps(options)]
    subprocess.run(cmd, env={**os.environ, **settings_env(settings)}, check=True,
                   capture_output=True, timeout=120)
    return json.loads(stats_file.read_text())


def api_times(server: SampleServer) -> list[float]:
    return [when for when, path, _ in server.requests if path.startswith("/api/")]


def test_rate_limit_headers_of_both_families_are_read() -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
    left, reset_in = quota_of(Headers({"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                                       "X-RateLimit-Reset": reset}))  # Mastodon
    assert left == 0 and 29 < reset_in <= 30
    assert quota_of(Headers({"X-Ratelimit-Used": "99", "X-Ratelimit-Remaining": "1.0",
                             "X-Ratelimit-Reset": "42"})) == (1.0, 42.0)  # Reddit
    assert quota_of(Headers({"X-Ratelimit-Remaining": "1.0"})) is None
    assert parse_rate_limit("300/300") == (300, 300.0)
    with pytest.raises(ValueError, match="not '<requests>/<seconds>'"):
        parse_rate_limit("300 per 5 minutes")


def test_a_spent_quota_holds_the_host_until_the_reset(servers: list[SampleServer],
                                                      tmp_path: Path) -> None:
    server = servers[0]
    # 10 requests per 2 s window: the 10th answer says Remaining 0, reset 2 s after the 1st.
    server.platforms["mastodon"].rate_window = RateWindow(limit=10, seconds=2)
    stats = crawl(tmp_path, server, '"nova lumina" OR luminax2 OR 노바루미나')

    assert stats["finish_reason"] == "finished"
    assert all(status != 429 for _, _, status in server.requests)  # never over the limit
    times = api_times(server)
    assert len(times) > 10
    assert times[10] - times[0] >= 2.0 - TOLERANCE  # the 11th waited for the reset
    assert stats["sensing/rate_limit_waits"] >= 1
    assert stats["sensing/rate_limit_wait_seconds"] > 0.5


def test_a_declared_limit_spaces_requests(servers: list[SampleServer], tmp_path: Path) -> None:
    server = servers[0]
    stats = crawl(tmp_path, server, '"nova lumina" OR luminax2 OR 노바루미나', rate_limit="5/1")

    times = [when for when, _, _ in server.requests]  # robots.txt counts too: same host
    assert len(times) > 15
    # never more than 5 requests in any 1-second window
    gaps = [later - first for first, later in zip(times, times[5:], strict=False)]
    assert min(gaps) >= 1.0 - TOLERANCE
    assert stats["sensing/rate_limit_waits"] >= 5


def test_one_held_host_does_not_hold_another(servers: list[SampleServer],
                                             tmp_path: Path) -> None:
    held, free = servers
    held.platforms["mastodon"].rate_window = RateWindow(limit=4, seconds=3)
    free.faults.delay = 0.3  # slow enough to be still crawling while the other host waits
    started = time.monotonic()
    crawl(tmp_path, held, "nova", instances=[free.base_url])

    held_times, free_times = api_times(held), api_times(free)
    assert len(held_times) > 4 and len(free_times) > 4
    hold_from, hold_until = held_times[3], held_times[4]
    assert hold_until - held_times[0] >= 3.0 - TOLERANCE  # held until its window reset ...
    during = [t for t in free_times if hold_from < t < hold_until]
    assert len(during) >= 3  # ... while the other host's requests kept going
    assert hold_from > started
