"""The report's rendering: SVG charts and one self-contained HTML page, written with the
report's JSON."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

from audience.campaign import CampaignAudience
from audience.profile import AudienceTable
from reports.build import LABELS, Report
from sensing.store import Bucket


def size(width: int, height: int) -> str:
    """An SVG's size, with the viewBox that lets it shrink to a narrower page or screen."""
    return f'width="{width}" height="{height}" viewBox="0 0 {width} {height}"'


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
    return (f'<svg xmlns="http://www.w3.org/2000/svg" {size(width, height)} '
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
    return (f'<svg xmlns="http://www.w3.org/2000/svg" {size(width, 85)} role="img" '
            f'aria-label="sentiment before and after launch">{"".join(rows)}</svg>')


def audience_svg(table: AudienceTable, width: int = 720, top: int = 10) -> str:
    """Category shares as horizontal bars with their 95% intervals as whiskers, so a reader
    sees at once which differences the sample can tell apart."""
    rows = table.categories[:top]
    if not rows:
        return "<p>No classified authors yet.</p>"
    label_w, row_h = 170, 24
    scale = (width - label_w - 60) / max(row.ci_high for row in rows)
    parts = []
    for i, row in enumerate(rows):
        y = i * row_h + 4
        bar = row.share * scale
        low, high = label_w + row.ci_low * scale, label_w + row.ci_high * scale
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12">{html.escape(row.name)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{bar:.1f}" height="16" fill="#1c7ed6">'
            f'<title>{html.escape(row.name)}: {row.share:.1%} (95% CI {row.ci_low:.1%}–'
            f'{row.ci_high:.1%}, {row.authors} authors)</title></rect>'
            f'<line x1="{low:.1f}" x2="{high:.1f}" y1="{y + 8}" y2="{y + 8}" '
            f'stroke="#212529" stroke-width="1.5"/>'
            f'<line x1="{low:.1f}" x2="{low:.1f}" y1="{y + 3}" y2="{y + 13}" stroke="#212529"/>'
            f'<line x1="{high:.1f}" x2="{high:.1f}" y1="{y + 3}" y2="{y + 13}" '
            f'stroke="#212529"/>'
            f'<text x="{high + 6:.1f}" y="{y + 13}" font-size="11">{row.share:.0%}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" {size(width, len(rows) * row_h + 8)} '
            f'role="img" aria-label="audience interest shares">{"".join(parts)}</svg>')


def audience_html(table: AudienceTable, top: int = 6) -> str:
    """The audience table as marketers read it: each category's share, then its
    subcategories' shares within it; every share with its 95% interval."""
    if not table.categories:
        return ""
    def cell(share: float, low: float, high: float) -> str:
        return f"{share:.0%} <small>({low:.0%}–{high:.0%})</small>"

    rows = "".join(
        f"<tr><th>{html.escape(row.name)}</th><td>{cell(row.share, row.ci_low, row.ci_high)}"
        f"</td><td>{row.authors}</td><td>" + ", ".join(
            f"{html.escape(sub.name)} {cell(sub.share, sub.ci_low, sub.ci_high)}"
            for sub in row.subcategories[:4]) + "</td></tr>" for row in table.categories[:top])
    return (f"<table><tr><th>interest</th><th>share (95% CI)</th><th>authors</th>"
            f"<th>within it</th></tr>{rows}</table>")


def verdicts_html(audience: CampaignAudience, top: int = 3) -> str:
    """What those who love it and those who hate it care about, side by side."""
    cells = []
    for label in ("positive", "negative"):
        table = audience.by_sentiment[label]
        leading = ", ".join(f"{html.escape(row.name)} {row.share:.0%}"
                            for row in table.categories[:top]) or "—"
        cells.append(f"<tr><td>{label}</td><td>{table.sample_size}</td><td>{leading}</td></tr>")
    return (f"<table><tr><th>verdict</th><th>authors</th><th>their leading interests</th>"
            f"</tr>{''.join(cells)}</table>")


