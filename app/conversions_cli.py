"""``sensing conversions import|attribution``: a journey export into a campaign, and what each
channel earned of it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from planning.attribution import MODELS
from planning.conversions import MAX_PROBLEMS, import_events
from planning.credits import Attribution, campaign_attribution
from planning.customers import deployment_salt
from sensing.config import get_settings

err = Console(stderr=True)
conversions_app = typer.Typer(no_args_is_help=True, help="Touchpoints, conversions and spend "
                              "of a campaign, and their attribution.")
SHOWN_PROBLEMS = 20


@conversions_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV or JSON lines: one touch, conversion or "
                                         "spend per row (see planning/conversions.py).")],
    campaign: Annotated[str, typer.Option(help="The campaign the journeys belong to.")],
) -> None:
    """Store the file's events in the campaign (customer ids salted and hashed). Bad rows
    are listed by line and the rest imported; importing the same file again adds nothing."""
    from sensing.store import open_store

    settings = get_settings()
    store = open_store(settings)
    try:
        if store.get_campaign(campaign) is None:
            raise ValueError(f"no campaign {campaign!r}")
        if not file.is_file():
            raise ValueError(f"{file}: no such file")
        with err.status(f"importing {file.name}"):
            result = import_events(store, file, campaign,
                                   deployment_salt(settings.data_dir, settings.customer_salt))
    except (OSError, ValueError) as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    finally:
        store.close()
    for problem in result.problems[:SHOWN_PROBLEMS]:
        err.print(f"[yellow]{file}:{problem}[/yellow]", highlight=False)
    if result.failed > SHOWN_PROBLEMS:
        more = "more" if result.failed <= MAX_PROBLEMS else "more (the first 1,000 kept)"
        err.print(f"... and {result.failed - SHOWN_PROBLEMS:,} {more}", highlight=False)
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(result.kinds.items())) or "none"
    err.print(f"{result.rows:,} rows of {file.name} into campaign {campaign}: {kinds}; "
              f"{result.stored.created:,} new, {result.stored.updated:,} already stored, "
              f"{result.failed:,} refused", highlight=False)
    if result.failed and not result.kinds:
        raise typer.Exit(2)


def credit_table(report: Attribution) -> Table:
    table = Table(title=f"{report.campaign}: {report.model} attribution of "
                        f"{report.conversions:,} conversions ({report.total_value:,} total) "
                        f"by {report.by}", title_justify="left")
    for name in (report.by.capitalize(), "Conversions", "Value", "Share", "Spend", "ROI"):
        table.add_column(name, justify="left" if name == report.by.capitalize() else "right")
    for credit in report.credits:
        share = credit.value / report.total_value if report.total_value else 0
        table.add_row(credit.channel, f"{credit.conversions:,.1f}", f"{credit.value:,}",
                      f"{share:.0%}", f"{credit.spend:,}" if credit.spend is not None else "—",
                      f"{credit.roi:+.0%}" if credit.roi is not None else "—")
    return table


@conversions_app.command("attribution")
def attribution(
    campaign: Annotated[str, typer.Argument(help="The campaign id.")],
    model: Annotated[str, typer.Option(help=f"One of {', '.join(MODELS)}.")] =
    "last_non_direct",
    by: Annotated[str, typer.Option(help="channel, influencer or segment.")] = "channel",
    half_life_days: Annotated[float, typer.Option(help="time_decay's half-life.")] = 7.0,
    lookback_days: Annotated[float, typer.Option(help="Touchpoints count this many days "
                                                 "before a conversion.")] = 30.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON the API "
                                          "serves.")] = False,
) -> None:
    """What each channel (influencer, segment) earned of the campaign's conversions."""
    from sensing.store import open_store

    store = open_store(get_settings())
    try:
        if store.get_campaign(campaign) is None:
            raise ValueError(f"no campaign {campaign!r}")
        if model not in MODELS:
            raise ValueError(f"model {model!r}: one of {', '.join(MODELS)}")
        if half_life_days <= 0 or lookback_days <= 0:
            raise ValueError("--half-life-days and --lookback-days must be above 0")
        report = campaign_attribution(store, campaign, model, half_life_days, lookback_days,
                                      by)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    finally:
        store.close()
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        Console().print(credit_table(report))
