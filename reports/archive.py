"""Making a report into the archive: built from the store as it is now, written as
``report.json`` and ``report.html`` in a folder of its own, and recorded
(:class:`~sensing.report_records.ReportRecord`) with when it was due, when it was made and
whether it missed its deadline, so every scheduled report is listed, served, and late or
failed ones say so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from reports.build import build_report
from reports.render import write_report
from sensing.report_records import ReportRecord, ReportRunKind
from sensing.schemas import Campaign, utcnow
from sensing.store import Store

DEADLINE = timedelta(minutes=30)  # a report made later than this after it was due is late


def report_id(campaign_id: str, kind: str, due_at: datetime) -> str:
    return f"{campaign_id}-{kind}-{due_at:%Y%m%dT%H%M}"


def make_report(store: Store, campaign: Campaign, kind: ReportRunKind, due_at: datetime,
                root: Path, deadline: timedelta = DEADLINE,
                clock: Callable[[], datetime] = utcnow) -> ReportRecord:
    """Build, write and record the report due at ``due_at``; a failure is recorded (status
    ``failed``, with the error) and raised again, so the task retries and the list says it."""
    found = report_id(campaign.id, kind, due_at)
    folder = root / campaign.id / found
    try:
        report = build_report(store, campaign)
        paths = write_report(report, folder)
    except Exception as exc:
        store.save_report(ReportRecord(id=found, campaign_id=campaign.id, kind=kind,
                                       due_at=due_at, made_at=clock(), status="failed",
                                       error=f"{type(exc).__name__}: {exc}"[:1000]))
        raise
    made = clock()
    record = ReportRecord(id=found, campaign_id=campaign.id, kind=kind, due_at=due_at,
                          made_at=made, status="late" if made > due_at + deadline else "ok",
                          files={k: str(v) for k, v in paths.items()},
                          posts=report.pre.posts + report.post.posts)
    store.save_report(record)
    return record
