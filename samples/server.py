"""The sample-sources server: one local HTTP server that answers like each platform's API,
from bundled corpora, so the demo and the tests crawl for real (HTTP, pagination, rate limits,
auth, broken bodies) with no network.

    server, base_url = start_sample_server()      # a daemon thread on 127.0.0.1:<free port>
    server.platforms["mastodon"].statuses          # what a platform serves
    server.faults.add("429", "malformed")          # the next two API requests misbehave
    server.faults.add("503", prefix="/xrpc/")      # ... or only requests under a path
    server.shutdown()

or ``python -m samples.server --port 8765``. Every platform is a module of
:mod:`samples.platforms` defining a :class:`Platform` subclass: its routes, its data
and its auth. The core here does the HTTP, the request log, ``/media/*``, ``/robots.txt`` and
fault injection, which applies to every route a platform marks ``api=True``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).parent
MEDIA = HERE / "media"
FAULTS = ("429", "503", "401", "malformed", "truncated", "html")


@dataclass
class Faults:
    """Misbehaviour on demand: each queued fault answers one API request (the first one whose
    path starts with the fault's prefix), in order."""

    pending: deque[tuple[str, str]] = field(default_factory=deque)
    retry_after: int = 1
    delay: float = 0.0  # seconds added to every API request, to make crawls slow enough to kill
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, *kinds: str, prefix: str = "") -> None:
        unknown = set(kinds) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {FAULTS}")
        with self.lock:
            self.pending.extend((kind, prefix) for kind in kinds)

    def next(self, path: str) -> str | None:
        with self.lock:
            for entry in self.pending:
                if path.startswith(entry[1]):
                    self.pending.remove(entry)
                    return entry[0]
        return None


@dataclass
class Request:
    """One request as a route sees it: query parameters parsed, header names lowercased."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.params.get(name)
        return values[0] if values else default

    def int_param(self, name: str, default: int | None = None) -> int | None:
        """An integer parameter; a malformed one counts as absent, as lenient APIs do."""
        try:
            return int(self.params[name][0]) if name in self.params else default
        except ValueError:
            return default

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        """An ``application/x-www-form-urlencoded`` body."""
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def bearer(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth[7:].strip() if auth.lower().startswith("bearer ") else None


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def as_json(value: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, json.dumps(value, ensure_ascii=False).encode(), headers=headers)


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., Reply]
    api: bool = True  # faults and the delay apply to API routes only


class Platform:
    """One platform's API on the sample server. Subclasses set ``name``, build their data in
    ``__init__`` and return their routes from ``routes()``; handlers take the
    :class:`Request` plus the route pattern's named groups and return a :class:`Reply`."""

    name: ClassVar[str]
    robots_disallow: ClassVar[tuple[str, ...]] = ()
    sample_credentials: ClassVar[dict[str, str]] = {}
    """Settings field -> value the sample API accepts."""

    def __init__(self, server: SampleServer):
        self.server = server

    def routes(self) -> list[Route]:
        raise NotImplementedError

    def route(self, method: str, pattern: str, handler: Callable[..., Reply],
              api: bool = True) -> Route:
        return Route(method, re.compile(pattern), handler, api)

    def describe(self) -> str:
        """One line for the server's start-up banner."""
        return self.name

    def settings(self) -> dict[str, str]:
        """The Sensing settings that point the platform's spider at this server, as a
        deployment's settings point it at the real platform: the base URL and the sample
        credentials. Platforms whose API lives under a path or on two URLs override it."""
        from sensing.config import Settings

        found = dict(self.sample_credentials)
        if f"{self.name}_base_url" in Settings.model_fields:
            found[f"{self.name}_base_url"] = self.server.base_url
        return found

    def demo_options(self) -> dict[str, Any] | list[dict[str, Any]]:
        """The spider options a campaign needs to crawl this platform on this server (e.g.
        the feed URLs, which carry the server's port), or a list of option sets, one crawl
        each; the demo puts them in the campaign."""
        return {}


def platform_classes() -> list[type[Platform]]:
    """Every platform module under ``samples.platforms``, imported once."""
    import samples.platforms as package

    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found.extend(obj for obj in vars(module).values()
                     if isinstance(obj, type) and issubclass(obj, Platform)
                     and obj is not Platform and obj.__module__ == module.__name__)
    return found


class SampleServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int]):
        super().__init__(address, Handler)
        self.faults = Faults()
        self.requests: list[tuple[float, str, int]] = []  # (time, path, status) per request
        self.lock = threading.Lock()
        self.platforms: dict[str, Platform] = {cls.name: cls(self) for cls in platform_classes()}
        self.routes: list[Route] = [
            Route("GET", re.compile(r"/media/(?P<name>[\w.-]+)"), self.media, api=False),
            Route("GET", re.compile(r"/robots.txt"), self.robots, api=False),
        ]
        for platform in self.platforms.values():
            self.routes.extend(platform.routes())

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def sample_settings(self) -> dict[str, str]:
        """Settings that point every source at this server (base URLs and credentials)."""
        return {k: v for p in self.platforms.values() for k, v in p.settings().items()}

    def demo_options(self) -> dict[str, dict[str, Any] | list[dict[str, Any]]]:
        """Per source, the spider options a campaign needs to crawl it here."""
        return {name: found for name, p in self.platforms.items() if (found := p.demo_options())}

    def media(self, request: Request, name: str) -> Reply:
        file = MEDIA / name
        if not file.is_file():
            return as_json({"error": "not found"}, 404)
        kind = "image/png" if name.endswith(".png") else "image/jpeg"
        return Reply(200, file.read_bytes(), kind)

    def robots(self, request: Request) -> Reply:
        disallow = ["/admin/", *(path for p in self.platforms.values()
                                 for path in p.robots_disallow)]
        lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallow)]
        return Reply(200, ("\n".join(lines) + "\n").encode(), "text/plain")

    def answer(self, request: Request) -> Reply:
        allowed: set[str] = set()
        for route in self.routes:
            if match := route.pattern.fullmatch(request.path):
                if route.method != request.method:
                    allowed.add(route.method)
                    continue
                if route.api:
                    if self.faults.delay:
                        time.sleep(self.faults.delay)
                    if fault := self.faults.next(request.path):
                        return self.misbehave(fault)
                return route.handler(request, **match.groupdict())
        if allowed:
            return as_json({"error": "Method not allowed"}, 405,
                           Allow=", ".join(sorted(allowed)))
        return as_json({"error": "Not found"}, 404)

    def misbehave(self, fault: str) -> Reply:
        if fault == "429":
            return as_json({"error": "Too many requests"}, 429,
                           **{"Retry-After": str(self.faults.retry_after)})
        if fault == "503":
            return as_json({"error": "Service unavailable"}, 503)
        if fault == "401":
            return as_json({"error": "The access token is invalid"}, 401)
        if fault == "malformed":
            return Reply(200, b'[{"id": "1", "content": ')
        if fault == "truncated":
            return Reply(200, b'{"items": [{"id": "1", "text": "a body cut off in the mi')
        return Reply(200, b"<html><body><h1>Maintenance</h1></body></html>",
                     "text/html; charset=utf-8")


class Handler(BaseHTTPRequestHandler):
    server: SampleServer
    protocol_version = "HTTP/1.1"

    def handle_any(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(method=self.command, path=parts.path, params=parse_qs(parts.query),
                          headers={k.lower(): v for k, v in self.headers.items()},
                          body=self.rfile.read(length) if length else b"")
        reply = self.server.answer(request)
        with self.server.lock:
            self.server.requests.append((time.monotonic(), self.path, reply.status))
        self.send_response(reply.status, HTTPStatus(reply.status).phrase)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = handle_any  # the http.server hook names

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the request log is ``server.requests``."""


def start_sample_server(host: str = "127.0.0.1", port: int = 0) -> tuple[SampleServer, str]:
    """Serve in a daemon thread; returns the server (``.shutdown()`` stops it) and base URL."""
    server = SampleServer((host, port))
    threading.Thread(target=server.serve_forever, name="sample-sources", daemon=True).start()
    return server, server.base_url


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the sample sources (platform APIs).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = SampleServer((args.host, args.port))
    print(f"sample sources at {server.base_url}; Ctrl-C stops")
    for platform in server.platforms.values():
        print(f"  {platform.describe()}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    # Run as a script this module is ``__main__``, whose Platform class is not the one the
    # platform modules subclass: start from the importable module instead.
    from samples.server import main as importable_main

    importable_main()
