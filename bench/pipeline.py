"""Throughput of the full text analysis pipeline on this machine, beside the naive way.

    python bench/pipeline.py [--posts 1000] [--batch 100] [--threads 2] [--int8] [--per-step]

Posts are the sample Mastodon corpus's statuses (Korean, English, Japanese, Spanish and
more, HTML as the API serves it), each given two random words so that they are not all
copies, in one campaign. Three runs over the same posts, each after a warm-up so that model
loading is not counted (spaCy's French pipeline alone takes seconds to load):

* **Sensing, full text pipeline**: every default step except ``media`` (images are measured
  by ``bench/vision.py``), batch by batch as a worker runs them;
* **Sensing, sentiment step only**: ``clean`` + ``sentiment``, for a like-for-like figure;
* **naive**: a transformers ``pipeline("text-classification")`` over the same sentiment
  model, called one post at a time (as tutorials show), on the cleaned texts.

``--per-step`` then times each step of the full pipeline alone, batch by batch, to show
where the time goes. The ratios compare posts per second. The naive run does one thing out
of the ten the full pipeline does, so ``full / naive`` > 1 means the whole pipeline costs
less than naive sentiment alone.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pipeline import DEFAULT_PIPELINE, BatchContext, Pipeline, build_pipeline  # noqa: E402
from sensing.config import get_settings  # noqa: E402
from sensing.schemas import AuthorRef, Campaign, Post  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "mastodon_statuses.json"
WORDS = "wow really great bad phone camera nice meh love hate 진짜 대박 すごい genial".split()
T0 = datetime(2026, 10, 16, tzinfo=UTC)
WARM_UP = 300
"""Posts analysed before timing: more than the corpus's distinct statuses (288)."""
CAMPAIGN = Campaign(id="bench", name="Nova Lumina X2 launch", launch_at=T0,
                    query='"nova lumina" OR novalumina OR 노바루미나 OR ノヴァルミナ',
                    description="The Nova Lumina X2 smartphone: camera, battery, display, price.",
                    languages=["en", "ko", "ja", "es", "fr", "de", "pt", "zh"])


def corpus(total: int) -> list[Post]:
    rng = random.Random(1)
    statuses = [s for s in json.loads(SAMPLES.read_text(encoding="utf-8")) if s.get("content")]
    return [Post(id=f"bench:{i}", source="bench", campaign_ids=["bench"],
                 created_at=T0 + timedelta(seconds=i), author=AuthorRef(id=f"bench:a{i % 97}"),
                 raw_text=f"{statuses[i % len(statuses)]['content']} "
                          f"{' '.join(rng.sample(WORDS, 2))}")
            for i in range(total)]


def warmed(posts: list[Post], steps: list[dict]) -> Pipeline:
    """``steps`` built and run once over the first posts (more than the distinct texts), so
    that every language's models are loaded before the clock starts."""
    pipeline = build_pipeline(steps)
    pipeline.run([p.model_copy(deep=True) for p in posts[:WARM_UP]],
                 BatchContext(campaign=CAMPAIGN))
    return pipeline


def batches(posts: list[Post], batch: int) -> Iterator[tuple[list[Post], BatchContext]]:
    """Fresh copies of ``posts`` in batches, each with its context; once a batch is done,
    any per-post problem stops the benchmark (a failing step is fast, and its speed is not
    the pipeline's)."""
    for start in range(0, len(posts), batch):
        ctx = BatchContext(campaign=CAMPAIGN)
        yield [p.model_copy(deep=True) for p in posts[start:start + batch]], ctx
        if ctx.problems:
            raise SystemExit(f"{len(ctx.problems)} problems, e.g. {ctx.problems[0]}")


def run_sensing(posts: list[Post], steps: list[dict], batch: int) -> float:
    """Posts/s of ``steps`` over ``posts`` in batches, as a worker runs them."""
    pipeline = warmed(posts, steps)
    began = time.perf_counter()
    for chunk, ctx in batches(posts, batch):
        pipeline.run(chunk, ctx)
    return len(posts) / (time.perf_counter() - began)


def per_step(posts: list[Post], steps: list[dict], batch: int) -> dict[str, float]:
    """Milliseconds per post spent in each step (called directly, as ``Pipeline.run`` would),
    after the same warm-up as :func:`run_sensing`."""
    pipeline = warmed(posts, steps)
    spent = dict.fromkeys((step.name for step in pipeline.steps), 0.0)
    for chunk, ctx in batches(posts, batch):
        for step in pipeline.steps:
            began = time.perf_counter()
            chunk = step(chunk, ctx)
            spent[step.name] += time.perf_counter() - began
    return {name: 1000 * seconds / len(posts) for name, seconds in spent.items()}


def run_naive(texts: list[str], model: str) -> float:
    """Posts/s of a transformers pipeline() called once per post."""
    from transformers import pipeline

    classify = pipeline("text-classification", model=model, tokenizer=model)
    classify(texts[0])
    began = time.perf_counter()
    for text in texts:
        classify(text, truncation=True)
    return len(texts) / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--int8", action="store_true", help="dynamic int8 quantisation")
    parser.add_argument("--per-step", action="store_true", help="also time each step alone")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    settings = get_settings()
    settings.torch_threads, settings.quantize_int8 = args.threads, args.int8
    posts = corpus(args.posts)
    full = [entry for entry in DEFAULT_PIPELINE if entry["step"] != "media"]
    texts = [p.text for p in build_pipeline([{"step": "clean"}]).run(
        [p.model_copy(deep=True) for p in posts], BatchContext())]

    print(f"{len(posts)} posts, batches of {args.batch}, {args.threads} torch threads"
          f"{', int8' if args.int8 else ''}; steps: {', '.join(e['step'] for e in full)}")
    rates = {
        "Sensing, full text pipeline": run_sensing(posts, full, args.batch),
        "Sensing, clean + sentiment": run_sensing(
            posts, [{"step": "clean"}, {"step": "sentiment"}], args.batch),
        "naive pipeline(), one post at a time": run_naive(texts, settings.sentiment_path),
    }
    naive = rates["naive pipeline(), one post at a time"]
    print(f"{'run':<40}{'posts/s':>10}{'vs naive':>10}")
    for name, rate in rates.items():
        print(f"{name:<40}{rate:>10.1f}{rate / naive:>9.2f}x")
    if args.per_step:
        print(f"\n{'step':<40}{'ms/post':>10}")
        for name, ms in per_step(posts, full, args.batch).items():
            print(f"{name:<40}{ms:>10.2f}")


if __name__ == "__main__":
    main()
