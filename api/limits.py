"""What every request passes before a route sees it, and the shape of the errors that refuse
it: a bound on the body, JSON that is JSON, and validation errors that never echo a whole
request back. :func:`api.app.create_app` applies both to the whole app, not per route.

- A body over ``SENSING_API_MAX_BODY_BYTES`` is answered 413: at once when its
  ``Content-Length`` says so (nothing of it is read), else as soon as the bytes received
  (a chunked body) pass the limit.
- Python's JSON parser takes ``NaN``, ``Infinity`` and ``-Infinity``, which JSON has not, and
  lone surrogates (``"\\ud800"``), which are not characters: the first fails the response's
  encoding, the second every encoding to UTF-8 (the store, the response). A JSON body holding
  either is answered 422 naming where, before any route runs.
- A 422 shows each rejected input as a preview of a few hundred characters, never the
  whole (a 5 MB description came back as a 5 MB error), and its first 20 errors.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ECHO_CHARS = 300
"""Characters of a rejected input that an error shows: enough to recognise it."""
MESSAGE_CHARS = 5000
"""Characters of an error message: room for a malformed query's explanation (the query, at
most 2000 characters, with a caret under the problem)."""
NESTING_SHOWN = 8
"""Levels of a nested input that a preview shows."""
ERRORS_SHOWN = 20
"""Errors a 422 lists at most."""

SURROGATE = re.compile("[\ud800-\udfff]")


# -- the request guard -----------------------------------------------------------------------

class RequestGuard:
    """ASGI middleware: reads the body (at most ``max_body_bytes`` of it), refuses one too
    large (413) or JSON that is not JSON (422), and hands the rest to the app unchanged."""

    def __init__(self, app: ASGIApp, max_body_bytes: int,
                 larger: dict[str, tuple[int, str]] | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.larger = larger or {}  # path -> (limit, its setting): the routes taking files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit, setting = self.larger.get(scope["path"],
                                         (self.max_body_bytes, "SENSING_API_MAX_BODY_BYTES"))
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit, setting, scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: nobody to answer
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(limit, setting, scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and is_json(headers.get("content-type", "")):
            problem = json_problem(body)
            if problem is not None:
                await JSONResponse({"detail": [problem]}, status_code=422)(scope, receive, send)
                return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:  # later calls wait for the client to disconnect, as usual
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _too_large(limit: int, setting: str, scope: Scope, receive: Receive,
                     send: Send) -> None:
    # The rest of the body stays unread, so the connection cannot carry another request.
    response = JSONResponse(
        {"detail": f"request body larger than {limit} bytes, the limit ({setting}): send "
                   f"less, or raise the limit"},
        status_code=413, headers={"connection": "close"})
    await response(scope, receive, send)


def is_json(content_type: str) -> bool:
    """Whether FastAPI parses a body of this type as JSON (``application/json``, ``+json``)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                            and media.endswith("+json"))


