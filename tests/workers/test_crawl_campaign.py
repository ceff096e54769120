"""A campaign's crawl through the real broker: the Celery task runs the Scrapy subprocess,
whose item pipeline enqueues analysis batches that the same worker indexes."""

from __future__ import annotations

from datetime import datetime

from celery import Celery

from samples.server import start_sample_server
from sensing.schemas import Campaign
from sensing.store import PostFilter, Store


def test_a_crawl_task_feeds_analysis_batches_into_the_store(celery_app: Celery, worker: None,
                                                             store: Store) -> None:
    server, base_url = start_sample_server()
    try:
        store.save_campaign(Campaign(id="x2", name="X2", query='"nova lumina" OR 노바루미나',
                                     languages=["en", "ko", "ja", "es"],
                                     launch_at=datetime(2026, 10, 15)))
        crawl = celery_app.send_task("sensing.crawl_campaign", queue="crawl",
                                     args=["x2", "mastodon", base_url, None]).get(timeout=120)
        summaries = [celery_app.AsyncResult(task_id).get(timeout=120)
                     for task_id in crawl["task_ids"]]
    finally:
        server.shutdown()

    assert crawl["items"] > 150 and crawl["batches"] == len(summaries) >= 2
    assert sum(s["indexed"] for s in summaries) == crawl["items"]
    assert store.count(PostFilter(campaign_id="x2")) == crawl["items"]
    langs = {b.key for b in store.aggregate(PostFilter(campaign_id="x2")).langs}
    assert {"en", "ko", "es"} <= langs
