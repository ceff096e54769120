"""``sensing demo``: one campaign end to end on the embedded default, with zero services.

The same path as production, scaled down to one process: the bundled sample-sources server
plays every platform (its base URLs and sample credentials become the demo's settings, as a
real deployment's would), one Celery task per source runs its Scrapy crawl as a subprocess,
the crawls' item pipelines send batches through the file-system broker to a real Celery
worker running in this process, the analysis indexes into SQLite; then the most-followed
authors' followers are sampled (author mode), the report is written; then the generated
sample customers (``samples.customers``: 50,000 customers, ~470,000 events) are scored and
segmented into the campaign, the campaign plan printed and kept as the first of its history,
a sample journey export (``samples.journeys``) imported and attributed to the channels, and
the API served.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from sensing.config import Settings
from sensing.schemas import Campaign, utcnow
from sensing.store import PostFilter, Store, open_store

MARKER = ".sensing-demo"

DEMO_CAMPAIGN = Campaign(
    id="nova-lumina-x2",
    name="Nova Lumina X2 launch",
    query=('"nova lumina" OR novalumina OR luminax2 OR "lumina x2" OR 노바루미나 OR "루미나 X2" '
           'OR ノヴァルミナ'),
    description="Reactions to the Lumina Nova X2 phone before and after its launch.",
    languages=["ko", "en", "ja", "es"],
    sources=["mastodon", "bluesky", "youtube", "reddit", "rss", "forum"],
    launch_at=datetime(2026, 10, 15, tzinfo=UTC),
    timezone="Asia/Seoul",
    pre_window_days=21,
    post_window_days=21,
)


@dataclass
class DemoResult:
    """What the demo did and where to look; the CLI prints it."""

    collected: int = 0
    per_source: dict[str, int] = field(default_factory=dict)
    authors: int = 0
    analysed: int = 0
    rejected: int = 0
    duplicates: int = 0
    indexed: int = 0
    stored: int = 0
    batches: int = 0
    crawls: list[dict[str, Any]] = field(default_factory=list)
    report: dict[str, Path] = field(default_factory=dict)
    api_url: str = ""
    search_total: int = 0
    customers: dict[str, Any] = field(default_factory=dict)
    journeys: dict[str, Any] = field(default_factory=dict)

    @property
    def filtered(self) -> int:
        return self.rejected + self.duplicates


def prepare_data_dir(data_dir: Path) -> None:
    """Start from nothing so the incremental crawl state of a previous run does not make the
    demo collect zero posts; refuse to wipe a folder the demo did not create."""
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / MARKER).exists():
            raise SystemExit(f"{data_dir} exists and was not made by `sensing demo`; "
                             f"pass --data-dir with a new or demo folder")
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text("made by sensing demo; wiped at every demo run\n")


def free_port(port: int) -> int:
    """``port`` if it is free on loopback, else any free port (a second demo still runs)."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


AUTHOR_SOURCES = ("mastodon", "bluesky")  # sources with an author/follower mode
INFLUENCERS = 3  # authors per source whose followers the demo samples
FOLLOWER_SAMPLE = 20
TOP_SHOWN = 5  # influencers the demo lists, besides those whose followers it sampled


def _crawl_all(celery, store: Store, campaign: Campaign, console: Console,
               jobs: list[tuple[str, dict[str, Any] | None]],
               timeout: float = 900) -> list[dict[str, Any]]:
    """Queue one crawl task per (source, options) and show each one's progress until all
    have handed off their batches; returns the crawl stats, in the order of ``jobs``."""
    tasks = [(source, celery.send_task("sensing.crawl_campaign", queue="crawl",
                                       args=[campaign.id, source, None, None, options]))
             for source, options in jobs]
    deadline = time.monotonic() + timeout
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console,
                  transient=True) as progress:
        rows = [progress.add_task(source) for source, _ in tasks]
        while not all(task.ready() for _, task in tasks):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the crawls did not finish within {timeout:.0f} s")
            for row, (source, task) in zip(rows, tasks, strict=True):
                indexed = store.count(PostFilter(campaign_id=campaign.id, sources=[source]))
                state = "done" if task.ready() else "crawling"
                progress.update(row, description=f"{source:<9} {state}: {indexed} posts "
                                                 f"indexed so far")
            time.sleep(0.5)
    return [task.get(timeout=10, disable_sync_subtasks=False) for _, task in tasks]


