"""One store contract, two backends: every test here runs against SQLite and against the real
Elasticsearch (each test in its own index prefix, removed afterwards).

The contract is a file or more per interface of ``sensing/store/base.py``:

- ``StoreLifecycle``: ``test_lifecycle.py``, and ``test_upgrade.py`` (``setup`` over data an
  older version wrote);
- ``PostStore``: ``test_posts.py``, ``test_aggregations.py``;
- ``DuplicateIndex``: ``test_content_hashes.py``, ``test_near_duplicates.py``,
  ``test_near_duplicate_images.py``;
- ``AuthorStore``: ``test_authors.py``; ``CampaignCatalog``: ``test_campaigns.py``.

``test_interfaces.py`` keeps the interfaces narrow (each method on exactly one) and both
backends complete (every method of every interface, with its parameters).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, TransportError

from sensing.schemas import AuthorRef, Post, Sentiment
from sensing.store import Store
from sensing.store.elastic import ElasticStore
from sensing.store.sqlite import SqliteStore
from tests.conftest import service_missing

ES_URL = os.environ.get("SENSING_ES_URL", "http://127.0.0.1:9200")
T0 = datetime(2026, 10, 12, 9, 30, tzinfo=UTC)  # a Monday


@pytest.fixture(scope="session")
def es_client() -> Iterator[Elasticsearch]:
    client = Elasticsearch(ES_URL, request_timeout=10)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="10s")
    except TransportError as exc:
        service_missing(f"Elasticsearch at {ES_URL}: {exc}")
    yield client
    client.close()


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch",
                                               marks=pytest.mark.elasticsearch)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
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


def make_post(n: int, text: str = "Nova Lumina X2 camera", *, hours: float = 0,
              campaigns: tuple[str, ...] = ("x2",), source: str = "mastodon",
              lang: str = "en", sentiment: str | None = "positive", author: str = "a1",
              hashtags: tuple[str, ...] = (), duplicate_of: str | None = None,
              spam: float = 0.0, content_hash: str | None = None) -> Post:
    """An analysed post, ``hours`` after Monday 2026-10-12 09:30 UTC."""
    return Post(
        id=f"{source}:h/{n}", source=source, campaign_ids=list(campaigns),
        created_at=T0 + timedelta(hours=hours), author=AuthorRef(id=author, handle=f"@{author}"),
        text=text, raw_text=text, lang=lang, hashtags=list(hashtags),
        sentiment=Sentiment(label=sentiment, score=0.0, model="test") if sentiment else None,
        duplicate_of=duplicate_of, spam_score=spam, content_hash=content_hash)
