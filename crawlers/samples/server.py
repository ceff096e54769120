"""The sample-sources server: a local HTTP server that answers like a platform's API, from the
bundled corpus, so the demo and the tests crawl for real (HTTP, pagination, rate limits,
broken bodies) with no network.

    server, base_url = start_sample_server()      # a daemon thread on 127.0.0.1:<free port>
    server.faults.add("429", "malformed")          # the next two API requests misbehave
    server.shutdown()

or ``python -m crawlers.samples.server --port 8765``. Routes live in one table so other
platforms' APIs can be added beside Mastodon's.

Mastodon (API v1/v2 shapes): ``/api/v1/timelines/tag/:tag`` (``max_id``, ``since_id``,
``min_id``, ``limit``; newest first; ``Link`` header with ``rel="next"``/``"prev"``),
``/api/v2/search`` (``q``, ``type=statuses``, ``limit``, ``offset``),
``/api/v1/accounts/:id``, ``/media/:file``, ``/robots.txt``. One deviation: tag timelines
include boosts of tagged posts, so the reposts in the corpus reach the crawler.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from sensing.query import QuerySyntaxError, matches, parse_query

HERE = Path(__file__).parent
MEDIA = HERE / "media"
TAG_STRIP = re.compile(r"<[^>]+>")
FAULTS = ("429", "503", "malformed", "truncated", "html")


def load_statuses() -> list[dict[str, Any]]:
    return json.loads((HERE / "mastodon_statuses.json").read_text(encoding="utf-8"))


@dataclass
class Faults:
    """Misbehaviour on demand: each queued fault answers one API request, in order."""

    pending: deque[str] = field(default_factory=deque)
    retry_after: int = 1
    delay: float = 0.0  # seconds added to every API request, to make crawls slow enough to kill
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, *kinds: str) -> None:
        unknown = set(kinds) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {FAULTS}")
        with self.lock:
            self.pending.extend(kinds)

    def next(self) -> str | None:
        with self.lock:
            return self.pending.popleft() if self.pending else None


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def as_json(value: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, json.dumps(value, ensure_ascii=False).encode(), headers=headers)


def _int(params: dict[str, list[str]], name: str, default: int | None = None) -> int | None:
    try:
        return int(params[name][0]) if name in params else default
    except ValueError:
        return default


def _plain(status: dict) -> str:
    source = status["reblog"] or status
    return TAG_STRIP.sub(" ", source["content"])


class SampleServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], statuses: list[dict] | None = None):
        super().__init__(address, Handler)
        self.statuses = sorted(statuses if statuses is not None else load_statuses(),
                               key=lambda s: int(s["id"]), reverse=True)
        self.faults = Faults()
        self.requests: list[tuple[float, str, int]] = []  # (time, path, status) per request
        self.lock = threading.Lock()
        self.routes: list[tuple[re.Pattern[str], Callable[..., Reply]]] = [
            (re.compile(r"/api/v1/timelines/tag/(?P<tag>[^/]+)"), self.tag_timeline),
            (re.compile(r"/api/v2/search"), self.search),
            (re.compile(r"/api/v1/accounts/(?P<account_id>\d+)"), self.account),
            (re.compile(r"/media/(?P<name>[\w.-]+)"), self.media),
            (re.compile(r"/robots.txt"), self.robots),
        ]

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def add_statuses(self, statuses: list[dict]) -> None:
        """New posts appear, as on a live instance between two crawls."""
        with self.lock:
            self.statuses = sorted([*self.statuses, *statuses], key=lambda s: int(s["id"]),
                                   reverse=True)

    def absolute(self, status: dict) -> dict:
        """Media URLs in the corpus are paths; a real API answers with full URLs."""
        out = dict(status)
        for key in ("media_attachments",):
            out[key] = [{**m, "url": self.base_url + m["url"],
                         "preview_url": self.base_url + m["preview_url"]} for m in status[key]]
        if status.get("reblog"):
            out["reblog"] = self.absolute(status["reblog"])
        return out

    # -- routes ----------------------------------------------------------------------------
    def tag_timeline(self, path: str, params: dict[str, list[str]], tag: str) -> Reply:
        wanted = unquote(tag).casefold()
        limit = max(1, min(_int(params, "limit", 20) or 20, 40))
        max_id, since_id, min_id = (_int(params, n) for n in ("max_id", "since_id", "min_id"))
        with self.lock:
            found = [s for s in self.statuses
                     if any(t["name"].casefold() == wanted for t in s["tags"])]
        found = [s for s in found if (max_id is None or int(s["id"]) < max_id)
                 and (since_id is None or int(s["id"]) > since_id)]
        if min_id is not None:  # the page just above min_id, still newest first
            found = [s for s in found if int(s["id"]) > min_id][-limit:]
        page = found[:limit]
        headers = {}
        if page:
            base = f"{self.base_url}{path}"
            links = [f'<{base}?{urlencode({"limit": limit, "max_id": page[-1]["id"]})}>; '
                     f'rel="next"',
                     f'<{base}?{urlencode({"limit": limit, "min_id": page[0]["id"]})}>; '
                     f'rel="prev"']
            headers["Link"] = ", ".join(links)
        return as_json([self.absolute(s) for s in page], **headers)

    def search(self, path: str, params: dict[str, list[str]]) -> Reply:
        query = params.get("q", [""])[0]
        try:
            node = parse_query(query)
        except QuerySyntaxError as exc:
            return as_json({"error": f"bad query: {exc.message}"}, 422)
        limit = max(1, min(_int(params, "limit", 20) or 20, 40))
        offset = max(0, _int(params, "offset", 0) or 0)
        with self.lock:
            found = [s for s in self.statuses if not s["reblog"] and matches(node, _plain(s))]
        page = found[offset:offset + limit]
        return as_json({"accounts": [], "hashtags": [],
                        "statuses": [self.absolute(s) for s in page]})

    def account(self, path: str, params: dict[str, list[str]], account_id: str) -> Reply:
        with self.lock:
            for status in self.statuses:
                if status["account"]["id"] == account_id:
                    return as_json(status["account"])
        return as_json({"error": "Record not found"}, 404)

    def media(self, path: str, params: dict[str, list[str]], name: str) -> Reply:
        file = MEDIA / name
        if not file.is_file():
            return as_json({"error": "not found"}, 404)
        kind = "image/png" if name.endswith(".png") else "image/jpeg"
        return Reply(200, file.read_bytes(), kind)

    def robots(self, path: str, params: dict[str, list[str]]) -> Reply:
        return Reply(200, b"User-agent: *\nDisallow: /admin/\n", "text/plain")

    def answer(self, target: str) -> Reply:
        parts = urlsplit(target)
        params = parse_qs(parts.query)
        for pattern, route in self.routes:
            if match := pattern.fullmatch(parts.path):
                if parts.path.startswith("/api/"):
                    if self.faults.delay:
                        time.sleep(self.faults.delay)
                    if fault := self.faults.next():
                        return self.misbehave(fault)
                return route(parts.path, params, **match.groupdict())
        return as_json({"error": "Not found"}, 404)

    def misbehave(self, fault: str) -> Reply:
        if fault == "429":
            return as_json({"error": "Too many requests"}, 429,
                           **{"Retry-After": str(self.faults.retry_after)})
        if fault == "503":
            return as_json({"error": "Service unavailable"}, 503)
        if fault == "malformed":
            return Reply(200, b'[{"id": "1", "content": ')
        if fault == "truncated":
            return Reply(200, json.dumps([self.absolute(self.statuses[0])]).encode()[:50])
        return Reply(200, b"<html><body><h1>Maintenance</h1></body></html>",
                     "text/html; charset=utf-8")


class Handler(BaseHTTPRequestHandler):
    server: SampleServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        reply = self.server.answer(self.path)
        with self.server.lock:
            self.server.requests.append((time.monotonic(), self.path, reply.status))
        self.send_response(reply.status, HTTPStatus(reply.status).phrase)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the request log is ``server.requests``."""


def start_sample_server(host: str = "127.0.0.1", port: int = 0,
                        statuses: list[dict] | None = None) -> tuple[SampleServer, str]:
    """Serve in a daemon thread; returns the server (``.shutdown()`` stops it) and base URL."""
    server = SampleServer((host, port), statuses)
    threading.Thread(target=server.serve_forever, name="sample-sources", daemon=True).start()
    return server, server.base_url


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the sample sources (Mastodon API).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = SampleServer((args.host, args.port))
    print(f"sample sources at {server.base_url} ({len(server.statuses)} statuses); Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
