"""The record of a made report: which campaign, which slot of its schedule
(:mod:`reports.schedule`) or an ask on demand, when it was due and made, whether it was late
or partial, and where its files are. The report's content is in its files (``report.json``
beside ``report.html``); the record is what lists and serves them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from sensing.schemas import Model, _as_utc

ReportRunKind = Literal["daily", "snapshot", "final", "on_demand"]
ReportStatus = Literal["ok", "late", "failed"]


class ReportRecord(Model):
    id: str
    campaign_id: str
    kind: ReportRunKind
    due_at: datetime
    made_at: datetime
    status: ReportStatus = Field(description="ok; late (made after its deadline: its "
                                 "numbers say so); failed (``error`` says why).")
    error: str | None = None
    files: dict[str, str] = Field(default_factory=dict, description="Format (json, html, "
                                  "pdf) -> path of the file.")
    posts: int = Field(0, description="Counted posts in the report's window.")

    @field_validator("due_at", "made_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)
