"""The customer commands: ``sensing propensity`` (a file in, scores out, no services) and
``sensing segments import`` (the same scoring, stored as a campaign's segments). Both take the
same column flags, declared once here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from app.propensity_file import Columns, Inputs, load, report, run_scoring, write_scores
from planning.customers import deployment_salt
from planning.propensity import ModelError
from planning.scoring import Options
from planning.table import TableError
from sensing.config import get_settings

err = Console(stderr=True)
segments_app = typer.Typer(no_args_is_help=True,
                           help="Customer segments of a campaign, scored by a model.")

InFile = Annotated[Path, typer.Option("--in", "-i", help="Customers: CSV, Parquet or JSON "
                                      "lines, one row per customer.")]
IdColumn = Annotated[str, typer.Option("--id", help="The column of customer ids.")]
LabelColumn = Annotated[str | None, typer.Option(
    "--label", help="The outcome column: 1/0 where known, empty for the customers to score.")]
Threshold = Annotated[float, typer.Option(min=0.0, max=1.0, help="A customer is a target "
                                          "from this calibrated propensity up.")]
Events = Annotated[Path | None, typer.Option(help="Event log (customer_id, timestamp, "
                                             "action_type): behaviour features as of --cutoff.")]
Cutoff = Annotated[str | None, typer.Option(help="ISO date the event features are built as "
                                            "of; later events never enter a feature.")]
EventColumns = Annotated[str, typer.Option(help="The event log's id, time and action columns.")]
EventValue = Annotated[str | None, typer.Option(help="An event log column of values (order "
                                                "amounts) to sum per action.")]
TimeColumn = Annotated[str | None, typer.Option("--time", help="A column of dates: backtest "
                                                "by time (the latest customers are the test).")]
TimeSplit = Annotated[str | None, typer.Option(help="With --time: the test holds the customers "
                                               "from this date (default: the latest 20%).")]
SegmentColumn = Annotated[str | None, typer.Option(
    "--segment", help="Your own segments, a column (else the model's k-means segments).")]
OfferColumn = Annotated[str | None, typer.Option(
    "--offer", help="The offer or channel each customer received.")]
InterestColumn = Annotated[str | None, typer.Option(
    "--interest", help="Interest categories of each customer (taxonomy ids, |-separated): "
                       "the segments' interest profiles, matched against influencers.")]
Control = Annotated[str | None, typer.Option(help="The --offer value of the control group: "
                                             "uplift per segment and per customer.")]
Categorical = Annotated[list[str] | None, typer.Option(help="A column to treat as categories "
                                                       "(repeatable).")]
Ignore = Annotated[list[str] | None, typer.Option(help="A column to leave out (repeatable).")]
Reasons = Annotated[int, typer.Option(min=0, max=10, help="Top reasons per customer.")]
SegmentCount = Annotated[int | None, typer.Option(
    "--segments", min=2, max=50, help="How many segments k-means finds (default: 3 to 10, "
                                      "as the silhouette prefers).")]
Seed = Annotated[int, typer.Option(help="Seed of the split, the model and the segments.")]


def _columns(id_column: str, label: str | None, time: str | None, segment: str | None,
             offer: str | None, interest: str | None, categorical: list[str] | None,
             ignore: list[str] | None, event_columns: str, event_value: str | None) -> Columns:
    names = tuple(part.strip() for part in event_columns.split(","))
    if len(names) != 3:
        raise TableError(f"--event-columns takes three names (id,time,action), not "
                         f"{event_columns!r}")
    return Columns(id_column, label, time, segment, offer, interest, tuple(categorical or ()),
                   tuple(ignore or ()), names, event_value)  # type: ignore[arg-type]


def _interest_categories() -> frozenset[str]:
    from audience.taxonomy import load_taxonomy

    return frozenset(load_taxonomy(get_settings().interest_taxonomy).category_ids)


def _options(time_split: str | None, control: str | None, reasons: int, seed: int,
             segments: int | None) -> Options:
    from planning.customers import parse_time

    at = None
    if time_split:
        try:
            at = parse_time(time_split)
        except ValueError:
            raise TableError(f"--time-split {time_split!r} is not an ISO date") from None
    return Options(seed=seed, reasons=reasons, time_split=at, control=control,
                   segments=segments)


def propensity(
    in_file: InFile, id_column: IdColumn,
    out: Annotated[Path, typer.Option("--out", "-o", help="Scores: CSV, Parquet or JSON "
                                      "lines (by suffix).")],
    label: LabelColumn = None, threshold: Threshold = 0.5, events: Events = None,
    cutoff: Cutoff = None, event_columns: EventColumns = "customer_id,timestamp,action_type",
    event_value: EventValue = None, time: TimeColumn = None, time_split: TimeSplit = None,
    segment: SegmentColumn = None, offer: OfferColumn = None, control: Control = None,
    interest: InterestColumn = None,
    categorical: Categorical = None, ignore: Ignore = None, reasons: Reasons = 3,
    segments: SegmentCount = None, seed: Seed = 7,
) -> None:
    """Train a propensity model on the labelled customers, validate it, score every customer,
    segment them, and write <id>,propensity,segment,model_run (+ uplift, reasons) per
    customer; print the metrics and the targeting table. No services needed."""
    settings = get_settings()
    try:
        columns = _columns(id_column, label, time, segment, offer, interest, categorical,
                           ignore, event_columns, event_value)
        table, summary = load(Inputs(in_file, events, cutoff), columns, err,
                              _interest_categories())
        options = _options(time_split, control, reasons, seed, segments)
        scored, run = run_scoring(table, summary, options, settings.data_dir / "runs", err)
        write_scores(scored, run, id_column, out)
    except (TableError, ModelError, ValueError) as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    report(scored, run, threshold, err)
    err.print(f"scores: {out}" + (f"\nmodel run: {settings.data_dir / 'runs' / run.id}"
                                  if run else ""), highlight=False)


@segments_app.command("import")
def import_segments(
    file: Annotated[Path, typer.Argument(help="Customers: CSV, Parquet or JSON lines.")],
    campaign: Annotated[str, typer.Option(help="The campaign the segments are for.")],
    id_column: IdColumn = "customer_id", label: LabelColumn = None,
    threshold: Threshold = 0.5, events: Events = None, cutoff: Cutoff = None,
    event_columns: EventColumns = "customer_id,timestamp,action_type",
    event_value: EventValue = None, time: TimeColumn = None, time_split: TimeSplit = None,
    segment: SegmentColumn = None, offer: OfferColumn = None, control: Control = None,
    interest: InterestColumn = None,
    categorical: Categorical = None, ignore: Ignore = None, reasons: Reasons = 3,
    segments: SegmentCount = None, seed: Seed = 7,
) -> None:
    """Score and segment a customer file as `sensing propensity` does, and store it as the
    campaign's segments (ids salted and hashed; the previous import replaced)."""
    from planning.imports import save_import
    from sensing.store import open_store

    settings = get_settings()
    store = open_store(settings)
    try:
        if store.get_campaign(campaign) is None:
            raise ValueError(f"no campaign {campaign!r}")
        columns = _columns(id_column, label, time, segment, offer, interest, categorical,
                           ignore, event_columns, event_value)
        table, summary = load(Inputs(file, events, cutoff), columns, err,
                              _interest_categories())
        options = _options(time_split, control, reasons, seed, segments)
        scored, run = run_scoring(table, summary, options, settings.data_dir / "runs", err)
        with err.status(f"storing {table.rows:,} customers"):
            record, _ = save_import(store, scored, campaign,
                                    deployment_salt(settings.data_dir, settings.customer_salt),
                                    file.name, threshold, run)
    except (TableError, ModelError, ValueError) as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    finally:
        store.close()
    report(scored, run, threshold, err)
    err.print(f"import {record.id}: {record.rows:,} customers in {record.segments} segments "
              f"of campaign {campaign}", highlight=False)
