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
from sensing.alerts import Alert, Delivery
from sensing.report_records import ReportRecord, ReportRunKind
from sensing.schemas import Campaign, utcnow
from sensing.store import Store

DEADLINE = timedelta(minutes=30)  # a report made later than this after it was due is late


def report_id(campaign_id: str, kind: str, due_at: datetime) -> str:
    return f"{campaign_id}-{kind}-{due_at:%Y%m%dT%H%M}"


def make_report(store: Store, campaign: Campaign, kind: ReportRunKind, due_at: datetime,
                root: Path, deadline: timedelta = DEADLINE,
                clock: Callable[[], datetime] = utcnow,
                targets: list[str] | None = None) -> tuple[ReportRecord, list[Alert]]:
    """Build, write and record the report due at ``due_at``, and the alerts it raises: a
    scheduled report made past its deadline (``report_late``) or whose window has crawl gaps
    (``crawl_gap``) says so in its data quality and is never silent; each alert is stored
    with a pending delivery per one of ``targets``. A failure is recorded (status
    ``failed``, with the error) and raised again, so the task retries and the list says it."""
    found = report_id(campaign.id, kind, due_at)
    try:
        report = build_report(store, campaign)
        made = clock()
        late = kind != "on_demand" and made > due_at + deadline
        report.data_quality.due_at, report.data_quality.late = due_at, late
        paths = write_report(report, root / campaign.id / found)
    except Exception as exc:
        store.save_report(ReportRecord(id=found, campaign_id=campaign.id, kind=kind,
                                       due_at=due_at, made_at=clock(), status="failed",
                                       error=f"{type(exc).__name__}: {exc}"[:1000]))
        raise
    record = ReportRecord(id=found, campaign_id=campaign.id, kind=kind, due_at=due_at,
                          made_at=made, status="late" if late else "ok",
                          files={k: str(v) for k, v in paths.items()},
                          posts=report.pre.posts + report.post.posts)
    store.save_report(record)
    alerts = _quality_alerts(record, report.data_quality.gaps, targets or [])
    for alert in alerts:
        store.save_alert(alert)
    return record, alerts


def _quality_alerts(record: ReportRecord, gaps: list[str], targets: list[str]
                    ) -> list[Alert]:
    """A late report and a report with crawl gaps each raise one alert (by report id)."""
    found = []
    late = record.made_at - record.due_at
    if record.status == "late":
        due = record.due_at.strftime("%Y-%m-%d %H:%M")
        found.append(("report_late", f"report {record.id} was due {due} UTC and made "
                                     f"{late.total_seconds() / 60:.0f} min later"))
    if gaps and record.kind != "on_demand":
        found.append(("crawl_gap", f"report {record.id}: " + "; ".join(gaps)))
    return [Alert(id=f"{record.campaign_id}:{kind}:{record.id}", campaign_id=record.campaign_id,
                  kind=kind, subject=record.id, window_start=record.due_at,
                  window_end=record.made_at, detected_at=record.made_at,
                  observed=round(late.total_seconds() / 60, 1), baseline=0.0, z=0.0,
                  posts=record.posts, summary=summary,
                  deliveries=[Delivery(target=t) for t in targets],
                  details={"report": record.id, "gaps": gaps})
            for kind, summary in found]
