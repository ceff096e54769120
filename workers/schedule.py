"""When campaigns are crawled again: a Celery beat entry (``sensing.refresh_crawls``, every
``SCHEDULE_CHECK_SECONDS``) queues the crawls that are due.

A source of an active campaign is due when its last scheduled crawl is older than the
campaign's current interval: ``CRAWL_EVERY_MINUTES`` normally, ``CRAWL_EVERY_MINUTES_NEAR_LAUNCH``
within ``NEAR_LAUNCH_HOURS`` of the launch (when reactions arrive fastest), and never after
the post-launch window has ended. Crawls are incremental, so a frequent schedule costs only
the new posts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sensing.config import Settings
from sensing.schemas import Campaign


def crawl_interval(campaign: Campaign, now: datetime, settings: Settings) -> timedelta | None:
    """How often ``campaign`` is crawled at ``now``; None when it is not listened to."""
    if not campaign.active or now >= campaign.window_end:
        return None
    if abs(now - campaign.launch_at) <= timedelta(hours=settings.near_launch_hours):
        return timedelta(minutes=settings.crawl_every_minutes_near_launch)
    return timedelta(minutes=settings.crawl_every_minutes)


def due_sources(campaign: Campaign, now: datetime, settings: Settings) -> list[str]:
    """The campaign's sources whose next crawl is due at ``now``, in the campaign's order."""
    interval = crawl_interval(campaign, now, settings)
    if interval is None:
        return []
    return [source for source in campaign.sources
            if (last := campaign.crawled_at.get(source)) is None or now - last >= interval]


def beat_schedule(settings: Settings) -> dict[str, dict]:
    """The Celery beat entries of a Sensing deployment."""
    alerts = float(settings.alert_check_minutes * 60)
    return {"refresh-crawls": {"task": "sensing.refresh_crawls",
                               "schedule": float(settings.schedule_check_seconds),
                               "options": {"queue": "crawl", "expires":
                                           float(settings.schedule_check_seconds)}},
            "check-alerts": {"task": "sensing.check_alerts", "schedule": alerts,
                             "options": {"queue": "analyze", "expires": alerts}},
            "run-reports": {"task": "sensing.run_reports",
                            "schedule": float(settings.schedule_check_seconds),
                            "options": {"queue": "analyze", "expires":
                                        float(settings.schedule_check_seconds)}}}
