"""The plan history and customer journeys on Elasticsearch
(:class:`~sensing.store.base.PlanHistory`, :class:`~sensing.store.base.JourneyStore`), mixed
into :class:`~sensing.store.elastic.ElasticStore`, whose client, prefix, index setup and scans
it uses.

Two more indices behind aliases: ``{prefix}-plans`` (one document per plan, newest first by
``created_at`` then id) and ``{prefix}-journeys`` (one document per event, id = campaign and
event id). Only what reads filter or sort on is mapped; the plan, its changes and the events'
values are kept in the source, so a plan's field names never reach the mapping and money is
never a float.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError, helpers

from sensing.journeys import EventKind, JourneyEvent
from sensing.plans import PlanRecord
from sensing.store._common import IMPORT_CHUNK, join_key
from sensing.store.base import JourneyStore, PlanHistory, UpsertResult

KW = {"type": "keyword"}
STORED = {"type": "object", "enabled": False}
PLAN_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {"id": KW, "campaign_id": KW, "created_at": {"type": "date"},
                   "trigger": KW, "previous_id": KW, "changes": STORED, "plan": STORED},
}
JOURNEY_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {"id": KW, "campaign_id": KW, "kind": KW, "at": {"type": "date"},
                   "customer": KW, "channel": KW},
}


class ElasticPlanning(PlanHistory, JourneyStore):
    """The plan history and the journeys over the ``{prefix}-plans`` and ``-journeys``
    aliases."""

    # provided by ElasticStore
    es: Elasticsearch
    prefix: str
    _scan: Callable[..., Iterator[dict[str, Any]]]

    @property
    def plans(self) -> str:
        return f"{self.prefix}-plans"

    @property
    def journeys(self) -> str:
        return f"{self.prefix}-journeys"

    def _planning_indices(self) -> list[tuple[str, dict[str, Any]]]:
        """(alias, mapping) of each index of this mixin, for ``setup`` and ``drop``."""
        return [(self.plans, PLAN_MAPPING), (self.journeys, JOURNEY_MAPPING)]

    # -- the plan history ------------------------------------------------------------------
    def save_plan(self, record: PlanRecord) -> None:
        self.es.index(index=self.plans, id=record.id, document=record.model_dump(mode="json"),
                      refresh=True)

    def plan_history(self, campaign_id: str, size: int = 20) -> list[PlanRecord]:
        found = self.es.search(index=self.plans, query={"term": {"campaign_id": campaign_id}},
                               sort=[{"created_at": "desc"}, {"id": "desc"}], size=size)
        return [PlanRecord.model_validate(hit["_source"]) for hit in found["hits"]["hits"]]

    def get_plan(self, plan_id: str) -> PlanRecord | None:
        try:
            found = self.es.get(index=self.plans, id=plan_id)
        except NotFoundError:
            return None
        return PlanRecord.model_validate(found["_source"])

    # -- journeys --------------------------------------------------------------------------
    def save_journey_events(self, events: Iterable[JourneyEvent]) -> UpsertResult:
        """Bulk ``index`` actions, counted by what Elasticsearch says each one did; one
        refresh at the end, so the events are readable on return."""
        result = UpsertResult()
        actions = ({"_op_type": "index", "_index": self.journeys,
                    "_id": join_key(e.campaign_id, e.id), "_source": e.model_dump(mode="json")}
                   for e in events)
        for ok, item in helpers.streaming_bulk(self.es, actions, chunk_size=IMPORT_CHUNK,
                                               raise_on_error=False):
            answer = item["index"]
            if not ok:
                result.errors.append(f"{answer['_id']}: {answer.get('error')}")
            elif answer["result"] == "created":
                result.created += 1
            else:
                result.updated += 1
        self.es.indices.refresh(index=self.journeys)
        return result

    def journey_events(self, campaign_id: str, kinds: Iterable[EventKind] | None = None,
                       batch_size: int = 1000) -> Iterator[JourneyEvent]:
        query: dict[str, Any] = {"bool": {"filter": [{"term": {"campaign_id": campaign_id}}]}}
        if kinds is not None:
            query["bool"]["filter"].append({"terms": {"kind": sorted(set(kinds))}})
        for hit in self._scan(query, batch_size, index=self.journeys):
            yield JourneyEvent.model_validate(hit["_source"])
