"""Images/s of image analysis (fetch + hash + labels + OCR) through the ``media`` step, against
a naive baseline that does the same work one image at a time, side by side in one process.

    python bench/vision.py [--images 40] [--batch 20] [--latency-ms 30] [--no-labels] [--no-ocr]

A loopback HTTP server serves the sample corpus's images (samples/media), each under
many distinct URLs so that no fetch is saved by the step's one-fetch-per-URL rule, after
``--latency-ms`` of delay per request, which stands in for a CDN's round trip (0 measures the
pure CPU cost). The step runs on batches of ``--batch`` posts with one image each, as workers
do: concurrent guarded fetches (bounded by the fetch concurrency), then per image pHash,
labels and OCR. The baseline fetches each image with a plain HTTP client, decodes, hashes,
labels and reads it before the next. Both use the same labeller and OCR, loaded (and warmed
on one image) before anything is timed.
"""

from __future__ import annotations

import argparse
import io
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pipeline import BatchContext  # noqa: E402
from samples.pictures import NOT_AN_IMAGE  # noqa: E402 - after the path set-up
from samples.server import MEDIA  # noqa: E402
from sensing.schemas import AuthorRef, Media, Post  # noqa: E402
from vision.fetch import FetchOptions  # noqa: E402
from vision.phash import image_hashes  # noqa: E402
from vision.step import MediaOptions, MediaStep, default_labeller, default_reader  # noqa: E402

LANGS = ["en"]
"""OCR languages of both runs (the same, so that both run the same engines)."""
T0 = datetime(2026, 10, 16, tzinfo=UTC)


def sample_names() -> list[str]:
    """The sample corpus's images, by name, without the HTML page that poses as one."""
    return sorted(path.name for path in MEDIA.iterdir() if path.name != NOT_AN_IMAGE)


def serve(latency: float) -> tuple[ThreadingHTTPServer, str]:
    """The sample images at ``/{n}/{name}``, each answer after ``latency`` seconds."""
    files = {name: (MEDIA / name).read_bytes() for name in sample_names()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body in two writes: no delayed-ACK stall

        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            body = files.get(self.path.rsplit("/", 1)[-1])
            time.sleep(latency)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "image/png" if self.path.endswith(".png")
                             else "image/jpeg")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def image_urls(base: str, total: int) -> list[str]:
    names = sample_names()
    return [f"{base}/{n}/{names[n % len(names)]}" for n in range(total)]


def baseline(urls: list[str], labels: bool, ocr: bool) -> float:
    """Seconds to fetch, decode, hash, label and read every image, one after the other."""
    started = time.perf_counter()
    with httpx.Client() as client:
        for url in urls:
            image = Image.open(io.BytesIO(client.get(url).content)).convert("RGB")
            image_hashes(image)
            if labels:
                default_labeller(image)
            if ocr:
                default_reader(image, LANGS)
    return time.perf_counter() - started


def with_step(urls: list[str], batch: int, labels: bool, ocr: bool) -> float:
    """Seconds for the ``media`` step over batches of posts with one image each."""
    step = MediaStep(MediaOptions(fetch=FetchOptions(allow=["127.0.0.1"]), labels=labels,
                                  ocr=ocr, ocr_langs=LANGS))
    posts = [Post(id=f"bench:{n}", source="bench", created_at=T0 + timedelta(seconds=n),
                  author=AuthorRef(id="bench:a"), media=[Media(url=url)])
             for n, url in enumerate(urls)]
    started = time.perf_counter()
    for start in range(0, len(posts), batch):
        step(posts[start:start + batch], BatchContext())
    elapsed = time.perf_counter() - started
    errors = [m.error for p in posts for m in p.media if m.error]
    if errors:
        raise SystemExit(f"the step refused or failed on images: {sorted(set(errors))}")
    return elapsed


def timed(label: str, run: Callable[[], float], count: int) -> float:
    seconds = run()
    print(f"{label:<44} {count / seconds:7.1f} images/s  ({seconds:6.2f} s)")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--no-labels", action="store_true")
    parser.add_argument("--no-ocr", action="store_true")
    args = parser.parse_args()
    labels, ocr = not args.no_labels, not args.no_ocr
    server, base = serve(args.latency_ms / 1000)
    try:
        warm = Image.open(MEDIA / "price-tag.png").convert("RGB")
        if labels:
            default_labeller(warm)
        if ocr:
            default_reader(warm, LANGS)
        parts = "+".join(["fetch", "hash", *(["labels"] if labels else []),
                          *(["ocr"] if ocr else [])])
        print(f"{args.images} images, {parts}, {args.latency_ms:g} ms latency per request, "
              f"batches of {args.batch}")
        first = timed("baseline: one by one", lambda: baseline(
            image_urls(f"{base}/a", args.images), labels, ocr), args.images)
        second = timed("media step: concurrent fetch, then analysis", lambda: with_step(
            image_urls(f"{base}/b", args.images), args.batch, labels, ocr), args.images)
        print(f"ratio (step / baseline images/s): {first / second:.2f}x")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
