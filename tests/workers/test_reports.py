"""The launch reaction report counts what the campaign is about: posts below its
``relevance_threshold`` (the query word in another sense) and copies stay out of the window
counts, the volume chart and the representative posts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reports.build import build_report, render_html
from sensing.schemas import AuthorRef, Campaign, Metrics, Post, Sentiment
from sensing.store.sqlite import SqliteStore

LAUNCH = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
CAMPAIGN = Campaign(id="x2", name="Nova Lumina X2", query="lumina", launch_at=LAUNCH,
                    relevance_threshold=0.6)


def post(n: int, hours: float, relevance: float, label: str = "positive", *,
         likes: int = 0, duplicate_of: str | None = None) -> Post:
    return Post(id=f"mastodon:r/{n}", source="mastodon", campaign_ids=["x2"],
                created_at=LAUNCH + timedelta(hours=hours), author=AuthorRef(id=f"a{n}"),
                text=f"post {n}", lang="en", relevance=relevance, metrics=Metrics(likes=likes),
                sentiment=Sentiment(label=label, score=0.5 if label == "positive" else -0.5),
                duplicate_of=duplicate_of)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    found = SqliteStore(tmp_path / "store.db")
    found.setup()
    found.upsert_posts([
        post(1, -30, 0.9), post(2, -5, 0.1, "negative"),  # before: one on topic
        post(3, 2, 0.8), post(4, 3, 0.6, "negative"),  # after: two on topic (0.6 counts)
        post(5, 4, 0.2, "negative", likes=500),  # the lamp: popular but off topic
        post(6, 5, 0.9, duplicate_of="mastodon:r/3"),
    ])
    yield found
    found.close()


def test_posts_below_the_relevance_threshold_are_left_out(store: SqliteStore) -> None:
    report = build_report(store, CAMPAIGN)
    assert (report.pre.posts, report.post.posts) == (1, 2)
    assert report.pre.sentiment == {"positive": 1}
    assert report.post.sentiment == {"positive": 1, "negative": 1}
    assert sum(b.count for b in report.volume) == 3
    assert [p.id for p in report.examples["negative"]] == ["mastodon:r/4"]
    assert "posts of relevance\nbelow 0.6 excluded" in render_html(report)


def test_a_lower_threshold_lets_them_back_in(store: SqliteStore) -> None:
    report = build_report(store, CAMPAIGN.model_copy(update={"relevance_threshold": 0.0}))
    assert (report.pre.posts, report.post.posts) == (2, 3)
    assert report.examples["negative"][0].id == "mastodon:r/5"
