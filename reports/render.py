"""The report's rendering: SVG charts and one self-contained HTML page, written with the
report's JSON."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

from reports.build import LABELS, Report
from sensing.store import Bucket


def volume_svg(volume: list[Bucket], launch: datetime, width: int = 720, height: int = 200) -> str:
    """Daily volume as bars, the launch day marked: the report's first picture."""
    if not volume:
        return "<p>No posts in the window.</p>"
    top = max(b.count for b in volume) or 1
    bar_w = width / len(volume)
    launch_key = launch.date().isoformat()
    bars = []
    for i, b in enumerate(volume):
        h = (height - 30) * b.count / top
        colour = "#d9480f" if b.key[:10] >= launch_key else "#1c7ed6"
        bars.append(f'<rect x="{i * bar_w:.1f}" y="{height - 20 - h:.1f}" width="{bar_w * 0.8:.1f}"'
                    f' height="{h:.1f}" fill="{colour}"><title>{html.escape(b.key[:10])}: '
                    f'{b.count}</title></rect>')
        if i % max(1, len(volume) // 7) == 0:
            bars.append(f'<text x="{i * bar_w:.1f}" y="{height - 5}" font-size="10">'
                        f'{html.escape(b.key[5:10])}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img" aria-label="posts per day">{"".join(bars)}</svg>')


def sentiment_svg(report: Report, width: int = 720) -> str:
    """Stacked sentiment shares before and after the launch."""
    colours = {"positive": "#2b8a3e", "neutral": "#adb5bd", "negative": "#c92a2a"}
    rows = []
    for y, (name, window) in enumerate((("before", report.pre), ("after", report.post))):
        x = 70.0
        rows.append(f'<text x="0" y="{y * 40 + 22}" font-size="12">{name}</text>')
        for label in LABELS:
            w = (width - 80) * window.share(label)
            rows.append(f'<rect x="{x:.1f}" y="{y * 40 + 5}" width="{w:.1f}" height="28" '
                        f'fill="{colours[label]}"><title>{label}: {window.share(label):.0%}'
                        f'</title></rect>')
            x += w
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="85" role="img" '
            f'aria-label="sentiment before and after launch">{"".join(rows)}</svg>')


def render_html(report: Report) -> str:
    c = report.campaign
    esc = html.escape

    def buckets(items: list[Bucket]) -> str:
        return ", ".join(f"{esc(b.key)} ({b.count})" for b in items) or "—"

    changes = "".join(
        f"<tr><td>{ch.label}</td><td>{ch.pre:.1%}</td><td>{ch.post:.1%}</td>"
        f"<td>{ch.post - ch.pre:+.1%}</td><td>{ch.p_value:.3f}</td>"
        f"<td>{'yes' if ch.significant else 'no'}</td></tr>" for ch in report.changes)
    examples = "".join(
        f"<h3>{label}</h3><ul>" + "".join(
            f'<li><a href="{esc(p.url)}">{esc(p.author.handle or p.author.id)}</a> '
            f"[{esc(p.lang)}] {esc(p.text[:280])}</li>" for p in posts) + "</ul>"
        for label, posts in report.examples.items())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{esc(c.name)}: launch reaction report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:780px;margin:2em auto;color:#212529}}
table{{border-collapse:collapse}}td,th{{border:1px solid #dee2e6;padding:4px 8px}}</style></head>
<body><h1>{esc(c.name)}: launch reaction</h1>
<p>Query <code>{esc(c.query)}</code>; launch {c.launch_at:%Y-%m-%d %H:%M} UTC;
generated {report.generated_at:%Y-%m-%d %H:%M} UTC.</p>
<h2>Volume</h2><p>{report.pre.posts} posts in the {c.pre_window_days} days before,
{report.post.posts} in the {c.post_window_days} days after (duplicates, spam and posts of relevance
below {c.relevance_threshold:g} excluded).</p>
{volume_svg(report.volume, c.launch_at)}
<h2>Sentiment</h2>{sentiment_svg(report)}
<table><tr><th>label</th><th>before</th><th>after</th><th>change</th><th>p (z-test)</th>
<th>significant</th></tr>{changes}</table>
<h2>Conversation</h2><p>Top hashtags before: {buckets(report.pre.top_hashtags)}</p>
<p>Top hashtags after: {buckets(report.post.top_hashtags)}</p>
<p>Languages after: {buckets(report.post.langs)}</p>
<h2>Representative posts after the launch</h2>{examples}</body></html>"""


def write_report(report: Report, out_dir: Path) -> dict[str, Path]:
    """Write ``report.json`` and ``report.html`` under ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "html": out_dir / "report.html"}
    paths["json"].write_text(json.dumps(report.model_dump(mode="json"), ensure_ascii=False,
                                        indent=2), encoding="utf-8")
    paths["html"].write_text(render_html(report), encoding="utf-8")
    return paths
