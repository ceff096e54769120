"""The launch reaction report counts what its campaign's reports count (``in_reports``): posts
below the ``relevance_threshold`` (the query word in another sense), copies and spam stay out
of the window counts, the hashtags, authors and languages, the volume chart and the
representative posts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from nlp.related_keywords import SPAM_FROM, in_reports, reports_filter
from reports.build import Report, build_report
from reports.render import render_html
from sensing.schemas import AuthorRef, Campaign, Metrics, Post, Sentiment
from sensing.store import Bucket, Store

LAUNCH = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
CAMPAIGN = Campaign(id="x2", name="Nova Lumina X2", query='"nova lumina" OR lumina',
                    launch_at=LAUNCH, relevance_threshold=0.6)


def post(n: int, hours: float, relevance: float, label: str = "positive", *,
         likes: int = 0, duplicate_of: str | None = None) -> Post:
    return Post(id=f"mastodon:r/{n}", source="mastodon", campaign_ids=["x2"],
                created_at=LAUNCH + timedelta(hours=hours), author=AuthorRef(id=f"a{n}"),
                text=f"post {n}", lang="en", relevance=relevance, metrics=Metrics(likes=likes),
                sentiment=Sentiment(label=label, score=0.5 if label == "positive" else -0.5),
                duplicate_of=duplicate_of)


@pytest.fixture
def store(empty_store: Store) -> Iterator[Store]:
    empty_store.upsert_posts([
        post(1, -30, 0.9), post(2, -5, 0.1, "negative"),  # before: one on topic
        post(3, 2, 0.8), post(4, 3, 0.6, "negative"),  # after: two on topic (0.6 counts)
        post(5, 4, 0.2, "negative", likes=500),  # the lamp: popular but off topic
        post(6, 5, 0.9, duplicate_of="mastodon:r/3"),
    ])
    yield empty_store


def test_posts_below_the_relevance_threshold_are_left_out(store: Store) -> None:
    report = build_report(store, CAMPAIGN)
    assert (report.pre.posts, report.post.posts) == (1, 2)
    assert report.pre.sentiment == {"positive": 1}
    assert report.post.sentiment == {"positive": 1, "negative": 1}
    assert sum(b.count for b in report.volume) == 3
    assert [p.id for p in report.examples["negative"]] == ["mastodon:r/4"]
    assert "spam and posts of relevance\nbelow 0.6 excluded" in render_html(report)


def test_a_lower_threshold_lets_them_back_in(store: Store) -> None:
    report = build_report(store, CAMPAIGN.model_copy(update={"relevance_threshold": 0.0}))
    assert (report.pre.posts, report.post.posts) == (2, 3)
    assert report.examples["negative"][0].id == "mastodon:r/5"


# A launch conversation with the spam every launch draws: giveaways, coupons and crypto
# schemes, all "positive", all engaged with far more than the real posts.
SPAM_TAGS = {"free", "giveaway", "crypto", "coupon"}


def mastodon(n: int, hours: float, text: str, label: str, *, author: str, tags: tuple[str, ...],
             likes: int = 0, shares: int = 0, spam: float = 0.02, relevance: float = 0.9,
             lang: str = "en", duplicate_of: str | None = None,
             campaigns: tuple[str, ...] = ("x2",)) -> Post:
    return Post(id=f"mastodon:m.social/{n}", source="mastodon", campaign_ids=list(campaigns),
                url=f"https://m.social/@{author}/{n}", created_at=LAUNCH + timedelta(hours=hours),
                author=AuthorRef(id=f"mastodon:m.social/{author}", handle=f"@{author}"),
                text=text, raw_text=text, lang=lang, hashtags=list(tags),
                metrics=Metrics(likes=likes, shares=shares),
                sentiment=Sentiment(label=label, score={"positive": 0.8, "neutral": 0.0,
                                                        "negative": -0.7}[label], model="test"),
                spam_score=spam, relevance=relevance, duplicate_of=duplicate_of)


LAUNCH_CONVERSATION = [
    # before the launch
    mastodon(1, -50, "Leaked renders of the Nova Lumina X2 look sharp", "neutral",
             author="leaks", tags=("novalumina", "leak"), likes=30),
    mastodon(2, -20, "Can't wait for the Nova Lumina X2 launch on Thursday", "positive",
             author="fan", tags=("novalumina",), likes=8),
    mastodon(3, -10, "FREE Nova Lumina X2 GIVEAWAY!!! Follow + RT and enter your card to "
             "claim yours", "positive", author="prizes4u", tags=("free", "giveaway",
                                                                 "novalumina"),
             likes=900, shares=300, spam=0.97),
    # after the launch
    mastodon(4, 2, "The Nova Lumina X2 night mode is stunning", "positive", author="photog",
             tags=("novalumina", "nightshot"), likes=40, shares=6),
    mastodon(5, 3, "Battery on the Lumina X2 barely lasts a day", "negative",
             author="commuter", tags=("novalumina", "battery"), likes=25),
    mastodon(6, 5, "Unboxed my Nova Lumina X2 today", "neutral", author="fan",
             tags=("novalumina",), likes=5),
    mastodon(7, 8, "La cámara del Lumina X2 es increíble de noche", "positive",
             author="fotos_mx", tags=("nightshot",), likes=12, lang="es"),
    mastodon(8, 9, "Won a Lumina X2 in my local store's raffle, so happy with it",
             "positive", author="lucky", tags=("novalumina",), likes=60,
             spam=round(SPAM_FROM - 0.0001, 4)),  # a raffle word or two, yet no spam
    mastodon(9, 4, "FREE Nova Lumina X2 GIVEAWAY 🎁 enter your card details to claim yours!!",
             "positive", author="prizes4u", tags=("free", "giveaway", "crypto", "coupon"),
             likes=2000, shares=800, spam=0.96),
    mastodon(10, 6, "Earn crypto daily with the Lumina X2 signals bot, DM me", "positive",
             author="cryptoking", tags=("crypto", "free", "giveaway"), likes=1500,
             shares=400, spam=0.91, lang="und"),
    mastodon(11, 7, "Lumina X2 coupon: 70% off today only, free case", "positive",
             author="dealhunter", tags=("coupon", "free", "giveaway"), likes=1200,
             spam=SPAM_FROM),  # the spam score from which a post is spam
    mastodon(12, 10, "The Nova Lumina X2 night mode is stunning", "positive",
             author="reposter", tags=("novalumina", "nightshot"), likes=3,
             duplicate_of="mastodon:m.social/4"),
    mastodon(13, 11, "My Lumina desk lamp flickers again", "negative", author="lamps",
             tags=("lamp",), likes=300, relevance=0.1),
    mastodon(14, 12, "Nova Lumina X3 rumours already?", "neutral", author="leaks",
             tags=("novalumina",), likes=2, campaigns=("x3",)),
]


@pytest.fixture
def launch(empty_store: Store) -> Store:
    assert not empty_store.upsert_posts(LAUNCH_CONVERSATION).errors
    return empty_store


def counted(start: datetime, end: datetime) -> list[Post]:
    return [p for p in LAUNCH_CONVERSATION
            if in_reports(p, CAMPAIGN) and start <= p.created_at < end]


def ranked(counts: Counter[str], top: int = 10) -> list[Bucket]:
    return [Bucket(key=k, count=c)
            for k, c in sorted(counts.items(), key=lambda kc: (-kc[1], kc[0]))[:top]]


def test_spam_is_no_example_and_no_top_hashtag(launch: Store) -> None:
    report = build_report(launch, CAMPAIGN)
    examples = [p for posts in report.examples.values() for p in posts]
    assert [p.id for p in examples if p.spam_score >= SPAM_FROM] == []
    assert [p.id for p in report.examples["positive"]] == [
        "mastodon:m.social/8", "mastodon:m.social/4", "mastodon:m.social/7"]
    tags = {b.key for w in (report.pre, report.post) for b in w.top_hashtags}
    assert tags & SPAM_TAGS == set()
    html = render_html(report)
    assert "GIVEAWAY" not in html and "prizes4u" not in html


def aggregated(store: Store, start: datetime, end: datetime) -> dict:
    agg = store.aggregate(reports_filter(CAMPAIGN, start, end), interval="day", top=10)
    return {"posts": agg.total, "sentiment": {b.key: b.count for b in agg.sentiment},
            "top_hashtags": agg.hashtags, "top_authors": agg.authors, "langs": agg.langs}


def window_counts(posts: list[Post]) -> dict:
    return {"posts": len(posts),
            "sentiment": dict(Counter(p.sentiment.label for p in posts if p.sentiment)),
            "top_hashtags": ranked(Counter(t for p in posts for t in p.hashtags)),
            "top_authors": ranked(Counter(p.author.id for p in posts)),
            "langs": ranked(Counter(p.lang for p in posts))}


def reported(report: Report, window: str) -> dict:
    stats = getattr(report, window)
    return {"posts": stats.posts, "sentiment": stats.sentiment,
            "top_hashtags": stats.top_hashtags, "top_authors": stats.top_authors,
            "langs": stats.langs}


def test_every_count_is_of_the_posts_in_reports(launch: Store) -> None:
    report = build_report(launch, CAMPAIGN)
    before = counted(CAMPAIGN.window_start, LAUNCH)
    after = counted(LAUNCH, CAMPAIGN.window_end)
    assert (len(before), len(after)) == (2, 5)
    assert reported(report, "pre") == window_counts(before)
    assert reported(report, "post") == window_counts(after)
    assert reported(report, "pre") == aggregated(launch, CAMPAIGN.window_start, LAUNCH)
    assert reported(report, "post") == aggregated(launch, LAUNCH, CAMPAIGN.window_end)
    assert sum(b.count for b in report.volume) == len(before) + len(after)
    assert all(in_reports(p, CAMPAIGN) and not p.is_repost
               for posts in report.examples.values() for p in posts)


def test_the_store_filter_is_in_reports(launch: Store) -> None:
    """One rule, two forms: the filter the store applies selects exactly the posts
    ``in_reports`` accepts, on the boundaries too (a spam score of exactly SPAM_FROM is
    spam, one just below is not; a relevance of exactly the threshold counts)."""
    at_threshold = mastodon(15, 1, "Nova Lumina X2 preorders open", "neutral", author="shop",
                            tags=("novalumina",), relevance=CAMPAIGN.relevance_threshold)
    assert not launch.upsert_posts([at_threshold]).errors
    stored = [*LAUNCH_CONVERSATION, at_threshold]
    selected = {p.id for p in launch.export(reports_filter(CAMPAIGN))}
    assert selected == {p.id for p in stored if in_reports(p, CAMPAIGN)}
    assert {"mastodon:m.social/8", "mastodon:m.social/15"} <= selected
    assert "mastodon:m.social/11" not in selected
    assert launch.count(reports_filter(CAMPAIGN, LAUNCH, CAMPAIGN.window_end)) == 6
