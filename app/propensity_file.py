"""``sensing propensity`` and ``sensing segments import``: a customer file (CSV, Parquet or
JSON lines, and optionally an event log) read, validated, scored and segmented, with the
validation metrics and the targeting table printed.

The scores file holds the file's own ids (it goes back to whoever sent the file); the store
gets salted hashes only (``planning.imports``). Nothing is written until everything is
scored, and the output file is written whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table as RichTable

from planning.customers import CustomerTable, load_customers, parse_time
from planning.events import EventSummary, aggregate, read_events
from planning.scoring import Options, Scored, score_and_keep
from planning.table import TableError, read_table, write_table
from sensing.segments import ModelRun


@dataclass
class Columns:
    """Which columns of the customer file (and of the event log) mean what."""

    id: str
    label: str | None = None
    time: str | None = None
    segment: str | None = None
    offer: str | None = None
    interest: str | None = None
    categorical: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    event_columns: tuple[str, str, str] = ("customer_id", "timestamp", "action_type")
    event_value: str | None = None


@dataclass
class Inputs:
    customers: Path
    events: Path | None = None
    cutoff: str | None = None


def load(inputs: Inputs, columns: Columns, console: Console,
         interest_categories: frozenset[str] = frozenset()
         ) -> tuple[CustomerTable, EventSummary | None]:
    """The validated customers, with the event aggregates joined on as features."""
    with console.status(f"reading {inputs.customers.name}"):
        table = load_customers(read_table(inputs.customers), columns.id, columns.label,
                               categorical=columns.categorical, ignore=columns.ignore,
                               time_column=columns.time, segment_column=columns.segment,
                               offer_column=columns.offer, interest_column=columns.interest,
                               interest_categories=interest_categories)
    if inputs.events is None:
        return table, None
    if not inputs.cutoff:
        raise TableError("--events needs --cutoff: the date the features are built as of "
                         "(events at or after it are the outcome, never a feature)")
    try:
        cutoff = parse_time(inputs.cutoff)
    except ValueError:
        raise TableError(f"--cutoff {inputs.cutoff!r} is not an ISO date or time") from None
    with console.status(f"building behaviour features from {inputs.events.name}"):
        log = read_events(read_table(inputs.events), *columns.event_columns,
                          value_column=columns.event_value)
        features, summary = aggregate(log, table.ids, cutoff)
        table.add_numeric(features)
    return table, summary


def run_scoring(table: CustomerTable, events: EventSummary | None, options: Options,
                runs_dir: Path, console: Console) -> tuple[Scored, ModelRun | None]:
    """Score ``table`` and keep its model run under ``runs_dir``."""
    with console.status(f"training and scoring {table.rows:,} customers"):
        return score_and_keep(table, options, runs_dir, events)


def write_scores(scored: Scored, run: ModelRun | None, id_column: str, out: Path) -> None:
    """``<id>, propensity, segment, model_run`` (+ uplift, best_offer, reason_1…) per
    customer, in the file's order."""
    columns: dict[str, Any] = {
        id_column: scored.table.ids,
        "propensity": np.round(scored.propensity, 6) if scored.propensity is not None
        else [None] * scored.table.rows,
        "segment": scored.segment_names().astype(str),
        "model_run": [run.id if run else None] * scored.table.rows,
    }
    if scored.uplift is not None:
        columns["uplift"] = np.round(scored.uplift.value, 6)
        columns["best_offer"] = scored.uplift.best
    for i in range(max((len(r) for r in scored.reasons), default=0)):
        columns[f"reason_{i + 1}"] = [f"{r[i][0]}={r[i][1]} ({r[i][2]:+.3f})" if len(r) > i
                                      else None for r in scored.reasons]
    write_table(out, columns)


def report(scored: Scored, run: ModelRun | None, threshold: float, console: Console) -> None:
    """Validation metrics, the targeting table and the segment profiles, on ``console``."""
    if scored.events is not None:
        e = scored.events
        console.print(f"events: {e.used:,} of {e.events:,} used as features; "
                      f"{e.after_cutoff:,} at or after the cut-off left out; "
                      f"{e.unknown_customers:,} unknown customers")
    if scored.trained is not None and run is not None:
        _metrics(scored, run, console)
    console.print(targeting_table(scored, threshold))
    for profile in scored.profiles:
        line = f"[bold]{profile.name}[/bold] ({profile.size:,}): {profile.description}"
        if profile.interests:
            shown = ", ".join(f"{i.category} {i.share:.0%}" for i in profile.interests[:3])
            line += f"\n    interests: {shown} (n={profile.interest_customers:,})"
        if profile.offers:
            shown = ", ".join(_offer(o) for o in profile.offers)
            line += f"\n    offers: {shown}; best: {profile.best_offer or 'none proven'}"
        console.print(line, highlight=False)


def _offer(result: Any) -> str:
    text = f"{result.offer} {result.rate:.1%} (n={result.customers:,})"
    if result.uplift is not None:
        text += (f" uplift {result.uplift:+.1%} "
                 f"[{result.uplift_low:+.1%}, {result.uplift_high:+.1%}]")
    return text


def _metrics(scored: Scored, run: ModelRun, console: Console) -> None:
    m = run.metrics
    split = run.split
    console.print(f"model run {run.id}: {split['kind']} validation, train {split['train']:,} "
                  f"/ valid {split['valid']:,} / test {split['test']:,}; "
                  f"{m['best_iteration']} trees", highlight=False)
    console.print(f"test: AUC {m['auc']:.3f}  PR-AUC {m['pr_auc']:.3f}  "
                  f"Brier {m['brier']:.4f}  calibration error {m['ece']:.3f} "
                  f"(uncalibrated {m['ece_uncalibrated']:.3f})  base rate "
                  f"{m['base_rate']:.1%}", highlight=False)
    tops = RichTable("top", "customers", "rate", "lift", "capture", title="top of the list")
    for row in m["top"]:
        tops.add_row(f"{row['top']:.0%}", f"{row['customers']:,}", f"{row['rate']:.1%}",
                     f"{row['lift']:.2f}x", f"{row['capture']:.1%}")
    console.print(tops)
    cal = RichTable("customers", "predicted", "observed", title="calibration (test)")
    for row in run.calibration:
        cal.add_row(f"{int(row['customers']):,}", f"{row['predicted']:.3f}",
                    f"{row['observed']:.3f}")
    console.print(cal)
    imp = ", ".join(f"{r['feature']} {r['share']:.0%}" for r in run.importance[:8])
    console.print(f"importance (gain): {imp}", highlight=False)


def targeting_table(scored: Scored, threshold: float) -> RichTable:
    """The table of the issue: Segment, Count, Target count, Score (and the mean score)."""
    table = RichTable("Segment", "Count", "Target count", "Score", "Mean propensity",
                      title=f"targeting at propensity >= {threshold:g}")
    for row in scored.targeting(threshold):
        table.add_row(row.name, f"{row.count:,}", f"{row.target_count:,}",
                      f"{row.target_share:.0%}",
                      f"{row.mean_propensity:.3f}" if row.mean_propensity is not None else "-")
    return table
