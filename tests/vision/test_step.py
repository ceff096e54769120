"""The ``media`` step on batches of posts: what each image gets, how every refusal lands on
its media entry without failing anything, near-copies across posts and batches, re-analysis
that fetches nothing, and brands read in images becoming mentions. Images come from real
loopback servers: the refusal server of conftest.py and the sample-sources server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from analysis.pipeline import BatchContext, Pipeline, build_pipeline
from samples.server import SampleServer, start_sample_server
from sensing.config import Settings
from sensing.schemas import Campaign, ImageRef, Media, Post, media_key
from tests.vision.conftest import MediaServer
from vision.fetch import FetchOptions
from vision.groups import chunk_keys
from vision.step import MediaOptions, MediaStep

T0 = datetime(2026, 10, 16, 9, 0, tzinfo=UTC)
CAMPAIGN = Campaign(id="x2", name="X2", query='"nova lumina" OR luminax2 OR 노바루미나',
                    languages=["en"], launch_at=T0)


def post(n: int, *urls: str, minutes: int | None = None, media_type: str = "image") -> Post:
    return Post(id=f"bluesky:p{n}", source="bluesky", author={"id": "a"},
                created_at=T0 + timedelta(minutes=n if minutes is None else minutes),
                text="look", media=[Media(url=url, type=media_type) for url in urls])


def step(fetch: FetchOptions, **options: Any) -> MediaStep:
    """The step without the models unless a test asks for them: refusal and hashing tests
    stay fast and independent of the labeller and OCR."""
    return MediaStep(MediaOptions(fetch=fetch, **{"labels": False, "ocr": False, **options}))


def run(media_step: MediaStep, posts: list[Post], ctx: BatchContext | None = None) -> list[Post]:
    return Pipeline([media_step]).run(posts, ctx or BatchContext())


@pytest.fixture(scope="module")
def samples() -> Iterator[SampleServer]:
    server, _ = start_sample_server()
    yield server
    server.shutdown()
    server.server_close()


def sample_url(server: SampleServer, name: str) -> str:
    return f"{server.base_url}/media/{name}"


# --- what an image gets ---------------------------------------------------------------------

def test_an_image_gets_its_hashes_and_the_post_is_stamped(media_server: MediaServer,
                                                          local_options: FetchOptions):
    [done] = run(step(local_options), [post(1, media_server.url("/photo.jpg"))])
    [entry] = done.media
    assert len(entry.phash) == 16 and len(entry.colour) == 24
    assert entry.error is None and entry.duplicate_of is None
    assert entry.phash_chunks == chunk_keys(entry.phash), "what a store indexes it under"
    assert done.pipeline.steps["media"] == MediaStep.version


def test_one_url_in_many_posts_is_fetched_once(media_server: MediaServer,
                                               local_options: FetchOptions):
    url = media_server.url("/redirect-photo")
    before = media_server.requests["/redirect-photo"]
    posts = run(step(local_options), [post(n, url) for n in range(5)])
    assert media_server.requests["/redirect-photo"] - before == 1
    assert len({p.media[0].phash for p in posts}) == 1
    assert [p.media[0].duplicate_of for p in posts] == [None] + [media_key("bluesky:p0", 0)] * 4


def test_videos_are_left_alone(media_server: MediaServer, local_options: FetchOptions):
    [done] = run(step(local_options), [post(1, media_server.url("/photo.jpg"),
                                            media_type="video")])
    assert done.media[0].phash is None and done.media[0].error is None


def test_a_gifv_is_analysed_from_its_still_preview(media_server: MediaServer,
                                                   local_options: FetchOptions):
    entry = Media(url=media_server.url("/clip.mp4"), type="gifv",
                  preview_url=media_server.url("/photo.jpg"))
    done = post(1)
    done.media = [entry]
    [done] = run(step(local_options), [done])
    assert done.media[0].phash is not None and done.media[0].error is None


# --- every refusal is a reason on the media entry, and the batch goes on --------------------

@pytest.mark.parametrize(("path", "reason"), [
    ("/fake.jpg", "not-an-image"),
    ("/bomb.png", "decompression-bomb"),
    ("/endless.png", "too-large"),
    ("/lying-length.png", "too-large"),
    ("/truncated.jpg", "undecodable"),
    ("/redirect-metadata", "private-address"),
    ("/no-such-image.png", "http-404"),
])
def test_a_refused_image_records_why_and_its_neighbours_are_analysed(
        media_server: MediaServer, local_options: FetchOptions, path: str, reason: str):
    bad, good = post(1, media_server.url(path)), post(2, media_server.url("/photo.jpg"))
    ctx = BatchContext()
    run(step(local_options), [bad, good], ctx)
    assert bad.media[0].error == reason and bad.media[0].phash is None
    assert good.media[0].phash is not None and good.media[0].error is None
    assert ctx.problems == [] and bad.pipeline.steps["media"] == MediaStep.version


def test_a_private_address_is_refused_without_an_allow_list_and_never_asked(
        media_server: MediaServer):
    before = media_server.requests["/photo.jpg"]
    [done] = run(step(FetchOptions()), [post(1, media_server.url("/photo.jpg"))])
    assert done.media[0].error == "private-address"
    assert media_server.requests["/photo.jpg"] == before


def test_a_slow_server_times_out_within_the_deadline(media_server: MediaServer):
    slow = FetchOptions(allow=["127.0.0.1"], timeout_seconds=0.5)
    started = datetime.now(UTC)
    [done] = run(step(slow), [post(1, media_server.url("/slow.png"),
                                   media_server.url("/trickle.png"))])
    assert [m.error for m in done.media] == ["timeout", "timeout"]
    assert (datetime.now(UTC) - started).total_seconds() < 3


def test_an_oversized_image_is_refused_by_its_pixel_count(media_server: MediaServer):
    small = FetchOptions(allow=["127.0.0.1"], max_pixels=100_000)
    [done] = run(step(small), [post(1, media_server.url("/photo.jpg"))])
    assert done.media[0].error == "decompression-bomb"


def test_unreachable_hosts_fill_errors_instead_of_failing():
    ctx = BatchContext()
    [done] = run(step(FetchOptions(timeout_seconds=2)),
                 [post(1, "https://cdn.sample.invalid/x.png", "ftp://files.example/x.png",
                       "not a url")], ctx)
    assert [m.error for m in done.media] == ["dns", "scheme", "scheme"]
    assert ctx.problems == []


class BrokenLabeller(MediaStep):
    """A labeller that fails on every image, as a model that cannot load does."""

    @staticmethod
    def labeller(image: Image.Image) -> list[dict[str, Any]]:
        raise RuntimeError("no weights")


def test_a_failing_part_is_recorded_and_the_other_parts_still_fill(
        media_server: MediaServer, local_options: FetchOptions):
    broken = BrokenLabeller(MediaOptions(fetch=local_options, ocr=False))
    [done] = run(broken, [post(1, media_server.url("/photo.jpg"))])
    assert done.media[0].error == "labels-failed"
    assert done.media[0].phash is not None and done.media[0].labels == []


def test_the_fetch_limits_come_from_the_settings_the_pipeline_is_built_with(
        media_server: MediaServer):
    settings = Settings(media_fetch_allow=["127.0.0.1"], media_timeout_seconds=3)
    pipeline = build_pipeline([{"step": "media", "options": {"labels": False, "ocr": False}}],
                              settings)
    [done] = pipeline.run([post(1, media_server.url("/photo.jpg"))], BatchContext())
    assert done.media[0].phash is not None
    [refused] = build_pipeline([{"step": "media", "options": {"labels": False, "ocr": False}}],
                               Settings()).run([post(1, media_server.url("/photo.jpg"))],
                                               BatchContext())
    assert refused.media[0].error == "private-address"


# --- re-analysis ----------------------------------------------------------------------------

def test_analysing_a_stored_batch_again_fetches_nothing_and_changes_nothing(
        media_server: MediaServer, local_options: FetchOptions):
    urls = [media_server.url("/photo.jpg"), media_server.url("/animated.gif")]
    first = run(step(local_options), [post(1, urls[0]), post(2, urls[1], urls[0])])
    stored = [Post.model_validate(p.model_dump()) for p in first]
    before = sum(media_server.requests.values())
    again = run(step(local_options), stored)
    assert sum(media_server.requests.values()) == before
    assert [p.model_dump() for p in again] == [p.model_dump() for p in first]


# --- near-duplicates on the sample corpus's reposts -----------------------------------------

def test_reposts_recropped_and_recompressed_point_at_the_first_post(samples: SampleServer):
    names = ["x2-product-blue-repost.jpg", "x2-product-silver.png", "x2-product-blue.png",
             "x2-product-blue-small.jpg", "x2-night-shot.png", "x2-night-shot-repost.jpg",
             "x2-leak.jpg"]
    posts = [post(n, sample_url(samples, name), minutes=minutes)
             for n, (name, minutes) in enumerate(zip(names, [30, 5, 1, 40, 2, 50, 3],
                                                     strict=True))]
    run(step(FetchOptions(allow=["127.0.0.1"])), posts)
    original = {name: p.media[0].duplicate_of for name, p in zip(names, posts, strict=True)}
    blue, night = media_key("bluesky:p2", 0), media_key("bluesky:p4", 0)
    assert original == {"x2-product-blue-repost.jpg": blue, "x2-product-silver.png": None,
                        "x2-product-blue.png": None, "x2-product-blue-small.jpg": blue,
                        "x2-night-shot.png": None, "x2-night-shot-repost.jpg": night,
                        "x2-leak.jpg": None}
    assert posts[-1].media[0].error == "not-an-image"


def stand_in_store(posts: list[Post]) -> Any:
    """What the store does for ``ctx.known_images``: original images indexed under their
    pHash chunk keys, answered by key."""
    by_key: dict[str, list[ImageRef]] = {}
    for p in posts:
        for n, entry in enumerate(p.media):
            if entry.phash and entry.duplicate_of is None:
                ref = ImageRef(media_key(p.id, n), p.id, p.created_at, entry.phash,
                               entry.colour)
                for key in chunk_keys(entry.phash):
                    by_key.setdefault(key, []).append(ref)
    return lambda keys: list({ref for key in keys for ref in by_key.get(key, [])})


def test_a_repost_in_a_later_batch_points_at_the_stored_original(samples: SampleServer):
    media_step = step(FetchOptions(allow=["127.0.0.1"]))
    earlier = run(media_step, [post(1, sample_url(samples, "x2-product-blue.png"))])
    later = post(9, sample_url(samples, "x2-product-blue-repost.jpg"))
    run(media_step, [later], BatchContext(known_images=stand_in_store(earlier)))
    assert later.media[0].duplicate_of == media_key("bluesky:p1", 0)
    again = run(media_step, earlier, BatchContext(known_images=stand_in_store(earlier)))
    assert again[0].media[0].duplicate_of is None, "a stored post is not its own copy"


# --- brands read in images ------------------------------------------------------------------

def test_campaign_terms_read_in_an_image_become_image_mentions(samples: SampleServer):
    media_step = MediaStep(MediaOptions(fetch=FetchOptions(allow=["127.0.0.1"]), labels=False,
                                        brands=["Lumina Pay"]))
    tag, sunset = (post(1, sample_url(samples, "price-tag.png")),
                   post(2, sample_url(samples, "sunset-sample.png")))
    run(media_step, [tag, sunset], BatchContext(campaign=CAMPAIGN))
    assert "1,299" in tag.media[0].ocr_text
    assert tag.image_mentions == ["nova lumina"], tag.media[0].ocr_text
    assert sunset.image_mentions == []


def test_labels_and_text_fill_for_a_screenshot(samples: SampleServer):
    media_step = MediaStep(MediaOptions(fetch=FetchOptions(allow=["127.0.0.1"])))
    [shot] = run(media_step, [post(1, sample_url(samples, "battery-screenshot.png"))],
                 BatchContext(campaign=CAMPAIGN))
    entry = shot.media[0]
    assert entry.error is None and "38%" in entry.ocr_text.replace(" ", "")
    assert entry.labels and {"label", "score", "model"} <= set(entry.labels[0])