def influencers(store: Store, campaign: Campaign, source: str, top: int) -> list[str]:
    """Handles of the most-followed authors of the campaign's posts on ``source``: whose
    follower samples show the largest audiences the launch reaches (the influence ranking,
    printed at the end, weighs engagement and centrality too)."""
    followers: dict[str, int] = {}
    for post in store.export(PostFilter(campaign_id=campaign.id, sources=[source])):
        if post.author.handle:
            followers[post.author.handle] = max(followers.get(post.author.handle, 0),
                                                post.author.followers or 0)
    return sorted(followers, key=lambda handle: (-followers[handle], handle))[:top]


def _wait_for_batches(celery, task_ids: list[str], console: Console, timeout: float = 900,
                      doing: str = "analysing batches") -> list[dict[str, Any]]:
    """Wait for every batch task in ``task_ids``; returns their summaries."""
    results = [celery.AsyncResult(task_id) for task_id in task_ids]
    deadline = time.monotonic() + timeout
    columns = (TextColumn(doing), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        shown = progress.add_task("analyse", total=len(results))
        while not all(r.ready() for r in results):
            if time.monotonic() > deadline:
                raise TimeoutError(f"analysis batches unfinished after {timeout:.0f} s")
            progress.update(shown, completed=sum(r.ready() for r in results))
            time.sleep(0.3)
        progress.update(shown, completed=len(results))
    # This thread is not a task, but the in-process worker marks the whole process as one
    # where joining results blocks; the results are ready, so nothing blocks here.
    return [r.get(timeout=10, disable_sync_subtasks=False) for r in results]


def _serve_api(settings: Settings, store: Store, celery, port: int):
    """Start uvicorn in a thread; returns (server, url) once it accepts connections."""
    import uvicorn

    from api.app import create_app

    port = free_port(port)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, store=store, celery=celery),
                                           host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, name="sensing-api", daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the API did not start within 20 s")
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def run_demo(settings: Settings, *, port: int, serve: bool, console: Console) -> DemoResult:
    import httpx

    from app.conversions_cli import credit_table
    from app.plan_view import print_plan
    from planning.credits import campaign_attribution
    from planning.history import record_plan
    from planning.planner import plan_campaign
    from reports.archive import make_report
    from samples.server import start_sample_server
    from workers.app import make_celery
    from workers.embedded import embedded_worker

    prepare_data_dir(settings.data_dir)
    sample_server, base_url = start_sample_server()
    console.print(f"sample sources serving at {base_url}")
    # The sample server is on loopback, which media fetching refuses unless allowed.
    settings = settings.with_values({**sample_server.sample_settings(),
                                     "media_fetch_allow": ["127.0.0.1"]})
    campaign = DEMO_CAMPAIGN.model_copy(update={"source_options": sample_server.demo_options()})
    store = open_store(settings)
    store.save_campaign(campaign)
    celery = make_celery(settings)
    result = DemoResult()
    try:
        with embedded_worker(celery, queues=("crawl", "analyze"), concurrency=3):
            result.crawls = _crawl_all(celery, store, campaign, console, campaign.crawl_jobs())
            post_tasks = [t for crawl in result.crawls for t in crawl["task_ids"]]
            summaries = _wait_for_batches(celery, post_tasks, console)
            followers = [(source, {"mode": "authors", "follower_sample": FOLLOWER_SAMPLE,
                                   "authors": influencers(store, campaign, source, INFLUENCERS)})
                         for source in AUTHOR_SOURCES if source in campaign.sources]
            author_crawls = _crawl_all(celery, store, campaign, console, followers)
            author_tasks = [t for crawl in author_crawls for t in crawl["author_task_ids"]]
            stored = _wait_for_batches(celery, author_tasks, console)
            # every author batch queued its interests; then the post authors of the campaign
            classify = [s["classify_task_id"] for s in stored if s["classify_task_id"]]
            classify.append(celery.send_task("sensing.classify_authors", queue="analyze",
                                             args=[campaign.id]).id)
            _wait_for_batches(celery, classify, console, doing="classifying interests")
        result.crawls += author_crawls
        for crawl in result.crawls:  # a source with several option sets crawls several times
            if crawl["items"]:
                result.per_source[crawl["source"]] = (result.per_source.get(crawl["source"], 0)
                                                      + crawl["items"])
        result.collected = sum(result.per_source.values())
        result.authors = sum(crawl["authors"] for crawl in author_crawls)
        result.batches = len(summaries)
        for summary in summaries:
            result.analysed += summary["analysed"]
            result.rejected += summary["rejected"]
            result.duplicates += summary["duplicates"]
            result.indexed += summary["indexed"]
        result.stored = store.count(PostFilter(campaign_id=campaign.id))
        with console.status("writing the launch reaction report ..."):
            record, _ = make_report(store, campaign, "on_demand", utcnow(),
                                    settings.data_dir / "reports")
            result.report = {kind: Path(path) for kind, path in record.files.items()}
        result.customers = _import_customers(store, campaign, settings, console)
        result.journeys = _import_journeys(store, campaign, settings)
        api_server, result.api_url = _serve_api(settings, store, celery, port)
        answer = httpx.get(f"{result.api_url}/posts",
                           params={"q": "camera OR 카메라 OR カメラ OR cámara",
                                   "campaign_id": DEMO_CAMPAIGN.id, "size": 1}, timeout=30)
        answer.raise_for_status()
        result.search_total = answer.json()["total"]
        console.print(summary_table(result, settings))
        _print_audience(store, campaign, settings, console)
        console.print(result.customers.pop("table"))
        plan = plan_campaign(store, campaign, TARGET_THRESHOLD)
        record_plan(store, plan, "demo")  # the first entry of the plan's history
        print_plan(plan, console)
        console.print(credit_table(campaign_attribution(store, campaign.id)))
        if serve:
            console.print(f"API serving at [bold]{result.api_url}[/bold]; Ctrl-C to stop.")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
        api_server.should_exit = True
    finally:
        sample_server.shutdown()
        store.close()
    return result


