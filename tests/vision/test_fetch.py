"""Fetching post images: what is accepted and how it comes back, and every way a stranger's
URL is refused, against a real HTTP server on loopback (tests/vision/conftest.py)."""

from __future__ import annotations

import pytest

from tests.vision import images
from tests.vision.conftest import MediaServer
from vision.fetch import Fetched, FetchOptions, MediaFetcher, Refused


def fetch(url: str, options: FetchOptions) -> Fetched | Refused:
    with MediaFetcher(options) as fetcher:
        return fetcher.fetch(url)


def refused(url: str, options: FetchOptions) -> Refused:
    result = fetch(url, options)
    assert isinstance(result, Refused), f"{url} was accepted: {result}"
    assert result.url == url and result.message
    return result


def accepted(url: str, options: FetchOptions) -> Fetched:
    result = fetch(url, options)
    assert isinstance(result, Fetched), f"{url} was refused: {result}"
    return result


# --- accepted images -----------------------------------------------------------------------

def test_a_jpeg_comes_back_decoded_with_the_facts_of_the_fetch(media_server: MediaServer,
                                                              local_options: FetchOptions):
    result = accepted(media_server.url("/photo.jpg"), local_options)
    assert result.format == "JPEG" and result.content_type == "image/jpeg"
    assert result.size == (480, 360) and result.image.mode == "RGB"
    assert result.nbytes == len(images.encoded(images.synthetic_photo(7), "JPEG", quality=90))
    assert result.final_url == result.url and not result.animated


def test_the_format_is_sniffed_from_the_bytes_not_the_content_type(media_server: MediaServer,
                                                                   local_options: FetchOptions):
    result = accepted(media_server.url("/photo-as-octets"), local_options)
    assert result.format == "JPEG" and result.content_type == "application/octet-stream"


def test_the_bundled_sample_media_are_accepted(media_server: MediaServer,
                                               local_options: FetchOptions):
    names = sorted(path.name for path in images.SAMPLE_MEDIA.glob("*.png"))
    assert names, "samples/media has no PNGs"
    with MediaFetcher(local_options) as fetcher:
        results = fetcher.fetch_many([media_server.url(f"/media/{name}") for name in names])
    assert [type(r) for r in results] == [Fetched] * len(names)
    assert {(r.format, r.size) for r in results} == {("PNG", (320, 240))}


def test_exif_orientation_is_applied(media_server: MediaServer, local_options: FetchOptions):
    result = accepted(media_server.url("/rotated.jpg"), local_options)
    assert result.size == (20, 40), "stored 40x20 with orientation 6: upright it is 20x40"
    top, bottom = result.image.getpixel((10, 5)), result.image.getpixel((10, 35))
    assert top[0] > 150 and top[2] < 100, f"red should be on top, got {top}"
    assert bottom[2] > 150 and bottom[0] < 100, f"blue should be at the bottom, got {bottom}"


def test_an_animated_gif_is_reduced_to_its_first_frame(media_server: MediaServer,
                                                       local_options: FetchOptions):
    result = accepted(media_server.url("/animated.gif"), local_options)
    assert result.format == "GIF" and result.animated
    assert result.image.mode == "RGB"
    assert result.image.getcolors() == [(30 * 30, images.GREEN)]


def test_transparency_is_composited_on_white(media_server: MediaServer,
                                             local_options: FetchOptions):
    result = accepted(media_server.url("/transparent.png"), local_options)
    assert result.image.getpixel((0, 0)) == (255, 255, 255)
    assert result.image.getpixel((15, 15)) == images.BLUE


def test_a_redirect_is_followed_and_the_final_url_reported(media_server: MediaServer,
                                                          local_options: FetchOptions):
    result = accepted(media_server.url("/redirect-photo"), local_options)
    assert result.final_url == media_server.url("/photo.jpg")


# --- where a URL may lead ------------------------------------------------------------------

def test_loopback_is_refused_without_the_allow_list_and_never_contacted(
        media_server: MediaServer):
    path = "/media/x2-box.png"
    before = media_server.requests[path]
    result = refused(media_server.url(path), FetchOptions())
    assert result.reason == "private-address"
    assert "127.0.0.1" in result.message
    assert media_server.requests[path] == before, "the guard must refuse before connecting"


def test_loopback_is_fetched_when_allow_listed(media_server: MediaServer):
    for allow in (["127.0.0.1"], ["127.0.0.0/8"], ["localhost"]):
        url = media_server.url("/media/x2-box.png")
        if allow == ["localhost"]:
            url = url.replace("127.0.0.1", "localhost")
        assert isinstance(fetch(url, FetchOptions(allow=allow)), Fetched), allow


def test_an_allow_listed_name_does_not_open_other_names(media_server: MediaServer):
    url = media_server.url("/photo.jpg")
    assert refused(url, FetchOptions(allow=["localhost"])).reason == "private-address"


@pytest.mark.parametrize("path", ["/redirect-metadata", "/redirect-private-v6"])
def test_a_redirect_into_the_private_network_is_refused(media_server: MediaServer,
                                                        local_options: FetchOptions, path: str):
    result = refused(media_server.url(path), local_options)
    assert result.reason == "private-address"


def test_a_redirect_to_another_scheme_is_refused(media_server: MediaServer,
                                                 local_options: FetchOptions):
    result = refused(media_server.url("/redirect-file"), local_options)
    assert result.reason == "scheme" and "file:/etc/passwd" in result.message


