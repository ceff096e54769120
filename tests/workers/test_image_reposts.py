"""Image reposts across batches, through the worker's unit of work (``analyze_and_index``): a
re-compressed or re-cropped copy of a picture the campaign stored in an earlier batch points
at the stored original, on SQLite and on Elasticsearch; ``sensing analyze`` does the same
across the batches of a file. Images come from the sample-sources server (the sample
corpus's product shots and their reposts)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from analysis.pipeline import build_pipeline
from app.analyze_file import analyze_file
from samples.server import start_sample_server
from sensing.config import Settings
from sensing.schemas import Campaign, Post, media_key
from sensing.store import Store
from tests.workers.conftest import raw_post
from workers.analysis import analyze_and_index


@pytest.fixture
def store(empty_store: Store) -> Store:
    """Each test on SQLite and on Elasticsearch (this replaces the folder's SQLite-only store,
    which needs a Celery worker's settings)."""
    return empty_store


LAUNCH = datetime(2026, 10, 15, tzinfo=UTC)
X2 = Campaign(id="x2", name="X2", query="x2", launch_at=LAUNCH)
RIVALS = Campaign(id="rivals", name="Rivals", query="phone", launch_at=LAUNCH)
# hashes and near-duplicates only: labels and OCR are not what this is about, and cost models
IMAGES_ONLY = [{"step": "clean"}, {"step": "media", "options": {"labels": False, "ocr": False}}]
PIPELINE = build_pipeline(IMAGES_ONLY, Settings(media_fetch_allow=["127.0.0.1"]))


@pytest.fixture(scope="module")
def media_base() -> Iterator[str]:
    server, base_url = start_sample_server()
    yield f"{base_url}/media"
    server.shutdown()
    server.server_close()


def with_image(n: int, url: str, minutes: int) -> dict:
    return {**raw_post(n, f"new photo {n}", minutes=minutes),
            "media": [{"url": url, "type": "image"}]}


def analyse(store: Store, campaign: Campaign, *records: dict) -> dict[str, Post]:
    """One batch through the worker's path; the posts as stored afterwards."""
    result = analyze_and_index(list(records), PIPELINE, store, campaign=campaign,
                               max_text_bytes=100_000)
    assert not result.problems and not result.index_errors
    return {p.id: p for p in store.get_posts(p.id for p in result.posts)}


def image_original(post: Post) -> str | None:
    return post.media[0].duplicate_of


def test_a_repost_in_a_later_batch_points_at_the_stored_original(store: Store,
                                                                 media_base: str) -> None:
    first = [with_image(1, f"{media_base}/x2-product-blue.png", minutes=1),
             with_image(2, f"{media_base}/x2-product-silver.png", minutes=2)]
    stored = analyse(store, X2, *first)
    blue = media_key("mastodon:test.social/1", 0)
    assert [image_original(p) for p in stored.values()] == [None, None]

    later = analyse(store, X2, with_image(3, f"{media_base}/x2-product-blue-repost.jpg", 30),
                    with_image(4, f"{media_base}/x2-night-shot.png", 31))
    assert image_original(later["mastodon:test.social/3"]) == blue
    assert image_original(later["mastodon:test.social/4"]) is None

    again = analyse(store, X2, *first)
    assert [image_original(p) for p in again.values()] == [None, None], \
        "analysing the first batch again links nothing: a post is not its own copy"
    assert image_original(analyse(store, X2, later["mastodon:test.social/3"].model_dump(
        mode="json"))["mastodon:test.social/3"]) == blue, "nor changes a stored copy"


def test_another_campaigns_images_are_not_originals(store: Store, media_base: str) -> None:
    analyse(store, X2, with_image(1, f"{media_base}/x2-product-blue.png", minutes=1))
    rivals = analyse(store, RIVALS,
                     with_image(5, f"{media_base}/x2-product-blue-small.jpg", minutes=40))
    assert image_original(rivals["mastodon:test.social/5"]) is None


def test_sensing_analyze_links_reposts_across_the_batches_of_a_file(
        tmp_path: Path, media_base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """One post per batch, so only the file-wide index of original images can link them.
    The loopback image server is reached through the settings handed to the command."""
    monkeypatch.setattr("app.analyze_file.DEFAULT_PIPELINE", IMAGES_ONLY)
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps(with_image(n, f"{media_base}/{name}", minutes)) + "\n"
                              for n, name, minutes in [(1, "x2-product-blue.png", 1),
                                                       (2, "x2-product-silver.png", 2),
                                                       (3, "x2-product-blue-small.jpg", 30)]))
    settings = Settings(data_dir=tmp_path, analyze_batch_size=1,
                        media_fetch_allow=["127.0.0.1"])
    analyze_file(source, tmp_path / "out.jsonl", settings=settings, campaign=X2,
                 console=Console(file=None, quiet=True))
    done = [Post.model_validate_json(line)
            for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [image_original(p) for p in done] == [None, None,
                                                 media_key("mastodon:test.social/1", 0)]
