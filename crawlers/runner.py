"""The crawl process: ``python -m crawlers.runner SOURCE --query Q ...``.

One crawl per process, because Twisted's reactor cannot be restarted. Sensing's settings come
from the environment (``SENSING_*``, as ``run_crawl`` passes them); the crawl stats are
written as JSON to ``--stats-file`` for the parent to read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from sensing.config import get_settings


def scrapy_settings(sink: str | None = None) -> ScrapySettings:
    """Scrapy's settings for a crawl that hands its batches to ``sink`` (see
    :func:`crawlers.sinks.open_sink`); without one, the project's own (listing spiders)."""
    sensing = get_settings()
    settings = ScrapySettings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.set("USER_AGENT", sensing.user_agent, priority="cmdline")
    settings.set("SENSING_BATCH_SIZE", sensing.analyze_batch_size, priority="cmdline")
    if sink is not None:
        settings.set("SENSING_SINK", sink, priority="cmdline")
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source")
    parser.add_argument("--query", required=True)
    parser.add_argument("--campaign-id")
    parser.add_argument("--base-url")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--options", help="the spider's options as a JSON object")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting (as `scrapy crawl -s`)")
    parser.add_argument("--sink", required=True,
                        help="jsonl:<path>, or the dotted path of a sink class")
    parser.add_argument("--stats-file", type=Path, required=True)
    args = parser.parse_args()

    settings = scrapy_settings(args.sink)
    for pair in args.set:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(args.source)
    process.crawl(crawler, query=args.query, campaign_id=args.campaign_id,
                  base_url=args.base_url, limit=args.limit, options=args.options,
                  state_dir=str(get_settings().state_dir))
    process.start()
    stats = crawler.stats.get_stats()
    args.stats_file.write_text(json.dumps(stats, default=str))


if __name__ == "__main__":
    main()
