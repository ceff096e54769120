"""What every store promises (``sensing/store/base.py``), held to the same answers on both
backends."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from sensing.query import QuerySyntaxError
from sensing.schemas import Author, Campaign
from sensing.store import PostFilter, Store
from tests.store.conftest import T0, make_post


def ids(page) -> list[str]:
    return [p.id for p in page.posts]


def test_setup_twice_is_harmless(store: Store) -> None:
    store.setup()
    assert store.health()["ok"] is True


def test_the_same_post_twice_is_one_document(store: Store) -> None:
    first = store.upsert_posts([make_post(1), make_post(2)])
    again = store.upsert_posts([make_post(1, "Nova Lumina X2 camera, edited")])
    assert (first.created, first.updated, again.created, again.updated) == (2, 0, 0, 1)
    assert store.count(PostFilter()) == 2
    assert store.get_posts(["mastodon:h/1"])[0].text == "Nova Lumina X2 camera, edited"


def test_a_post_collected_by_two_campaigns_carries_both(store: Store) -> None:
    store.upsert_posts([make_post(1, campaigns=("x2",))])
    store.upsert_posts([make_post(1, campaigns=("rivals",))])
    assert store.get_posts(["mastodon:h/1"])[0].campaign_ids == ["x2", "rivals"]
    assert store.count(PostFilter(campaign_id="rivals")) == 1
    assert store.count(PostFilter(campaign_id="x2")) == 1


def test_concurrent_writers_lose_no_campaign_id(store: Store) -> None:
    store.upsert_posts([make_post(1, campaigns=())])
    names = [f"c{i}" for i in range(6)]
    threads = [threading.Thread(target=store.upsert_posts,
                                args=([make_post(1, campaigns=(name,))],)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(store.get_posts(["mastodon:h/1"])[0].campaign_ids) == names


def test_get_posts_keeps_the_order_asked_and_skips_missing(store: Store) -> None:
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
def test_search_by_query(store: Store, query: str, expected: set[int]) -> None:
    store.upsert_posts([make_post(n, text, hours=n) for n, text in CORPUS])
    page = store.search(PostFilter(query=query), size=50)
    assert {int(i.rsplit("/", 1)[1]) for i in ids(page)} == expected
    assert page.total == len(expected)


def test_an_invalid_query_is_a_syntax_error(store: Store) -> None:
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
def test_filters(store: Store, flt: PostFilter, expected: list[str]) -> None:
    store.upsert_posts(filtered_posts())
    assert ids(store.search(flt, size=50)) == expected
    assert store.count(flt) == len(expected)


def test_the_cursor_walks_every_result_once_newest_first(store: Store) -> None:
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


def test_a_forged_cursor_is_a_value_error(store: Store) -> None:
    with pytest.raises(ValueError):
        store.search(PostFilter(), cursor="not-a-cursor")


def test_aggregations(store: Store) -> None:
    store.upsert_posts([
        make_post(1, hours=0, hashtags=("novalumina", "x2"), author="a1"),
        make_post(2, hours=1, hashtags=("novalumina",), author="a2", sentiment="negative"),
        make_post(3, hours=49, hashtags=("x2",), author="a1", lang="ko"),
        make_post(4, hours=200, hashtags=("novalumina",), author="a1", source="rss",
                  sentiment=None),
    ])
    agg = store.aggregate(PostFilter(), interval="day", top=5)
    assert agg.total == 4
    assert [(b.key[:10], b.count) for b in agg.volume] == [
        ("2026-10-12", 2), ("2026-10-13", 0), ("2026-10-14", 1), ("2026-10-15", 0),
        ("2026-10-16", 0), ("2026-10-17", 0), ("2026-10-18", 0), ("2026-10-19", 0),
        ("2026-10-20", 1)]
    assert [(b.key, b.count) for b in agg.sentiment] == [("positive", 2), ("negative", 1)]
    assert [(b.key, b.count) for b in agg.hashtags] == [("novalumina", 3), ("x2", 2)]
    assert [(b.key, b.count) for b in agg.authors] == [("a1", 3), ("a2", 1)]
    assert [(b.key, b.count) for b in agg.sources] == [("mastodon", 3), ("rss", 1)]
    assert [(b.key, b.count) for b in agg.langs] == [("en", 3), ("ko", 1)]
    weeks = store.aggregate(PostFilter(), interval="week")
    assert [(b.key[:10], b.count) for b in weeks.volume] == [("2026-10-12", 3),
                                                             ("2026-10-19", 1)]
    hours = store.aggregate(PostFilter(until=T0 + timedelta(hours=2)), interval="hour")
    assert [(b.key[11:16], b.count) for b in hours.volume] == [("09:00", 1), ("10:00", 1)]
    assert store.aggregate(PostFilter(query="nothingmatches")).volume == []


def test_export_returns_every_match_once_across_batches(store: Store) -> None:
    store.upsert_posts([make_post(n, hours=n) for n in range(37)])
    exported = [p.id for p in store.export(PostFilter(), batch_size=10)]
    assert len(exported) == len(set(exported)) == 37
    assert len(list(store.export(PostFilter(query="nothingmatches")))) == 0


def test_content_hashes_resolve_to_the_earliest_original(store: Store) -> None:
    store.upsert_posts([
        make_post(1, hours=5, content_hash="h1"), make_post(2, hours=1, content_hash="h1"),
        make_post(3, hours=0, content_hash="h1", duplicate_of="mastodon:h/9"),
        make_post(4, hours=0, content_hash="h2", campaigns=("other",)),
    ])
    assert store.find_content_hashes("x2", ["h1", "h2", "h3"]) == {"h1": "mastodon:h/2"}


def test_erasure_removes_the_author_and_nothing_else(store: Store) -> None:
    store.upsert_posts([make_post(n, author="gone" if n % 2 else "stays") for n in range(12)])
    store.upsert_authors([Author(id="gone", source="mastodon"),
                          Author(id="stays", source="mastodon")])
    assert store.delete_author("gone") == 6
    assert store.count(PostFilter()) == 6
    assert store.count(PostFilter(author_id="gone")) == 0
    assert store.get_author("gone") is None and store.get_author("stays") is not None


def test_authors_and_campaigns_round_trip(store: Store) -> None:
    created = store.upsert_authors([Author(id="a1", source="mastodon", followers=10)])
    updated = store.upsert_authors([Author(id="a1", source="mastodon", followers=12)])
    assert (created.created, updated.updated) == (1, 1)
    assert store.get_author("a1").followers == 12
    for cid in ("b-launch", "a-launch"):
        store.save_campaign(Campaign(id=cid, name=cid, query="x2",
                                     launch_at=datetime(2026, 10, 15)))
    assert [c.id for c in store.list_campaigns()] == ["a-launch", "b-launch"]
    assert store.get_campaign("a-launch").query == "x2"
    assert store.get_campaign("nope") is None
