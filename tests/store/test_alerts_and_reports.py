"""AlertStore: alerts newest first per campaign, replaced by id, and the pending deliveries of
every campaign, oldest first, for the delivery pass; ReportCatalog: the made reports' records,
latest due first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sensing.alerts import Alert, Delivery, Driver, Explanation
from sensing.report_records import ReportRecord
from sensing.store import Store

T0 = datetime(2026, 10, 16, 12, tzinfo=UTC)


def alert(n: int, campaign: str = "x2", minutes: float = 0, status: str = "pending") -> Alert:
    start = T0 + timedelta(minutes=minutes)
    return Alert(id=f"a{n}", campaign_id=campaign, kind="spike", window_start=start,
                 window_end=start + timedelta(hours=1), detected_at=start + timedelta(hours=1),
                 observed=120, baseline=14, z=9.5, posts=120, summary="volume 120 vs 14",
                 explanation=Explanation(hashtags=[Driver(key="recall", count=40, baseline=1,
                                                          lift=35.2)], posts=["p1"]),
                 deliveries=[Delivery(target="ops", status=status)])


def test_alerts_come_back_newest_first_per_campaign(store: Store) -> None:
    store.save_alert(alert(1, minutes=0))
    store.save_alert(alert(3, minutes=120))
    store.save_alert(alert(2, minutes=60))
    store.save_alert(alert(4, campaign="other"))
    assert [a.id for a in store.list_alerts("x2")] == ["a3", "a2", "a1"]
    assert [a.id for a in store.list_alerts("x2", size=1)] == ["a3"]
    assert [a.id for a in store.list_alerts("other")] == ["a4"]
    assert store.list_alerts("nobody") == []


def test_an_alert_keeps_its_explanation_and_is_replaced_by_id(store: Store) -> None:
    store.save_alert(alert(1))
    assert store.get_alert("a1") == alert(1)
    assert store.get_alert("a1").explanation.hashtags[0].key == "recall"
    delivered = alert(1, status="delivered")
    store.save_alert(delivered)
    assert store.get_alert("a1").deliveries[0].status == "delivered"
    assert [a.id for a in store.list_alerts("x2")] == ["a1"]
    assert store.get_alert("a9") is None


def test_pending_deliveries_of_every_campaign_oldest_first(store: Store) -> None:
    store.save_alert(alert(1, minutes=60))
    store.save_alert(alert(2, minutes=0, campaign="other"))
    store.save_alert(alert(3, minutes=30, status="delivered"))
    assert [a.id for a in store.pending_alerts()] == ["a2", "a1"]
    store.save_alert(alert(1, minutes=60, status="failed"))
    assert [a.id for a in store.pending_alerts()] == ["a2"]


def record(n: int, campaign: str = "x2", hours: float = 0, kind: str = "daily"
           ) -> ReportRecord:
    due = T0 + timedelta(hours=hours)
    return ReportRecord(id=f"r{n}", campaign_id=campaign, kind=kind, due_at=due,
                        made_at=due + timedelta(minutes=3), status="ok",
                        files={"json": f"/reports/r{n}/report.json"}, posts=100 + n)


def test_report_records_latest_due_first_per_campaign(store: Store) -> None:
    store.save_report(record(1, hours=0))
    store.save_report(record(3, hours=48, kind="final"))
    store.save_report(record(2, hours=24))
    store.save_report(record(4, campaign="other"))
    assert [r.id for r in store.list_reports("x2")] == ["r3", "r2", "r1"]
    assert [r.id for r in store.list_reports("x2", size=1)] == ["r3"]
    assert store.get_report("r2") == record(2, hours=24)
    store.save_report(record(2, hours=24).model_copy(update={"status": "late"}))
    assert store.get_report("r2").status == "late" and len(store.list_reports("x2")) == 3
    assert store.get_report("nope") is None and store.list_reports("nobody") == []
