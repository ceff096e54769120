"""A bounded, deterministic schemathesis run over the API's own OpenAPI schema, against a real
server over the embedded store with a sample campaign: whatever a client sends to a
non-destructive operation (valid or not), the answer is never a server error.

Beyond what the schema describes, the generated requests carry the hostile values that once
answered 500: datetimes at the calendar's edges with offsets that carry them past it in UTC,
and JSON bodies with ``NaN``, ``Infinity`` or a lone surrogate in place of a value (sent as
Python's JSON writes them, which is how its parser reads them)."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import requests
import schemathesis
from celery import Celery
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet

from api.app import create_app
from sensing.config import Settings
from sensing.store.sqlite import SqliteStore
from tests.api.live import seeded_app, serving

EXAMPLES = 25
"""Hypothesis examples per operation (the coverage phase adds its own edge cases)."""

# The schema only: an app over a store never opened and a broker never reached.
_SCHEMA_APP = create_app(Settings(), store=SqliteStore(":memory:"), celery=Celery("schema"))
schema = schemathesis.openapi.from_dict(_SCHEMA_APP.openapi())
# Erasure deletes data; a crawl or new aspect terms queue work. Everything else only reads,
# or creates and replaces campaigns (validation first).
schema = schema.exclude(method="DELETE").exclude(path_regex=r"/(crawl|aspects/terms)$")

# date-time values (query filters, campaign dates): half of them the calendar's first or last
# instant with an offset as large as ISO 8601 goes, which may carry it past the calendar in
# UTC; half any day, time and offset. Format and serializer registries are process-wide;
# this module is the suite's only schemathesis user.
_EDGES = st.builds("{}{}{:02d}:{:02d}".format,
                   st.sampled_from(["0001-01-01T00:00:00", "9999-12-31T23:59:59.999999"]),
                   st.sampled_from("+-"), st.sampled_from([14, 23]), st.sampled_from([0, 59]))
_ANY = st.builds("{}T{}{}".format, st.dates().map(date.isoformat),
                 st.times().map(lambda t: t.isoformat()),
                 st.sampled_from(["", "Z", "+00:00", "+05:30", "-08:00", "+14:00", "-14:00"]))
schemathesis.openapi.format("date-time", st.one_of(_EDGES, _ANY))


@schemathesis.serializer("application/json")
def python_json(context: schemathesis.SerializationContext, value: Any) -> bytes:
    """JSON bodies as Python's json writes them: requests refuses NaN and Infinity, which the
    server's parser takes (lone surrogates are escaped either way). Process-wide, as above."""
    return json.dumps(value, default=str).encode()


HOSTILE_VALUES = st.sampled_from([math.nan, math.inf, -math.inf, "\ud800", "lumina \udfff"])


def _places(body: Any) -> list[tuple]:
    """The path of every value in ``body``, itself included."""
    places, stack = [], [((), body)]
    while stack:
        path, value = stack.pop()
        places.append(path)
        if isinstance(value, dict):
            stack.extend(((*path, key), child) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, index), child) for index, child in enumerate(value))
    return places


def _replaced(body: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    body = copy.deepcopy(body)
    holder = body
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return body


def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy:
    """The generated body, or the same with one of its values made hostile."""
    if isinstance(body, NotSet):
        return st.just(body)
    mutated = st.tuples(st.sampled_from(_places(body)), HOSTILE_VALUES).map(
        lambda change: _replaced(body, *change))
    return st.one_of(st.just(body), mutated)


@pytest.fixture(scope="module")
def fuzzed_api(tmp_path_factory: pytest.TempPathFactory,
               ) -> Iterator[tuple[str, requests.Session]]:
    app, store = seeded_app(tmp_path_factory.mktemp("fuzz"))
    with serving(app) as url, requests.Session() as session:
        yield url, session
    store.close()


@schema.hooks.apply(flatmap_body)
@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_a_server_error(
        case: schemathesis.Case, fuzzed_api: tuple[str, requests.Session]) -> None:
    url, session = fuzzed_api
    case.call_and_validate(base_url=url, session=session, checks=[not_a_server_error])
