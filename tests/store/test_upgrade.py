"""A store written by an older version of Sensing, before the aspect, image, pair, keyword,
entity and engagement aggregations and the aspect filter existed, and before author profiles
were indexed by campaign and profile URL: ``setup`` brings its posts into the new counts and
filters and its authors into the new lookups, on both backends."""

from __future__ import annotations

from sensing.schemas import Author, Metrics, Post
from sensing.store import PostFilter, Store
from sensing.store.elastic import ElasticStore
from sensing.store.sqlite import SqliteStore
from tests.store.test_aggregations import analysed, label

NEW_SQLITE_TABLES = ("post_hashtag_pairs", "post_keywords", "post_entities", "post_aspects",
                     "post_image_labels")


def store_as_an_old_version_did(store: Store, posts: list[Post]) -> None:
    """The documents alone, as before: no derived fields in Elasticsearch; in SQLite no new
    side tables, no relevance and metrics columns (nor the index over them), and schema
    version 0."""
    if isinstance(store, ElasticStore):
        for post in posts:
            store.es.index(index=store.posts, id=post.id, refresh=True,
                           document=post.model_dump(mode="json"))
        return
    assert isinstance(store, SqliteStore)
    store.upsert_posts(posts)
    with store._lock:
        for table in NEW_SQLITE_TABLES:
            store.db.execute(f"DROP TABLE {table}")
        store.db.execute("DROP INDEX posts_facts")
        for column in ("relevance", "likes", "shares", "replies"):
            store.db.execute(f"ALTER TABLE posts DROP COLUMN {column}")
        store.db.execute("PRAGMA user_version = 0")


def test_setup_brings_posts_stored_by_an_older_version_into_the_new_counts(store: Store) -> None:
    store_as_an_old_version_did(store, [
        analysed(1, hashtags=("x2", "camera"), aspects=(("camera", "positive"),),
                 keywords=("zoom",), entities=(("X2", "PRODUCT"),),
                 images=([label("pets", 0.9)],), relevance=0.9),
        analysed(2, hashtags=("x2", "camera"), relevance=0.1).model_copy(
            update={"metrics": Metrics(likes=4, shares=1, replies=2)}),
    ])
    store.setup()
    agg = store.aggregate(PostFilter())
    assert [(p.a, p.b, p.count) for p in agg.hashtag_pairs] == [("camera", "x2", 2)]
    assert [(b.aspect, b.positive) for b in agg.aspects] == [("camera", 1)]
    assert [(b.key, e.text) for b, e in zip(agg.keywords, agg.entities, strict=True)] == \
        [("zoom", "X2")]
    assert [(b.label, b.images) for b in agg.image_labels] == [("pets", 1)]
    assert store.count(PostFilter(min_relevance=0.5)) == 1
    assert [p.id for p in store.search(PostFilter(aspects=["camera:positive"])).posts] == \
        ["mastodon:h/1"]
    assert [(b.count, e.count) for b, e in zip(agg.volume, agg.engagement, strict=True)] == \
        [(2, 8)]
    assert [p.id for p in store.search(PostFilter()).posts] == ["mastodon:h/1", "mastodon:h/2"]
    store.setup()  # once up to date, again is harmless
    assert store.aggregate(PostFilter()).hashtag_pairs == agg.hashtag_pairs


def store_authors_as_an_old_version_did(store: Store, authors: list[Author]) -> None:
    """The profiles alone: in Elasticsearch no derived fields, in SQLite no side tables of
    their campaigns and profile URLs (schema version 3)."""
    if isinstance(store, ElasticStore):
        for author in authors:
            store.es.index(index=store.authors, id=author.id, refresh=True,
                           document=author.model_dump(mode="json"))
        return
    assert isinstance(store, SqliteStore)
    with store._lock:
        for author in authors:
            store.db.execute("INSERT INTO authors VALUES (?, ?)",
                             (author.id, author.model_dump_json()))
        store.db.execute("DROP TABLE author_campaigns")
        store.db.execute("DROP TABLE author_links")
        store.db.execute("PRAGMA user_version = 3")


def test_setup_indexes_author_profiles_stored_by_an_older_version(store: Store) -> None:
    store_authors_as_an_old_version_did(store, [
        Author(id="mastodon:m.social/1", source="mastodon", campaign_ids=["x2"],
               url="https://m.social/@ana"),
        Author(id="bluesky:did:plc:b", source="bluesky", campaign_ids=["x2", "x3"],
               bio="also https://m.social/@ana")])
    store.setup()
    assert [a.id for a in store.campaign_authors("x2")] == \
        ["bluesky:did:plc:b", "mastodon:m.social/1"]
    assert [a.id for a in store.find_authors_by_url(["https://m.social/@ana"])] == \
        ["bluesky:did:plc:b", "mastodon:m.social/1"]
    store.upsert_authors([Author(id="mastodon:m.social/1", source="mastodon",
                                 campaign_ids=["x3"])])
    assert [a.id for a in store.campaign_authors("x3")] == \
        ["bluesky:did:plc:b", "mastodon:m.social/1"]
