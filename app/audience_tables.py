"""The audience table and the influencer ranking as the terminal shows them (``sensing demo``),
in the layout marketers read: categories by share, and under each its subcategories' shares
within it; every share with its 95% interval and the sample it was measured on."""

from __future__ import annotations

from rich.table import Table

from audience.campaign import Influencer
from audience.profile import AudienceTable, Share

SUBCATEGORIES_SHOWN = 4


def percent(share: Share) -> str:
    """``26% (19–33)``: the share and its 95% interval, in points."""
    return f"{share.share:.0%} ({share.ci_low * 100:.0f}–{share.ci_high * 100:.0f})"


def audience_rich_table(table: AudienceTable, title: str, top: int = 10) -> Table:
    """``top`` categories of ``table``, each followed by its leading subcategories."""
    shown = Table(title=f"{title} (n={table.sample_size} authors; {table.unclassified} with "
                        f"too little text to classify)", title_justify="left")
    shown.add_column("interest")
    shown.add_column("share (95% CI)", justify="right")
    shown.add_column("authors", justify="right")
    for row in table.categories[:top]:
        shown.add_row(f"[bold]{row.name}[/bold]", percent(row), str(row.authors))
        for sub in row.subcategories[:SUBCATEGORIES_SHOWN]:
            shown.add_row(f"  {sub.name}", f"[dim]{percent(sub)} of {row.name}[/dim]", "")
    if not table.categories:
        shown.add_row("[dim]no classified authors yet[/dim]", "", "")
    return shown


def influencer_rich_table(influencers: list[tuple[int, Influencer]]) -> Table:
    """(rank, influencer) rows: score, its parts, and the leading interests of each one's
    followers."""
    shown = Table(title="Top influencers (score = penalty × weighted parts)",
                  title_justify="left")
    for column, justify in (("#", "right"), ("author", "left"), ("score", "right"),
                            ("reach", "right"), ("engagement", "right"), ("topic", "right"),
                            ("centrality", "right"), ("their followers care about", "left")):
        shown.add_column(column, justify=justify)  # type: ignore[arg-type]
    for n, found in influencers:
        parts = {c.name: c.value for c in found.components}
        audience = found.follower_audience
        leading = ", ".join(f"{row.name} {row.share:.0%}" for row in audience.categories[:3])
        shown.add_row(str(n), f"{found.handle or found.author_id} ({found.source})",
                      f"{found.score:.2f}", *(f"{parts[name]:.2f}" for name in
                                               ("reach", "engagement", "topic", "centrality")),
                      f"{leading} (n={audience.sample_size})" if leading else "[dim]no "
                      "followers sampled[/dim]")
    return shown
