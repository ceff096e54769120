"""Cost of the influencer ranking on a large campaign: seconds for ``rank_influencers`` over a
synthetic campaign whose interaction graph has 50,000 edges, against a naive ranking run
side by side on the same posts.

    python bench/influence.py [--edges 50000] [--authors 8000] [--runs 3] [--json]

The campaign is seeded: authors with power-law follower counts, posts whose replies and
mentions go preferentially to already popular authors (as conversations do), so a few hubs
collect most edges. The naive baseline is what a first version would write: PageRank as a
pure-Python power iteration over adjacency dicts (100 rounds, no convergence test), and each
author's counts found by rescanning the posts of their own index list. Both rankings are
compared on their top 20; the figures are the median of ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audience.graph import interaction_graph  # noqa: E402 - after the path set-up above
from audience.influence import InfluenceWeights, rank_influencers  # noqa: E402
from bench.timing import median_run  # noqa: E402
from sensing.schemas import AuthorRef, Campaign, Metrics, Post  # noqa: E402

CAMPAIGN = Campaign(id="bench", name="Bench", query="bench",
                    launch_at=datetime(2026, 10, 15, tzinfo=UTC))
WHEN = datetime(2026, 10, 16, tzinfo=UTC)


def synthetic_posts(edges: int, authors: int, seed: int = 7) -> list[Post]:
    """Posts whose replies and mentions make about ``edges`` distinct author pairs."""
    rng = random.Random(seed)
    followers = [int(10 * rng.paretovariate(1.1)) for _ in range(authors)]
    refs = [AuthorRef(id=f"bench:{a}", handle=f"@user{a}", followers=followers[a])
            for a in range(authors)]
    popularity = [1.0] * authors
    posts: list[Post] = []
    first_post: dict[int, str] = {}
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < edges:
        actor = rng.randrange(authors)
        target = rng.choices(range(authors), weights=popularity)[0] if first_post else None
        post_id = f"bench:{len(posts)}"
        reply_to = first_post.get(target) if target is not None and rng.random() < 0.6 else None
        mentions = [refs[target].handle] if target is not None and reply_to is None else []
        posts.append(Post(id=post_id, source="bench", campaign_ids=["bench"], created_at=WHEN,
                          author=refs[actor], in_reply_to=reply_to, mentions=mentions,
                          metrics=Metrics(likes=rng.randrange(0, 50),
                                          replies=rng.randrange(0, 5)),
                          spam_score=0.9 if rng.random() < 0.02 else 0.0,
                          relevance=rng.random()))
        first_post.setdefault(actor, post_id)
        if target is not None and target != actor and (reply_to or mentions):
            pairs.add((actor, target))
            popularity[target] += 1
    return posts


def naive_pagerank(links: dict[str, dict[str, int]], nodes: list[str], damping: float = 0.85,
                   rounds: int = 100) -> dict[str, float]:
    """Power iteration in pure Python: every round walks every edge."""
    rank = {n: 1 / len(nodes) for n in nodes}
    out_weight = {n: sum(links.get(n, {}).values()) for n in nodes}
    for _ in range(rounds):
        dangling = sum(rank[n] for n in nodes if not out_weight[n])
        new = {n: (1 - damping) / len(nodes) + damping * dangling / len(nodes) for n in nodes}
        for source, targets in links.items():
            for target, weight in targets.items():
                new[target] += damping * rank[source] * weight / out_weight[source]
        rank = new
    return rank


def naive_ranking(posts: list[Post], top: int = 20) -> list[str]:
    """The same score, computed the first way that comes to mind."""
    weights = InfluenceWeights()
    graph = interaction_graph(posts)
    links: dict[str, dict[str, int]] = defaultdict(dict)
    for source, target, data in graph.edges(data=True):
        links[source][target] = data["weight"]
    nodes = list(graph.nodes)
    rank = naive_pagerank(links, nodes)
    by_author: dict[str, list[int]] = defaultdict(list)
    for index, post in enumerate(posts):
        by_author[post.author.id].append(index)
    top_rank = max(rank.values())
    rows = {}
    for author, indices in by_author.items():
        own = [posts[i] for i in indices]
        counted = sum(p.relevance >= 0.5 and p.spam_score < 0.5 and p.duplicate_of is None
                      for p in own)
        rows[author] = (own, counted)
    most = max(counted for _, counted in rows.values())
    rates = {a: sum(p.metrics.likes + p.metrics.replies + p.metrics.shares for p in own)
             / len(own) / max(100, own[0].author.followers or 0)
             for a, (own, _) in rows.items()}
    ordered = sorted(rates.values())
    scores = {}
    for author, (own, counted) in rows.items():
        followers = max(p.author.followers or 0 for p in own)
        engagement = ordered.index(rates[author]) / (len(ordered) - 1)
        value = (weights.reach * min(1, math.log10(1 + followers) / 6)
                 + weights.engagement * engagement
                 + weights.topic * math.log1p(counted) / math.log1p(most)
                 + weights.centrality * rank[author] / top_rank)
        scores[author] = value * (1 - sum(p.spam_score for p in own) / len(own))
    return sorted(scores, key=lambda a: (-scores[a], a))[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=50_000)
    parser.add_argument("--authors", type=int, default=8_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args()
    posts = synthetic_posts(args.edges, args.authors)
    edges = interaction_graph(posts).number_of_edges()
    rank_influencers(posts[:100], campaign=CAMPAIGN)  # imports (scipy's sparse PageRank) first
    fast, ranked = median_run(lambda: rank_influencers(posts, campaign=CAMPAIGN, top=20), args.runs)
    slow, naive = median_run(lambda: naive_ranking(posts), args.runs)
    overlap = len({s.author_id for s in ranked} & set(naive))
    result = {"posts": len(posts), "authors": args.authors, "edges": edges,
              "rank_influencers_s": round(fast, 3), "naive_s": round(slow, 3),
              "speedup": round(slow / fast, 2), "edges_per_s": round(edges / fast),
              "top20_overlap": overlap}
    if args.json:
        print(json.dumps(result))
        return
    print(f"{len(posts):,} posts, {args.authors:,} authors, {edges:,} interaction edges")
    print(f"rank_influencers (networkx PageRank): {fast:8.3f} s  ({edges / fast:,.0f} edges/s)")
    print(f"naive (pure-Python PageRank, rescans): {slow:8.3f} s  ({edges / slow:,.0f} edges/s)")
    print(f"speedup {slow / fast:.1f}x; top-20 overlap {overlap}/20")


if __name__ == "__main__":
    main()
