"""The Celery application, configured for the embedded default or for Redis.

Embedded mode (no ``SENSING_BROKER_URL``) uses kombu's file-system transport under
``DATA_DIR/broker``: a real broker with no server, shared by the crawl subprocess and the
in-process worker of ``sensing demo``. Production points ``SENSING_BROKER_URL`` at Redis.
"""

from __future__ import annotations

from celery import Celery

from sensing.config import Settings, get_settings
from workers.schedule import beat_schedule


def _embedded_broker(settings: Settings) -> dict:
    root = settings.broker_dir.resolve()
    for sub in ("queue", "processed", "results", "control"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "result_backend": f"file://{root / 'results'}",
        "broker_transport_options": {
            "data_folder_in": str(root / "queue"),
            "data_folder_out": str(root / "queue"),
            "processed_folder": str(root / "processed"),
            "control_folder": str(root / "control"),
            "store_processed": False,
            "polling_interval": 0.2,
        },
    }


def make_celery(settings: Settings) -> Celery:
    """A Celery app for ``settings``; tests build one per test against the real Redis."""
    app = Celery("sensing")
    broker = (_embedded_broker(settings) if settings.embedded_broker
              else {"broker_url": settings.broker_url, "result_backend": settings.broker_url})
    app.conf.update(
        **broker,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # A batch is acknowledged only after it is indexed: a worker that dies mid-batch
        # leaves it to be redelivered, and idempotent upserts make the redelivery harmless.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        result_expires=86_400,
        task_routes={"sensing.crawl_campaign": {"queue": "crawl"},
                     "sensing.analyze_batch": {"queue": "analyze"},
                     "sensing.index_authors": {"queue": "analyze"},
                     "sensing.refresh_crawls": {"queue": "crawl"}},
        beat_schedule=beat_schedule(settings),
        task_default_queue="analyze",
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
    )
    app.conf.sensing_settings = settings
    app.autodiscover_tasks(["workers"], related_name="tasks", force=True)
    return app


app = make_celery(get_settings())
