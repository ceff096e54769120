"""Cost of the campaign plan on a large campaign: seconds for ``plan_campaign`` (every signal
read through the store's aggregations and searches) over a campaign of ``--posts`` posts and
eight segments, on SQLite and, with ``--es-url``, on Elasticsearch, against a naive planner
run side by side that streams every counted post through Python to tally the same signals.

    python bench/plan.py [--posts 1000000] [--runs 3] [--es-url http://127.0.0.1:9200] [--json]

Posts are generated in batches (never all in memory): spread over the campaign's six weeks
with an evening peak, six platforms, aspects with verdicts that turn on two of them after the
launch, 300 hashtags, a tenth below the relevance floor and a twentieth spam. Ten influencers
carry classified follower samples; the segments carry interest profiles. Loading is timed
apart from planning. The naive planner's aspect counts are checked against the plan's.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import median_run  # noqa: E402 - after the path set-up above
from nlp.related_keywords import in_reports, reports_filter  # noqa: E402
from planning.planner import plan_campaign  # noqa: E402
from sensing.schemas import (  # noqa: E402
    AspectSentiment,
    Author,
    AuthorRef,
    Campaign,
    Interest,
    Metrics,
    Post,
    Sentiment,
)
from sensing.segments import ScoredCustomer, Segment, SegmentImport  # noqa: E402
from sensing.store import PostFilter, Store  # noqa: E402
from sensing.store.elastic import ElasticStore  # noqa: E402
from sensing.store.sqlite import SqliteStore  # noqa: E402

LAUNCH = datetime(2026, 10, 15, tzinfo=UTC)
CAMPAIGN = Campaign(id="bench", name="Bench", query="bench", launch_at=LAUNCH,
                    timezone="Asia/Seoul", pre_window_days=21, post_window_days=21)
SOURCES = ["mastodon", "bluesky", "youtube", "reddit", "rss", "forum"]
ASPECTS = ["camera", "battery", "price", "design", "display", "software"]
CATEGORIES = ["technology", "fashion_beauty", "travel", "sports", "entertainment"]
BATCH = 2000
ZONE = ZoneInfo(CAMPAIGN.timezone)


def posts(total: int, seed: int = 7) -> Iterator[list[Post]]:
    """``total`` posts in batches; battery and price turn sour after the launch."""
    rng = random.Random(seed)
    span = (CAMPAIGN.window_end - CAMPAIGN.window_start).total_seconds()
    batch = []
    for n in range(total):
        when = CAMPAIGN.window_start + timedelta(seconds=rng.random() * span)
        if rng.random() < 0.3:  # the evening peak: 21:00 in Seoul
            when = when.replace(hour=12, minute=rng.randrange(60))
        after = when >= LAUNCH
        aspect = rng.choice(ASPECTS)
        sour = after and aspect in ("battery", "price")
        label = rng.choices(["positive", "neutral", "negative"],
                            [0.2, 0.2, 0.6] if sour else [0.5, 0.3, 0.2])[0]
        source = rng.choice(SOURCES)
        batch.append(Post(
            id=f"{source}:{n}", source=source, campaign_ids=["bench"],
            created_at=when, text=f"the bench {aspect}",
            author=AuthorRef(id=f"{source}:a{rng.randrange(20_000)}"),
            hashtags=[f"tag{rng.randrange(300)}"], sentiment=Sentiment(label=label),
            aspects=[AspectSentiment(aspect=aspect, sentiment=label)],
            metrics=Metrics(likes=rng.randrange(50), shares=rng.randrange(5)),
            relevance=0.2 if rng.random() < 0.1 else 0.9,
            spam_score=0.9 if rng.random() < 0.05 else 0.0))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def authors_and_segments(store: Store) -> None:
    rng = random.Random(3)
    followers = [Author(id=f"mastodon:f{i}", source="mastodon", interest_model="bench@1",
                        interests=[Interest(category=rng.choice(CATEGORIES), share=1.0)])
                 for i in range(2000)]
    influencers = [Author(id=f"{SOURCES[i % 6]}:a{i}", source=SOURCES[i % 6], handle=f"@inf{i}",
                          followers=rng.randrange(1000, 200_000), campaign_ids=["bench"],
                          follower_sample=[f.id for f in rng.sample(followers, 200)])
                   for i in range(10)]
    store.upsert_authors([*followers, *influencers])
    record = SegmentImport(id="imp", campaign_id="bench", rows=8000, segments=8)
    segments = [Segment(id=f"bench:Seg{i}", campaign_id="bench", import_id="imp",
                        name=f"Seg{i}", origin="model", size=1000, mean_propensity=i / 10,
                        interests=[Interest(category=CATEGORIES[i % 5], share=0.6),
                                   Interest(category=CATEGORIES[(i + 1) % 5], share=0.4)])
                for i in range(1, 9)]
    customers = (ScoredCustomer(id=f"cu_{n:08x}", campaign_id="bench", import_id="imp",
                                segment_id=f"bench:Seg{n % 8 + 1}", propensity=rng.random())
                 for n in range(8000))
    store.save_import(record, segments, customers)


def naive_signals(store: Store) -> dict[str, Counter]:
    """The plan's tallies the first way that comes to mind: every post through Python."""
    tallies: dict[str, Counter] = defaultdict(Counter)
    with closing(store.export(PostFilter(campaign_id="bench"))) as found:
        for post in found:
            if not in_reports(post, CAMPAIGN) or not (CAMPAIGN.window_start <= post.created_at
                                                      < CAMPAIGN.window_end):
                continue
            window = "post" if post.created_at >= LAUNCH else "pre"
            for aspect in post.aspects:
                tallies[f"aspects_{window}"][(aspect.aspect, aspect.sentiment)] += 1
            tallies[f"hashtags_{window}"].update(post.hashtags)
            if window == "post":
                tallies["sources"][post.source] += 1
            local = post.created_at.astimezone(ZONE)
            tallies["hours"][(local.weekday(), local.hour)] += post.engagement
    return tallies


