"""Alerts and report records on SQLite (:class:`~sensing.store.base.AlertStore`,
:class:`~sensing.store.base.ReportCatalog`), mixed into
:class:`~sensing.store.sqlite.SqliteStore`, whose connection, lock and reads it uses.

``alerts`` keeps each alert's document with its campaign, detection time (epoch seconds) and
whether a delivery is pending; ``reports`` each record with its campaign and due time: what
the reads filter and sort on.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

from sensing.alerts import Alert
from sensing.report_records import ReportRecord
from sensing.store.base import AlertStore, ReportCatalog

# Created by ``SqliteStore.setup`` beside its own tables (schema version 8).
ALERT_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL, detected_at REAL NOT NULL,
    pending INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_campaign ON alerts (campaign_id, detected_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS alerts_pending ON alerts (pending, detected_at, id);
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL, due_at REAL NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_campaign ON reports (campaign_id, due_at DESC, id DESC);
"""


class SqliteAlerts(AlertStore, ReportCatalog):
    """:class:`~sensing.store.base.AlertStore` and
    :class:`~sensing.store.base.ReportCatalog` over the tables of ``ALERT_SCHEMA``."""

    # provided by SqliteStore
    db: sqlite3.Connection
    _lock: threading.RLock
    _select: Callable[..., list[tuple]]

    def save_alert(self, alert: Alert) -> None:
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO alerts (id, campaign_id, detected_at, "
                            "pending, doc) VALUES (?, ?, ?, ?, ?)",
                            (alert.id, alert.campaign_id, alert.detected_at.timestamp(),
                             int(alert.pending), alert.model_dump_json()))

    def get_alert(self, alert_id: str) -> Alert | None:
        rows = self._select("SELECT doc FROM alerts WHERE id = ?", (alert_id,))
        return Alert.model_validate_json(rows[0][0]) if rows else None

    def list_alerts(self, campaign_id: str, size: int = 50) -> list[Alert]:
        rows = self._select("SELECT doc FROM alerts WHERE campaign_id = ? "
                            "ORDER BY detected_at DESC, id DESC LIMIT ?", (campaign_id, size))
        return [Alert.model_validate_json(doc) for doc, in rows]

    def pending_alerts(self, size: int = 100) -> list[Alert]:
        rows = self._select("SELECT doc FROM alerts WHERE pending = 1 "
                            "ORDER BY detected_at, id LIMIT ?", (size,))
        return [Alert.model_validate_json(doc) for doc, in rows]

    def save_report(self, record: ReportRecord) -> None:
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO reports (id, campaign_id, due_at, doc) "
                            "VALUES (?, ?, ?, ?)", (record.id, record.campaign_id,
                                                    record.due_at.timestamp(),
                                                    record.model_dump_json()))

    def list_reports(self, campaign_id: str, size: int = 50) -> list[ReportRecord]:
        rows = self._select("SELECT doc FROM reports WHERE campaign_id = ? "
                            "ORDER BY due_at DESC, id DESC LIMIT ?", (campaign_id, size))
        return [ReportRecord.model_validate_json(doc) for doc, in rows]

    def get_report(self, report_id: str) -> ReportRecord | None:
        rows = self._select("SELECT doc FROM reports WHERE id = ?", (report_id,))
        return ReportRecord.model_validate_json(rows[0][0]) if rows else None
