"""Cost of the store's aggregations: milliseconds per ``aggregate`` call (median of several
runs, with this process's CPU time beside it) over synthetic analysed posts, for the whole
store, a campaign above a relevance floor without duplicates, and a text query.

    python bench/aggregations.py [--posts 5000] [--runs 7] [--es-url http://127.0.0.1:9200]

Posts carry what the aggregations count (hashtags, aspects, labelled images, keywords,
entities, relevance, spam), drawn from a seeded generator so every run sees the same data.
They are written in bulk batches of 500 into SQLite in a temporary directory, and into
Elasticsearch when ``--es-url`` is given (indices of a throw-away prefix, deleted afterwards);
with both, the answers of the two backends are compared, since the contract says they agree.
The CPU column matters on a shared machine: wall time there is noisy, and for Elasticsearch it
is mostly the server's work, which this process does not see.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sensing.schemas import (  # noqa: E402 - after the path set-up above
    AspectSentiment,
    AuthorRef,
    Entity,
    Media,
    Post,
    Sentiment,
)
from sensing.store import PostFilter, Store  # noqa: E402
from sensing.store.base import Aggregations  # noqa: E402
from sensing.store.elastic import ElasticStore  # noqa: E402
from sensing.store.sqlite import SqliteStore  # noqa: E402

TAGS = [f"tag{i}" for i in range(300)]
LABELS = ["pets", "food & drink", "travel & landscape", "people & selfies", "gadgets & tech",
          "fashion & beauty", "sports", "night & city", "text/screenshot", "product shot"]
ASPECTS = ["camera", "battery", "price", "design", "display", "performance"]
SENTIMENTS = ["positive", "neutral", "negative"]
T0 = datetime(2026, 10, 1, tzinfo=UTC)
FILTERS = {
    "everything": PostFilter(),
    "campaign, relevant, no copies": PostFilter(campaign_id="x2", min_relevance=0.5,
                                                include_duplicates=False),
    "query 'camera'": PostFilter(query="camera"),
}


def corpus(total: int) -> list[Post]:
    """``total`` analysed posts, 7 minutes apart; a fifth of them in a second campaign, half
    drawing their hashtags from a smaller set so that pairs repeat."""
    rng = random.Random(7)

    def post(n: int) -> Post:
        source = rng.choice(["mastodon", "rss", "reddit"])
        return Post(
            id=f"{source}:b/{n}", source=source,
            campaign_ids=["x2"] if n % 5 else ["x2", "rivals"],
            created_at=T0 + timedelta(minutes=7 * n),
            author=AuthorRef(id=f"a{rng.randrange(800)}"),
            text=f"Nova Lumina X2 post {n} camera battery",
            lang=rng.choice(["en", "ko", "ja", "es"]),
            hashtags=rng.sample(TAGS[:60] if n % 2 else TAGS, rng.randint(0, 8)),
            sentiment=Sentiment(label=rng.choice(SENTIMENTS), score=0.0),
            aspects=[AspectSentiment(aspect=rng.choice(ASPECTS),
                                     sentiment=rng.choice(SENTIMENTS))
                     for _ in range(rng.randint(0, 3))],
            media=[Media(url=f"https://i/{n}/{i}", labels=[
                {"label": label, "score": round(rng.random(), 3), "model": "m"}
                for label in rng.sample(LABELS, 3)]) for i in range(rng.choice([0, 0, 1, 2]))],
            keywords=rng.sample([f"kw{i}" for i in range(500)], 5),
            entities=[Entity(text=f"Ent{rng.randrange(200)}",
                             label=rng.choice(["ORG", "PRODUCT"])) for _ in range(3)],
            relevance=round(rng.random(), 3), spam_score=round(rng.random() / 2, 3))

    return [post(n) for n in range(total)]


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``work`` over ``runs`` runs, after one warm-up."""
    work()
    wall, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def drop(store: Store) -> None:
    """Close the store; an Elasticsearch one loses its indices and templates too."""
    if isinstance(store, ElasticStore):
        store.drop()
    store.close()


def measure(name: str, store: Store, posts: list[Post], runs: int) -> Aggregations:
    """Load the posts, print a row per filter; returns the campaign filter's answer."""
    store.setup()
    began = time.perf_counter()
    for start in range(0, len(posts), 500):
        store.upsert_posts(posts[start:start + 500])
    print(f"{name:<15}{'load':<32}{time.perf_counter() - began:>9.1f} s")
    for label, flt in FILTERS.items():
        wall, cpu = timed(lambda flt=flt: store.aggregate(flt, top=10), runs)
        print(f"{name:<15}{label:<32}{wall:>8.0f} ms{cpu:>9.0f} ms")
    return store.aggregate(FILTERS["campaign, relevant, no copies"], top=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--es-url", help="Also measure against this Elasticsearch.")
    args = parser.parse_args()
    posts = corpus(args.posts)
    print(f"aggregate over {len(posts)} posts, median of {args.runs} runs")
    print(f"{'store':<15}{'filter':<32}{'wall':>11}{'cpu':>12}")
    answers = {}
    with tempfile.TemporaryDirectory() as tmp:
        stores: dict[str, Callable[[], Store]] = {
            "SQLite": lambda: SqliteStore(Path(tmp) / "bench.db")}
        if args.es_url:
            stores["Elasticsearch"] = lambda: ElasticStore(
                args.es_url, prefix=f"bench-aggregations-{uuid.uuid4().hex[:8]}")
        for name, make in stores.items():
            store = make()
            try:
                answers[name] = measure(name, store, posts, args.runs)
            finally:
                drop(store)
    if len(answers) == 2:
        first, second = answers.values()
        differing = [field for field in Aggregations.model_fields
                     if getattr(first, field) != getattr(second, field)]
        print("backends agree" if not differing else f"backends differ in {differing}")


if __name__ == "__main__":
    main()
