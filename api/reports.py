"""The campaign's reports: listed (``GET /campaigns/{id}/reports``), asked for on demand
(``POST /campaigns/{id}/reports``, made by a worker like a scheduled one) and served
(``GET /reports/{id}.html|.json|.pdf``) from the archive (:mod:`reports.archive`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from celery import Celery
from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import FileResponse

from api.campaigns import _campaign_or_404
from api.deps import get_celery, get_store
from api.posts import reject_unknown_params
from reports.archive import report_id
from sensing.report_records import ReportRecord
from sensing.schemas import utcnow
from sensing.store import Store

router = APIRouter(tags=["reports"])
MEDIA = {"html": "text/html; charset=utf-8", "json": "application/json",
         "pdf": "application/pdf"}


@router.get("/campaigns/{campaign_id}/reports", response_model=list[ReportRecord],
            dependencies=[Depends(reject_unknown_params({"size"}))])
def list_reports(campaign_id: str,
                 size: Annotated[int, Query(ge=1, le=500, description="The latest.")] = 50,
                 store: Store = Depends(get_store)) -> list[ReportRecord]:
    """The campaign's reports, latest due first: each with its kind (daily, snapshot,
    final, on_demand), when it was due and made, its status (ok, late, failed) and files."""
    return store.list_reports(_campaign_or_404(store, campaign_id).id, size)


@router.post("/campaigns/{campaign_id}/reports", status_code=status.HTTP_202_ACCEPTED)
def ask_report(campaign_id: str, store: Store = Depends(get_store),
               celery: Celery = Depends(get_celery)) -> dict[str, str]:
    """Queue a report of the campaign as it stands now; poll ``/tasks/{task_id}``, then
    find it at ``/reports/{report_id}.html``."""
    campaign = _campaign_or_404(store, campaign_id)
    now = utcnow()
    task = celery.send_task("sensing.make_report", queue="analyze",
                            args=[campaign.id, "on_demand", now.isoformat()])
    return {"task_id": task.id, "report_id": report_id(campaign.id, "on_demand", now)}


@router.get("/reports/{name}")
def serve_report(name: str, store: Store = Depends(get_store)) -> FileResponse:
    """``/reports/ID.html``, ``.json`` or ``.pdf``: the report's file as it was made."""
    found, dot, kind = name.rpartition(".")
    if not dot or kind not in MEDIA:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ask for /reports/ID.html, .json or "
                            ".pdf")
    record = store.get_report(found)
    path = Path(record.files[kind]) if record and kind in record.files else None
    if path is None or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no {kind} of report {found!r}")
    return FileResponse(path, media_type=MEDIA[kind])
