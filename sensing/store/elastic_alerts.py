"""Alerts on Elasticsearch (:class:`~sensing.store.base.AlertStore`), mixed into
:class:`~sensing.store.elastic.ElasticStore`, whose client, prefix and index setup it uses.

One more index behind an alias, ``{prefix}-alerts``, one document per alert. What reads
filter and sort on is mapped (campaign, kind, subject, times, ``pending``); the explanation,
deliveries and details are kept in the source only.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from sensing.alerts import Alert
from sensing.store.base import AlertStore

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


class ElasticAlerts(AlertStore):
    """:class:`~sensing.store.base.AlertStore` over the ``{prefix}-alerts`` alias."""

    # provided by ElasticStore
    es: Elasticsearch
    prefix: str

    @property
    def alerts(self) -> str:
        return f"{self.prefix}-alerts"

    def _alert_indices(self) -> list[tuple[str, dict[str, Any]]]:
        """(alias, mapping) of the index of this mixin, for ``setup`` and ``drop``."""
        return [(self.alerts, ALERT_MAPPING)]

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
