"""Author profiles (``AuthorStore``) on both backends (the ``store`` fixture runs each test on
SQLite and Elasticsearch). Every sighting of an author, as a post's author, an influencer or a
sampled follower, is merged into one profile per id. Erasing an author is
``PostStore.delete_author`` (``test_posts.py``)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sensing.schemas import Author, Interest, PipelineInfo, RecentPost
from sensing.store import AuthorStore
from sensing.store._common import MAX_RECENT_POSTS

SEEN = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
MODEL = "interests-test@1"


def profile(author_id: str = "mastodon:m.social/1", *, hours: float = 0,
            **fields: object) -> Author:
    """A profile observed ``hours`` after the first sighting."""
    return Author(id=author_id, source=author_id.split(":", 1)[0],
                  updated_at=SEEN + timedelta(hours=hours), **fields)


def recent(n: int, hours: float = 0) -> RecentPost:
    return RecentPost(id=f"mastodon:m.social/9{n}", created_at=SEEN + timedelta(hours=hours),
                      text=f"post {n}")


def classified(author_id: str = "mastodon:m.social/1", **fields: object) -> Author:
    """A profile the interests step has classified, from its bio and two recent posts."""
    analysed = {"interests": [Interest(category="sports", share=1.0)], "interest_model": MODEL,
                "influence": 0.4, "pipeline": PipelineInfo(version="1",
                                                           steps={"interests": "1"})}
    return profile(author_id, bio="runner and photographer",
                   recent_posts=[recent(1, -2), recent(2, -1)], **{**analysed, **fields})


def test_authors_round_trip_and_count_created_and_updated(store: AuthorStore) -> None:
    created = store.upsert_authors([profile(followers=10), profile("bluesky:did:plc:b")])
    updated = store.upsert_authors([profile(followers=12, hours=1)])
    assert (created.created, created.updated, updated.created, updated.updated) == (2, 0, 0, 1)
    assert store.get_author("mastodon:m.social/1").followers == 12
    assert store.get_author("bluesky:did:plc:b").source == "bluesky"


def test_an_unknown_author_is_none(store: AuthorStore) -> None:
    assert store.get_author("nobody") is None


def test_a_recrawled_author_is_merged_never_duplicated(store: AuthorStore) -> None:
    store.upsert_authors([profile(campaign_ids=["x2"], follower_sample=["f1", "f2"],
                                  followers_of=["i1"], same_as=["bluesky:did:plc:b"])])
    store.upsert_authors([profile(hours=1, campaign_ids=["x3", "x2"],
                                  follower_sample=["f2", "f3"], followers_of=["i2"])])
    [merged] = store.get_authors(["mastodon:m.social/1"])
    assert merged.campaign_ids == ["x2", "x3"]
    assert merged.follower_sample == ["f1", "f2", "f3"]
    assert merged.followers_of == ["i1", "i2"]
    assert merged.same_as == ["bluesky:did:plc:b"]
    assert merged.updated_at == SEEN + timedelta(hours=1)
    assert [a.id for a in store.campaign_authors("x2")] == ["mastodon:m.social/1"]


def test_recent_posts_are_united_by_id_newest_first_and_bounded(store: AuthorStore) -> None:
    edited = recent(2, -1).model_copy(update={"text": "post 2, edited"})
    store.upsert_authors([profile(recent_posts=[recent(1, -2), recent(2, -1)])])
    store.upsert_authors([profile(hours=1, recent_posts=[recent(3, 0), edited])])
    stored = store.get_author("mastodon:m.social/1")
    assert [(p.id[-2:], p.text) for p in stored.recent_posts] == \
        [("93", "post 3"), ("92", "post 2, edited"), ("91", "post 1")]

    many = [recent(n, hours=n) for n in range(10, 10 + MAX_RECENT_POSTS)]
    store.upsert_authors([profile(hours=2, recent_posts=many)])
    kept = store.get_author("mastodon:m.social/1").recent_posts
    assert len(kept) == MAX_RECENT_POSTS
    assert kept[0].id == many[-1].id and kept[-1].id == many[0].id


def test_an_identical_recrawl_leaves_the_profile_as_it_was(store: AuthorStore) -> None:
    first = classified(campaign_ids=["x2"], follower_sample=["f1"], handle="@ana",
                       followers=40)
    store.upsert_authors([first])
    before = store.get_author(first.id)

    again = store.upsert_authors([first.model_copy(update={"updated_at": SEEN + timedelta(
        days=1)})])  # a later crawl, a retried task: same data, a newer time
    assert (again.created, again.updated, again.errors) == (0, 1, [])
    assert store.get_author(first.id) == before


def test_a_missing_value_never_erases_a_known_one(store: AuthorStore) -> None:
    store.upsert_authors([profile(handle="@ana", name="Ana", followers=40, following=3,
                                  bio="runner", url="https://m.social/@ana", verified=True)])
    # the same author as a later post shows it: no counts, no bio, no url
    store.upsert_authors([profile(hours=1, handle="@ana", name="Ana P.", verified=True)])
    stored = store.get_author("mastodon:m.social/1")
    assert (stored.name, stored.followers, stored.following, stored.bio, stored.url) == \
        ("Ana P.", 40, 3, "runner", "https://m.social/@ana")


def test_the_newer_observation_wins_whatever_the_order_of_arrival(store: AuthorStore) -> None:
    store.upsert_authors([profile(hours=2, followers=50, name="Ana P.")])
    store.upsert_authors([profile(hours=1, followers=45, name="Ana", bio="runner")])
    stored = store.get_author("mastodon:m.social/1")
    assert (stored.followers, stored.name, stored.bio) == (50, "Ana P.", "runner")
    assert stored.updated_at == SEEN + timedelta(hours=2)


def test_analysed_fields_survive_a_sighting_without_them(store: AuthorStore) -> None:
    store.upsert_authors([classified()])
    store.upsert_authors([profile(hours=1, followers=41, bio="runner and photographer",
                                  recent_posts=[recent(2, -1)])])  # same text, fewer posts
    stored = store.get_author("mastodon:m.social/1")
    assert stored.followers == 41
    assert (stored.interest_model, stored.influence, stored.pipeline.steps) == \
        (MODEL, 0.4, {"interests": "1"})
    assert [i.category for i in stored.interests] == ["sports"]


def test_analysed_fields_are_cleared_when_the_text_they_read_changes(
        store: AuthorStore) -> None:
    store.upsert_authors([classified("mastodon:m.social/1")])
    store.upsert_authors([classified("mastodon:m.social/2")])
    store.upsert_authors([profile("mastodon:m.social/1", hours=1, bio="chef")])
    store.upsert_authors([profile("mastodon:m.social/2", hours=1, recent_posts=[recent(3)])])
    for author_id in ("mastodon:m.social/1", "mastodon:m.social/2"):
        stored = store.get_author(author_id)
        assert (stored.interests, stored.interest_model, stored.influence, stored.pipeline) == \
            ([], None, None, None), author_id
    assert store.get_author("mastodon:m.social/1").bio == "chef"
    assert len(store.get_author("mastodon:m.social/2").recent_posts) == 3


def test_new_analysed_fields_replace_the_stored_ones(store: AuthorStore) -> None:
    store.upsert_authors([classified()])
    reclassified = classified(interests=[Interest(category="travel", share=1.0)],
                              interest_model="interests-test@2")
    store.upsert_authors([reclassified])
    stored = store.get_author("mastodon:m.social/1")
    assert (stored.interest_model, [i.category for i in stored.interests]) == \
        ("interests-test@2", ["travel"])


def test_two_copies_of_one_author_in_a_batch_are_merged(store: AuthorStore) -> None:
    # a follower sampled for two influencers, or one author of several posts of a batch
    result = store.upsert_authors([
        profile(followers_of=["i1"], campaign_ids=["x2"], followers=10),
        profile(hours=1, followers_of=["i2"], campaign_ids=["x2"]),
        profile("bluesky:did:plc:b")])
    assert (result.created, result.updated) == (2, 0)
    stored = store.get_author("mastodon:m.social/1")
    assert (stored.followers_of, stored.campaign_ids, stored.followers) == \
        (["i1", "i2"], ["x2"], 10)


def test_concurrent_sightings_lose_nothing(store: AuthorStore) -> None:
    # six crawls see one follower at once, each for another influencer and campaign
    store.upsert_authors([profile()])
    threads = [threading.Thread(target=store.upsert_authors, args=([profile(
        hours=n, campaign_ids=[f"c{n}"], followers_of=[f"i{n}"])],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = store.get_author("mastodon:m.social/1")
    assert sorted(stored.campaign_ids) == [f"c{n}" for n in range(6)]
    assert sorted(stored.followers_of) == [f"i{n}" for n in range(6)]
    assert stored.updated_at == SEEN + timedelta(hours=5)


def test_get_authors_returns_the_found_ones_in_the_order_asked(store: AuthorStore) -> None:
    store.upsert_authors([profile(f"mastodon:m.social/{n}") for n in (1, 2, 3)])
    found = store.get_authors(["mastodon:m.social/3", "nobody", "mastodon:m.social/1",
                               "mastodon:m.social/3"])
    assert [a.id for a in found] == ["mastodon:m.social/3", "mastodon:m.social/1"]
    assert store.get_authors([]) == []


def test_campaign_authors_pages_through_one_campaign_by_id(store: AuthorStore) -> None:
    store.upsert_authors([profile(f"mastodon:m.social/{n}", campaign_ids=["x2"])
                          for n in (5, 3, 1, 4, 2)])
    store.upsert_authors([profile("bluesky:did:plc:other", campaign_ids=["x3"]),
                          profile("mastodon:m.social/3", campaign_ids=["x3"])])
    assert [a.id for a in store.campaign_authors("x2", batch_size=2)] == \
        [f"mastodon:m.social/{n}" for n in (1, 2, 3, 4, 5)]
    assert [a.id for a in store.campaign_authors("x3", batch_size=2)] == \
        ["bluesky:did:plc:other", "mastodon:m.social/3"]
    assert list(store.campaign_authors("nothing")) == []


def test_authors_are_found_by_the_profile_urls_they_live_at_or_name(
        store: AuthorStore) -> None:
    store.upsert_authors([
        profile("mastodon:m.social/1", url="https://m.social/@Ana"),
        profile("bluesky:did:plc:b", url="https://bsky.app/profile/ana.bsky.social",
                bio="also at https://m.social/@ana and @ana@pixel.example"),
        profile("mastodon:m.social/2", url="https://m.social/@bo", bio="just bo")])

    def found(*urls: str) -> list[str]:
        return [a.id for a in store.find_authors_by_url(urls)]

    # spelt differently from the stored url: scheme, host case, trailing slash
    assert found("http://M.social/@ana/") == ["bluesky:did:plc:b", "mastodon:m.social/1"]
    assert found("https://bsky.app/profile/Ana.bsky.social") == ["bluesky:did:plc:b"]
    assert found("https://pixel.example/@ana") == ["bluesky:did:plc:b"]
    assert found("https://m.social/@nobody", "not a url") == []
    assert found() == []


def test_the_url_index_follows_the_merged_profile(store: AuthorStore) -> None:
    store.upsert_authors([profile(url="https://m.social/@ana", campaign_ids=["x2"])])
    store.upsert_authors([profile(hours=1, url="https://m.social/@ana_p",
                                  campaign_ids=["x3"])])
    assert store.find_authors_by_url(["https://m.social/@ana"]) == []
    assert [a.id for a in store.find_authors_by_url(["https://m.social/@ana_p"])] == \
        ["mastodon:m.social/1"]
    assert [a.id for a in store.campaign_authors("x3")] == ["mastodon:m.social/1"]
