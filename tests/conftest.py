"""Fixtures shared by every test folder: real services, or a clear reason why not.

Integration tests talk to real servers (Elasticsearch, Redis). Locally a missing server skips
them; under CI (``CI`` set) it fails them, so a broken service start can never turn the suite
green by skipping.
"""

from __future__ import annotations

import os

import pytest


def service_missing(what: str) -> None:
    """Skip (locally) or fail (under CI) a test whose server is not reachable."""
    message = f"{what} (start it with `make services`)"
    if os.environ.get("CI"):
        pytest.fail(f"CI needs {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real Redis on loopback; database 15 so tests never touch a developer's data."""
    import redis

    url = os.environ.get("SENSING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {url}: {exc}")
    return url