def test_a_redirect_loop_is_cut_off(media_server: MediaServer, local_options: FetchOptions):
    before = media_server.requests["/loop"]
    result = refused(media_server.url("/loop"), local_options)
    assert result.reason == "too-many-redirects"
    assert media_server.requests["/loop"] - before == local_options.max_redirects + 1


@pytest.mark.parametrize(("url", "reason"), [
    ("file:///etc/passwd", "scheme"),
    ("ftp://example.com/a.png", "scheme"),
    ("data:image/png;base64,iVBORw0KGgo=", "scheme"),
    ("http:///a.png", "bad-url"),
    ("http://[::1/a.png", "bad-url"),
    ("http://2130706433/a.png", "private-address"),  # 127.0.0.1 written as one number
    ("http://169.254.169.254/latest/meta-data/", "private-address"),
    ("http://[::1]:9/a.png", "private-address"),
    ("http://does-not-exist.invalid/a.png", "dns"),
])
def test_urls_refused_before_any_request(url: str, reason: str):
    assert refused(url, FetchOptions()).reason == reason


def test_a_closed_port_is_a_network_refusal(local_options: FetchOptions):
    result = refused("http://127.0.0.1:9/a.png", local_options)
    assert result.reason == "network"


def test_an_http_error_status_is_the_reason(media_server: MediaServer,
                                            local_options: FetchOptions):
    assert refused(media_server.url("/gone.png"), local_options).reason == "http-404"


# --- what comes back -----------------------------------------------------------------------

def test_html_sold_as_jpeg_is_not_an_image(media_server: MediaServer,
                                           local_options: FetchOptions):
    result = refused(media_server.url("/fake.jpg"), local_options)
    assert result.reason == "not-an-image"
    assert "image/jpeg" in result.message and "<!doctype html>" in result.message


def test_formats_outside_the_accepted_list_are_not_images(media_server: MediaServer,
                                                          local_options: FetchOptions):
    """Pillow reads PPM, but a social platform never serves it: not decoded at all."""
    assert refused(media_server.url("/image.ppm"), local_options).reason == "not-an-image"


def test_a_truncated_jpeg_is_undecodable(media_server: MediaServer, local_options: FetchOptions):
    assert refused(media_server.url("/truncated.jpg"), local_options).reason == "undecodable"


@pytest.mark.parametrize("path", ["/bomb.png", "/large.png"])
def test_decompression_bombs_are_refused_from_the_header(media_server: MediaServer,
                                                         local_options: FetchOptions,
                                                         path: str):
    """100000x100000 trips Pillow's own guard; 5000x5000 trips ours (max_pixels 1M)."""
    assert refused(media_server.url(path), local_options).reason == "decompression-bomb"


@pytest.mark.parametrize("path", ["/endless.png", "/endless-chunked.jpg"])
def test_a_body_without_content_length_stops_at_the_cap(media_server: MediaServer,
                                                        local_options: FetchOptions, path: str):
    result = refused(media_server.url(path), local_options)
    assert result.reason == "too-large" and "more than 262144 bytes" in result.message


def test_a_declared_length_over_the_cap_is_refused_before_reading(
        media_server: MediaServer, local_options: FetchOptions):
    result = refused(media_server.url("/lying-length.png"), local_options)
    assert result.reason == "too-large" and "declares 50000000 bytes" in result.message


def test_a_server_that_does_not_answer_times_out(media_server: MediaServer,
                                                 local_options: FetchOptions):
    options = local_options.model_copy(update={"timeout_seconds": 0.5})
    assert refused(media_server.url("/slow.png"), options).reason == "timeout"


def test_a_body_that_trickles_in_hits_the_deadline(media_server: MediaServer,
                                                   local_options: FetchOptions):
    """Each byte comes well within the read timeout; only the whole-fetch deadline ends it."""
    options = local_options.model_copy(update={"timeout_seconds": 0.5})
    result = refused(media_server.url("/trickle.png"), options)
    assert result.reason == "timeout" and "body not received" in result.message


# --- batches -------------------------------------------------------------------------------

def test_a_batch_keeps_order_fetches_a_repeated_url_once_and_survives_refusals(
        media_server: MediaServer, local_options: FetchOptions):
    photo, fake = media_server.url("/photo-as-octets"), media_server.url("/fake.jpg")
    private = media_server.url("/redirect-metadata")
    urls = [photo, fake, photo, "gopher://x/y", private, photo]
    before = media_server.requests["/photo-as-octets"]
    with MediaFetcher(local_options) as fetcher:
        results = fetcher.fetch_many(urls)
    assert [r.reason if isinstance(r, Refused) else "ok" for r in results] == [
        "ok", "not-an-image", "ok", "scheme", "private-address", "ok"]
    assert [r.url for r in results] == urls
    assert media_server.requests["/photo-as-octets"] - before == 1


def test_a_batch_runs_fetches_concurrently_within_the_bound(media_server: MediaServer,
                                                            local_options: FetchOptions):
    options = local_options.model_copy(update={"concurrency": 2})
    with MediaFetcher(options) as fetcher:
        results = fetcher.fetch_many([media_server.url(f"/meet/{n}") for n in range(4)])
    assert all(isinstance(r, Fetched) for r in results)
    assert media_server.max_in_flight == 2


def test_options_reject_unknown_fields():
    with pytest.raises(ValueError, match="allow_list"):
        FetchOptions(allow_list=["127.0.0.1"])  # type: ignore[call-arg]
