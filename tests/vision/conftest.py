"""A real HTTP server on loopback that serves what strangers' media URLs can lead to: real
images, lies (HTML sold as JPEG), bombs, endless bodies, slow answers and redirects into the
private network. Started once per test session in a thread; it records every request, so
tests can prove a refused URL was never even asked for."""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.vision import images
from vision.fetch import FetchOptions

Route = Callable[["Handler"], None]


@dataclass
class MediaServer:
    base_url: str
    stop: threading.Event
    requests: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    flight: threading.Condition = field(default_factory=threading.Condition)

    def url(self, path: str) -> str:
        return self.base_url + path


def _send(handler: Handler, body: bytes, content_type: str, status: int = 200) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _file(body: bytes, content_type: str) -> Route:
    return lambda handler: _send(handler, body, content_type)


def _redirect(location: str) -> Route:
    def route(handler: Handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return route


def _endless_close_delimited(handler: Handler) -> None:
    """No Content-Length: the body ends when the server closes (2 MB, or the client leaves)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    handler.wfile.write(images.png_declaring(10, 10)[:16])
    for _ in range(64):
        handler.wfile.write(b"\x00" * 32_768)


def _endless_chunked(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "image/jpeg")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for _ in range(64):
        handler.wfile.write(b"8000\r\n" + b"\xff" * 32_768 + b"\r\n")
    handler.wfile.write(b"0\r\n\r\n")


def _lying_length(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.send_header("Content-Length", "50000000")
    handler.end_headers()
    handler.wfile.write(b"\x89PNG")


def _slow_headers(handler: Handler) -> None:
    """Accepts the connection, then says nothing until the test session ends (or 10 s)."""
    handler.server.media.stop.wait(10)  # type: ignore[attr-defined]
    _send(handler, images.encoded(images.synthetic_photo(1), "PNG"), "image/png")


def _trickle(handler: Handler) -> None:
    """Answers at once, then sends a byte every 50 ms: never idle long enough for a read
    timeout, so only a deadline for the whole fetch stops it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    stop = handler.server.media.stop  # type: ignore[attr-defined]
    for _ in range(100):  # 5 s, then hang up: a fetcher without a deadline fails the test
        handler.wfile.write(b"\x00")
        handler.wfile.flush()
        if stop.wait(0.05):
            break
    handler.close_connection = True


def _meet_another(handler: Handler) -> None:
    """Waits (up to 3 s) until another request is in flight too, then answers: the server
    measures how many fetches a batch runs at once."""
    media: MediaServer = handler.server.media  # type: ignore[attr-defined]
    with media.flight:
        media.in_flight += 1
        media.max_in_flight = max(media.max_in_flight, media.in_flight)
        media.flight.notify_all()
        media.flight.wait_for(lambda: media.in_flight >= 2, timeout=3)
    time.sleep(0.05)
    with media.flight:
        media.in_flight -= 1
    _send(handler, images.encoded(images.synthetic_photo(int(handler.path[-1])), "PNG"),
          "image/png")


def _routes() -> dict[str, Route]:
    photo = images.synthetic_photo(7)
    jpeg = images.encoded(photo, "JPEG", quality=90)
    routes: dict[str, Route] = {
        "/photo.jpg": _file(jpeg, "image/jpeg"),
        "/photo-as-octets": _file(jpeg, "application/octet-stream"),
        "/fake.jpg": _file(b"<!doctype html><html><body>Not found</body></html>",
                           "image/jpeg"),
        "/image.ppm": _file(images.encoded(images.resized(photo, 0.25), "PPM"),
                            "image/x-portable-pixmap"),
        "/truncated.jpg": _file(jpeg[: len(jpeg) // 2], "image/jpeg"),
        "/bomb.png": _file(images.png_declaring(100_000, 100_000), "image/png"),
        "/large.png": _file(images.png_declaring(5_000, 5_000), "image/png"),
        "/endless.png": _endless_close_delimited,
        "/endless-chunked.jpg": _endless_chunked,
        "/lying-length.png": _lying_length,
        "/slow.png": _slow_headers,
        "/trickle.png": _trickle,
        "/animated.gif": _file(images.animated_gif(), "image/gif"),
        "/rotated.jpg": _file(images.rotated_jpeg(), "image/jpeg"),
        "/transparent.png": _file(images.transparent_png(), "image/png"),
        "/redirect-metadata": _redirect("http://169.254.169.254/latest/meta-data/"),
        "/redirect-private-v6": _redirect("http://[::ffff:10.0.0.1]/x.png"),
        "/redirect-file": _redirect("file:///etc/passwd"),
        "/redirect-photo": _redirect("/photo.jpg"),
        "/loop": _redirect("/loop"),
    }
    for sample in images.SAMPLE_MEDIA.glob("*.png"):
        routes[f"/media/{sample.name}"] = _file(sample.read_bytes(), "image/png")
    for n in range(4):
        routes[f"/meet/{n}"] = _meet_another
    return routes


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: dict[str, Route] = {}

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        media: MediaServer = self.server.media  # type: ignore[attr-defined]
        media.requests[self.path] += 1
        route = self.routes.get(self.path)
        if route is None:
            _send(self, b"no such media", "text/plain", status=404)
        else:
            route(self)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the tests assert on recorded requests instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A fetcher hanging up mid-body (the byte cap, the deadline) is expected here."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def media_server() -> Iterator[MediaServer]:
    Handler.routes = _routes()
    server = _Server(("127.0.0.1", 0), Handler)
    media = MediaServer(base_url=f"http://127.0.0.1:{server.server_address[1]}",
                        stop=threading.Event())
    server.media = media  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield media
    media.stop.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_options() -> FetchOptions:
    """Options for fetching from the loopback server: 127.0.0.1 allow-listed, small limits
    so the refusal paths are quick."""
    return FetchOptions(allow=["127.0.0.1"], max_bytes=256 * 1024, max_pixels=1_000_000,
                        timeout_seconds=2.0)
