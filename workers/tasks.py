"""Celery tasks. Work moves in batches (never one task per post) and every task is safe to
retry: indexing is an idempotent upsert keyed by post id."""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import datetime, timedelta
from typing import Any

import elasticsearch
from celery import Celery, shared_task
from pydantic import ValidationError

from analysis.pipeline import DEFAULT_PIPELINE, Pipeline, build_pipeline
from audience.identity import link_profiles, lookup_urls
from sensing.config import Settings
from sensing.schemas import Author, utcnow
from sensing.store import Store, open_store
from workers.analysis import analyze_and_index
from workers.audience import classify_authors as classify_campaign_authors
from workers.reanalysis import reanalyze, rerun_pipeline

log = logging.getLogger(__name__)

# Failures of the store itself (not of one post) are worth a retry with back-off.
TRANSIENT_ERRORS = (elasticsearch.ConnectionError, elasticsearch.ConnectionTimeout,
                    sqlite3.OperationalError)


_runtime_lock = threading.Lock()


def runtime(app: Celery) -> tuple[Settings, Store, Pipeline]:
    """The worker process's long-lived resources, built once per app: one store client and
    one pipeline (models load once, not per batch)."""
    with _runtime_lock:
        found = getattr(app, "_sensing_runtime", None)
        if found is None:
            settings: Settings = app.conf.sensing_settings
            found = (settings, open_store(settings), build_pipeline(DEFAULT_PIPELINE, settings))
            app._sensing_runtime = found
        return found


@shared_task(name="sensing.analyze_batch", bind=True, autoretry_for=TRANSIENT_ERRORS,
             retry_backoff=True, retry_backoff_max=120, max_retries=8)
def analyze_batch(self, records: list[Any], campaign_id: str | None = None) -> dict[str, Any]:
    """Analyse and index one batch of raw post records; returns the batch summary."""
    settings, store, pipeline = runtime(self.app)
    campaign = store.get_campaign(campaign_id) if campaign_id else None
    if campaign_id and campaign is None:
        log.warning("batch for unknown campaign %r: analysing with default languages", campaign_id)
    result = analyze_and_index(records, pipeline, store, campaign=campaign,
                               max_text_bytes=settings.max_post_bytes)
    summary = result.summary()
    for rejection in result.rejected:
        log.warning("rejected %s", rejection)
    log.info("batch of %d for %s: %d indexed, %d rejected, %d duplicates", summary["received"],
             campaign_id, summary["indexed"], summary["rejected"], summary["duplicates"])
    return summary


@shared_task(name="sensing.reanalyze_campaign", bind=True, autoretry_for=TRANSIENT_ERRORS,
             retry_backoff=True, retry_backoff_max=120, max_retries=8)
def reanalyze_campaign(self, campaign_id: str, steps: list[str] | None = None
                       ) -> dict[str, Any]:
    """Re-run ``steps`` (default: aspects) over the campaign's stored posts, after the
    campaign changed what they read (its aspect terms); see :mod:`workers.reanalysis`.
    Idempotent: a retry or a second queueing repeats the work and changes nothing more."""
    _, store, pipeline = runtime(self.app)
    campaign = store.get_campaign(campaign_id)
    if campaign is None:
        raise ValueError(f"no campaign {campaign_id!r}")
    result = reanalyze(store, campaign, rerun_pipeline(pipeline, steps or ["aspects"]))
    for problem in result.problems[:50]:
        log.warning("re-analysis problem %s", problem)
    return result.summary()


