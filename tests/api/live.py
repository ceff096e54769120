"""Helpers for the API tests that need a real HTTP server: keep-alive connections, streamed
request bodies and the fuzz run go through uvicorn on loopback, as a client's requests do."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from api.app import create_app
from sensing.config import Settings
from sensing.schemas import Campaign
from sensing.store.sqlite import SqliteStore
from tests.api.test_api import CAMPAIGN, seeded_posts
from workers.app import make_celery


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port; yields its base URL."""
    sock = socket.socket()
    # Without it, replies written in two parts wait out the client's delayed ACK (~40 ms).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name=f"api-test-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test API server did not start within 20 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def seeded_app(data_dir: Path, **settings: object) -> tuple[FastAPI, SqliteStore]:
    """The API over a SQLite store holding the sample posts and campaign ``x2``."""
    config = Settings(data_dir=data_dir, **settings)
    store = SqliteStore(config.sqlite_file)
    store.setup()
    store.upsert_posts(seeded_posts())
    store.save_campaign(Campaign.model_validate(CAMPAIGN))
    return create_app(config, store=store, celery=make_celery(config)), store

