"""A real Celery worker (in a thread) consuming from the real Redis, with a SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker

from sensing.config import Settings
from sensing.store import Store
from sensing.store.sqlite import SqliteStore
from workers.app import make_celery


@pytest.fixture
def settings(tmp_path: Path, redis_url: str) -> Settings:
    redis.Redis.from_url(redis_url).flushdb()  # no message left over from another test
    return Settings(data_dir=tmp_path, broker_url=redis_url, store="sqlite")


@pytest.fixture
def celery_app(settings: Settings) -> Celery:
    return make_celery(settings)


@pytest.fixture
def worker(celery_app: Celery) -> Iterator[None]:
    with start_worker(celery_app, pool="threads", concurrency=2, perform_ping_check=False,
                      queues=["crawl", "analyze"], shutdown_timeout=30):
        yield


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A second connection to the worker's SQLite file: what the API would read."""
    found = SqliteStore(settings.sqlite_file)
    found.setup()
    yield found
    found.close()


def raw_post(n: int, text: str, *, minutes: int = 0, author: str = "a1") -> dict:
    """A post as the crawler hands it over: platform fields and raw HTML, no analysis."""
    created = datetime(2026, 10, 16, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes or n)
    return {"id": f"mastodon:test.social/{n}", "source": "mastodon",
            "url": f"https://test.social/@{author}/{n}", "created_at": created.isoformat(),
            "author": {"id": f"mastodon:test.social/{author}", "handle": f"@{author}"},
            "raw_text": f"<p>{text}</p>"}
