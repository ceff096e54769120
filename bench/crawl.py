"""Crawl throughput: one Sensing crawler process against the local sample server, beside a
naive baseline (one request at a time, as a first script would crawl) over the same pages.

    python bench/crawl.py [--statuses 12000] [--concurrency 8]

The Mastodon sample corpus is enlarged with copies under new ids so that the hashtag timelines
run to hundreds of pages. Both crawlers fetch the same timelines and search pages, parse the
JSON, keep the statuses the campaign query matches and write them as JSON lines; the Sensing
crawl also validates every post against the data contract and de-duplicates it. Politeness
limits (per-host rate limit, AutoThrottle, the sample instance's rate window) are lifted for
both: this measures the crawler, not the platform's published limits. Figures: pages/s and
posts/s; for Sensing both over Scrapy's own elapsed time and over the wall time including the
process start.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from w3lib.html import remove_tags

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawlers.run import run_crawl  # noqa: E402 - after the path set-up above
from crawlers.spiders.mastodon import hashtags_for  # noqa: E402
from samples.platforms.mastodon import RateWindow  # noqa: E402
from samples.server import SampleServer  # noqa: E402
from sensing.config import Settings  # noqa: E402
from sensing.query import matches, parse_query  # noqa: E402

QUERY = '"nova lumina" OR luminax2 OR novalumina OR 노바루미나 OR ノヴァルミナ'
LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


def enlarge(server: SampleServer, total: int) -> None:
    """Copies of the corpus under new, higher ids until it holds ``total`` statuses; the
    sample instance's own 300 requests / 5 min window is lifted, as the crawlers' are."""
    mastodon = server.platforms["mastodon"]
    mastodon.rate_window = RateWindow(limit=10**9)
    originals = list(mastodon.statuses)
    top = max(int(s["id"]) for s in originals)
    copies = []
    for n in range(max(0, total - len(originals))):
        status = copy.deepcopy(originals[n % len(originals)])
        status["id"] = str(top + n + 1)
        copies.append(status)
    mastodon.add_statuses(copies)


def naive_crawl(base_url: str, out: Path) -> tuple[int, int, float]:
    """The baseline: the same pages one at a time; returns (pages, posts, seconds)."""
    node = parse_query(QUERY)
    pages = posts = 0
    seen: set[str] = set()
    start = time.perf_counter()
    with httpx.Client(timeout=30) as client, out.open("w", encoding="utf-8") as fh:
        def keep(status: dict) -> None:
            nonlocal posts
            original = status.get("reblog") or status
            if status["id"] not in seen and matches(node, remove_tags(original["content"])):
                seen.add(status["id"])
                fh.write(json.dumps(status, ensure_ascii=False) + "\n")
                posts += 1

        for tag in hashtags_for(QUERY):
            url = f"{base_url}/api/v1/timelines/tag/{tag}?limit=40"
            while url:
                answer = client.get(url)
                pages += 1
                statuses = answer.json()
                for status in statuses:
                    keep(status)
                found = LINK_NEXT.search(answer.headers.get("Link", ""))
                url = found.group(1) if statuses and found else None
        offset = 0
        while True:
            params = {"q": QUERY, "type": "statuses", "limit": 40, "offset": offset}
            found = client.get(f"{base_url}/api/v2/search?{urlencode(params)}").json()
            pages += 1
            for status in found["statuses"]:
                keep(status)
            if len(found["statuses"]) < 40:
                break
            offset += 40
    return pages, posts, time.perf_counter() - start


def sensing_crawl(base_url: str, out: Path, data_dir: Path, concurrency: int):
    start = time.perf_counter()
    stats = run_crawl(
        "mastodon", query=QUERY, campaign_id="bench", base_url=base_url, out=out, limit=None,
        settings=Settings(data_dir=data_dir, analyze_batch_size=500),
        scrapy_settings={"SENSING_RATE_LIMIT": "1000000/1", "AUTOTHROTTLE_ENABLED": "False",
                         "CONCURRENT_REQUESTS": concurrency,
                         "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
                         "LOG_LEVEL": "WARNING"})
    return stats, time.perf_counter() - start


def serve(port: int, statuses: int) -> None:
    """The sample server in a process of its own (``--serve``), so neither crawler shares an
    interpreter, and its lock, with the server it measures against."""
    server = SampleServer(("127.0.0.1", port))
    enlarge(server, statuses)
    print("ready", flush=True)
    server.serve_forever()


def start_server(statuses: int) -> tuple[subprocess.Popen[str], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(port), "--statuses",
                              str(statuses)], stdout=subprocess.PIPE, text=True)
    if child.stdout.readline().strip() != "ready":
        child.kill()
        raise RuntimeError("the sample server did not start")
    return child, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statuses", type=int, default=12_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.statuses)
        return

    child, base_url = start_server(args.statuses)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            pages, posts, naive_s = naive_crawl(base_url, folder / "naive.jsonl")
            stats, wall_s = sensing_crawl(base_url, folder / "sensing.jsonl", folder / "data",
                                          args.concurrency)
    finally:
        child.terminate()
        child.wait()

    scrapy_s = stats.elapsed_s or wall_s
    rows = [
        ("naive loop (1 request at a time)", pages, posts, naive_s),
        (f"sensing crawler, Scrapy time (concurrency {args.concurrency})", stats.pages,
         stats.items, scrapy_s),
        ("sensing crawler, wall time incl. process start", stats.pages, stats.items, wall_s),
    ]
    print(f"corpus: {args.statuses:,} Mastodon statuses; query {QUERY!r}")
    print(f"{'crawler':<58} {'pages':>6} {'posts':>7} {'s':>7} {'pages/s':>8} {'posts/s':>8}")
    for name, n_pages, n_posts, seconds in rows:
        print(f"{name:<58} {n_pages:>6} {n_posts:>7} {seconds:>7.2f} {n_pages / seconds:>8.1f} "
              f"{n_posts / seconds:>8.1f}")
    print(f"ratio sensing/naive, pages/s: {(stats.pages / scrapy_s) / (pages / naive_s):.2f} "
          f"(Scrapy time), {(stats.pages / wall_s) / (pages / naive_s):.2f} (wall time)")
    if stats.items != posts:
        print(f"note: the crawls disagree on posts ({stats.items} vs {posts}); the sensing "
              f"crawl's finish reason was {stats.finish_reason!r}")


if __name__ == "__main__":
    main()
