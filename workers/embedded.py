"""A real Celery worker running inside the current process, for the embedded deployment.

``sensing demo`` needs analysis to happen without a separate worker process or a broker
server: the file-system broker plus this in-process worker give the same task semantics
(acks, retries, results) as production, on one machine with zero services.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from celery import Celery


@contextmanager
def embedded_worker(app: Celery, queues: tuple[str, ...] = ("analyze",),
                    concurrency: int = 1) -> Iterator[None]:
    """Run a worker consuming ``queues`` in a background thread until the block exits."""
    worker = app.WorkController(
        pool_cls="solo" if concurrency == 1 else "threads",
        concurrency=concurrency,
        queues=list(queues),
        hostname=f"embedded-{threading.get_ident()}@localhost",
        without_heartbeat=True, without_mingle=True, without_gossip=True,
        loglevel="WARNING",
    )

    def run() -> None:
        # Tasks find their app through Celery's thread-local "current app": make it ours in
        # the worker's thread (and as the default for the pool's threads).
        app.set_current()
        app.set_default()
        worker.start()

    thread = threading.Thread(target=run, name="sensing-embedded-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        worker.stop(in_sighandler=False)
        thread.join(timeout=30)
