"""Customer segments on SQLite (:class:`~sensing.store.base.SegmentStore`), mixed into
:class:`~sensing.store.sqlite.SqliteStore`, whose connection and lock it uses.

``segment_imports`` holds each campaign's current import, one row per campaign, so switching
to a new import is one write. ``segments`` and ``segment_customers`` hold the rows of every
import still stored, keyed by campaign, import and id: a new import is written beside the
current one and the previous one deleted after the switch (``_common.replace_import``).
``model_runs`` keeps every run, replaced imports' too: they are the audit trail of the scores.

Every read joins ``segment_imports``, so it sees the current import alone. Customers are
written and deleted ``IMPORT_CHUNK`` at a time, each chunk in a transaction of its own: a file
of millions holds neither the store's lock nor SQLite's write lock for long, and the readers
of the current import go on meanwhile.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

from sensing.segments import ModelRun, ScoredCustomer, Segment, SegmentImport, TargetingRow
from sensing.store._common import (
    IMPORT_CHUNK,
    chunked,
    customer_page,
    decode_customer_cursor,
    replace_import,
    segment_order,
    targeting_rows,
)
from sensing.store.base import CustomerPage, SegmentStore, UpsertResult

# Created by ``SqliteStore.setup`` beside its own tables (schema version 5). The customer
# indices serve the target lists (propensity descending as SQLite orders it, NULLs last, then
# id) of the whole import and of one segment; the segment one covers the targeting counts.
SEGMENT_SCHEMA = """
CREATE TABLE IF NOT EXISTS model_runs (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segment_imports (
    campaign_id TEXT PRIMARY KEY, import_id TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    campaign_id TEXT NOT NULL, import_id TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (campaign_id, import_id, id)
);
CREATE INDEX IF NOT EXISTS segments_id ON segments (id);
CREATE TABLE IF NOT EXISTS segment_customers (
    rowid INTEGER PRIMARY KEY, campaign_id TEXT NOT NULL, import_id TEXT NOT NULL,
    id TEXT NOT NULL, segment_id TEXT NOT NULL, propensity REAL, doc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS segment_customers_id
    ON segment_customers (campaign_id, import_id, id);
CREATE INDEX IF NOT EXISTS segment_customers_segment
    ON segment_customers (campaign_id, import_id, segment_id, propensity DESC, id);
CREATE INDEX IF NOT EXISTS segment_customers_rank
    ON segment_customers (campaign_id, import_id, propensity DESC, id);
"""

# Joins a table aliased ``x`` (of campaign_id and import_id columns) to the current imports.
CURRENT = ("JOIN segment_imports i ON i.campaign_id = {x}.campaign_id "
           "AND i.import_id = {x}.import_id")
class SqliteSegments(SegmentStore):
    """:class:`~sensing.store.base.SegmentStore` over the tables of ``SEGMENT_SCHEMA``."""

    # provided by SqliteStore
    db: sqlite3.Connection
    _lock: threading.RLock
    _select: Callable[..., list[tuple]]
    _transaction: Callable[..., AbstractContextManager[sqlite3.Connection]]

    # -- writing (the steps of _common.replace_import) -------------------------------------
    def save_import(self, record: SegmentImport, segments: list[Segment],
                    customers: Iterable[ScoredCustomer],
                    run: ModelRun | None = None) -> UpsertResult:
        return replace_import(self, record, segments, customers, run)

    def _save_run(self, run: ModelRun) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO model_runs (id, doc) VALUES (?, ?)",
                       (run.id, run.model_dump_json()))

    def _save_customers(self, customers: Iterable[ScoredCustomer]) -> int:
        written = 0
        for chunk in chunked(customers, IMPORT_CHUNK):
            with self._transaction() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO segment_customers (campaign_id, import_id, id, "
                    "segment_id, propensity, doc) VALUES (?, ?, ?, ?, ?, ?)",
                    [(c.campaign_id, c.import_id, c.id, c.segment_id, c.propensity,
                      c.model_dump_json()) for c in chunk])
            written += len(chunk)
        return written

    def _save_segments(self, segments: list[Segment]) -> None:
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO segments (campaign_id, import_id, id, doc) "
                           "VALUES (?, ?, ?, ?)",
                           [(s.campaign_id, s.import_id, s.id, s.model_dump_json())
                            for s in segments])

    def _make_current(self, record: SegmentImport) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO segment_imports (campaign_id, import_id, doc) "
                       "VALUES (?, ?, ?)", (record.campaign_id, record.id,
                                            record.model_dump_json()))

    def _discard(self, campaign_id: str, import_id: str) -> None:
        while True:
            with self._transaction() as db:
                deleted = db.execute(
                    "DELETE FROM segment_customers WHERE rowid IN (SELECT rowid FROM "
                    "segment_customers WHERE campaign_id = ? AND import_id = ? LIMIT ?)",
                    (campaign_id, import_id, IMPORT_CHUNK)).rowcount
            if deleted < IMPORT_CHUNK:
                break
        with self._transaction() as db:
            db.execute("DELETE FROM segments WHERE campaign_id = ? AND import_id = ?",
                       (campaign_id, import_id))

    # -- reading ---------------------------------------------------------------------------
    def current_import(self, campaign_id: str) -> SegmentImport | None:
        rows = self._select("SELECT doc FROM segment_imports WHERE campaign_id = ?",
                            (campaign_id,))
        return SegmentImport.model_validate_json(rows[0][0]) if rows else None

    def list_segments(self, campaign_id: str | None = None) -> list[Segment]:
        where, args = ("", []) if campaign_id is None else (" WHERE s.campaign_id = ?",
                                                             [campaign_id])
        rows = self._select(f"SELECT s.doc FROM segments s {CURRENT.format(x='s')}{where}", args)
        return sorted((Segment.model_validate_json(doc) for doc, in rows), key=segment_order)

    def get_segment(self, segment_id: str) -> Segment | None:
        rows = self._select(f"SELECT s.doc FROM segments s {CURRENT.format(x='s')} "
                            "WHERE s.id = ?", (segment_id,))
        return Segment.model_validate_json(rows[0][0]) if rows else None

    def targeting(self, campaign_id: str, threshold: float) -> list[TargetingRow]:
        """One grouped statement over the current import's segments and their customers (a
        NULL propensity compares to nothing, so it is never a target, and ``avg`` skips it)."""
        rows = self._select(
            "SELECT s.doc, count(c.id), count(CASE WHEN c.propensity >= ? THEN 1 END), "
            f"avg(c.propensity) FROM segments s {CURRENT.format(x='s')} "
            "LEFT JOIN segment_customers c ON c.campaign_id = s.campaign_id "
            "AND c.import_id = s.import_id AND c.segment_id = s.id "
            "WHERE s.campaign_id = ? GROUP BY s.id", (threshold, campaign_id))
        segments, counts = [], {}
        for doc, count, target, mean in rows:
            segment = Segment.model_validate_json(doc)
            segments.append(segment)
            counts[segment.id] = (count, target, mean)
        return targeting_rows(segments, counts)

    def segment_customers(self, campaign_id: str, segment_id: str | None = None,
                          min_propensity: float | None = None, size: int = 100,
                          cursor: str | None = None) -> CustomerPage:
        """Keyset pages: after the cursor's customer in (propensity descending, NULLs last,
        id) order. The count and the page are read in one snapshot, so an import switched
        meanwhile cannot give the total of one and the customers of another."""
        clauses, args = ["c.campaign_id = ?"], [campaign_id]
        if segment_id is not None:
            clauses.append("c.segment_id = ?")
            args.append(segment_id)
        if min_propensity is not None:
            clauses.append("c.propensity >= ?")
            args.append(min_propensity)
        after, after_args = self._after(cursor)
        matching = f"FROM segment_customers c {CURRENT.format(x='c')} WHERE " + \
            " AND ".join(clauses)
        with self._transaction("BEGIN") as db:
            total = db.execute(f"SELECT count(*) {matching}", args).fetchone()[0]
            rows = db.execute(f"SELECT c.doc {matching}{after} ORDER BY c.propensity DESC, "
                              "c.id LIMIT ?", [*args, *after_args, size + 1]).fetchall()
        return customer_page(total, [ScoredCustomer.model_validate_json(doc)
                                     for doc, in rows], size)

    @staticmethod
    def _after(cursor: str | None) -> tuple[str, list[Any]]:
        """The condition (or "") of the rows after the cursor's customer, and its arguments."""
        if not cursor:
            return "", []
        propensity, last_id = decode_customer_cursor(cursor)
        if propensity is None:
            return " AND c.propensity IS NULL AND c.id > ?", [last_id]
        return (" AND (c.propensity < ? OR (c.propensity = ? AND c.id > ?) "
                "OR c.propensity IS NULL)", [propensity, propensity, last_id])

    def get_model_run(self, run_id: str) -> ModelRun | None:
        rows = self._select("SELECT doc FROM model_runs WHERE id = ?", (run_id,))
        return ModelRun.model_validate_json(rows[0][0]) if rows else None
