"""Customer segments: import a customer file into a campaign (scored, segmented and stored
under salted ids), list and read segments with their target lists, the targeting table at any
threshold, and the model run behind the scores.

The import takes the file as the raw request body (``Content-Type`` or ``format`` says which
of CSV, Parquet or JSON lines), so a marketer's export is posted as it is; its size limit is
``SENSING_API_MAX_IMPORT_BYTES``, not the small limit of every other route. It is scored in
the request: a 50,000-customer file takes seconds. A malformed file is a 422 naming the
column and row, and the campaign's previous import stays current.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, Field

from api.campaigns import _campaign_or_404
from api.deps import get_settings_dep, get_store
from api.posts import reject_unknown_params
from audience.taxonomy import load_taxonomy
from planning.customers import deployment_salt, load_customers
from planning.imports import save_import
from planning.propensity import ModelError
from planning.scoring import Options, score_and_keep
from planning.table import TableError, read_bytes
from sensing.config import Settings
from sensing.segments import ModelRun, Segment, SegmentImport, TargetingRow
from sensing.store import Store
from sensing.store.base import CustomerPage

IMPORT_PATH = "/segments/import"
CONTENT_TYPES = {"text/csv": "csv", "application/csv": "csv",
                 "application/vnd.apache.parquet": "parquet", "application/x-parquet": "parquet",
                 "application/x-ndjson": "jsonl", "application/jsonl": "jsonl",
                 "application/x-jsonlines": "jsonl"}
IMPORT_PARAMS = {"campaign_id", "id", "label", "threshold", "format", "time", "segment",
                 "offer", "control", "interest", "categorical", "ignore", "segments", "seed",
                 "reasons", "source"}

router = APIRouter(tags=["segments"])
campaign_router = APIRouter(prefix="/campaigns", tags=["segments"])

Threshold = Annotated[float, Query(ge=0.0, le=1.0, description="A customer is a target from "
                                   "this calibrated propensity up.")]


class ImportResult(BaseModel):
    """What an import stored, how well its model did, and its targeting table (as stored)."""

    segment_import: SegmentImport = Field(alias="import")
    metrics: dict = Field(default_factory=dict, description="Test metrics of the model run "
                          "(empty for the user's own segments without a label).")
    targeting: list[TargetingRow]

    model_config = {"populate_by_name": True}


class Targeting(BaseModel):
    campaign_id: str
    threshold: float
    segment_import: SegmentImport | None = Field(alias="import")
    customers: int
    targets: int
    rows: list[TargetingRow]

    model_config = {"populate_by_name": True}


def _format(request: Request, declared: str | None) -> str:
    if declared:
        return declared
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    found = CONTENT_TYPES.get(media)
    if found is None:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            f"send the customer file as text/csv, application/vnd.apache."
                            f"parquet or application/x-ndjson (or say format=csv|parquet|"
                            f"jsonl), not {media or 'no content type'!r}")
    return found


@router.post(IMPORT_PATH, status_code=status.HTTP_201_CREATED, response_model=ImportResult,
             response_model_by_alias=True,
             dependencies=[Depends(reject_unknown_params(IMPORT_PARAMS))])
async def import_segments(
    request: Request,
    campaign_id: str,
    id: Annotated[str, Query(description="The column of customer ids.")] = "customer_id",
    label: Annotated[str | None, Query(description="The outcome column (1/0, empty to "
                                       "score).")] = None,
    threshold: Threshold = 0.5,
    format: Annotated[str | None, Query(pattern="^(csv|parquet|jsonl)$")] = None,
    time: Annotated[str | None, Query(description="A date column: backtest by time.")] = None,
    segment: Annotated[str | None, Query(description="Your own segments' column.")] = None,
    offer: Annotated[str | None, Query(description="The offer each customer received.")]
    = None,
    control: Annotated[str | None, Query(description="The control group's offer.")] = None,
    interest: Annotated[str | None, Query(description="Interest categories of each customer "
                                          "(taxonomy ids, |-separated).")] = None,
    categorical: Annotated[list[str] | None, Query()] = None,
    ignore: Annotated[list[str] | None, Query()] = None,
    segments: Annotated[int | None, Query(ge=2, le=50)] = None,
    seed: int = 7,
    reasons: Annotated[int, Query(ge=0, le=10)] = 3,
    source: Annotated[str, Query(max_length=200, description="The file's name, kept on the "
                                 "import.")] = "api",
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings_dep),
) -> ImportResult:
    """Score and segment the posted customer file (the body) as ``sensing propensity`` does,
    and make it the campaign's current segments; 422 names the column and row of a bad
    file."""
    from starlette.concurrency import run_in_threadpool

    campaign = _campaign_or_404(store, campaign_id)
    fmt = _format(request, format)
    body = await request.body()

    def work() -> ImportResult:
        table = load_customers(read_bytes(body, source, fmt), id, label,
                               categorical=tuple(categorical or ()),
                               ignore=tuple(ignore or ()), time_column=time,
                               segment_column=segment, offer_column=offer,
                               interest_column=interest,
                               interest_categories=frozenset(
                                   load_taxonomy(settings.interest_taxonomy).category_ids))
        options = Options(seed=seed, reasons=reasons, control=control, segments=segments)
        scored, run = score_and_keep(table, options, settings.data_dir / "runs")
        record, _ = save_import(store, scored, campaign.id,
                                deployment_salt(settings.data_dir, settings.customer_salt),
                                source, threshold, run)
        return ImportResult(segment_import=record, metrics=run.metrics if run else {},
                            targeting=store.targeting(campaign.id, threshold))

    try:
        return await run_in_threadpool(work)
    except (TableError, ModelError, ValueError) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None


@router.get("/segments", response_model=list[Segment],
            dependencies=[Depends(reject_unknown_params({"campaign_id"}))])
def list_segments(campaign_id: str | None = None,
                  store: Store = Depends(get_store)) -> list[Segment]:
    """The current segments (of one campaign, or of all), best prospects first."""
    return store.list_segments(campaign_id)


@router.get("/segments/{segment_id}", response_model=Segment)
def get_segment(segment_id: str, store: Store = Depends(get_store)) -> Segment:
    """One segment: size, mean propensity, its profile against the base, its offers."""
    found = store.get_segment(segment_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no segment {segment_id!r}")
    return found


@router.get("/segments/{segment_id}/customers", response_model=CustomerPage,
            dependencies=[Depends(reject_unknown_params({"min_propensity", "size",
                                                         "cursor"}))])
def segment_customers(
    segment_id: str,
    min_propensity: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    size: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    store: Store = Depends(get_store),
) -> CustomerPage:
    """The segment's target list: hashed ids, propensity highest first, with reasons."""
    found = get_segment(segment_id, store)
    return store.segment_customers(found.campaign_id, found.id, min_propensity, size, cursor)


@router.get("/model-runs/{run_id}", response_model=ModelRun)
def get_model_run(run_id: str, store: Store = Depends(get_store)) -> ModelRun:
    """The model a score came from: parameters, data fingerprint, split, metrics."""
    found = store.get_model_run(run_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no model run {run_id!r}")
    return found


@campaign_router.get("/{campaign_id}/targeting", response_model=Targeting,
                     response_model_by_alias=True,
                     dependencies=[Depends(reject_unknown_params({"threshold"}))])
def targeting(campaign_id: str, threshold: Threshold = 0.5,
              store: Store = Depends(get_store)) -> Targeting:
    """Per segment: customers, targets (calibrated propensity at or above ``threshold``) and
    the share they are; the table is empty until segments are imported."""
    campaign = _campaign_or_404(store, campaign_id)
    rows = store.targeting(campaign.id, threshold)
    return Targeting(campaign_id=campaign.id, threshold=threshold,
                     segment_import=store.current_import(campaign.id),
                     customers=sum(r.count for r in rows),
                     targets=sum(r.target_count for r in rows), rows=rows)
