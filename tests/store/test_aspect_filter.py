"""``PostFilter.aspects``: the posts behind an aspect's counts ("two or three posts where people
complain about the battery"), by aspect name or by the post's verdict on it, in search, count,
aggregate and export alike, held to the same answers on both backends (the ``store`` fixture
runs each test on SQLite and Elasticsearch)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from sensing.schemas import Post
from sensing.store import PostFilter, PostStore
from tests.store.conftest import T0
from tests.store.test_aggregations import analysed


def reviews() -> list[Post]:
    """Posts an hour apart, each with the aspects the NLP step found and its verdict on each."""
    return [
        analysed(1, hours=0, aspects=(("camera", "positive"), ("battery", "negative"))),
        analysed(2, text="X2 battery dies by noon", hours=1, sentiment="negative",
                 aspects=(("battery", "negative"),)),
        analysed(3, hours=2, source="rss", sentiment="negative",
                 aspects=(("camera", "negative"),)),
        analysed(4, hours=3, aspects=(("battery", "positive"), ("price", "negative"))),
        analysed(5, hours=4),
        analysed(6, text="battery drains on the rival too", hours=5, campaigns=("rivals",),
                 sentiment="negative", aspects=(("battery", "negative"),)),
        # mixed feelings about the camera
        analysed(7, hours=6, aspects=(("camera", "positive"), ("camera", "negative"))),
    ]


def found(store: PostStore, flt: PostFilter) -> list[str]:
    """The ids ``search`` returns, newest first, after checking ``count`` agrees."""
    page = store.search(flt, size=50)
    assert store.count(flt) == page.total == len(page.posts)
    return [p.id for p in page.posts]


def test_an_aspect_name_keeps_its_posts_whatever_the_verdict(store: PostStore) -> None:
    store.upsert_posts(reviews())
    assert found(store, PostFilter(aspects=["camera"])) == \
        ["mastodon:h/7", "rss:h/3", "mastodon:h/1"]
    assert found(store, PostFilter(aspects=["price"])) == ["mastodon:h/4"]


def test_a_label_asks_for_the_verdict_on_that_very_aspect(store: PostStore) -> None:
    store.upsert_posts(reviews())
    # post 1 praises the camera and is negative about the battery: not a camera complaint
    assert found(store, PostFilter(aspects=["camera:negative"])) == ["mastodon:h/7", "rss:h/3"]
    assert found(store, PostFilter(aspects=["battery:positive"])) == ["mastodon:h/4"]
    # the representative complaints of the launch: a page of two is the newest two
    complaints = PostFilter(campaign_id="x2", aspects=["battery:negative"])
    assert [p.id for p in store.search(complaints, size=2).posts] == \
        ["mastodon:h/2", "mastodon:h/1"]


def test_entries_are_ored(store: PostStore) -> None:
    store.upsert_posts(reviews())
    assert found(store, PostFilter(aspects=["battery:negative", "price"])) == \
        ["mastodon:h/6", "mastodon:h/4", "mastodon:h/2", "mastodon:h/1"]
    assert found(store, PostFilter(aspects=["camera:positive", "camera:negative"])) == \
        ["mastodon:h/7", "rss:h/3", "mastodon:h/1"]
    assert found(store, PostFilter(aspects=["camera", "camera:negative"])) == \
        found(store, PostFilter(aspects=["camera"]))


@pytest.mark.parametrize(("flt", "expected"), [
    (PostFilter(aspects=["battery:negative"], campaign_id="x2"), ["mastodon:h/2", "mastodon:h/1"]),
    (PostFilter(aspects=["battery:negative"], sentiment=["negative"]),
     ["mastodon:h/6", "mastodon:h/2"]),
    (PostFilter(aspects=["battery"], query="battery"), ["mastodon:h/6", "mastodon:h/2"]),
    (PostFilter(aspects=["camera"], sources=["rss"]), ["rss:h/3"]),
    (PostFilter(aspects=["camera", "price"], since=T0 + timedelta(hours=2),
                until=T0 + timedelta(hours=6)), ["mastodon:h/4", "rss:h/3"]),
    (PostFilter(aspects=["price"], sources=["rss"]), []),
])
def test_the_rest_of_the_filter_is_anded(store: PostStore, flt: PostFilter,
                                         expected: list[str]) -> None:
    store.upsert_posts(reviews())
    assert found(store, flt) == expected


def test_an_unknown_aspect_or_verdict_matches_nothing(store: PostStore) -> None:
    store.upsert_posts(reviews())
    for flt in (PostFilter(aspects=["zoom"]), PostFilter(aspects=["zoom:negative"]),
                PostFilter(aspects=["price:positive"]), PostFilter(aspects=["Camera"])):
        assert found(store, flt) == []
        agg = store.aggregate(flt)
        assert (agg.total, agg.volume, agg.engagement, agg.aspects) == (0, [], [], [])
        assert list(store.export(flt)) == []


def test_aggregate_and_export_see_the_same_posts(store: PostStore) -> None:
    store.upsert_posts(reviews())
    flt = PostFilter(campaign_id="x2", aspects=["battery:negative", "camera:negative"])
    agg = store.aggregate(flt, interval="hour")
    assert agg.total == 4
    assert [(b.key[11:16], b.count) for b in agg.volume] == [
        ("09:00", 1), ("10:00", 1), ("11:00", 1), ("12:00", 0), ("13:00", 0), ("14:00", 0),
        ("15:00", 1)]
    # the aspects of those posts, the ones not asked for among them
    assert [(b.aspect, b.positive, b.negative, b.total) for b in agg.aspects] == [
        ("camera", 2, 2, 3), ("battery", 0, 2, 2)]
    assert [(b.key, b.count) for b in agg.sentiment] == [("negative", 2), ("positive", 2)]
    assert sorted(p.id for p in store.export(flt, batch_size=2)) == \
        ["mastodon:h/1", "mastodon:h/2", "mastodon:h/7", "rss:h/3"]


def test_entries_are_checked_when_the_filter_is_made() -> None:
    """A misspelt label would otherwise match nothing and look like good news."""
    assert PostFilter(aspects=["camera", "battery:negative", "a:b:neutral"]).aspect_terms == \
        [("camera", None), ("battery", "negative"), ("a:b", "neutral")]
    with pytest.raises(ValidationError, match="unknown label 'negatve'"):
        PostFilter(aspects=["camera", "battery:negatve"])
    with pytest.raises(ValidationError, match="unknown label ''"):
        PostFilter(aspects=["battery:"])
    for entry in ("", ":negative"):
        with pytest.raises(ValidationError, match="no aspect name"):
            PostFilter(aspects=[entry])
