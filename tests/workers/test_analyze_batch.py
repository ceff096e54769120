"""``sensing.analyze_batch`` on a real worker over Redis: bad records are reported and skipped,
and running a batch again (as a redelivery or retry does) duplicates nothing."""

from __future__ import annotations

from datetime import datetime

from celery import Celery

from sensing.schemas import Campaign
from sensing.store import PostFilter, Store
from tests.workers.conftest import raw_post

TIMEOUT = 60


def good_batch() -> list[dict]:
    return [
        raw_post(1, "The Nova Lumina X2 camera is amazing 😍 #NovaLumina"),
        raw_post(2, "Battery life on the X2 is terrible, dead by noon. #LuminaX2"),
        raw_post(3, "노바루미나 X2 카메라 정말 좋네요 #노바루미나"),
        raw_post(4, "The Nova Lumina X2 camera is amazing 😍 #NovaLumina", author="copycat"),
    ]


def test_a_malformed_post_is_reported_and_the_rest_of_the_batch_is_indexed(
        celery_app: Celery, worker: None, store: Store) -> None:
    missing_fields = {"id": "mastodon:test.social/90", "source": "mastodon"}
    huge = raw_post(91, "x" * 1_000_000)
    batch = [*good_batch()[:2], "{not json", missing_fields, huge, good_batch()[2]]

    summary = celery_app.send_task("sensing.analyze_batch", args=[batch, None],
                                   queue="analyze").get(timeout=TIMEOUT)

    assert summary["received"] == 6
    assert summary["rejected"] == 3
    assert summary["indexed"] == 3
    reasons = " | ".join(summary["rejections"])
    assert "record 3: malformed JSON" in reasons
    assert "record 4 (mastodon:test.social/90): invalid post" in reasons
    assert "created_at" in reasons and "author" in reasons
    assert "record 5 (mastodon:test.social/91): raw_text is 1,000,007 bytes" in reasons
    stored = {p.id for p in store.get_posts(f"mastodon:test.social/{n}" for n in (1, 2, 3, 90, 91))}
    assert stored == {"mastodon:test.social/1", "mastodon:test.social/2", "mastodon:test.social/3"}


def test_running_a_batch_again_changes_nothing(celery_app: Celery, worker: None,
                                               store: Store) -> None:
    store.save_campaign(Campaign(id="launch", name="X2 launch", query="x2 OR 노바루미나",
                                 languages=["en", "ko"], launch_at=datetime(2026, 10, 15)))
    batch = good_batch()
    first = celery_app.send_task("sensing.analyze_batch", args=[batch, "launch"],
                                 queue="analyze").get(timeout=TIMEOUT)
    before = {p.id: p for p in store.get_posts(p["id"] for p in batch)}

    again = celery_app.send_task("sensing.analyze_batch", args=[batch, "launch"],
                                 queue="analyze").get(timeout=TIMEOUT)
    after = {p.id: p for p in store.get_posts(p["id"] for p in batch)}

    assert first["indexed"] == again["indexed"] == 4
    assert store.count(PostFilter()) == store.count(PostFilter(campaign_id="launch")) == 4
    assert after["mastodon:test.social/4"].duplicate_of == "mastodon:test.social/1"
    assert after["mastodon:test.social/1"].duplicate_of is None
    for post_id, post in before.items():
        assert after[post_id].model_dump(exclude={"collected_at"}) == \
            post.model_dump(exclude={"collected_at"})