def measure(name: str, store: Store, total: int, runs: int) -> dict[str, float]:
    store.setup()
    store.save_campaign(CAMPAIGN)
    began = time.perf_counter()
    for batch in posts(total):
        store.upsert_posts(batch)
    authors_and_segments(store)
    load = time.perf_counter() - began
    plan_campaign(store, CAMPAIGN)  # warm: imports, caches, the server's first touches
    fast, plan = median_run(lambda: plan_campaign(store, CAMPAIGN, 0.5), runs)
    slow, tallies = median_run(lambda: naive_signals(store), 1)
    battery = next(c for c in plan.segments[0].message.address if c.aspect == "battery")
    naive_battery = sum(v for (a, _), v in tallies["aspects_post"].items() if a == "battery")
    assert battery.evidence.mentions_post == naive_battery, (battery, naive_battery)
    counted = store.count(reports_filter(CAMPAIGN, CAMPAIGN.window_start, CAMPAIGN.window_end))
    return {"store": name, "posts": total, "counted": counted, "load_s": round(load, 1),
            "plan_s": round(fast, 3), "naive_s": round(slow, 2),
            "speedup": round(slow / fast, 1), "segments": len(plan.segments)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--es-url", help="Also measure on this Elasticsearch.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        backends = [("SQLite", lambda: SqliteStore(Path(tmp) / "bench.db"))]
        if args.es_url:
            backends.append(("Elasticsearch", lambda: ElasticStore(
                args.es_url, prefix=f"bench-plan-{uuid.uuid4().hex[:8]}")))
        for name, make in backends:
            store = make()
            try:
                results.append(measure(name, store, args.posts, args.runs))
            finally:
                if isinstance(store, ElasticStore):
                    store.drop()
                store.close()
    if args.json:
        print(json.dumps(results))
        return
    for r in results:
        print(f"{r['store']:<14} {r['posts']:,} posts ({r['counted']:,} counted), load "
              f"{r['load_s']} s; plan of {r['segments']} segments {r['plan_s']} s; naive "
              f"streaming planner {r['naive_s']} s ({r['speedup']}x)")


if __name__ == "__main__":
    main()
