"""Alert delivery against a webhook receiver on loopback, through the real Redis and a real
worker: an alert stored before a crash is delivered once the worker is back (as Sensing's
JSON and as a Slack-compatible message), and a receiver that fails is tried again."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from sensing.alerts import Alert, Delivery, Driver, Explanation
from sensing.config import Settings, Webhook
from sensing.schemas import utcnow
from sensing.store import Store


class Receiver(ThreadingHTTPServer):
    """Records each POST (path, JSON body); answers 500 to the first ``failures``."""

    def __init__(self, failures: int = 0):
        self.received: list[tuple[str, dict]] = []
        self.failures = failures
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if server.failures > 0:
                    server.failures -= 1
                    self.send_response(500)
                else:
                    server.received.append((self.path, body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> Iterator[Receiver]:
    server = Receiver(failures=getattr(request, "param", 0))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def stored_alert(store: Store, minutes_ago: float, targets: tuple[str, ...]) -> Alert:
    detected = utcnow() - timedelta(minutes=minutes_ago)
    alert = Alert(id="x2:spike:-:20261016T12", campaign_id="x2", kind="spike",
                  window_start=detected - timedelta(hours=1), window_end=detected,
                  detected_at=detected, observed=45, baseline=5, z=12.5, posts=45,
                  summary="45 posts in the hour to 12:00 UTC against a median of 5",
                  explanation=Explanation(hashtags=[Driver(key="recall", count=40,
                                                           baseline=0, lift=81.0)],
                                          posts=["mastodon:a/1"]),
                  deliveries=[Delivery(target=t) for t in targets])
    store.save_alert(alert)
    return alert


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def hooks(settings: Settings, receiver: Receiver) -> Settings:
    return settings.model_copy(update={"alert_webhooks": {
        "ops": Webhook(url=f"{receiver.url}/ops"),
        "chat": Webhook(url=f"{receiver.url}/chat", format="slack")}})


def test_an_alert_stored_before_a_crash_is_delivered_when_the_worker_is_back(
        celery_app: Celery, settings: Settings, store: Store, receiver: Receiver) -> None:
    alert = stored_alert(store, minutes_ago=45, targets=("ops", "chat"))  # then the crash
    celery_app.conf.sensing_settings = hooks(settings, receiver)
    with start_worker(celery_app, pool="threads", concurrency=2, perform_ping_check=False,
                      queues=["analyze"], shutdown_timeout=30):
        checked = celery_app.send_task("sensing.check_alerts", queue="analyze").get(timeout=60)
        assert checked["resent"] == [alert.id]
        wait_for(lambda: len(receiver.received) == 2)
        wait_for(lambda: not store.get_alert(alert.id).pending)
    by_path = dict(receiver.received)
    assert by_path["/ops"]["alert"]["id"] == alert.id
    assert by_path["/ops"]["alert"]["explanation"]["hashtags"][0]["key"] == "recall"
    assert "deliveries" not in by_path["/ops"]["alert"]
    assert by_path["/chat"]["text"].startswith("[x2] Spike: 45 posts")
    assert "recall (40 posts, ×81)" in json.dumps(by_path["/chat"]["blocks"],
                                                  ensure_ascii=False)
    assert {d.target: (d.status, d.attempts) for d in store.get_alert(alert.id).deliveries} \
        == {"ops": ("delivered", 1), "chat": ("delivered", 1)}


@pytest.mark.parametrize("receiver", [1], indirect=True)  # the first request fails
def test_a_failing_receiver_is_tried_again_with_back_off(
        celery_app: Celery, worker: None, settings: Settings, store: Store,
        receiver: Receiver) -> None:
    celery_app.conf.sensing_settings = hooks(settings, receiver)
    alert = stored_alert(store, minutes_ago=0, targets=("ops",))
    began = time.monotonic()
    done = celery_app.send_task("sensing.deliver_alert", queue="analyze",
                                args=[alert.id]).get(timeout=60)
    assert done["deliveries"] == {"ops": "delivered"}
    assert time.monotonic() - began >= 9  # the 10 s back-off
    [delivery] = store.get_alert(alert.id).deliveries
    assert (delivery.attempts, delivery.last_error) == (2, None)
    assert [path for path, _ in receiver.received] == ["/ops"]


def test_a_recent_pending_alert_is_not_sent_twice(celery_app: Celery, worker: None,
                                                   settings: Settings, store: Store,
                                                   receiver: Receiver) -> None:
    """One its delivery task is still working on (detected minutes ago) is left to it."""
    celery_app.conf.sensing_settings = hooks(settings, receiver)
    stored_alert(store, minutes_ago=5, targets=("ops",))
    checked = celery_app.send_task("sensing.check_alerts", queue="analyze").get(timeout=60)
    assert checked == {"raised": [], "resent": []}