@shared_task(name="sensing.crawl_campaign", bind=True)
def crawl_campaign(self, campaign_id: str, source: str, base_url: str | None = None,
                   limit: int | None = None,
                   options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one source's crawl for a campaign in its own process (Scrapy's reactor cannot
    restart); its item pipeline enqueues ``analyze_batch`` tasks as batches fill.
    ``options`` are the spider's, one entry of ``Campaign.crawl_jobs`` (or author mode)."""
    from crawlers.run import run_crawl

    settings, store, _ = runtime(self.app)
    campaign = store.get_campaign(campaign_id)
    if campaign is None:
        raise ValueError(f"no campaign {campaign_id!r}")
    stats = run_crawl(source, query=campaign.query, campaign_id=campaign_id, base_url=base_url,
                      out=None, limit=limit, settings=settings, options=options)
    return stats.as_dict()


@shared_task(name="sensing.refresh_crawls", bind=True)
def refresh_crawls(self) -> list[dict[str, str]]:
    """Celery beat's entry: queue a crawl for every (active campaign, source) that is due,
    and record when, so the next check does not queue it again."""
    from workers.schedule import due_sources

    settings, store, _ = runtime(self.app)
    now = utcnow()
    queued = []
    for campaign in store.list_campaigns():
        due = due_sources(campaign, now, settings)
        crawls = []
        for source, options in campaign.crawl_jobs(due) if due else []:
            task = self.app.send_task("sensing.crawl_campaign", queue="crawl",
                                      args=[campaign.id, source, None, None, options])
            crawls.append({"campaign_id": campaign.id, "source": source, "task_id": task.id})
            campaign.crawled_at[source] = now
        if due:
            store.save_campaign(campaign)
        if crawls and store.current_import(campaign.id) is not None:
            replan = self.app.send_task("sensing.replan_campaign", queue="analyze",
                                        args=[campaign.id, "scheduled crawl",
                                              [c["task_id"] for c in crawls]],
                                        countdown=settings.replan_poll_seconds)
            for crawl in crawls:
                crawl["replan_task_id"] = replan.id
        queued += crawls
    log.info("schedule: %d crawls queued", len(queued))
    return queued


def unfinished(app: Celery, crawl_ids: list[str]) -> int:
    """How many of the crawls, and of the analysis batches that finished crawls handed off,
    have not finished yet (a failed one has finished: the re-plan does not wait on it)."""
    waiting = 0
    for crawl in (app.AsyncResult(task_id) for task_id in crawl_ids):
        if not crawl.ready():
            waiting += 1
        elif crawl.successful():
            waiting += sum(not app.AsyncResult(t).ready() for t in crawl.result["task_ids"])
    return waiting


@shared_task(name="sensing.replan_campaign", bind=True, autoretry_for=TRANSIENT_ERRORS,
             retry_backoff=True, retry_backoff_max=120, max_retries=None)
def replan_campaign(self, campaign_id: str, trigger: str = "on demand",
                    after: list[str] | None = None, waited: int = 0) -> dict[str, Any]:
    """Re-plan the campaign and store the plan with its changes (:mod:`planning.history`),
    once the crawls ``after`` names and their analysis batches have finished: a plan made
    while posts are still arriving would diff against itself on the next crawl. Polls every
    ``replan_poll_seconds``; past ``replan_wait_minutes`` it plans on what has landed and
    says so in the trigger."""
    from planning.history import replan

    settings, store, _ = runtime(self.app)
    waiting = unfinished(self.app, after or [])
    if waiting and waited < settings.replan_wait_minutes * 60:
        poll = settings.replan_poll_seconds
        raise self.retry(countdown=poll, max_retries=None,
                         args=[campaign_id, trigger, after, waited + poll])
    if waiting:
        trigger += f" ({waiting} tasks unfinished after {settings.replan_wait_minutes} min)"
    campaign = store.get_campaign(campaign_id)
    if campaign is None:
        raise ValueError(f"no campaign {campaign_id!r}")
    record = replan(store, campaign, trigger)
    log.info("re-planned %s (%s): %d changes", campaign_id, trigger, len(record.changes))
    return {"plan_id": record.id, "changes": len(record.changes), "trigger": trigger}


@shared_task(name="sensing.index_authors", bind=True, autoretry_for=TRANSIENT_ERRORS,
             retry_backoff=True, retry_backoff_max=120, max_retries=8)
