"""Fetching post images safely: a URL from a stranger's post becomes either a decoded image
or a :class:`Refused` with a reason code, never an exception that sinks a batch.

What can go wrong, and the ``reason`` code each gives:

- ``bad-url`` (unparseable, no host), ``scheme`` (not http or https, redirects included);
- ``dns`` (the host does not resolve), ``private-address`` (it resolves to a loopback,
  private, link-local or otherwise non-public address not on the allow-list; checked on
  every connection, see :mod:`vision.netguard`), ``network`` (refused, reset, cut short);
- ``timeout`` (one deadline for the whole fetch: connecting, redirects and a body that
  trickles in), ``too-many-redirects``, ``http-<status>`` (any answer but 200);
- ``too-large`` (the body passes the byte cap; the cap is counted while streaming, so a
  missing or lying Content-Length changes nothing);
- ``not-an-image`` (the bytes are not one of the accepted formats, whatever the
  Content-Type said), ``decompression-bomb`` (the image declares more pixels than allowed:
  checked from the header, before any pixel is decoded), ``undecodable`` (a broken file).

An accepted image is returned upright (EXIF orientation applied), as its first frame when
animated, in RGB (transparency composited on white), with facts about what was fetched.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from PIL import Image, ImageOps, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field

from vision.netguard import AddressPolicy, GuardedTransport, Refusal

# Formats decoded from untrusted bytes: what social platforms serve. Pillow can open many
# more (EPS hands the file to Ghostscript), and each one is attack surface.
ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP")  # a JPEG may open as "MPO"


class FetchOptions(BaseModel):
    """How media is fetched; a worker builds it from the settings (``SENSING_MEDIA_*``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    allow: list[str] = Field(default_factory=list, description="Host names or networks "
                             "(CIDR) fetched from even though they are not public addresses: "
                             "local test servers, the demo's sample server. Empty in "
                             "production.")
    max_bytes: int = Field(10 * 1024 * 1024, ge=1, description="A longer body is refused; "
                           "counted while streaming.")
    max_pixels: int = Field(40_000_000, ge=1, description="An image declaring more pixels "
                            "is refused before it is decoded (decompression bombs).")
    timeout_seconds: float = Field(10.0, gt=0, description="Deadline of one fetch, "
                                   "redirects and body included.")
    max_redirects: int = Field(5, ge=0)
    concurrency: int = Field(8, ge=1, le=64, description="Fetches in flight in a batch.")
    user_agent: str = "SensingBot/0.1 (social listening; media fetcher)"


@dataclass(frozen=True)
class Fetched:
    """An image that passed every check, with facts about the fetch."""

    url: str
    final_url: str
    image: Image.Image
    format: str
    content_type: str | None
    nbytes: int
    animated: bool

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of the upright image."""
        return self.image.size


@dataclass(frozen=True)
class Refused:
    """A URL that was not fetched or not decoded: ``reason`` is a code for machines (see the
    module docstring), ``message`` says what was wrong for people."""

    url: str
    reason: str
    message: str


FetchResult = Fetched | Refused


class MediaFetcher:
    """Fetches images over one connection pool; use it as a context manager, one per batch
    or per worker. Thread-safe: :meth:`fetch_many` runs fetches on a bounded thread pool."""

    def __init__(self, options: FetchOptions | None = None):
        self.options = options if options is not None else FetchOptions()
        transport = GuardedTransport(AddressPolicy(self.options.allow),
                                     max_connections=self.options.concurrency)
        self.client = httpx.Client(
            transport=transport, follow_redirects=False, trust_env=False,
            headers={"User-Agent": self.options.user_agent, "Accept": "image/*",
                     # Images are compressed already; a gzip layer only hides the size.
                     "Accept-Encoding": "identity"})

    def __enter__(self) -> MediaFetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def fetch_many(self, urls: Sequence[str]) -> list[FetchResult]:
        """One result per URL, in order. A URL repeated in the batch (the same image in
        several posts) is fetched once."""
        unique = list(dict.fromkeys(urls))
        if not unique:
            return []
        workers = min(self.options.concurrency, len(unique))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="media-fetch") as pool:
            by_url = dict(zip(unique, pool.map(self.fetch, unique), strict=True))
        return [by_url[url] for url in urls]

    def fetch(self, url: str) -> FetchResult:
        """Fetch and decode one image; every failure is a :class:`Refused`."""
        try:
            final_url, content_type, data = self._download(url)
            image, fmt, animated = decode_image(data, self.options.max_pixels, content_type)
        except Refusal as refusal:
            return Refused(url, refusal.reason, refusal.message)
        return Fetched(url=url, final_url=final_url, image=image, format=fmt,
                       content_type=content_type, nbytes=len(data), animated=animated)

    def _download(self, url: str) -> tuple[str, str | None, bytes]:
        """Follow redirects by hand, so each hop's scheme is checked and hops are counted;
        each hop's connection is checked by the guarded transport."""
        deadline = time.monotonic() + self.options.timeout_seconds
        current = checked_url(url)
        for _hop in range(self.options.max_redirects + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Refusal("timeout", f"{url}: no answer within "
                              f"{self.options.timeout_seconds:g} s (redirects included)")
            request = self.client.build_request("GET", current, timeout=remaining)
            with _network_errors(current, self.options.timeout_seconds):
                response = self.client.send(request, stream=True)
                try:
                    if response.is_redirect:
                        location = response.headers["location"]
                        current = checked_url(str(response.url.join(location)))
                        continue
                    if response.status_code != 200:
                        raise Refusal(f"http-{response.status_code}",
                                      f"{current} answered HTTP {response.status_code}")
                    data = self._read_body(response, deadline)
                    return str(response.url), response.headers.get("content-type"), data
                finally:
                    response.close()
        raise Refusal("too-many-redirects",
                      f"{url}: more than {self.options.max_redirects} redirects")

    def _read_body(self, response: httpx.Response, deadline: float) -> bytes:
        """The body, stopped at the byte cap and the deadline; a declared Content-Length is
        used only to refuse early, never trusted to bound what is read."""
        cap = self.options.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise Refusal("too-large", f"{response.url} declares {declared} bytes; the limit "
                          f"is {cap}")
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > cap:
                raise Refusal("too-large", f"{response.url} sent more than {cap} bytes")
            if time.monotonic() > deadline:
                raise Refusal("timeout", f"{response.url}: body not received within "
                              f"{self.options.timeout_seconds:g} s")
        return bytes(body)


def checked_url(url: str) -> httpx.URL:
    """The URL parsed, or a refusal if it is not an http(s) URL with a host."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise Refusal("bad-url", f"{url!r} is not a valid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https"):
        raise Refusal("scheme", f"{url!r}: only http and https media URLs are fetched")
    if not parsed.host:
        raise Refusal("bad-url", f"{url!r} has no host")
    return parsed


@contextmanager
def _network_errors(url: httpx.URL, timeout: float) -> Iterator[None]:
    """httpx's exceptions as refusals (a :class:`Refusal` from the guard passes through)."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise Refusal("timeout", f"{url}: no answer within {timeout:g} s "
                      f"({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise Refusal("network", f"{url}: {type(exc).__name__}: {exc}") from exc


def decode_image(data: bytes, max_pixels: int,
                 content_type: str | None = None) -> tuple[Image.Image, str, bool]:
    """Decode untrusted bytes: (upright RGB first frame, format, animated). The format is
    sniffed from the bytes; the pixel count is checked from the header before decoding."""
    try:
        opened = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise Refusal("decompression-bomb", f"image declares too many pixels: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise Refusal("not-an-image", f"the body (declared {content_type or 'no type'}) is "
                      f"not a {'/'.join(ACCEPTED_FORMATS)} image; it starts with "
                      f"{data[:24]!r}") from exc
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on broken headers
        raise Refusal("undecodable", f"broken image header: {type(exc).__name__}: {exc}") \
            from exc
    with opened:
        width, height = opened.size
        if width * height > max_pixels:
            raise Refusal("decompression-bomb", f"{opened.format} image declares "
                          f"{width}x{height} pixels; the limit is {max_pixels}")
        fmt = opened.format or "unknown"
        try:
            animated = bool(getattr(opened, "is_animated", False))
            opened.seek(0)
            upright = ImageOps.exif_transpose(opened)
            return _as_rgb(upright), fmt, animated
        except Exception as exc:  # noqa: BLE001 - truncated or corrupt pixel data, any kind
            raise Refusal("undecodable", f"{fmt} image could not be decoded: "
                          f"{type(exc).__name__}: {exc}") from exc


def _as_rgb(image: Image.Image) -> Image.Image:
    """RGB for every later step. Transparency goes on white, as apps show it, so a product
    cut-out hashes like the same shot posted as a JPEG on white."""
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(canvas, rgba).convert("RGB")
    return image.convert("RGB")
