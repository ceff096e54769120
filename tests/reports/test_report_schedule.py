"""When reports are due, in the campaign's zone: daily at its local hour (across daylight
saving changes), snapshots over the day after the launch, one final report; a check sees
each once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reports.schedule import due_reports, local_instant, report_slots
from sensing.schemas import Campaign

LAUNCH = datetime(2026, 10, 15, 1, 0, tzinfo=UTC)  # 10:00 in Seoul


def campaign(zone: str, launch: datetime = LAUNCH, **fields) -> Campaign:
    return Campaign(id="x2", name="X2", query="x2", launch_at=launch, timezone=zone,
                    pre_window_days=2, post_window_days=3, **fields)


def test_daily_reports_at_ten_local_in_seoul_snapshots_and_a_final() -> None:
    slots = report_slots(campaign("Asia/Seoul"))
    daily = [s.at for s in slots if s.kind == "daily"]
    assert daily == [datetime(2026, 10, d, 1, 0, tzinfo=UTC) for d in range(13, 19)]
    assert [s.at.hour for s in slots if s.kind == "snapshot"] == [5, 9, 13, 17, 21, 1]
    [final] = [s for s in slots if s.kind == "final"]
    assert final.at == LAUNCH + timedelta(days=3, hours=1)
    assert final.id == "x2-final-20261018T0200"


def test_the_daily_hour_stays_local_across_daylight_saving_changes() -> None:
    # New York falls back on Sunday 2026-11-01: 10:00 is 14:00 UTC before, 15:00 after
    slots = report_slots(campaign("America/New_York", datetime(2026, 11, 1, 14, tzinfo=UTC)))
    assert [(s.at.day, s.at.hour) for s in slots if s.kind == "daily"] == [
        (30, 14), (31, 14), (1, 15), (2, 15), (3, 15)]  # 11-04 10:00 is past the window
    # Berlin springs forward on Sunday 2026-03-29: 10:00 is 09:00 UTC before, 08:00 after
    spring = report_slots(campaign("Europe/Berlin", datetime(2026, 3, 29, 8, tzinfo=UTC)))
    assert [(s.at.day, s.at.hour) for s in spring if s.kind == "daily"][1:4] == [
        (28, 9), (29, 8), (30, 8)]


def test_hours_that_a_change_skips_or_repeats_run_once() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/New_York")
    skipped = local_instant(datetime(2026, 3, 8).date(), 2, zone)  # 02:00 does not exist
    assert skipped.astimezone(zone).strftime("%H:%M") == "03:00"
    repeated = local_instant(datetime(2026, 11, 1).date(), 1, zone)  # 01:00 happens twice
    assert repeated == datetime(2026, 11, 1, 5, tzinfo=UTC)  # the first, still EDT


def test_a_check_makes_each_report_once_and_catches_up_what_it_missed() -> None:
    found = campaign("Asia/Seoul")
    first = due_reports(found, None, datetime(2026, 10, 13, 1, 30, tzinfo=UTC))
    assert [(s.kind, s.at.day) for s in first] == [("daily", 13)]
    assert due_reports(found, datetime(2026, 10, 13, 1, 30, tzinfo=UTC),
                       datetime(2026, 10, 13, 2, 0, tzinfo=UTC)) == []
    missed = due_reports(found, datetime(2026, 10, 13, 1, 30, tzinfo=UTC),
                         datetime(2026, 10, 15, 6, 0, tzinfo=UTC))
    assert [(s.kind, s.at.day, s.at.hour) for s in missed] == [
        ("daily", 14, 1), ("daily", 15, 1), ("snapshot", 15, 5)]