def index_authors(self, records: list[dict[str, Any]],
                  campaign_id: str | None = None) -> dict[str, Any]:
    """Store a batch of author profiles (author/follower mode): each merged into the stored
    profile of its id (``AuthorStore.upsert_authors``), and linked with the stored profiles
    of other platforms it names or that name it (:mod:`audience.identity`). A bad record is
    reported and the rest stored. Idempotent: the same batch again changes nothing."""
    _, store, _ = runtime(self.app)
    authors, rejected = [], []
    for position, record in enumerate(records, start=1):
        try:
            author = Author.model_validate(record)
        except ValidationError as exc:
            found = record.get("id") if isinstance(record, dict) else None
            rejected.append(f"record {position} ({found!r}): {exc.errors()[0]['msg']}")
            continue
        if campaign_id and campaign_id not in author.campaign_ids:
            author.campaign_ids.append(campaign_id)
        authors.append(author)
    candidates = store.find_authors_by_url(lookup_urls(authors)) if authors else []
    linked = link_profiles(authors, candidates)
    result = store.upsert_authors(linked)
    for rejection in rejected:
        log.warning("rejected author %s", rejection)
    # New or changed profiles need interests: one task for the batch, never one per author.
    classify = (self.app.send_task("sensing.classify_authors", queue="analyze",
                                   args=[campaign_id, [a.id for a in authors]]).id
                if campaign_id and authors else None)
    return {"received": len(records), "rejected": len(rejected), "rejections": rejected[:50],
            "indexed": result.created + result.updated, "index_errors": result.errors[:50],
            "stored_profiles_linked": len(linked) - len(authors), "classify_task_id": classify}


AUTHOR_PIPELINE: list[dict[str, Any]] = [{"step": "interests", "options": {}}]


def author_pipeline(app: Celery) -> Pipeline:
    """The worker's author pipeline (interests), built once: its encoder loads once."""
    with _runtime_lock:
        found = getattr(app, "_sensing_author_pipeline", None)
        if found is None:
            settings: Settings = app.conf.sensing_settings
            found = app._sensing_author_pipeline = build_pipeline(AUTHOR_PIPELINE, settings)
        return found


@shared_task(name="sensing.classify_authors", bind=True, autoretry_for=TRANSIENT_ERRORS,
             retry_backoff=True, retry_backoff_max=120, max_retries=8)
def classify_authors(self, campaign_id: str, author_ids: list[str] | None = None
                     ) -> dict[str, Any]:
    """Interests for the campaign's profiles (or only ``author_ids``) that the current
    classifier has not classified, in batches (:mod:`workers.audience`). Idempotent: a
    profile classified once is skipped, so a retry or a second run changes nothing."""
    _, store, _ = runtime(self.app)
    result = classify_campaign_authors(store, author_pipeline(self.app), campaign_id, author_ids)
    for problem in result.problems[:50]:
        log.warning("interests problem %s", problem)
    return result.summary()


def enqueue_authors(authors: list[dict[str, Any]], campaign_id: str | None) -> str:
    """The crawl sink for author profiles: one ``index_authors`` task per batch."""
    from workers.app import app

    return app.send_task("sensing.index_authors", args=[authors, campaign_id],
                         queue="analyze").id


def enqueue_batch(posts: list[dict[str, Any]], campaign_id: str) -> str:
    """The crawl item pipeline's sink: hand one batch to the analysis queue; returns the task id."""
    from workers.app import app

    return app.send_task("sensing.analyze_batch", args=[posts, campaign_id], queue="analyze").id


@shared_task(name="sensing.check_alerts", bind=True, autoretry_for=TRANSIENT_ERRORS,
             retry_backoff=True, retry_backoff_max=120, max_retries=8)
