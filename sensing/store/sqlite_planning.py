"""The plan history and customer journeys on SQLite (:class:`~sensing.store.base.PlanHistory`,
:class:`~sensing.store.base.JourneyStore`), mixed into :class:`~sensing.store.sqlite.SqliteStore`,
whose connection, lock and reads it uses.

``plans`` keeps each plan's document with its campaign and time (epoch seconds, so the
newest-first order is numeric, not a comparison of ISO strings of varying precision).
``journey_events`` keeps each event's document under (campaign, id), with its kind for the
attribution's reads of touches and conversions alone.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from sensing.journeys import EventKind, JourneyEvent
from sensing.plans import PlanRecord
from sensing.store._common import IMPORT_CHUNK, chunked
from sensing.store.base import JourneyStore, PlanHistory, UpsertResult

# Created by ``SqliteStore.setup`` beside its own tables (schema version 7).
PLANNING_SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL, created_at REAL NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS plans_campaign ON plans (campaign_id, created_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS journey_events (
    campaign_id TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (campaign_id, id)
);
CREATE INDEX IF NOT EXISTS journey_events_kind ON journey_events (campaign_id, kind);
"""


class SqlitePlanning(PlanHistory, JourneyStore):
    """The plan history and the journeys over the tables of ``PLANNING_SCHEMA``."""

    # provided by SqliteStore
    db: sqlite3.Connection
    _lock: threading.RLock
    _select: Callable[..., list[tuple]]
    _transaction: Callable[..., AbstractContextManager[sqlite3.Connection]]

    # -- the plan history ------------------------------------------------------------------
    def save_plan(self, record: PlanRecord) -> None:
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO plans (id, campaign_id, created_at, doc) "
                            "VALUES (?, ?, ?, ?)", (record.id, record.campaign_id,
                                                    record.created_at.timestamp(),
                                                    record.model_dump_json()))

    def plan_history(self, campaign_id: str, size: int = 20) -> list[PlanRecord]:
        rows = self._select("SELECT doc FROM plans WHERE campaign_id = ? "
                            "ORDER BY created_at DESC, id DESC LIMIT ?", (campaign_id, size))
        return [PlanRecord.model_validate_json(doc) for doc, in rows]

    def get_plan(self, plan_id: str) -> PlanRecord | None:
        rows = self._select("SELECT doc FROM plans WHERE id = ?", (plan_id,))
        return PlanRecord.model_validate_json(rows[0][0]) if rows else None

    # -- journeys --------------------------------------------------------------------------
    def save_journey_events(self, events: Iterable[JourneyEvent]) -> UpsertResult:
        """Chunk by chunk, each in a transaction of its own: the ids a chunk finds stored are
        its updates, the rest its creations."""
        result = UpsertResult()
        for chunk in chunked(events, IMPORT_CHUNK):
            with self._transaction() as db:
                known = self._known_events(db, chunk)
                db.executemany("INSERT OR REPLACE INTO journey_events (campaign_id, id, kind, "
                               "doc) VALUES (?, ?, ?, ?)",
                               [(e.campaign_id, e.id, e.kind, e.model_dump_json())
                                for e in chunk])
            updated = sum((e.campaign_id, e.id) in known for e in chunk)
            result.updated += updated
            result.created += len(chunk) - updated
        return result

    @staticmethod
    def _known_events(db: sqlite3.Connection, chunk: list[JourneyEvent]) -> set[tuple[str, str]]:
        marks = ",".join(["(?, ?)"] * len(chunk))
        args: list[Any] = [value for e in chunk for value in (e.campaign_id, e.id)]
        rows = db.execute(f"SELECT campaign_id, id FROM journey_events WHERE (campaign_id, id) "
                          f"IN (VALUES {marks})", args).fetchall()
        return {(campaign, found) for campaign, found in rows}

    def journey_events(self, campaign_id: str, kinds: Iterable[EventKind] | None = None,
                       batch_size: int = 1000) -> Iterator[JourneyEvent]:
        """Keyset pages by id, so a long read holds no lock between pages."""
        wanted = sorted(set(kinds)) if kinds is not None else None
        where = "campaign_id = ? AND id > ?"
        if wanted is not None:
            where += f" AND kind IN ({','.join('?' * len(wanted))})"
        after = ""
        while True:
            rows = self._select(f"SELECT id, doc FROM journey_events WHERE {where} ORDER BY id "
                                "LIMIT ?", (campaign_id, after, *(wanted or ()), batch_size))
            for _, doc in rows:
                yield JourneyEvent.model_validate_json(doc)
            if len(rows) < batch_size:
                return
            after = rows[-1][0]