class _NonFinite:
    """What the parser makes of ``NaN``, ``Infinity`` and ``-Infinity``, so that the check can
    say where they were."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token


def json_problem(body: bytes) -> dict | None:
    """The first non-finite number or lone surrogate in the JSON ``body``, as a validation
    error (FastAPI's shape); None if there is none, or if ``body`` is not JSON at all (the
    route's own parser then answers it, as it answers every malformed body)."""
    try:
        document = json.loads(body, parse_constant=_NonFinite)
    except (ValueError, RecursionError):
        return None
    # Depth first in document order, without recursion: a path is built only for a problem.
    stack: list[tuple[Any, tuple | None]] = [(document, None)]
    while stack:
        value, at = stack.pop()
        if isinstance(value, _NonFinite):
            return {"type": "json_invalid", "loc": _loc(at), "input": value.token,
                    "msg": f"{value.token} is not valid JSON: a JSON number is finite "
                           f"(send null for no value)"}
        if isinstance(value, str):
            if SURROGATE.search(value):
                return _surrogate_problem(value, _loc(at), "text")
        elif isinstance(value, dict):
            for key in value:
                if SURROGATE.search(key):
                    return _surrogate_problem(key, _loc(at), "a key")
            stack.extend((child, (at, key)) for key, child in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((child, (at, index)) for index, child in reversed(list(enumerate(value))))
    return None


def _loc(at: tuple | None) -> list:
    """``["body", key or index, ...]`` from the linked path ``(parent, key)``."""
    keys = []
    while at is not None:
        at, key = at
        keys.append(key)
    return ["body", *reversed(keys)]


def _surrogate_problem(text: str, loc: list, what: str) -> dict:
    code = ord(SURROGATE.search(text).group())
    return {"type": "string_unicode", "loc": loc, "input": preview(text),
            "msg": f"{what} holds the lone surrogate U+{code:04X}, which is not a character: "
                   f"send valid Unicode (a surrogate pair's two halves together)"}


# -- bounded validation errors ---------------------------------------------------------------------

async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 answer, each error's input, message and context cut to a preview, and
    the first ``ERRORS_SHOWN`` errors only (a list of 100,000 wrong items has as many)."""
    errors = exc.errors()
    detail = [bounded_error(e) for e in errors[:ERRORS_SHOWN]]
    if len(errors) > ERRORS_SHOWN:
        detail.append({"type": "too_many_errors", "loc": [], "input": None,
                       "msg": f"{len(errors) - ERRORS_SHOWN} more errors not shown: fix these "
                              f"and send it again"})
    return JSONResponse(status_code=422, content={"detail": detail})


def bounded_error(error: dict) -> dict:
    out: dict[str, Any] = {}
    for key, value in error.items():
        if key == "input":
            out[key] = preview(value)
        elif key == "msg":
            out[key] = _cut(_printable(str(value)), [MESSAGE_CHARS])
        elif key == "ctx" and isinstance(value, dict):
            # As FastAPI shows it: an exception by its attributes (a query syntax error's
            # position, say), which the preview then bounds like any input.
            out[key] = {k: preview(_encoded(v)) for k, v in value.items()}
        elif key == "loc":
            out[key] = [part if isinstance(part, int) else _cut(_printable(str(part)),
                                                               [ECHO_CHARS])
                        for part in value]
        else:
            out[key] = preview(value)
    return out


def preview(value: Any, limit: int = ECHO_CHARS) -> Any:
    """``value`` as it is when its text fits in about ``limit`` characters; else the same
    shape cut short: long strings end in ``… (N characters)``, long lists and objects in an
    item saying how many more there were, deep nesting in a summary. Always encodable as
    JSON (non-finite numbers and lone surrogates are spelt out)."""
    return _shown(value, [limit], 0)


def _shown(value: Any, budget: list[int], depth: int) -> Any:
    if value is None or isinstance(value, bool):
        budget[0] -= 4
        return value
    if isinstance(value, int):
        try:
            text = str(value)
        except ValueError:  # more digits than Python prints
            return _cut(f"an integer of {value.bit_length()} bits", budget)
        if len(text) > ECHO_CHARS:
            return _cut(text, budget)
        budget[0] -= len(text)
        return value
    if isinstance(value, float):
        budget[0] -= 8
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        return _cut(_printable(value), budget)
    if isinstance(value, dict | list | tuple):
        items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
        if depth >= NESTING_SHOWN:
            budget[0] -= 20
            return f"… ({_describe(value)})"
        shown_items = []
        for key, child in items:
            if budget[0] <= 0:
                break
            budget[0] -= 1  # the separator: an object of empty strings costs something too
            shown_key = _cut(_printable(str(key)), budget) if isinstance(value, dict) else key
            shown_items.append((shown_key, _shown(child, budget, depth + 1)))
        more = len(items) - len(shown_items)
        if isinstance(value, dict):
            shown: Any = dict(shown_items)
            if more:
                shown["…"] = f"{more} more key{'s' * (more != 1)}"
        else:
            shown = [child for _, child in shown_items]
            if more:
                shown.append(f"… {more} more item{'s' * (more != 1)}")
        return shown
    encoded = _encoded(value)  # dates, bytes, models ...: as FastAPI shows them, then cut
    if isinstance(encoded, dict | list | str | int | float | bool):
        return _shown(encoded, budget, depth)
    return _cut(_printable(str(value)), budget)


def _encoded(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | dict | list | tuple) or value is None:
        return value
    try:
        return jsonable_encoder(value)
    except (ValueError, TypeError, RecursionError):
        return str(value)


def _cut(text: str, budget: list[int]) -> str:
    room = max(budget[0], 0)
    if len(text) <= room:
        budget[0] -= len(text)
        return text
    budget[0] = 0
    return f"{text[:room]}… ({len(text)} characters)"


def _printable(text: str) -> str:
    """``text`` with lone surrogates written as ``\\udXXX`` escapes, so it encodes to UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8") \
        if SURROGATE.search(text) else text


def _describe(value: dict | list | tuple) -> str:
    count = len(value)
    if isinstance(value, dict):
        return f"an object of {count} key{'s' * (count != 1)}"
    return f"a list of {count} item{'s' * (count != 1)}"
