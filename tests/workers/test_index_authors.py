"""``sensing.index_authors`` on a real worker over Redis: author-mode profiles are merged into
the stored ones, a bad record is reported and the rest stored, and profiles on two platforms
are linked where one names the other, whichever batch comes first."""

from __future__ import annotations

from celery import Celery

from sensing.store import Store

TIMEOUT = 120
ANA_M = "mastodon:test.social/1"
ANA_B = "bluesky:did:plc:ana"


def index(celery_app: Celery, records: list, campaign_id: str | None = "x2") -> dict:
    return celery_app.send_task("sensing.index_authors", args=[records, campaign_id],
                                queue="analyze").get(timeout=TIMEOUT)


def mastodon_ana(**fields: object) -> dict:
    return {"id": ANA_M, "source": "mastodon", "handle": "@ana", "name": "Ana",
            "url": "https://test.social/@Ana", **fields}


def bluesky_ana(**fields: object) -> dict:
    return {"id": ANA_B, "source": "bluesky", "handle": "@ana.bsky.social", "name": "Ana",
            "url": "https://bsky.app/profile/ana.bsky.social", **fields}


def test_a_bad_profile_is_reported_and_the_rest_stored(celery_app: Celery, worker: None,
                                                       store: Store) -> None:
    summary = index(celery_app, [mastodon_ana(), {"id": "mastodon:test.social/2"},
                                 "not a profile", bluesky_ana(followers=-1.5)])
    assert (summary["received"], summary["rejected"], summary["indexed"]) == (4, 3, 1)
    assert "record 2 ('mastodon:test.social/2'): Field required" in summary["rejections"]
    assert "record 3 (None)" in summary["rejections"][1]
    assert summary["rejections"][2].startswith(f"record 4 ({ANA_B!r})")
    assert [a.id for a in store.campaign_authors("x2")] == [ANA_M]


def classified(celery_app: Celery, summary: dict) -> None:
    """Wait for the interests task the batch queued: it writes the profile too."""
    if summary["classify_task_id"]:
        celery_app.AsyncResult(summary["classify_task_id"]).get(timeout=TIMEOUT)


def test_a_recrawl_is_merged_into_the_stored_profile(celery_app: Celery, worker: None,
                                                     store: Store) -> None:
    classified(celery_app, index(celery_app, [mastodon_ana(follower_sample=["f1"],
                                                           followers=40)]))
    first = store.get_author(ANA_M)
    for _ in range(2):  # a re-crawl for another campaign, then its retry
        classified(celery_app, index(celery_app, [mastodon_ana(follower_sample=["f1"],
                                                               followers=40)], "x3"))
    ana = store.get_author(ANA_M)
    assert (ana.campaign_ids, ana.follower_sample) == (["x2", "x3"], ["f1"])
    assert ana.model_dump(exclude={"campaign_ids", "updated_at"}) == \
        first.model_dump(exclude={"campaign_ids", "updated_at"})


def test_a_link_is_made_when_the_named_profile_arrives_later(celery_app: Celery, worker: None,
                                                             store: Store) -> None:
    index(celery_app, [bluesky_ana(bio="also on https://test.social/@ana")])
    assert store.get_author(ANA_B).same_as == []  # nothing to link with yet

    summary = index(celery_app, [mastodon_ana(), {"id": "mastodon:test.social/9",
                                                  "source": "mastodon", "name": "Ana",
                                                  "handle": "@ana.bsky.social"}])
    assert summary["stored_profiles_linked"] == 1
    assert store.get_author(ANA_M).same_as == [ANA_B]
    assert store.get_author(ANA_B).same_as == [ANA_M]
    assert store.get_author("mastodon:test.social/9").same_as == []  # same name: no link


def test_a_link_is_made_when_the_new_profile_names_a_stored_one(celery_app: Celery,
                                                                worker: None,
                                                                store: Store) -> None:
    index(celery_app, [bluesky_ana()])
    index(celery_app, [mastodon_ana(bio="🦋 https://bsky.app/profile/Ana.bsky.social/")])
    assert store.get_author(ANA_M).same_as == [ANA_B]
    assert store.get_author(ANA_B).same_as == [ANA_M]
    again = index(celery_app, [mastodon_ana(bio="🦋 https://bsky.app/profile/ana.bsky.social")])
    assert again["stored_profiles_linked"] == 0  # linked already: nothing written back
