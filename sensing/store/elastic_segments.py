"""Customer segments on Elasticsearch (:class:`~sensing.store.base.SegmentStore`), mixed into
:class:`~sensing.store.elastic.ElasticStore`, whose client, prefix, index setup and scans it
uses.

Four more indices behind aliases, made by ``ElasticStore.setup`` like the others:

- ``{prefix}-segment-imports``: each campaign's current import, one document per campaign (id
  = campaign id), so switching to a new import is one write;
- ``{prefix}-customers`` and ``{prefix}-segments``: the documents of every import still
  stored, ids joining campaign, import and the record's id: a new import is written beside
  the current one and the previous one deleted after the switch (``_common.replace_import``);
- ``{prefix}-model-runs``: every run, replaced imports' too (the audit trail of the scores).

Reads filter on the current import, so they see it alone. Core features only: customers are
written in bulk ``IMPORT_CHUNK`` at a time and deleted by scanning and bulk-deleting (no
``_delete_by_query``), the targeting counts are ``terms``, ``filter`` and ``avg``
aggregations (no scripts). Ids, campaign, import and segment are keywords and scores doubles
(compared and averaged as SQLite's REALs are, so a threshold cuts alike on both backends);
reasons, traits, offers and the runs' parameters and metrics are stored, not indexed, so a
metric's name never reaches the mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError, helpers

from sensing.segments import ModelRun, ScoredCustomer, Segment, SegmentImport, TargetingRow
from sensing.store._common import (
    IMPORT_CHUNK,
    MISSING_PROPENSITY,
    customer_page,
    decode_customer_cursor,
    join_key,
    replace_import,
    segment_order,
    targeting_rows,
)
from sensing.store.base import CustomerPage, SegmentStore, UpsertResult

KW = {"type": "keyword"}
DOUBLE = {"type": "double"}
STORED = {"type": "object", "enabled": False}
CUSTOMER_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {"id": KW, "campaign_id": KW, "import_id": KW, "segment_id": KW,
                   "propensity": DOUBLE, "reasons": STORED},
}
SEGMENT_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {"id": KW, "campaign_id": KW, "import_id": KW, "traits": STORED,
                   "offers": STORED},
}
IMPORT_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {"id": KW, "campaign_id": KW},
}
RUN_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {"id": KW, **{name: STORED for name in (
        "library_versions", "params", "features", "split", "metrics", "calibration",
        "importance", "artifacts")}},
}
MAX_IMPORTS = 10_000  # current imports listed at once: one per campaign, a handful


class ElasticSegments(SegmentStore):
    """:class:`~sensing.store.base.SegmentStore` over the ``{prefix}-customers``,
    ``-segments``, ``-segment-imports`` and ``-model-runs`` aliases."""

    # provided by ElasticStore
    es: Elasticsearch
    prefix: str
    _scan: Callable[..., Iterator[dict[str, Any]]]

    @property
    def customers(self) -> str:
        return f"{self.prefix}-customers"

    @property
    def segments(self) -> str:
        return f"{self.prefix}-segments"

    @property
    def segment_imports(self) -> str:
        return f"{self.prefix}-segment-imports"

    @property
    def model_runs(self) -> str:
        return f"{self.prefix}-model-runs"

    def _segment_indices(self) -> list[tuple[str, dict[str, Any]]]:
        """(alias, mapping) of each index of this mixin, for ``setup`` and ``drop``."""
        return [(self.customers, CUSTOMER_MAPPING), (self.segments, SEGMENT_MAPPING),
                (self.segment_imports, IMPORT_MAPPING), (self.model_runs, RUN_MAPPING)]

    # -- writing (the steps of _common.replace_import) -------------------------------------
    def save_import(self, record: SegmentImport, segments: list[Segment],
                    customers: Iterable[ScoredCustomer],
                    run: ModelRun | None = None) -> UpsertResult:
        return replace_import(self, record, segments, customers, run)

    def _save_run(self, run: ModelRun) -> None:
        self.es.index(index=self.model_runs, id=run.id, document=run.model_dump(mode="json"),
                      refresh=True)

    def _bulk_index(self, index: str, records: Iterable[ScoredCustomer | Segment]) -> int:
        """Index ``records`` (read lazily, ``IMPORT_CHUNK`` per request; a failed document
        raises) under ids of their import, then refresh once: readable, and one refresh
        rather than one per request."""
        actions = ({"_op_type": "index", "_index": index, "_source": r.model_dump(mode="json"),
                    "_id": join_key(r.campaign_id, r.import_id, r.id)} for r in records)
        written, _ = helpers.bulk(self.es, actions, chunk_size=IMPORT_CHUNK)
        self.es.indices.refresh(index=index)
        return written

    def _save_customers(self, customers: Iterable[ScoredCustomer]) -> int:
        return self._bulk_index(self.customers, customers)

    def _save_segments(self, segments: list[Segment]) -> None:
        self._bulk_index(self.segments, segments)

    def _make_current(self, record: SegmentImport) -> None:
        self.es.index(index=self.segment_imports, id=record.campaign_id,
                      document=record.model_dump(mode="json"), refresh=True)

    def _discard(self, campaign_id: str, import_id: str) -> None:
        """Scan the import's documents and bulk-delete them (no ``_delete_by_query``);
        documents already gone are fine, any other failure raises. A refresh first: a failed
        import's last writes were never refreshed, and the scan would miss them."""
        query = self._of_import(campaign_id, import_id)
        for index in (self.customers, self.segments):
            self.es.indices.refresh(index=index)
            actions = ({"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]}
                       for hit in self._scan(query, IMPORT_CHUNK, source=False, index=index))
            helpers.bulk(self.es, actions, chunk_size=IMPORT_CHUNK, ignore_status=404)
            self.es.indices.refresh(index=index)

    # -- reading ---------------------------------------------------------------------------
    @staticmethod
    def _of_import(campaign_id: str, import_id: str,
                   *more: dict[str, Any]) -> dict[str, Any]:
        """The documents of one import of a campaign (and matching ``more`` filters)."""
        return {"bool": {"filter": [{"term": {"campaign_id": campaign_id}},
                                    {"term": {"import_id": import_id}}, *more]}}

    def current_import(self, campaign_id: str) -> SegmentImport | None:
        try:
            found = self.es.get(index=self.segment_imports, id=campaign_id)
        except NotFoundError:
            return None
        return SegmentImport.model_validate(found["_source"])

    def _current_imports(self, campaign_id: str | None) -> dict[str, str]:
        """Campaign id -> id of its current import, of one campaign or of all."""
        if campaign_id is not None:
            record = self.current_import(campaign_id)
            return {record.campaign_id: record.id} if record else {}
        hits = self.es.search(index=self.segment_imports, size=MAX_IMPORTS,
                              query={"match_all": {}}, source=["campaign_id", "id"])
        return {h["_source"]["campaign_id"]: h["_source"]["id"] for h in hits["hits"]["hits"]}

    def _current_segments(self, current: dict[str, str]) -> list[Segment]:
        """The segments of the ``current`` imports (campaign id -> import id), in
        ``list_segments`` order."""
        if not current:
            return []
        query = {"bool": {"filter": [{"terms": {"import_id": sorted(set(current.values()))}},
                                     {"terms": {"campaign_id": sorted(current)}}]}}
        found = (Segment.model_validate(hit["_source"])
                 for hit in self._scan(query, 1000, index=self.segments))
        return sorted((s for s in found if current.get(s.campaign_id) == s.import_id),
                      key=segment_order)

    def list_segments(self, campaign_id: str | None = None) -> list[Segment]:
        return self._current_segments(self._current_imports(campaign_id))

    def get_segment(self, segment_id: str) -> Segment | None:
        """The stored segments of that id (one per import still stored: normally one, two
        while an import replaces another), the one of a current import if any."""
        hits = self.es.search(index=self.segments, size=100,
                              query={"term": {"id": segment_id}})["hits"]["hits"]
        for segment in (Segment.model_validate(hit["_source"]) for hit in hits):
            record = self.current_import(segment.campaign_id)
            if record is not None and record.id == segment.import_id:
                return segment
        return None

    def targeting(self, campaign_id: str, threshold: float) -> list[TargetingRow]:
        """One ``terms`` aggregation over the segments of the current import (each shard
        returns every one of them, so the counts are exact), with a ``filter`` for the
        targets (a missing score matches no range) and an ``avg`` (which skips it)."""
        record = self.current_import(campaign_id)
        if record is None:
            return []
        segments = self._current_segments({record.campaign_id: record.id})
        if not segments:
            return []
        ids = [segment.id for segment in segments]
        found = self.es.search(
            index=self.customers, size=0, query=self._of_import(campaign_id, record.id),
            aggs={"segments": {
                "terms": {"field": "segment_id", "size": len(ids), "include": ids},
                "aggs": {"targets": {"filter": {"range": {"propensity": {"gte": threshold}}}},
                         "mean": {"avg": {"field": "propensity"}}}}})
        return targeting_rows(segments, {
            b["key"]: (b["doc_count"], b["targets"]["doc_count"], b["mean"]["value"])
            for b in found["aggregations"]["segments"]["buckets"]})

    def segment_customers(self, campaign_id: str, segment_id: str | None = None,
                          min_propensity: float | None = None, size: int = 100,
                          cursor: str | None = None) -> CustomerPage:
        """``search_after`` pages; a missing score sorts as ``MISSING_PROPENSITY``, below
        every real one, so the cursor's customer has a sort value either way."""
        record = self.current_import(campaign_id)
        if record is None:
            return CustomerPage(total=0, customers=[])
        filters: list[dict[str, Any]] = []
        if segment_id is not None:
            filters.append({"term": {"segment_id": segment_id}})
        if min_propensity is not None:
            filters.append({"range": {"propensity": {"gte": min_propensity}}})
        body: dict[str, Any] = {
            "query": self._of_import(campaign_id, record.id, *filters), "size": size + 1,
            "sort": [{"propensity": {"order": "desc", "missing": MISSING_PROPENSITY}},
                     {"id": "asc"}], "track_total_hits": True}
        if cursor:
            propensity, last_id = decode_customer_cursor(cursor)
            body["search_after"] = [MISSING_PROPENSITY if propensity is None else propensity,
                                    last_id]
        found = self.es.search(index=self.customers, **body)["hits"]
        return customer_page(found["total"]["value"], [
            ScoredCustomer.model_validate(hit["_source"]) for hit in found["hits"]], size)

    def get_model_run(self, run_id: str) -> ModelRun | None:
        try:
            found = self.es.get(index=self.model_runs, id=run_id)
        except NotFoundError:
            return None
        return ModelRun.model_validate(found["_source"])
