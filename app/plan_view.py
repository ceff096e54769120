"""``sensing plan``: the campaign plan as JSON (``--json``, the API's shape) or as a marketer
reads it, one panel per segment: targets, the message with its evidence, influencers,
channels, timing and offer. The demo prints the same."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from planning.plan import CampaignPlan, SegmentPlan


def print_plan(plan: CampaignPlan, console: Console, top: int = 3) -> None:
    console.print(f"[bold]Campaign plan for {plan.campaign}[/bold] (targets at propensity >= "
                  f"{plan.threshold:g}; model run {plan.model_run or 'none'})", highlight=False)
    if not plan.segments:
        console.print("no segments imported: `sensing segments import FILE --campaign "
                      f"{plan.campaign}` first")
    for segment in plan.segments:
        console.print(segment_panel(segment, top))


def segment_panel(segment: SegmentPlan, top: int) -> Panel:
    lines = Table.grid(padding=(0, 1))
    lines.add_column(style="bold", no_wrap=True)
    lines.add_column()
    lines.add_row("targets", f"{segment.target_count:,} of {segment.count:,}"
                  + (f" (mean propensity {segment.mean_propensity:.2f})"
                     if segment.mean_propensity is not None else ""))
    if segment.interests:
        lines.add_row("interests", ", ".join(segment.interests))
    for side in ("emphasise", "address"):
        for choice in getattr(segment.message, side)[:top]:
            posts = ", ".join(choice.evidence.posts) or "no example"
            lines.add_row(side, f"{choice.aspect}: {choice.why} (p={choice.evidence.p_value:.3f};"
                          f" e.g. {posts})")
    if segment.hashtags:
        lines.add_row("hashtags", " ".join(f"#{h.tag} (x{h.growth:.1f})"
                                           for h in segment.hashtags))
    for influencer in segment.influencers[:top]:
        fit = f"fit {influencer.fit:.0%}" if influencer.fit is not None else "no profile"
        reach = (f", ~{influencer.expected_reach:,.0f} matching followers"
                 if influencer.expected_reach is not None else "")
        lines.add_row("influencer", f"{influencer.handle} ({influencer.source}): {fit}{reach}"
                      + (f"; shared: {', '.join(influencer.shared_interests)}"
                         if influencer.shared_interests else ""))
    for channel in segment.channels[:top]:
        fit = f", fit {channel.fit:.0%}" if channel.fit is not None else ""
        lines.add_row("channel", f"{channel.source}: {channel.share:.0%} of posts, "
                      f"{channel.positive_share:.0%} positive{fit}")
    best = ", ".join(f"{s.day} {s.hour:02d}:00 ({s.engagement} engagement, {s.posts} posts)"
                     for s in segment.timing.best)
    lines.add_row("timing", f"{best or 'no posts yet'} [{segment.timing.timezone}]")
    if segment.offer is not None:
        uplift = (f", uplift {segment.offer.uplift:+.1%} [{segment.offer.uplift_low:+.1%}, "
                  f"{segment.offer.uplift_high:+.1%}]" if segment.offer.uplift is not None
                  else "")
        lines.add_row("offer", f"{segment.offer.offer}: {segment.offer.rate:.1%} "
                      f"responded{uplift}")
    return Panel(Group(lines), title=segment.name, title_align="left")
