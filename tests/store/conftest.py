"""One store contract, two backends: every test here runs against SQLite and against the real
Elasticsearch (each test in its own index prefix, removed afterwards).

The contract is a file or more per interface of ``sensing/store/base.py``:

- ``StoreLifecycle``: ``test_lifecycle.py``, and ``test_upgrade.py`` (``setup`` over data an
  older version wrote);
- ``PostStore``: ``test_posts.py``, ``test_aspect_filter.py``, ``test_aggregations.py``;
- ``DuplicateIndex``: ``test_content_hashes.py``, ``test_near_duplicates.py``,
  ``test_near_duplicate_images.py``;
- ``AuthorStore``: ``test_authors.py``; ``CampaignCatalog``: ``test_campaigns.py``;
  ``SegmentStore``: ``test_segments.py``; ``PlanHistory``: ``test_plan_history.py``;
  ``JourneyStore``: ``test_journeys.py``; ``AlertStore`` and ``ReportCatalog``:
  ``test_alerts_and_reports.py``.

``test_interfaces.py`` keeps the interfaces narrow (each method on exactly one) and both
backends complete (every method of every interface, with its parameters).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sensing.schemas import AuthorRef, Post, Sentiment
from sensing.store import Store

T0 = datetime(2026, 10, 12, 9, 30, tzinfo=UTC)  # a Monday


@pytest.fixture
def store(empty_store: Store) -> Store:
    """The contract's store: an empty one of each backend (``tests/conftest.py``)."""
    return empty_store


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
