"""``sensing.classify_authors`` on a real worker over Redis, with the real encoder: a crawl's
author batch is classified in one follow-up task, a profile with too little text gets no
interests, and running it again over the campaign changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from celery import Celery

from sensing.store import Store

TIMEOUT = 300
WHEN = datetime(2026, 10, 1, tzinfo=UTC).isoformat()


def profile(n: int, bio: str, *posts: str) -> dict:
    return {"id": f"mastodon:test.social/{n}", "source": "mastodon", "bio": bio,
            "recent_posts": [{"id": f"{n}-{i}", "created_at": WHEN, "text": text}
                             for i, text in enumerate(posts)]}


def test_an_author_batch_is_classified_once_in_one_task(celery_app: Celery, worker: None,
                                                        store: Store) -> None:
    records = [
        profile(1, "Leg day every day", "New squat PR at the gym this morning, 140 kg",
                "Protein shake and foam rolling after a heavy deadlift session"),
        profile(2, "", "ok"),
    ]
    summary = celery_app.send_task("sensing.index_authors", args=[records, "x2"],
                                   queue="analyze").get(timeout=TIMEOUT)
    classified = celery_app.AsyncResult(summary["classify_task_id"]).get(timeout=TIMEOUT)
    assert (classified["seen"], classified["classified"], classified["too_little_text"]) == \
        (2, 2, 1)
    lifter, quiet = store.get_authors(["mastodon:test.social/1", "mastodon:test.social/2"])
    assert lifter.interests[0].category == "health_fitness"
    assert lifter.interest_model and lifter.interest_model.startswith("interests-e5-zeroshot@")
    assert (quiet.interests, quiet.interest_model) == ([], lifter.interest_model)

    again = celery_app.send_task("sensing.classify_authors", args=["x2"],
                                 queue="analyze").get(timeout=TIMEOUT)
    assert (again["seen"], again["classified"]) == (2, 0), "nothing left to classify"
    assert store.get_author(lifter.id).interests == lifter.interests