def _print_audience(store: Store, campaign: Campaign, settings: Settings,
                    console: Console) -> None:
    """The top influencers (with what their followers care about) and the audience table:
    what ``/campaigns/{id}/influencers`` and ``/audience`` answer, as a marketer reads it."""
    from contextlib import closing

    from app.audience_tables import audience_rich_table, influencer_rich_table
    from audience.campaign import campaign_audience, campaign_influencers
    from audience.taxonomy import load_taxonomy

    names = load_taxonomy(settings.interest_taxonomy).names()
    with closing(store.export(PostFilter(campaign_id=campaign.id))) as posts:
        posts = list(posts)
    ranked = campaign_influencers(campaign, posts, store.get_authors, top=None, names=names)
    shown = [(n, found) for n, found in enumerate(ranked, start=1)
             if n <= TOP_SHOWN or found.followers_sampled]
    console.print(influencer_rich_table(shown))
    audience = campaign_audience(campaign, posts, store.campaign_authors(campaign.id), names)
    console.print(audience_rich_table(audience.overall, "Audience interests (engaged authors "
                                      "and the followers sampled)", top=6))


TARGET_THRESHOLD = 0.3  # the demo's targeting table: customers at three in ten or better
# The silhouette prefers 3 segments on the sample (one to target, two not to); 8 show the
# gradation a marketer plans with, as `sensing propensity --segments 8` would.
DEMO_SEGMENTS = 8


