"""A crawl that cannot run as configured fails before any process starts, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.run import run_crawl
from sensing.config import Settings


def start(tmp_path: Path, source: str = "mastodon", **options):
    return run_crawl(source, query="x2", campaign_id=None, base_url="http://127.0.0.1:9",
                     out=tmp_path / "o.jsonl", limit=None, settings=Settings(data_dir=tmp_path),
                     options=options)


def test_an_unknown_option_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"bad mastodon options: feeds: Extra inputs"):
        start(tmp_path, feeds=["http://example.org/rss"])


def test_a_malformed_back_fill_date_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"bad mastodon options: since: Input should be a "
                                         r"valid datetime"):
        start(tmp_path, since="last tuesday")
    assert not (tmp_path / "o.jsonl").exists()


def test_an_unknown_source_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown source 'myspace'; known: .*mastodon"):
        start(tmp_path, source="myspace")
