"""Alerts on both stores over a designed conversation: fifteen days with a daily rhythm (busy
evenings, quiet nights, a fifth of the posts negative, the camera and the battery praised),
into which a spike of #recall posts or a turn against the battery is planted. Each planted
event raises exactly one alert, of the right kind, explained by what was planted; an ordinary
hour raises none, and the event going on raises no second one."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from reports.alerts import AlertRules, detect
from sensing.schemas import AspectSentiment, AuthorRef, Campaign, Metrics, Post, Sentiment
from sensing.store import Store

NOW = datetime(2026, 10, 20, 4, 0, tzinfo=UTC)  # the hour to 04:00 is a quiet one
CAMPAIGN = Campaign(id="x2", name="X2", query="x2", launch_at=NOW - timedelta(days=5),
                    pre_window_days=20, post_window_days=20)
_ids = itertools.count()


def post(when: datetime, *, label: str = "positive", aspect: str | None = None,
         tags: tuple[str, ...] = (), author: str | None = None, likes: int = 1) -> Post:
    n = next(_ids)
    return Post(id=f"mastodon:a/{n}", source="mastodon", campaign_ids=["x2"], created_at=when,
                text=f"the x2 {aspect or 'phone'} {' '.join(tags)}",
                author=AuthorRef(id=author or f"mastodon:u/{n % 40}"), hashtags=list(tags),
                metrics=Metrics(likes=likes), sentiment=Sentiment(label=label),
                aspects=[AspectSentiment(aspect=aspect, sentiment=label)] if aspect else [])


def ordinary_days(days: int = 15) -> list[Post]:
    """5 posts an hour at night, 12 in the evening; every fifth negative; camera and battery
    each in every other post, praised but for the negative ones."""
    posts = []
    start = NOW - timedelta(days=days)
    for hour in range(days * 24):
        when = start + timedelta(hours=hour)
        for i in range(12 if 18 <= when.hour <= 22 else 5):
            label = "negative" if (hour + i) % 5 == 0 else "positive"
            posts.append(post(when + timedelta(minutes=i * 4), label=label,
                              aspect=("camera", "battery")[i % 2], tags=("x2",)))
    return posts


@pytest.fixture
def store(empty_store: Store) -> Store:
    empty_store.save_campaign(CAMPAIGN)
    empty_store.upsert_posts(ordinary_days())
    return empty_store


def test_an_ordinary_hour_raises_nothing(store: Store) -> None:
    assert detect(store, CAMPAIGN, NOW, ["ops"]) == []
    assert detect(store, CAMPAIGN, NOW - timedelta(hours=5), ["ops"]) == []  # an evening


def test_a_planted_spike_raises_one_alert_explained_by_what_drove_it(store: Store) -> None:
    spike = [post(NOW - timedelta(minutes=50 - i), label="neutral", tags=("recall", "x2"),
                  author=f"mastodon:loud/{i % 3}", likes=50 + i) for i in range(40)]
    store.upsert_posts(spike)
    [alert] = detect(store, CAMPAIGN, NOW, ["ops"])
    assert (alert.kind, alert.subject, alert.posts) == ("spike", None, 45)
    assert alert.baseline == 5 and alert.z > 4
    assert alert.window_end == NOW and alert.window_start == NOW - timedelta(hours=1)
    assert alert.explanation.hashtags[0].key == "recall"
    assert {d.key for d in alert.explanation.authors} == {f"mastodon:loud/{i}"
                                                          for i in range(3)}
    assert set(alert.explanation.posts) <= {p.id for p in spike}
    assert alert.explanation.posts[0] == spike[-1].id  # the most liked
    assert [d.status for d in alert.deliveries] == ["pending"]
    assert store.list_alerts("x2") == [alert]  # stored before anyone is told
    # the same detection again, and the storm going on the next hour: still one alert
    assert detect(store, CAMPAIGN, NOW, ["ops"]) == []
    store.upsert_posts([post(NOW + timedelta(minutes=i), tags=("recall",)) for i in range(40)])
    assert detect(store, CAMPAIGN, NOW + timedelta(hours=1), ["ops"]) == []
    assert len(store.list_alerts("x2")) == 1


def test_a_planted_turn_against_one_aspect_raises_one_alert_about_it(store: Store) -> None:
    complaints = [post(NOW - timedelta(hours=6) + timedelta(minutes=18 * i), label="negative",
                       aspect="battery", tags=("batterydrain",)) for i in range(20)]
    store.upsert_posts(complaints)
    [alert] = detect(store, CAMPAIGN, NOW, ["ops"])
    assert (alert.kind, alert.subject) == ("aspect_negative_turn", "battery")
    assert alert.observed > 0.6 and alert.baseline == pytest.approx(0.2, abs=0.05)
    assert "negative share on battery" in alert.summary
    assert alert.explanation.hashtags[0].key == "batterydrain"
    shown = store.get_posts(alert.explanation.posts)
    assert len(shown) == 3 and all(p.aspects[0].aspect == "battery" and
                                   p.aspects[0].sentiment == "negative" for p in shown)
    assert alert.details["overall_negative_share"] > 0.2  # the overall turn it explains


def test_a_turn_against_no_aspect_is_the_overall_negative_turn(store: Store) -> None:
    store.upsert_posts([post(NOW - timedelta(hours=6) + timedelta(minutes=12 * i),
                             label="negative", tags=("shipping",)) for i in range(30)])
    [alert] = detect(store, CAMPAIGN, NOW, ["ops"])
    assert (alert.kind, alert.subject) == ("negative_turn", None)
    assert alert.explanation.hashtags[0].key == "shipping"


def test_without_enough_history_nothing_is_tested(empty_store: Store) -> None:
    empty_store.save_campaign(CAMPAIGN)
    empty_store.upsert_posts([post(NOW - timedelta(minutes=30), tags=("recall",))
                              for _ in range(60)])
    assert detect(empty_store, CAMPAIGN, NOW, ["ops"], AlertRules()) == []
