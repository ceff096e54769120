"""Hostile input gets a clear 4xx, never a server error: datetimes whose offset carries them
past the calendar once converted to UTC, forged cursors, JSON that is not JSON (NaN,
Infinity, lone surrogates), huge inputs echoed back in errors, and bodies over the limit.

The requests are the ones a bounded schemathesis run and hand-made requests found answered
500 (or, for the keep-alive checks, left the connection reset)."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.live import seeded_app, serving
from tests.api.test_api import CAMPAIGN

JSON = {"content-type": "application/json"}
EDGE_DATETIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app, store = seeded_app(tmp_path)
    with TestClient(app) as client:  # a server error raises here, with its traceback
        yield client
    store.close()


def only_error(response: httpx.Response, status: int = 422) -> dict:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert len(detail) == 1, detail
    return detail[0]


# -- datetimes past the calendar once in UTC ---------------------------------------------------

@pytest.mark.parametrize("path, param", [("/posts", "since"), ("/posts", "until"),
                                         ("/aggregations", "since"),
                                         ("/aggregations", "until")])
@pytest.mark.parametrize("moment", EDGE_DATETIMES)
def test_a_time_filter_beyond_the_calendar_in_utc_is_a_422_naming_it(
        client: TestClient, path: str, param: str, moment: str) -> None:
    error = only_error(client.get(path, params={param: moment}))
    assert error["loc"] == ["query", param]
    assert moment in error["msg"] and "out of range" in error["msg"]
    assert "UTC" in error["msg"]


@pytest.mark.parametrize("path", ["/posts", "/aggregations"])
def test_the_calendar_edges_themselves_are_fine(client: TestClient, path: str) -> None:
    """Naive times are UTC (the data contract), so the first and last instants still filter
    (a naive first instant used to be read as local time: 'year 0 is out of range')."""
    for params in ({"since": "0001-01-01T00:00:00"}, {"since": "0001-01-01T00:00:00Z"},
                   {"until": "9999-12-31T23:59:59.999999"},
                   {"since": "0001-01-01T14:00:00+14:00", "until": "9999-12-31T09:59:59-14:00"}):
        response = client.get(path, params=params)
        assert response.status_code == 200, (params, response.text)
        assert response.json()["total"] == 30


@pytest.mark.parametrize("moment", EDGE_DATETIMES)
def test_a_campaign_launch_beyond_the_calendar_in_utc_is_a_422(
        client: TestClient, moment: str) -> None:
    error = only_error(client.post("/campaigns", json={**CAMPAIGN, "id": "edge",
                                                       "launch_at": moment}))
    assert error["loc"] == ["body", "launch_at"]
    assert "out of range" in error["msg"]


def test_a_campaign_whose_window_leaves_the_calendar_is_a_422(client: TestClient) -> None:
    """A launch on the calendar's last day has no room for its post-launch window: the
    schedule and the report would overflow computing it."""
    error = only_error(client.post("/campaigns", json={**CAMPAIGN, "id": "edge",
                                                       "launch_at": "9999-12-25T00:00:00Z"}))
    assert error["loc"] == ["body"]
    assert "post_window_days" in error["msg"] and "9999" in error["msg"]
    assert client.post("/campaigns", json={**CAMPAIGN, "id": "edge", "post_window_days": 0,
                                           "launch_at": "9999-12-25T00:00:00Z"}
                       ).status_code == 201


# -- forged cursors ----------------------------------------------------------------------------

def forged_cursor(payload: object) -> str:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("payload", [[moment, "mastodon:test.social/1"]
                                     for moment in EDGE_DATETIMES] + [b"[" * 5000])
def test_a_forged_cursor_is_a_400(client: TestClient, payload: object) -> None:
    response = client.get("/posts", params={"cursor": forged_cursor(payload)})
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("bad cursor: not a cursor from this API")


# -- JSON that is not JSON -------------------------------------------------------------------------

def body_with(fragment: str) -> bytes:
    """The sample campaign's JSON with ``fragment`` (``"key": value``, as raw JSON text)
    added."""
    return (json.dumps({**CAMPAIGN, "id": "hostile"})[:-1] + ", " + fragment + "}").encode()


NOT_JSON = [  # (raw body, where the error must point, what it must say)
    (body_with('"relevance_threshold": NaN'), ["body", "relevance_threshold"], "NaN"),
    (body_with('"pre_window_days": Infinity'), ["body", "pre_window_days"], "Infinity"),
    (body_with('"source_options": {"mastodon": {"limit": -Infinity}}'),
     ["body", "source_options", "mastodon", "limit"], "-Infinity"),
    (body_with('"languages": ["en", NaN]'), ["body", "languages", 1], "NaN"),
    (body_with('"description": "\\ud800"'), ["body", "description"], "U+D800"),
    (body_with('"name": "Nova \\udfff X2"'), ["body", "name"], "U+DFFF"),
    (body_with('"source_options": {"\\udc00": {}}'), ["body", "source_options"], "U+DC00"),
    # The same surrogate as raw bytes (UTF-8 would never encode it) rather than an escape.
    (body_with('"description": "@"').replace(b"@", b"\xed\xa0\x80"), ["body", "description"],
     "U+D800"),
]


@pytest.mark.parametrize("body, loc, token", NOT_JSON)
def test_json_that_is_not_json_is_a_422_saying_where(
        client: TestClient, body: bytes, loc: list, token: str) -> None:
    error = only_error(client.post("/campaigns", content=body, headers=JSON))
    assert error["loc"] == loc
    assert token in error["msg"]
    assert client.get("/campaigns/hostile").status_code == 404


def test_a_valid_surrogate_pair_is_an_ordinary_character(client: TestClient) -> None:
    response = client.post("/campaigns", content=body_with('"name": "Nova \\ud83d\\ude00"'),
                           headers=JSON)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Nova \U0001f600"


def client_port(response: httpx.Response) -> int:
    """The local port of the connection that carried ``response``."""
    return response.extensions["network_stream"].get_extra_info("client_addr")[1]


def test_after_a_hostile_body_the_connection_keeps_serving(tmp_path: Path) -> None:
    """Against a real server: each refusal is an ordinary answer, so the keep-alive
    connection serves the next request (it used to be reset after the 500)."""
    app, store = seeded_app(tmp_path)
    with serving(app) as url, httpx.Client(base_url=url, timeout=10) as http:
        port = client_port(http.get("/campaigns"))
        for body, loc, _ in NOT_JSON:
            refused = http.post("/campaigns", content=body, headers=JSON)
            assert refused.status_code == 422, refused.text
            assert refused.json()["detail"][0]["loc"] == loc
            after = http.get("/campaigns")
            assert after.status_code == 200
            assert client_port(after) == port, f"connection not kept after {body[-40:]!r}"
    store.close()


# -- errors that echo the request ------------------------------------------------------------------

def test_a_422_does_not_echo_a_huge_body(client: TestClient) -> None:
    body = {key: value for key, value in CAMPAIGN.items() if key != "launch_at"}
    response = client.post("/campaigns", json={**body, "description": "x" * 500_000})
    error = only_error(response)
    assert (error["loc"], error["type"]) == (["body", "launch_at"], "missing")
    assert len(response.content) < 2_000
    assert error["input"]["id"] == "x2"  # a preview: small parts are shown as they are
    assert "500000 characters" in json.dumps(error["input"])


def test_a_422_does_not_echo_a_huge_value(client: TestClient) -> None:
    response = client.post("/campaigns", json={**CAMPAIGN, "query": "(" + "lumina " * 100_000})
    error = only_error(response)
    assert error["loc"] == ["body", "query"]
    assert "longer than 2000 characters" in error["msg"]
    assert len(response.content) < 6_000


def test_a_422_lists_a_bounded_number_of_errors(client: TestClient) -> None:
    response = client.post("/campaigns", json={**CAMPAIGN, "languages": list(range(50_000))})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [e["loc"] for e in detail[:2]] == [["body", "languages", 0], ["body", "languages", 1]]
    assert detail[-1]["type"] == "too_many_errors"
    assert f"{50_000 - len(detail) + 1} more errors" in detail[-1]["msg"]
    assert len(response.content) < 10_000


def test_a_422_with_a_deeply_nested_input_is_still_an_answer(client: TestClient) -> None:
    depth = 900
    response = client.post("/campaigns", content=b'{"x": ' + b"[" * depth + b"]" * depth + b"}",
                           headers=JSON)
    assert response.status_code == 422
    assert len(response.content) < 10_000


# -- request-body size limit -----------------------------------------------------------------------

def test_a_body_over_the_limit_is_a_413_naming_the_setting(client: TestClient) -> None:
    response = client.post("/campaigns", json={**CAMPAIGN, "description": "x" * 5_000_000})
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert "1048576 bytes" in detail and "SENSING_API_MAX_BODY_BYTES" in detail
    assert client.get("/campaigns").json() == [client.get("/campaigns/x2").json()]


def test_a_body_under_the_limit_is_read_as_usual(client: TestClient) -> None:
    response = client.post("/campaigns", json={**CAMPAIGN, "id": "long",
                                               "description": "x" * 1_000_000})
    assert response.status_code == 201, response.text[:300]


LIMIT = 64 * 1024


def exchange(url: str, head: bytes, parts: list[bytes]) -> int:
    """Send ``head`` and ``parts`` over a raw socket, never finishing the body, and return
    the status of the answer (a 5 s timeout: the server must answer without the rest)."""
    where = urlsplit(url)
    with socket.create_connection((where.hostname, where.port), timeout=5) as sock:
        sock.sendall(head)
        try:
            for part in parts:
                sock.sendall(part)
        except OSError:  # the server answered and closed before reading all of it
            pass
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        status_line = answer.split(b"\r\n", 1)[0]
        assert status_line.startswith(b"HTTP/1.1 "), answer[:200]
        return int(status_line.split()[1])


@pytest.fixture
def limited_api(tmp_path: Path) -> Iterator[str]:
    app, store = seeded_app(tmp_path, api_max_body_bytes=LIMIT)
    with serving(app) as url:
        yield url
    store.close()


def test_a_declared_length_over_the_limit_is_refused_before_reading_it(limited_api: str) -> None:
    head = (f"POST /campaigns HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            f"Content-Length: {50 * LIMIT}\r\n\r\n").encode()
    assert exchange(limited_api, head, [b"{"]) == 413


def test_a_chunked_body_over_the_limit_is_refused_once_it_passes_it(limited_api: str) -> None:
    head = (b"POST /campaigns HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (16 * 1024, b" " * 16 * 1024)
    assert exchange(limited_api, head, [chunk] * 5) == 413


def test_a_chunked_body_under_the_limit_is_read(limited_api: str) -> None:
    body = json.dumps({**CAMPAIGN, "id": "chunked"}).encode()
    with httpx.Client(base_url=limited_api, timeout=10) as http:
        response = http.post("/campaigns", content=iter([body[:10], body[10:]]), headers=JSON)
        assert "content-length" not in response.request.headers
        assert response.status_code == 201, response.text