def influencers_html(report: Report) -> str:
    """The top influencers, why they rank there, and what their followers care about."""
    rows = []
    for n, found in enumerate(report.influencers, start=1):
        followers = ", ".join(f"{html.escape(row.name)} {row.share:.0%}"
                              for row in found.follower_audience.categories[:3])
        sample = f" <small>(n={found.follower_audience.sample_size})</small>"
        rows.append(f"<tr><td>{n}</td><td>{html.escape(found.handle or found.author_id)} "
                    f"<small>({html.escape(found.source)})</small></td>"
                    f"<td>{found.score:.2f}</td><td><small>{html.escape(found.explanation)}"
                    f"</small></td><td>{followers + sample if followers else '—'}</td></tr>")
    return (f"<table><tr><th>#</th><th>author</th><th>score</th><th>why</th>"
            f"<th>their followers care about</th></tr>{''.join(rows)}</table>") if rows else ""


def _table(head: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f"<p>{empty}</p>"
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return ("<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + f"</tr>{cells}</table>")


def sentiment_html(report: Report) -> str:
    """Shares with their 95% intervals, the test and the Holm-corrected p of each label."""
    rows = [[row.label, f"{row.pre:.1%} <small>({row.pre_interval[0]:.0%}–"
             f"{row.pre_interval[1]:.0%})</small>", f"{row.post:.1%} <small>"
             f"({row.post_interval[0]:.0%}–{row.post_interval[1]:.0%})</small>",
             f"{row.change:+.1%}", f"{row.p_value:.3f}", f"{row.p_adjusted:.3f}",
             "yes" if row.significant else "no"] for row in report.sentiment.labels]
    return _table(["label", "before (95% CI)", "after (95% CI)", "change", "p", "p (Holm)",
                   "significant"], rows, "No rated posts.")


def findings_html(report: Report) -> str:
    """Share of voice, the aspect table, new and rising hashtags, image subjects and the
    data quality, each a table."""
    esc = html.escape
    voice = _table(["campaign", "posts before", "share", "posts after", "share"],
                   [[esc(v.campaign), str(v.posts_pre), f"{v.share_pre:.0%}",
                     str(v.posts_post), f"{v.share_post:.0%}"] for v in report.share_of_voice],
                   "No competitor campaigns named.") if len(report.share_of_voice) > 1 else \
        "<p>No competitor campaigns named (a campaign lists them in <code>competitors</code>)."\
        "</p>"
    aspects = _table(["aspect", "mentions before → after", "positive", "negative",
                      "net change", "p (Holm)", "verdict"],
                     [[esc(a.aspect), f"{a.mentions_pre} → {a.mentions_post}",
                       f"{a.positive_pre:.0%} → {a.positive_post:.0%}",
                       f"{a.negative_pre:.0%} → {a.negative_post:.0%}", f"{a.net_change:+.0%}",
                       f"{a.p_adjusted:.3f}", f"<b>{a.verdict}</b>" if a.verdict != "steady"
                       else a.verdict] for a in report.aspects],
                     "No aspect spoken of enough to test.")
    evidence = "".join(f"<li>{esc(a.aspect)}: " + ", ".join(map(esc, a.evidence)) + "</li>"
                       for a in report.aspects if a.evidence)
    if evidence:
        aspects += ('<p>Evidence (most engaged posts after the launch):</p>'
                    f'<ul class="ids">{evidence}</ul>')
    tags = _table(["hashtag", "posts before", "posts after", "growth"],
                  [[f"#{esc(h.tag)}" + (" <b>new</b>" if h.new else ""), str(h.posts_pre),
                    str(h.posts_post), f"×{h.growth:.1f}"] for h in report.hashtags],
                  "No hashtag rose after the launch.")
    images = _table(["subject", "share before", "share after", "images after",
                     "hashtags with it"],
                    [[esc(i.label), f"{i.share_pre:.0%}", f"{i.share_post:.0%}",
                      str(i.images_post), ", ".join(f"#{esc(t)}" for t in i.hashtags)]
                     for i in report.images[:10]], "No classified images.")
    dq = report.data_quality
    gaps = "".join(f"<li>{esc(g)}</li>" for g in dq.gaps) or "<li>none</li>"
    late = (f"<p><b>Late:</b> this report was due {dq.due_at:%Y-%m-%d %H:%M} UTC and made "
            f"{report.generated_at:%Y-%m-%d %H:%M} UTC, past its deadline; its numbers are "
            "those of when it was made.</p>") if dq.late and dq.due_at else ""
    quality = late + (f"<p>{dq.collected} posts collected in the window: {dq.duplicates} "
               f"duplicates, {dq.spam} spam and {dq.off_topic} off-topic left out, "
               f"<b>{dq.counted}</b> counted. Sources: "
               + ", ".join(f"{esc(k)} {v}" for k, v in dq.sources.items())
               + "; languages: " + ", ".join(f"{esc(k)} {v}" for k, v in dq.langs.items())
               + f".</p><p>Crawl gaps:</p><ul>{gaps}</ul>")
    return (f"<h2>Share of voice</h2>{voice}<h2>Aspects</h2>{aspects}"
            f"<h2>New and rising hashtags</h2>{tags}<h2>Image subjects</h2>{images}"
            f"<h2>Data quality</h2>{quality}")


def render_html(report: Report) -> str:
    c = report.campaign
    esc = html.escape

    def buckets(items: list[Bucket]) -> str:
        return ", ".join(f"{esc(b.key)} ({b.count})" for b in items) or "—"

    examples = "".join(
        f"<h3>{label}</h3><ul>" + "".join(
            f'<li><a href="{esc(p.url)}">{esc(p.author.handle or p.author.id)}</a> '
            f"[{esc(p.lang)}] {esc(p.text[:280])}</li>" for p in posts) + "</ul>"
        for label, posts in report.examples.items())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{esc(c.name)}: launch reaction report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:780px;margin:2em auto;color:#212529}}
table{{border-collapse:collapse}}td,th{{border:1px solid #dee2e6;padding:4px 8px}}
svg{{max-width:100%;height:auto}}.ids{{word-break:break-all;font-size:smaller}}
@page{{size:A4;margin:16mm 14mm}}
@media print{{body{{margin:0;max-width:none}}h2{{break-after:avoid}}}}</style></head>
<body><h1>{esc(c.name)}: launch reaction</h1>
<p>Query <code>{esc(c.query)}</code>; launch {c.launch_at:%Y-%m-%d %H:%M} UTC;
generated {report.generated_at:%Y-%m-%d %H:%M} UTC.</p>
<h2>Volume</h2><p>{report.pre.posts} posts in the {c.pre_window_days} days before,
{report.post.posts} in the {c.post_window_days} days after (duplicates, spam and posts of relevance
below {c.relevance_threshold:g} excluded).</p>
{volume_svg(report.volume, c.launch_at)}
<h2>Sentiment</h2>{sentiment_svg(report)}
{sentiment_html(report)}
<h2>Conversation</h2><p>Top hashtags before: {buckets(report.pre.top_hashtags)}</p>
<p>Top hashtags after: {buckets(report.post.top_hashtags)}</p>
<p>Languages after: {buckets(report.post.langs)}</p>
<h2>Influencers</h2>{influencers_html(report)}
<h2>Audience</h2><p>Interest shares of the {report.audience.overall.sample_size} classified
authors of the campaign (its {report.audience.engaged.sample_size} engaged authors and
{report.audience.followers.sample_size} followers sampled; the bars' whiskers are 95% intervals).
</p>{audience_svg(report.audience.overall)}{audience_html(report.audience.overall)}
<h3>Who loves it, who hates it</h3>{verdicts_html(report.audience)}
<h2>Representative posts after the launch</h2>{examples}
{findings_html(report)}</body></html>"""


def _weasyprint_html() -> type:
    """WeasyPrint's ``HTML``, imported without its side effect: on import it sets Pillow's
    process-wide ``LOAD_TRUNCATED_IMAGES``, which would make the vision step (in the same
    worker) accept truncated images as whole. The reports embed no raster images, so the
    flag is put back as it was."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def write_report(report: Report, out_dir: Path) -> dict[str, Path]:
    """Write ``report.json``, ``report.html`` and ``report.pdf`` (the page printed by
    WeasyPrint, with the system's CJK fonts) under ``out_dir``; returns their paths."""
    HTML = _weasyprint_html()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "html": out_dir / "report.html",
             "pdf": out_dir / "report.pdf"}
    paths["json"].write_text(json.dumps(report.model_dump(mode="json"), ensure_ascii=False,
                                        indent=2), encoding="utf-8")
    page = render_html(report)
    paths["html"].write_text(page, encoding="utf-8")
    HTML(string=page, base_url=str(out_dir)).write_pdf(paths["pdf"])
    return paths
