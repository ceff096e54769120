"""``PostStore.aggregate``: volume and engagement per interval, the ranked lists, what the
analysis adds to them — aspect x sentiment, image subjects x hashtags, hashtag pairs, keywords,
entities — and the relevance floor, held to the same answers on both backends (the ``store``
fixture runs each test on SQLite and Elasticsearch)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sensing.schemas import AspectSentiment, Entity, Media, Metrics, Post
from sensing.store import PostFilter, PostStore
from tests.store.conftest import T0, make_post


def analysed(n: int, *, aspects: tuple[tuple[str, str], ...] = (),
             images: tuple[list[dict[str, Any]], ...] = (), keywords: tuple[str, ...] = (),
             entities: tuple[tuple[str, str], ...] = (), relevance: float = 1.0,
             **kwargs: Any) -> Post:
    """``make_post`` with what the NLP and vision steps fill: ``images`` gives each image's
    ``labels`` list as the classifier leaves it."""
    return make_post(n, **kwargs).model_copy(update={
        "aspects": [AspectSentiment(aspect=a, sentiment=s, evidence=f"... {a} ...")
                    for a, s in aspects],
        "media": [Media(url=f"https://img.example/{n}/{i}.jpg", labels=labels)
                  for i, labels in enumerate(images)],
        "keywords": list(keywords), "entities": [Entity(text=t, label=lb) for t, lb in entities],
        "relevance": relevance})


def label(name: str, score: Any, model: str = "effnet-lite0") -> dict[str, Any]:
    return {"label": name, "score": score, "model": model}


def test_volume_and_the_ranked_lists(store: PostStore) -> None:
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


def engaged(n: int, likes: int = 0, shares: int = 0, replies: int = 0, **kwargs: Any) -> Post:
    """``make_post`` with its metrics; views too, which engagement leaves out."""
    return make_post(n, **kwargs).model_copy(update={"metrics": Metrics(
        likes=likes, shares=shares, replies=replies, views=1000)})


def test_engagement_per_interval_follows_the_volume(store: PostStore) -> None:
    """Likes + 2 * shares + replies summed per interval, on the volume's keys: the quiet days
    between as zeros, and a day whose posts nobody engaged with as a zero too."""
    store.upsert_posts([
        engaged(1, likes=3, shares=2, replies=1, hours=0),  # 8
        engaged(2, likes=10, hours=1, source="rss"),  # 10
        engaged(3, shares=5, hours=49),  # 10
        engaged(4, hours=73),
        engaged(5, replies=4, hours=200),  # Tuesday of the next week
    ])
    assert store.get_posts(["mastodon:h/1"])[0].engagement == 8
    days = store.aggregate(PostFilter(), interval="day")
    assert [b.key for b in days.engagement] == [b.key for b in days.volume]
    assert [(b.key[:10], b.count) for b in days.engagement] == [
        ("2026-10-12", 18), ("2026-10-13", 0), ("2026-10-14", 10), ("2026-10-15", 0),
        ("2026-10-16", 0), ("2026-10-17", 0), ("2026-10-18", 0), ("2026-10-19", 0),
        ("2026-10-20", 4)]
    assert [b.count for b in days.volume] == [2, 0, 1, 1, 0, 0, 0, 0, 1]
    weeks = store.aggregate(PostFilter(), interval="week")
    assert [(b.key[:10], b.count) for b in weeks.engagement] == [("2026-10-12", 28),
                                                                 ("2026-10-19", 4)]
    # only the matching posts count
    rss = store.aggregate(PostFilter(sources=["rss"]))
    assert [(b.key[:10], b.count) for b in rss.engagement] == [("2026-10-12", 10)]
    assert store.aggregate(PostFilter(query="nothingmatches")).engagement == []


def test_engagement_by_the_hour(store: PostStore) -> None:
    store.upsert_posts([
        engaged(1, likes=3, shares=2, replies=1, hours=0),  # 09:30
        engaged(2, likes=1, hours=0.25),  # 09:45, same hour
        engaged(3, likes=10, hours=1),  # 10:30
        engaged(4, likes=1, shares=1, hours=3),  # 12:30, after a quiet hour
        engaged(5, likes=100, hours=30),  # the next day: outside the filter
    ])
    hours = store.aggregate(PostFilter(until=T0 + timedelta(hours=4)), interval="hour")
    assert [(b.key[11:16], b.count) for b in hours.volume] == [
        ("09:00", 2), ("10:00", 1), ("11:00", 0), ("12:00", 1)]
    assert [(b.key, b.count) for b in hours.engagement] == [
        ("2026-10-12T09:00:00+00:00", 9), ("2026-10-12T10:00:00+00:00", 10),
        ("2026-10-12T11:00:00+00:00", 0), ("2026-10-12T12:00:00+00:00", 3)]


def test_aspects_count_posts_per_sentiment_biggest_first(store: PostStore) -> None:
    store.upsert_posts([
        analysed(1, aspects=(("camera", "positive"), ("battery", "negative"))),
        # mixed feelings about the camera, and one praise said twice
        analysed(2, aspects=(("camera", "positive"), ("camera", "negative"),
                             ("camera", "positive"))),
        analysed(3, aspects=(("camera", "neutral"), ("price", "negative"))),
        analysed(4, aspects=(("battery", "negative"),)),
        analysed(5),
        analysed(6, aspects=(("price", "positive"),), campaigns=("rivals",)),
    ])
    agg = store.aggregate(PostFilter(campaign_id="x2"))
    assert [b.model_dump() for b in agg.aspects] == [
        {"aspect": "camera", "positive": 2, "neutral": 1, "negative": 1, "total": 3},
        {"aspect": "battery", "positive": 0, "neutral": 0, "negative": 2, "total": 2},
        {"aspect": "price", "positive": 0, "neutral": 0, "negative": 1, "total": 1}]
    everywhere = store.aggregate(PostFilter(), top=2).aspects
    assert [(b.aspect, b.total) for b in everywhere] == [("camera", 3), ("battery", 2)]
    # price has 2 posts too once the rival campaign counts: at a tie the name decides


def camera_buyers() -> list[Post]:
    return [
        analysed(1, hashtags=("cameralife", "nightshot"),
                 images=([label("night & city", 0.8), label("gadgets & tech", 0.3)],
                         [label("pets", 0.9)])),
        # two models agree on pets in the first image: one image, the best score
        analysed(2, hashtags=("cameralife", "catsofinstagram"),
                 images=([label("pets", 0.7), label("pets", 0.4, "haar")], [label("pets", 0.6)])),
        analysed(3, hashtags=("travel",),
                 images=([label("travel & landscape", 0.55), label("night & city", 0.5)],)),
        analysed(4, hashtags=("cameralife",), images=([],)),  # not classified (fetch refused)
        analysed(5, images=([{"label": "pets"}, {"label": 3, "score": 0.9},
                             label("pets", "high"), label("pets", float("nan"))],)),  # malformed
        analysed(6, images=([label("food & drink", 0.2)],)),  # classified, nothing sure
    ]


def test_image_subjects_with_their_share_and_hashtags(store: PostStore) -> None:
    store.upsert_posts(camera_buyers())
    agg = store.aggregate(PostFilter(), top=5)
    assert agg.images == 6
    assert agg.label_threshold == 0.5
    assert [(b.label, b.images, b.posts, b.share) for b in agg.image_labels] == [
        ("pets", 3, 2, 0.5), ("night & city", 2, 2, 0.3333), ("travel & landscape", 1, 1, 0.1667)]
    assert [[(h.key, h.count) for h in b.hashtags] for b in agg.image_labels] == [
        [("cameralife", 2), ("catsofinstagram", 1), ("nightshot", 1)],
        [("cameralife", 1), ("nightshot", 1), ("travel", 1)],
        [("travel", 1)]]


def test_the_image_label_threshold_is_a_parameter(store: PostStore) -> None:
    store.upsert_posts(camera_buyers())
    sure = store.aggregate(PostFilter(), label_threshold=0.75)
    assert sure.images == 6  # the base of the shares does not move with the threshold
    assert [(b.label, b.images, b.share) for b in sure.image_labels] == [
        ("night & city", 1, 0.1667), ("pets", 1, 0.1667)]
    anything = store.aggregate(PostFilter(), label_threshold=0.0, top=1)
    assert [(b.label, b.images) for b in anything.image_labels] == [("pets", 3)]
    assert [h.key for h in anything.image_labels[0].hashtags] == ["cameralife"]


def test_hashtag_pairs_count_posts_using_both(store: PostStore) -> None:
    store.upsert_posts([
        analysed(1, hashtags=("x2", "novalumina", "camera")),
        analysed(2, hashtags=("novalumina", "x2")),
        analysed(3, hashtags=("x2", "camera")),
        analysed(4, hashtags=("x2",)),
        analysed(5, hashtags=("x2", "novalumina", "x2")),
    ])
    assert [p.model_dump() for p in store.aggregate(PostFilter()).hashtag_pairs] == [
        {"a": "novalumina", "b": "x2", "count": 3}, {"a": "camera", "b": "x2", "count": 2},
        {"a": "camera", "b": "novalumina", "count": 1}]


def test_a_stuffed_post_pairs_only_its_first_thirty_hashtags(store: PostStore) -> None:
    store.upsert_posts([analysed(1, hashtags=tuple(f"t{i:02d}" for i in range(40)))])
    pairs = store.aggregate(PostFilter(), top=1000).hashtag_pairs
    assert len(pairs) == 30 * 29 // 2
    assert {(p.a, p.b) for p in pairs} >= {("t00", "t29"), ("t28", "t29")}
    assert ("t00", "t30") not in {(p.a, p.b) for p in pairs}


def test_keywords_and_entities_count_posts(store: PostStore) -> None:
    store.upsert_posts([
        analysed(1, keywords=("night mode", "battery", "night mode"),
                 entities=(("Nova Lumina", "PRODUCT"), ("Nova Lumina", "PRODUCT"),
                           ("Seoul", "GPE"))),
        analysed(2, keywords=("battery",), entities=(("Nova Lumina", "ORG"),)),
        analysed(3, keywords=("battery", "zoom"), entities=(("Nova Lumina", "PRODUCT"),)),
    ])
    agg = store.aggregate(PostFilter(), top=3)
    assert [(b.key, b.count) for b in agg.keywords] == [
        ("battery", 3), ("night mode", 1), ("zoom", 1)]
    assert [(e.text, e.label, e.count) for e in agg.entities] == [
        ("Nova Lumina", "PRODUCT", 2), ("Nova Lumina", "ORG", 1), ("Seoul", "GPE", 1)]


def test_the_relevance_floor_drops_posts_about_something_else(store: PostStore) -> None:
    store.upsert_posts([
        analysed(1, relevance=0.9, aspects=(("camera", "positive"),), hashtags=("x2",)),
        analysed(2, relevance=0.5, aspects=(("camera", "negative"),), hashtags=("x2",)),
        analysed(3, relevance=0.2, aspects=(("camera", "negative"),), hashtags=("galaxy",),
                 keywords=("galaxy",)),
    ])
    flt = PostFilter(min_relevance=0.5)
    assert store.count(flt) == 2
    assert [p.id for p in store.search(flt).posts] == ["mastodon:h/1", "mastodon:h/2"]
    agg = store.aggregate(flt)
    assert (agg.total, agg.min_relevance) == (2, 0.5)
    assert [(b.aspect, b.negative, b.total) for b in agg.aspects] == [("camera", 1, 2)]
    assert [b.key for b in agg.hashtags] == ["x2"] and agg.keywords == []
    assert store.aggregate(PostFilter()).total == 3


def test_a_post_analysed_again_or_erased_leaves_no_stale_counts(store: PostStore) -> None:
    first = analysed(1, aspects=(("camera", "negative"),), hashtags=("a", "b"),
                     keywords=("zoom",), entities=(("X2", "PRODUCT"),),
                     images=([label("pets", 0.9)],))
    store.upsert_posts([first])
    store.upsert_posts([analysed(1, aspects=(("camera", "positive"),), hashtags=("a", "c"),
                                 images=([label("food & drink", 0.9)],))])
    agg = store.aggregate(PostFilter())
    assert [(b.aspect, b.positive, b.negative) for b in agg.aspects] == [("camera", 1, 0)]
    assert [(p.a, p.b) for p in agg.hashtag_pairs] == [("a", "c")]
    assert (agg.keywords, agg.entities) == ([], [])
    assert [(b.label, b.images) for b in agg.image_labels] == [("food & drink", 1)]
    assert store.get_posts(["mastodon:h/1"])[0].media[0].labels == [label("food & drink", 0.9)]
    store.delete_author("a1")
    empty = store.aggregate(PostFilter())
    assert (empty.aspects, empty.hashtag_pairs, empty.image_labels, empty.images) == \
        ([], [], [], 0)


def test_nothing_matching_gives_empty_tables(store: PostStore) -> None:
    store.upsert_posts(camera_buyers())
    agg = store.aggregate(PostFilter(query="nothingmatches"))
    assert (agg.total, agg.images, agg.aspects, agg.image_labels, agg.hashtag_pairs,
            agg.keywords, agg.entities) == (0, 0, [], [], [], [], [])


def test_only_the_sections_asked_for_are_counted(store: PostStore) -> None:
    store.upsert_posts([
        analysed(1, hashtags=("x2",), aspects=(("camera", "positive"),), keywords=("night",),
                 images=([label("phone", 0.9)],)),
        analysed(2, hours=30, source="rss", lang="ko", sentiment="negative",
                 aspects=(("battery", "negative"),)),
    ])
    whole = store.aggregate(PostFilter(), interval="hour", top=5)
    some = store.aggregate(PostFilter(), interval="hour", top=5,
                           sections=["sources", "engagement", "aspects"])
    assert some.total == whole.total == 2
    assert (some.sources, some.engagement, some.aspects) == (whole.sources, whole.engagement,
                                                            whole.aspects)
    assert whole.volume and whole.hashtags and whole.keywords and whole.image_labels
    assert (some.volume, some.hashtags, some.keywords, some.image_labels, some.langs,
            some.images) == ([], [], [], [], [], 0)
    labels = store.aggregate(PostFilter(), sections=["image_labels"])
    assert labels.image_labels == whole.image_labels and labels.images == 0  # not asked
    counted = store.aggregate(PostFilter(), sections=[])
    assert counted.total == 2 and counted.sentiment == []
    with pytest.raises(ValueError, match=r"unknown aggregation sections \['hashtag'\]"):
        store.aggregate(PostFilter(), sections=["hashtag"])


def test_intervals_before_1970_start_where_they_should(store: PostStore) -> None:
    """Grouped by the floor of the time, not its truncation toward the epoch (SQLite), or
    refused with a reason (Elasticsearch keeps times as nanoseconds since 1970)."""
    late_1969 = datetime(1969, 12, 31, 23, 30, tzinfo=UTC)  # a Wednesday
    stored = store.upsert_posts([make_post(1, hours=(late_1969 - T0).total_seconds() / 3600)])
    if stored.errors:
        assert "before the epoch" in stored.errors[0] and store.count(PostFilter()) == 0
        return
    for interval, start in (("hour", "1969-12-31T23:00"), ("day", "1969-12-31T00:00"),
                            ("week", "1969-12-29T00:00")):
        [bucket] = store.aggregate(PostFilter(), interval=interval).volume
        assert bucket.key[:16] == start and bucket.count == 1, interval
