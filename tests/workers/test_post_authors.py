"""Post authors are authors too: the worker's unit of work (``analyze_and_index``) stores a
profile for every author of a batch, in one batched upsert, on SQLite and on Elasticsearch;
a post author seen again is merged, never duplicated, and an author-mode crawl of the same id
enriches the same profile."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analysis.pipeline import build_pipeline
from sensing.schemas import Author, Campaign
from sensing.store import Store
from tests.workers.conftest import raw_post
from workers.analysis import analyze_and_index

X2 = Campaign(id="x2", name="X2", query="x2", launch_at=datetime(2026, 10, 15, tzinfo=UTC))
RIVALS = Campaign(id="rivals", name="Rivals", query="phone", launch_at=X2.launch_at)
CLEAN_ONLY = build_pipeline([{"step": "clean"}])  # the authors are the point, not the analysis
ANA = "mastodon:test.social/ana"


@pytest.fixture
def store(empty_store: Store) -> Store:
    """Each test on SQLite and on Elasticsearch."""
    return empty_store


def by_ana(n: int, followers: int | None = None) -> dict:
    """Ana's post ``n``, collected at minute ``n`` of the crawl."""
    post = raw_post(n, f"X2 post {n}", author="ana")
    post["author"].update({"name": "Ana", "followers": followers, "bio": "runner"})
    post["collected_at"] = f"2026-10-16T10:{n:02d}:00Z"
    return post


def analyse(store: Store, campaign: Campaign, *records: dict) -> dict:
    result = analyze_and_index(list(records), CLEAN_ONLY, store, campaign=campaign,
                               max_text_bytes=100_000)
    assert not result.index_errors
    return result.summary()


def test_every_author_of_a_batch_is_stored_once(store: Store) -> None:
    summary = analyse(store, X2, by_ana(1, followers=40), by_ana(2, followers=41),
                      raw_post(3, "X2 here", author="bo"))
    assert (summary["indexed"], summary["authors"]) == (3, 2)
    ana, bo = store.get_authors([ANA, "mastodon:test.social/bo"])
    assert (ana.source, ana.handle, ana.name, ana.bio, ana.campaign_ids) == \
        ("mastodon", "@ana", "Ana", "runner", ["x2"])
    assert ana.followers == 41  # as the later post showed it
    assert bo.handle == "@bo"
    assert [a.id for a in store.campaign_authors("x2")] == [ANA, "mastodon:test.social/bo"]


def test_a_post_author_seen_again_is_merged_and_enriched_by_an_author_crawl(
        store: Store) -> None:
    analyse(store, X2, by_ana(1, followers=40))
    # the author-mode crawl of the same account: follower sample, url, recent posts
    store.upsert_authors([Author(id=ANA, source="mastodon", handle="@ana", followers=42,
                                 url="https://test.social/@ana", follower_sample=["f1"],
                                 campaign_ids=["x2"], updated_at="2026-10-16T10:01:30Z")])
    analyse(store, RIVALS, by_ana(2))  # a later post of hers, no follower count shown

    [ana] = store.get_authors([ANA])
    assert (ana.followers, ana.url, ana.follower_sample, ana.bio, ana.campaign_ids) == \
        (42, "https://test.social/@ana", ["f1"], "runner", ["x2", "rivals"])
    assert [a.id for a in store.campaign_authors("rivals")] == [ANA]


def test_analysing_a_batch_again_leaves_its_authors_as_they_were(store: Store) -> None:
    batch = [by_ana(1, followers=40), raw_post(2, "X2 here", author="bo")]
    analyse(store, X2, *batch)
    before = store.get_authors([ANA, "mastodon:test.social/bo"])
    again = analyse(store, X2, *batch)
    assert again["authors"] == 2
    assert store.get_authors([ANA, "mastodon:test.social/bo"]) == before
