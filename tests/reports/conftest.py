"""Report tests run against both store backends: SQLite, and the real Elasticsearch (each
test in its own index prefix, removed afterwards)."""

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
from tests.conftest import service_missing

ES_URL = os.environ.get("SENSING_ES_URL", "http://127.0.0.1:9200")


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch",
                                               marks=pytest.mark.elasticsearch)])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        found: Store = SqliteStore(tmp_path / "store.db")
        found.setup()
        yield found
        found.close()
        return
    client = Elasticsearch(ES_URL, request_timeout=10)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="10s")
    except TransportError as exc:
        service_missing(f"Elasticsearch at {ES_URL}: {exc}")
    finally:
        client.close()
    found = ElasticStore(ES_URL, prefix=f"test-{uuid.uuid4().hex[:10]}")
    found.setup()
    yield found
    found.drop()
    found.close()
