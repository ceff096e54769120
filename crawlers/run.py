"""``run_crawl``: one source's crawl in a child process, and what it did.

Used by ``sensing crawl`` (sink: a JSON lines file) and by the ``sensing.crawl_campaign``
Celery task (sink: analysis tasks). The child gets Sensing's settings through ``SENSING_*``
environment variables, so it writes to the same broker, store and state folder as the parent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from crawlers.spiders.base import CampaignSpider
from sensing.config import Settings
from sensing.schemas import Campaign


@dataclass
class CrawlStats:
    source: str
    items: int = 0
    pages: int = 0
    dropped: int = 0
    batches: int = 0
    bad_responses: int = 0
    retries: int = 0
    authors: int = 0
    rate_limit_waits: int = 0
    rate_limit_wait_seconds: float = 0.0
    finish_reason: str = ""
    elapsed_s: float = 0.0
    task_ids: list[str] = field(default_factory=list)
    author_task_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_scrapy(cls, source: str, stats: dict[str, Any]) -> CrawlStats:
        return cls(
            source=source, items=stats.get("sensing/posts_handed_off", 0),
            pages=stats.get("response_received_count", 0),
            dropped=stats.get("item_dropped_count", 0), batches=stats.get("sensing/batches", 0),
            bad_responses=stats.get("sensing/bad_responses", 0),
            retries=stats.get("retry/count", 0),
            authors=stats.get("sensing/authors_handed_off", 0),
            rate_limit_waits=stats.get("sensing/rate_limit_waits", 0),
            rate_limit_wait_seconds=round(stats.get("sensing/rate_limit_wait_seconds", 0.0), 2),
            finish_reason=stats.get("finish_reason", ""),
            elapsed_s=round(float(stats.get("elapsed_time_seconds", 0.0)), 2),
            task_ids=list(stats.get("sensing/task_ids", [])),
            author_task_ids=list(stats.get("sensing/author_task_ids", [])))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def spider_loader():
    """Scrapy's spider loader, built once: the spiders of a process never change."""
    from scrapy.spiderloader import SpiderLoader

    from crawlers.runner import scrapy_settings

    return SpiderLoader.from_settings(scrapy_settings())


def known_sources() -> list[str]:
    return sorted(spider_loader().list())


def spider_class(source: str) -> type[CampaignSpider]:
    """The spider of ``source``, or ValueError listing the known ones."""
    loader = spider_loader()
    if source not in loader.list():
        raise ValueError(f"unknown source {source!r}; known: {', '.join(sorted(loader.list()))}")
    return loader.load(source)


def check_sources(campaign: Campaign) -> None:
    """A campaign's sources and their options, checked when the campaign is saved rather than
    when its first crawl fails: ValueError naming an unknown source or a bad option.
    Credentials are the deployment's, and are checked when a crawl starts."""
    for source in campaign.source_options:
        if source not in campaign.sources:
            raise ValueError(f"source_options names {source!r}, which is not one of the "
                             f"campaign's sources ({', '.join(campaign.sources)})")
    for source, options in campaign.crawl_jobs():
        spider_class(source).validate_options(options)


def settings_env(settings: Settings) -> dict[str, str]:
    """Settings as the environment variables pydantic-settings reads back (secrets included:
    the crawl process needs the credentials)."""
    env = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, Path):
            value = str(value)
        env[f"SENSING_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    return env


def run_crawl(source: str, *, query: str, campaign_id: str | None, base_url: str | None,
              out: Path | None, limit: int | None, settings: Settings,
              options: dict[str, Any] | None = None,
              scrapy_settings: dict[str, Any] | None = None) -> CrawlStats:
    """Crawl ``source`` for ``query`` in a subprocess; posts go to ``out`` (JSON lines) when
    given, else to analysis tasks on the configured broker. Unknown sources, missing
    credentials and bad ``options`` are ValueErrors raised before any process starts.
    ``scrapy_settings`` overrides Scrapy settings (benchmarks lift the politeness limits
    against their own loopback server)."""
    spider_class(source).check_configuration(settings, options)
    settings = settings.model_copy(update={"data_dir": settings.data_dir.resolve()})
    with tempfile.TemporaryDirectory(prefix="sensing-crawl-") as tmp:
        stats_file = Path(tmp) / "stats.json"
        cmd = [sys.executable, "-m", "crawlers.runner", source, "--query", query,
               "--sink", f"jsonl:{out.resolve()}" if out else settings.crawl_sink,
               "--stats-file", str(stats_file)]
        for flag, value in (("--campaign-id", campaign_id), ("--base-url", base_url),
                            ("--limit", limit),
                            ("--options", json.dumps(options, default=str) if options else None)):
            if value is not None:
                cmd += [flag, str(value)]
        for name, value in (scrapy_settings or {}).items():
            cmd += ["--set", f"{name}={value}"]
        done = subprocess.run(cmd, env={**os.environ, **settings_env(settings)},
                              capture_output=True, text=True)
        if done.returncode != 0 or not stats_file.exists():
            tail = "\n".join(done.stderr.strip().splitlines()[-15:])
            raise RuntimeError(f"{source} crawl failed (exit {done.returncode}):\n{tail}")
        return CrawlStats.from_scrapy(source, json.loads(stats_file.read_text()))
