"""The posts (``PostStore``): writes, reads by id, search in the query language, filters, the
cursor, counts, export and erasure, held to the same answers on both backends (the ``store``
fixture runs each test on SQLite and Elasticsearch). Aggregations have a file of their own."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from sensing.query import QuerySyntaxError
from sensing.schemas import Author
from sensing.store import PostFilter, PostStore, Store
from tests.store.conftest import T0, make_post


def ids(page) -> list[str]:
    return [p.id for p in page.posts]


def test_the_same_post_twice_is_one_document(store: PostStore) -> None:
    first = store.upsert_posts([make_post(1), make_post(2)])
    again = store.upsert_posts([make_post(1, "Nova Lumina X2 camera, edited")])
    assert (first.created, first.updated, again.created, again.updated) == (2, 0, 0, 1)
    assert store.count(PostFilter()) == 2
    assert store.get_posts(["mastodon:h/1"])[0].text == "Nova Lumina X2 camera, edited"


def test_a_post_collected_by_two_campaigns_carries_both(store: PostStore) -> None:
    store.upsert_posts([make_post(1, campaigns=("x2",))])
    store.upsert_posts([make_post(1, campaigns=("rivals",))])
    assert store.get_posts(["mastodon:h/1"])[0].campaign_ids == ["x2", "rivals"]
    assert store.count(PostFilter(campaign_id="rivals")) == 1
    assert store.count(PostFilter(campaign_id="x2")) == 1


def test_concurrent_writers_lose_no_campaign_id(store: PostStore) -> None:
    store.upsert_posts([make_post(1, campaigns=())])
    names = [f"c{i}" for i in range(6)]
    threads = [threading.Thread(target=store.upsert_posts,
                                args=([make_post(1, campaigns=(name,))],)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(store.get_posts(["mastodon:h/1"])[0].campaign_ids) == names


def test_get_posts_keeps_the_order_asked_and_skips_missing(store: PostStore) -> None:
    store.upsert_posts([make_post(n) for n in (1, 2, 3)])
    assert [p.id for p in store.get_posts(["mastodon:h/3", "nope:x", "mastodon:h/1"])] == \
        ["mastodon:h/3", "mastodon:h/1"]


CORPUS = [
    (1, "The Nova Lumina X2 camera is stunning"), (2, "Lumina paint sale this week"),
    (3, "Supernova remnant imaged last night"), (4, "X2 battery dies by noon, camera great"),
    (5, "노바루미나 X2 카메라 최고"), (6, "ノヴァルミナX2のカメラすごい"),
    (7, "La cámara del Nova Lumina X2 es increíble"), (8, "luminous display, nova colours"),
]


@pytest.mark.parametrize(("query", "expected"), [
    ("camera", {1, 4}),
    ('"nova lumina"', {1, 7}),
    ("lumin*", {1, 2, 7, 8}),
    ("lumin* NOT paint", {1, 7, 8}),
    ("camera NEAR/3 battery", {4}),
    ("camera NEAR/1 battery", set()),
    ("노바루미나", {5}),
    ("카메라 OR カメラ OR cámara", {5, 6, 7}),
    ("(nova OR supernova) AND (x2 OR remnant)", {1, 3, 7}),
])
def test_search_by_query(store: PostStore, query: str, expected: set[int]) -> None:
    store.upsert_posts([make_post(n, text, hours=n) for n, text in CORPUS])
    page = store.search(PostFilter(query=query), size=50)
    assert {int(i.rsplit("/", 1)[1]) for i in ids(page)} == expected
    assert page.total == len(expected)


def test_an_invalid_query_is_a_syntax_error(store: PostStore) -> None:
    with pytest.raises(QuerySyntaxError):
        store.search(PostFilter(query="camera AND ("))


def filtered_posts():
    return [
        make_post(1, hours=0, lang="en", sentiment="positive", author="a1"),
        make_post(2, hours=5, lang="ko", sentiment="negative", author="a2", campaigns=("k",)),
        make_post(3, hours=30, lang="ja", sentiment="neutral", source="rss", author="a1"),
        make_post(4, hours=50, lang="en", sentiment="negative", duplicate_of="mastodon:h/1"),
        make_post(5, hours=70, lang="es", sentiment=None, spam=0.9, author="a3"),
    ]


@pytest.mark.parametrize(("flt", "expected"), [
    (PostFilter(campaign_id="x2"), ["mastodon:h/5", "mastodon:h/4", "rss:h/3", "mastodon:h/1"]),
    (PostFilter(sources=["rss"]), ["rss:h/3"]),
    (PostFilter(langs=["en", "ko"]), ["mastodon:h/4", "mastodon:h/2", "mastodon:h/1"]),
    (PostFilter(sentiment=["negative"]), ["mastodon:h/4", "mastodon:h/2"]),
    (PostFilter(since=T0 + timedelta(hours=5), until=T0 + timedelta(hours=50)),
     ["rss:h/3", "mastodon:h/2"]),
    (PostFilter(author_id="a1"), ["mastodon:h/4", "rss:h/3", "mastodon:h/1"]),
    (PostFilter(include_duplicates=False, max_spam=0.5),
     ["rss:h/3", "mastodon:h/2", "mastodon:h/1"]),
])
def test_filters(store: PostStore, flt: PostFilter, expected: list[str]) -> None:
    store.upsert_posts(filtered_posts())
    assert ids(store.search(flt, size=50)) == expected
    assert store.count(flt) == len(expected)


def test_the_cursor_walks_every_result_once_newest_first(store: PostStore) -> None:
    # pairs of posts at the same instant test the id tie-break across page boundaries
    store.upsert_posts([make_post(n, hours=n // 2) for n in range(23)])
    seen, cursor = [], None
    while True:
        page = store.search(PostFilter(), size=4, cursor=cursor)
        seen += page.posts
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len({p.id for p in seen}) == 23
    keys = [(-p.created_at.timestamp(), p.id) for p in seen]
    assert keys == sorted(keys)


def test_a_forged_cursor_is_a_value_error(store: PostStore) -> None:
    with pytest.raises(ValueError):
        store.search(PostFilter(), cursor="not-a-cursor")


def test_export_returns_every_match_once_across_batches(store: PostStore) -> None:
    store.upsert_posts([make_post(n, hours=n) for n in range(37)])
    exported = [p.id for p in store.export(PostFilter(), batch_size=10)]
    assert len(exported) == len(set(exported)) == 37
    assert len(list(store.export(PostFilter(query="nothingmatches")))) == 0


def test_erasure_removes_the_author_and_nothing_else(store: Store) -> None:
    # the one PostStore call that reaches into AuthorStore's records
    store.upsert_posts([make_post(n, author="gone" if n % 2 else "stays") for n in range(12)])
    store.upsert_authors([Author(id="gone", source="mastodon"),
                          Author(id="stays", source="mastodon")])
    assert store.delete_author("gone") == 6
    assert store.count(PostFilter()) == 6
    assert store.count(PostFilter(author_id="gone")) == 0
    assert store.get_author("gone") is None and store.get_author("stays") is not None