def _import_customers(store: Store, campaign: Campaign, settings: Settings,
                      console: Console) -> dict[str, Any]:
    """The sample customers and their event log, written where a user can open them, scored
    and segmented into the campaign as ``sensing segments import`` does."""
    from app.propensity_file import Columns, Inputs, load, run_scoring, targeting_table
    from audience.taxonomy import load_taxonomy
    from planning.customers import deployment_salt
    from planning.imports import save_import
    from planning.scoring import Options
    from samples.customers import CUTOFF, generate, write

    customers, events = write(generate(), settings.data_dir / "customers")
    table, summary = load(Inputs(customers, events, CUTOFF.date().isoformat()),
                          Columns("customer_id", "converted", offer="offer",
                                  interest="interests"), console,
                          frozenset(load_taxonomy(settings.interest_taxonomy).category_ids))
    scored, run = run_scoring(table, summary, Options(control="none", segments=DEMO_SEGMENTS),
                              settings.data_dir / "runs", console)
    with console.status(f"storing {table.rows:,} customers"):
        record, _ = save_import(store, scored, campaign.id,
                                deployment_salt(settings.data_dir, settings.customer_salt),
                                customers.name, TARGET_THRESHOLD, run)
    shown = targeting_table(scored, TARGET_THRESHOLD)
    shown.caption = (f"model run {run.id}: test AUC {run.metrics['auc']:.3f}, calibration "
                     f"error {run.metrics['ece']:.3f}; offers measured against 'none'")
    return {"file": customers, "import": record.id, "rows": record.rows,
            "segments": record.segments, "table": shown}


def _import_journeys(store: Store, campaign: Campaign, settings: Settings) -> dict[str, Any]:
    """The sample journey export (visits through the plan's links, orders, spend), written
    beside the customers and imported as ``sensing conversions import`` does."""
    from planning.conversions import import_events
    from planning.customers import deployment_salt
    from samples.journeys import generate, write

    path = write(generate(campaign=campaign.id), settings.data_dir / "customers" /
                 "journeys.csv")
    result = import_events(store, path, campaign.id,
                           deployment_salt(settings.data_dir, settings.customer_salt))
    return {"file": path, "events": result.stored.created + result.stored.updated}


def summary_table(result: DemoResult, settings: Settings) -> Table:
    table = Table(title="Sensing demo: Nova Lumina X2 launch", show_header=False)
    table.add_column("what", no_wrap=True)
    table.add_column("where / how many", overflow="fold")
    rows = [
        ("posts collected", result.collected),
        ("  per source", ", ".join(f"{k} {v}" for k, v in result.per_source.items())),
        ("author profiles (influencers + followers)", result.authors),
        ("analysis batches", result.batches),
        ("posts analysed", result.analysed),
        ("filtered (rejected + exact and near duplicates)",
         f"{result.filtered} ({result.rejected} + {result.duplicates})"),
        ("posts indexed", result.indexed),
        ("posts in the store", result.stored),
        ("store", str(settings.sqlite_file)),
        ("report (HTML)", str(result.report.get("html", ""))),
        ("report (JSON)", str(result.report.get("json", ""))),
        ("report (PDF)", str(result.report.get("pdf", ""))),
        ("API", f"{result.api_url}  (docs: {result.api_url}/docs)"),
        ("try", f"{result.api_url}/posts?q=camera&campaign_id={DEMO_CAMPAIGN.id}"),
        ("search 'camera' (4 languages)", f"{result.search_total} posts"),
        ("customers scored and segmented", f"{result.customers.get('rows', 0):,} in "
                                           f"{result.customers.get('segments', 0)} segments "
                                           f"({result.customers.get('file', '')})"),
        ("targeting", f"{result.api_url}/campaigns/{DEMO_CAMPAIGN.id}/targeting"
                      f"?threshold={TARGET_THRESHOLD}"),
        ("plan", f"{result.api_url}/campaigns/{DEMO_CAMPAIGN.id}/plan"
                 f"?threshold={TARGET_THRESHOLD}  (history: .../plan/history)"),
        ("journeys imported", f"{result.journeys.get('events', 0):,} events "
                              f"({result.journeys.get('file', '')})"),
        ("attribution", f"{result.api_url}/campaigns/{DEMO_CAMPAIGN.id}/attribution"
                        f"?model=time_decay&half_life_days=7"),
    ]
    for key, value in rows:
        table.add_row(key, str(value))
    return table
