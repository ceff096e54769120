"""Fixtures shared by every test folder: real services, or a clear reason why not.

Integration tests talk to real servers (Elasticsearch, Redis). Locally a missing server skips
them; under CI (``CI`` set) it fails them, so a broken service start can never turn the suite
green by skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, TransportError

from sensing.store import Store
from sensing.store.elastic import ElasticStore
from sensing.store.sqlite import SqliteStore

ES_URL = os.environ.get("SENSING_ES_URL", "http://127.0.0.1:9200")


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


@pytest.fixture(scope="session")
def es_client() -> Iterator[Elasticsearch]:
    """The real Elasticsearch on loopback (``SENSING_ES_URL``)."""
    client = Elasticsearch(ES_URL, request_timeout=10)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="10s")
    except TransportError as exc:
        service_missing(f"Elasticsearch at {ES_URL}: {exc}")
    yield client
    client.close()


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch",
                                               marks=pytest.mark.elasticsearch)])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend: SQLite, and the real Elasticsearch (each test in its
    own index prefix, removed afterwards), so a test of stored data runs on both."""
    if request.param == "sqlite":
        found: Store = SqliteStore(tmp_path / "store.db")
        found.setup()
        yield found
        found.close()
        return
    request.getfixturevalue("es_client")  # Elasticsearch down: skip locally, fail under CI
    found = ElasticStore(ES_URL, prefix=f"test-{uuid.uuid4().hex[:10]}")
    found.setup()
    yield found
    found.drop()
    found.close()
