"""Alerts and report records on Elasticsearch (:class:`~sensing.store.base.AlertStore`,
:class:`~sensing.store.base.ReportCatalog`), mixed into
:class:`~sensing.store.elastic.ElasticStore`, whose client, prefix and index setup it uses.

Two more indices behind aliases, ``{prefix}-alerts`` (one document per alert) and
``{prefix}-reports`` (one per report record). What reads filter and sort on is mapped
(campaign, kind, subject, times, ``pending``); the explanation, deliveries, details and file
paths are kept in the source only.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from sensing.alerts import Alert
from sensing.report_records import ReportRecord
from sensing.store.base import AlertStore, ReportCatalog

KW = {"type": "keyword"}
DATE = {"type": "date"}
STORED = {"type": "object", "enabled": False}
ALERT_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {"id": KW, "campaign_id": KW, "kind": KW, "subject": KW,
                   "detected_at": DATE, "window_start": DATE, "window_end": DATE,
                   "pending": {"type": "boolean"}, "explanation": STORED,
                   "deliveries": STORED, "details": STORED},
}
REPORT_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {"id": KW, "campaign_id": KW, "kind": KW, "status": KW, "due_at": DATE,
                   "made_at": DATE, "files": STORED},
}


class ElasticAlerts(AlertStore, ReportCatalog):
    """:class:`~sensing.store.base.AlertStore` and
    :class:`~sensing.store.base.ReportCatalog` over the ``{prefix}-alerts`` and
    ``-reports`` aliases."""

    # provided by ElasticStore
    es: Elasticsearch
    prefix: str

    @property
    def alerts(self) -> str:
        return f"{self.prefix}-alerts"

    @property
    def reports(self) -> str:
        return f"{self.prefix}-reports"

    def _alert_indices(self) -> list[tuple[str, dict[str, Any]]]:
        """(alias, mapping) of each index of this mixin, for ``setup`` and ``drop``."""
        return [(self.alerts, ALERT_MAPPING), (self.reports, REPORT_MAPPING)]

    def save_alert(self, alert: Alert) -> None:
        document = {**alert.model_dump(mode="json"), "pending": alert.pending}
        self.es.index(index=self.alerts, id=alert.id, document=document, refresh=True)

    @staticmethod
    def _alert(source: dict[str, Any]) -> Alert:
        return Alert.model_validate({k: v for k, v in source.items() if k != "pending"})

    def get_alert(self, alert_id: str) -> Alert | None:
        try:
            return self._alert(self.es.get(index=self.alerts, id=alert_id)["_source"])
        except NotFoundError:
            return None

    def _alert_search(self, query: dict[str, Any], order: str, size: int) -> list[Alert]:
        found = self.es.search(index=self.alerts, query=query, size=size,
                               sort=[{"detected_at": order}, {"id": order}])
        return [self._alert(hit["_source"]) for hit in found["hits"]["hits"]]

    def list_alerts(self, campaign_id: str, size: int = 50) -> list[Alert]:
        return self._alert_search({"term": {"campaign_id": campaign_id}}, "desc", size)

    def pending_alerts(self, size: int = 100) -> list[Alert]:
        return self._alert_search({"term": {"pending": True}}, "asc", size)

    def save_report(self, record: ReportRecord) -> None:
        self.es.index(index=self.reports, id=record.id, document=record.model_dump(mode="json"),
                      refresh=True)

    def list_reports(self, campaign_id: str, size: int = 50) -> list[ReportRecord]:
        found = self.es.search(index=self.reports, query={"term": {"campaign_id": campaign_id}},
                               sort=[{"due_at": "desc"}, {"id": "desc"}], size=size)
        return [ReportRecord.model_validate(hit["_source"]) for hit in found["hits"]["hits"]]

    def get_report(self, report_id: str) -> ReportRecord | None:
        try:
            return ReportRecord.model_validate(self.es.get(index=self.reports,
                                                           id=report_id)["_source"])
        except NotFoundError:
            return None
