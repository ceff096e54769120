"""The crawl's sink is named by a setting, Scrapy style, so the crawler process loads the
workers' task sink without the crawlers package importing the workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.sinks import JsonlSink, open_sink
from sensing.config import Settings
from workers.crawl_sink import CelerySink


def test_the_default_sink_of_a_campaign_crawl_queues_analysis_tasks() -> None:
    sink = open_sink(Settings().crawl_sink, "x2")
    assert isinstance(sink, CelerySink) and sink.campaign_id == "x2"


def test_a_jsonl_spec_writes_a_file(tmp_path: Path) -> None:
    sink = open_sink(f"jsonl:{tmp_path / 'posts.jsonl'}", None)
    assert isinstance(sink, JsonlSink)
    sink.send([{"id": "mastodon:1"}, {"id": "mastodon:1"}])
    sink.close()
    assert (tmp_path / "posts.jsonl").read_text().count("mastodon:1") == 1


@pytest.mark.parametrize("spec", ["celery", "workers.crawl_sink.NoSuchSink", "no_such.module.X"])
def test_an_unknown_sink_is_a_clear_error(spec: str) -> None:
    with pytest.raises(ValueError, match="unknown crawl sink .*jsonl:<path>"):
        open_sink(spec, None)
