"""The crawl schedule: active campaigns are re-crawled at an interval, faster around the
launch, never after the post-launch window; Celery beat's task queues what is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from celery import Celery

from samples.server import start_sample_server
from sensing.config import Settings
from sensing.schemas import Campaign
from sensing.segments import ScoredCustomer, Segment, SegmentImport
from sensing.store import PostFilter, Store
from workers.schedule import crawl_interval, due_sources

LAUNCH = datetime(2026, 10, 15, 1, 0, tzinfo=UTC)
SETTINGS = Settings(crawl_every_minutes=60, crawl_every_minutes_near_launch=10,
                    near_launch_hours=48)


def campaign(**changes) -> Campaign:
    return Campaign(id="x2", name="X2", query='"nova lumina"', sources=["mastodon", "rss"],
                    launch_at=LAUNCH, pre_window_days=14, post_window_days=14, **changes)


def test_crawls_run_faster_around_the_launch() -> None:
    assert crawl_interval(campaign(), LAUNCH - timedelta(days=5), SETTINGS) == \
        timedelta(minutes=60)
    assert crawl_interval(campaign(), LAUNCH - timedelta(hours=47), SETTINGS) == \
        timedelta(minutes=10)
    assert crawl_interval(campaign(), LAUNCH + timedelta(hours=30), SETTINGS) == \
        timedelta(minutes=10)
    assert crawl_interval(campaign(), LAUNCH + timedelta(days=3), SETTINGS) == \
        timedelta(minutes=60)


def test_nothing_is_crawled_after_the_window_or_for_a_paused_campaign() -> None:
    assert crawl_interval(campaign(), LAUNCH + timedelta(days=14), SETTINGS) is None
    assert due_sources(campaign(active=False), LAUNCH, SETTINGS) == []


def test_a_source_is_due_once_its_interval_has_passed() -> None:
    now = LAUNCH + timedelta(days=5)
    recent = campaign(crawled_at={"mastodon": now - timedelta(minutes=59),
                                  "rss": now - timedelta(minutes=61)})
    assert due_sources(recent, now, SETTINGS) == ["rss"]
    assert due_sources(campaign(), now, SETTINGS) == ["mastodon", "rss"]


def test_beat_task_queues_due_crawls_once(celery_app: Celery, worker: None, store: Store,
                                          settings: Settings) -> None:
    server, base_url = start_sample_server()
    # The worker's settings point Mastodon at the sample server, as production points it
    # at a real instance: the scheduled crawl passes no base URL of its own.
    celery_app.conf.sensing_settings = settings.model_copy(update={"mastodon_base_url": base_url,
                                                                   "replan_poll_seconds": 1})
    now = datetime.now(UTC)
    try:
        store.save_campaign(Campaign(id="live", name="Live", query='"nova lumina" OR 노바루미나',
                                     languages=["en", "ko"], sources=["mastodon"],
                                     launch_at=now - timedelta(days=1)))
        # segments make the campaign plannable: its plan is recomputed after the crawl
        store.save_import(SegmentImport(id="i1", campaign_id="live", rows=1, segments=1),
                          [Segment(id="live:s1", campaign_id="live", import_id="i1", name="S1",
                                   origin="imported", size=1)],
                          [ScoredCustomer(id="cu_1", campaign_id="live", import_id="i1",
                                          segment_id="live:s1", propensity=0.9)])
        store.save_campaign(Campaign(id="over", name="Over", query="x2", sources=["mastodon"],
                                     launch_at=now - timedelta(days=60)))
        queued = celery_app.send_task("sensing.refresh_crawls").get(timeout=60)
        assert [(q["campaign_id"], q["source"]) for q in queued] == [("live", "mastodon")]
        crawl = celery_app.AsyncResult(queued[0]["task_id"]).get(timeout=180)
        for task_id in crawl["task_ids"]:
            celery_app.AsyncResult(task_id).get(timeout=120)
        assert crawl["items"] > 50
        assert store.count(PostFilter(campaign_id="live")) == crawl["items"]

        # the re-plan waited for the crawl's analysis to land, then planned
        replanned = celery_app.AsyncResult(queued[0]["replan_task_id"]).get(timeout=120)
        [record] = store.plan_history("live")
        assert record.id == replanned["plan_id"] and record.trigger == "scheduled crawl"
        [segment] = record.plan["segments"]
        assert segment["name"] == "S1" and segment["target_count"] == 1
        done = [celery_app.AsyncResult(t).date_done for t in crawl["task_ids"]]
        assert record.created_at >= max(d.replace(tzinfo=d.tzinfo or UTC) for d in done)

        assert celery_app.send_task("sensing.refresh_crawls").get(timeout=60) == []
        assert store.get_campaign("live").crawled_at["mastodon"] >= now
    finally:
        server.shutdown()


def test_beat_task_makes_each_due_report_once(celery_app: Celery, worker: None, store: Store,
                                              settings: Settings) -> None:
    now = datetime.now(UTC)
    campaign = Campaign(id="live", name="Live", query="x2", sources=["mastodon"],
                        launch_at=now - timedelta(hours=13), pre_window_days=1,
                        post_window_days=1, timezone="Asia/Seoul", snapshot_hours=4)
    store.save_campaign(campaign)
    queued = celery_app.send_task("sensing.run_reports").get(timeout=60)
    kinds = [q["kind"] for q in queued]
    assert kinds.count("snapshot") == 3 and 1 <= kinds.count("daily") <= 2  # 10:00 in Seoul
    made = [celery_app.AsyncResult(q["task_id"]).get(timeout=120) for q in queued]
    assert {m["status"] for m in made} <= {"ok", "late"}
    assert sorted(r.id for r in store.list_reports("live")) == sorted(m["id"] for m in made)
    assert all(Path(m["files"]["html"]).is_file() for m in made)
    assert celery_app.send_task("sensing.run_reports").get(timeout=60) == []