def check_alerts(self) -> dict[str, Any]:
    """Celery beat's entry: queue again the deliveries a restart left pending, then look for
    spikes and negative turns in every active campaign (:func:`reports.alerts.detect`, which
    stores each new alert before it is delivered), queue their deliveries, and re-plan a
    campaign with segments after a turn against it."""
    from reports.alerts import detect
    from workers.alerts import stale_pending

    settings, store, _ = runtime(self.app)
    now = utcnow()
    resent = [a.id for a in stale_pending(store, now)]
    raised = []
    for campaign in store.list_campaigns():
        if not campaign.active or not campaign.window_start <= now <= campaign.window_end \
                + timedelta(days=1):
            continue
        for alert in detect(store, campaign, now, sorted(settings.alert_webhooks)):
            raised.append(alert.id)
            if alert.kind != "spike" and store.current_import(campaign.id) is not None:
                self.app.send_task("sensing.replan_campaign", queue="analyze",
                                   args=[campaign.id, f"alert: {alert.summary}"])
    for alert_id in resent + raised:
        self.app.send_task("sensing.deliver_alert", queue="analyze", args=[alert_id])
    log.info("alerts: %d raised, %d deliveries re-sent", len(raised), len(resent))
    return {"raised": raised, "resent": resent}


@shared_task(name="sensing.deliver_alert", bind=True, max_retries=None)
def deliver_alert(self, alert_id: str) -> dict[str, Any]:
    """Deliver the alert to each webhook still pending; retried with back-off (10 s doubling
    to 10 min) until every delivery is delivered or out of attempts (``failed``)."""
    from workers.alerts import backoff, deliver

    settings, store, _ = runtime(self.app)
    alert = deliver(store, alert_id, settings)
    if alert is None:
        return {"alert": alert_id, "missing": True}
    if alert.pending:
        raise self.retry(countdown=backoff(alert))
    return {"alert": alert_id, "deliveries": {d.target: d.status for d in alert.deliveries}}


@shared_task(name="sensing.run_reports", bind=True)
def run_reports(self) -> list[dict[str, str]]:
    """Celery beat's entry: queue every report due since the last check, per campaign (a
    check that missed several queues each: a late report is still made, and says so), and
    record when, so the next check does not queue them again."""
    from reports.schedule import due_reports

    _, store, _ = runtime(self.app)
    now = utcnow()
    queued = []
    for campaign in store.list_campaigns():
        due = due_reports(campaign, campaign.reports_checked_at, now) if campaign.active else []
        for slot in due:
            task = self.app.send_task("sensing.make_report", queue="analyze",
                                      args=[campaign.id, slot.kind, slot.at.isoformat()])
            queued.append({"campaign_id": campaign.id, "kind": slot.kind,
                           "due_at": slot.at.isoformat(), "task_id": task.id})
        campaign.reports_checked_at = now
        store.save_campaign(campaign)
    log.info("reports: %d queued", len(queued))
    return queued


@shared_task(name="sensing.make_report", bind=True, autoretry_for=TRANSIENT_ERRORS,
             retry_backoff=True, retry_backoff_max=120, max_retries=8)
def make_report(self, campaign_id: str, kind: str, due_at: str) -> dict[str, Any]:
    """Make the campaign's report due at ``due_at`` into the archive (:mod:`reports.archive`):
    its files under DATA_DIR/reports/CAMPAIGN/REPORT_ID/ and its record in the store; the
    alerts of a late or gappy report are delivered."""
    from reports.archive import make_report as archive

    settings, store, _ = runtime(self.app)
    campaign = store.get_campaign(campaign_id)
    if campaign is None:
        raise ValueError(f"no campaign {campaign_id!r}")
    record, alerts = archive(store, campaign, kind, datetime.fromisoformat(due_at),
                             settings.data_dir / "reports",
                             targets=sorted(settings.alert_webhooks))
    for alert in alerts:  # late or gappy: never silent
        self.app.send_task("sensing.deliver_alert", queue="analyze", args=[alert.id])
    return record.model_dump(mode="json")
