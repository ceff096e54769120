"""Cost of near-duplicate detection: posts/s of the ``dedupe`` step with exact duplicates only
and with exact + near duplicates (MinHash LSH), over the same posts, and the ratio.

    python bench/dedupe.py [--posts 10000] [--batch 100] [--es-url http://127.0.0.1:9200]

Posts are the labelled dedupe set's texts (four languages), each given a few random words so
that most are near copies rather than exact ones, cleaned once beforehand. Each run analyses
them batch by batch, as workers do: with no store (in-batch comparisons only), and with a
real store that every batch is written to after analysis, so later batches look their copies
up in it: SQLite in a temporary directory, and Elasticsearch when ``--es-url`` is given (in
indices of a throw-away prefix, deleted afterwards). Only the step is timed, not the writes.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pipeline import BatchContext, build_pipeline  # noqa: E402
from lab.evals.dedupe import load_set  # noqa: E402 - after the path set-up above
from sensing.schemas import AuthorRef, Post  # noqa: E402
from sensing.store import Store  # noqa: E402
from sensing.store.elastic import ElasticStore  # noqa: E402
from sensing.store.sqlite import SqliteStore  # noqa: E402

WORDS = "wow really great bad phone camera nice meh love hate 진짜 대박 すごい genial".split()
T0 = datetime(2026, 10, 16, tzinfo=UTC)


def corpus(total: int) -> list[Post]:
    """``total`` cleaned posts in the campaign ``bench``, one second apart."""
    rng = random.Random(1)
    texts = [row["text"] for row in load_set()]
    posts = [Post(id=f"bench:{i}", source="bench", campaign_ids=["bench"],
                  created_at=T0 + timedelta(seconds=i), author=AuthorRef(id=f"bench:a{i}"),
                  raw_text=f"{texts[i % len(texts)]} {' '.join(rng.sample(WORDS, 2))}")
             for i in range(total)]
    return build_pipeline([{"step": "clean"}]).run(posts, BatchContext())


def open_store(kind: str, near: bool, tmp: Path, es_url: str | None) -> Store | None:
    """A fresh, empty store of ``kind`` for one run (None for the in-batch-only setting)."""
    if kind == "no store":
        return None
    store: Store = (SqliteStore(tmp / f"near-{near}.db") if kind == "SQLite store" else
                    ElasticStore(es_url, prefix=f"bench-dedupe-{uuid.uuid4().hex[:8]}"))
    store.setup()
    return store


def drop(store: Store | None) -> None:
    """Close the store; an Elasticsearch one loses its indices and templates too."""
    if isinstance(store, ElasticStore):
        store.drop()
    if store is not None:
        store.close()


def run(posts: list[Post], batch: int, near: bool, store: Store | None) -> tuple[float, int]:
    """Seconds spent in the step, and how many posts it linked to an original."""
    step = build_pipeline([{"step": "dedupe", "options": {"near": near}}]).steps[0]
    elapsed, linked = 0.0, 0
    for start in range(0, len(posts), batch):
        chunk = [p.model_copy(deep=True) for p in posts[start:start + batch]]
        ctx = BatchContext()
        if store is not None:
            ctx.known_hashes = lambda hashes: store.find_content_hashes("bench", hashes)
            ctx.near_candidates = lambda bands: store.find_near_duplicates("bench", bands)
        began = time.perf_counter()
        step(chunk, ctx)
        elapsed += time.perf_counter() - began
        linked += sum(1 for p in chunk if p.duplicate_of)
        if store is not None:
            store.upsert_posts(chunk)
    return elapsed, linked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--es-url", help="Also measure against this Elasticsearch.")
    args = parser.parse_args()
    posts = corpus(args.posts)
    print(f"dedupe step over {len(posts)} posts in batches of {args.batch}")
    print(f"{'setting':<22}{'mode':<16}{'posts/s':>10}{'linked':>8}")
    settings = ["no store", "SQLite store", *(["Elasticsearch store"] if args.es_url else [])]
    with tempfile.TemporaryDirectory() as tmp:
        for setting in settings:
            rates = {}
            for near in (False, True):
                store = open_store(setting, near, Path(tmp), args.es_url)
                try:
                    seconds, linked = run(posts, args.batch, near, store)
                finally:
                    drop(store)
                rates[near] = len(posts) / seconds
                mode = "exact + near" if near else "exact only"
                print(f"{setting:<22}{mode:<16}{rates[near]:>10,.0f}{linked:>8}")
            print(f"{setting:<22}{'ratio':<16}{rates[False] / rates[True]:>9.1f}x slower")

if __name__ == "__main__":
    main()
