"""When a campaign's reports are due: daily at its local ``report_hour`` through the pre- and
post-launch windows, intraday snapshots over the first day after the launch (every
``snapshot_hours``), and a final report once the post-launch window has closed.

Times are computed in the campaign's zone and handed out in UTC, so a daily report stays at
10:00 local across a daylight-saving change (its UTC hour moves instead). A local hour that a
spring-forward skips runs when the gap ends; one that a fall-back repeats runs once, at its
first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sensing.schemas import Campaign

ReportKind = Literal["daily", "snapshot", "final"]
FINAL_GRACE = timedelta(hours=1)  # the last crawls of the window land before the final report


@dataclass(frozen=True, order=True)
class DueReport:
    at: datetime            # UTC: when it is due
    kind: ReportKind
    campaign_id: str

    @property
    def id(self) -> str:
        return f"{self.campaign_id}-{self.kind}-{self.at:%Y%m%dT%H%M}"


def local_instant(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """``hour``:00 on ``day`` in ``zone``, in UTC. A wall time that a fall-back repeats is
    its first occurrence; one that a spring-forward skips is read with the offset before the
    gap, so a report due at 02:00 on the night clocks jump from 02:00 to 03:00 runs at 03:00,
    the gap's end."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def report_slots(campaign: Campaign) -> list[DueReport]:
    """Every report the campaign is due, in time order."""
    zone = ZoneInfo(campaign.timezone)
    slots = []
    day = campaign.window_start.astimezone(zone).date()
    while (at := local_instant(day, campaign.report_hour, zone)) <= campaign.window_end:
        if at >= campaign.window_start:
            slots.append(DueReport(at, "daily", campaign.id))
        day += timedelta(days=1)
    step = timedelta(hours=campaign.snapshot_hours)
    at = campaign.launch_at + step
    while at <= min(campaign.launch_at + timedelta(days=1), campaign.window_end):
        slots.append(DueReport(at, "snapshot", campaign.id))
        at += step
    slots.append(DueReport(campaign.window_end + FINAL_GRACE, "final", campaign.id))
    return sorted(slots)


def due_reports(campaign: Campaign, after: datetime | None, now: datetime) -> list[DueReport]:
    """The reports due in (``after``, ``now``]: what a schedule check that last ran at
    ``after`` (None: never) must make now. A check that missed several makes each."""
    return [slot for slot in report_slots(campaign)
            if (after is None or slot.at > after) and slot.at <= now]
