"""An analytics export of customer journeys into a campaign: touchpoints with their UTM
parameters, conversions with their value, spend per channel (``sensing conversions import``).

One row per event, as CSV (a header row) or JSON lines, with these fields:

============  ===========================================================================
``type``      ``touch``, ``conversion`` or ``spend``
``customer``  the customer id, as in the segment files (hashed here with the deployment's
              salt, so journeys join the scored customers; never stored raw); not for spend
``timestamp`` ISO 8601; without an offset it is taken as UTC
``utm_*``     a touch's ``utm_source`` (its channel; none: ``direct``), ``utm_medium``,
              ``utm_campaign``, ``utm_content`` (the segment) and ``utm_term`` (the
              influencer), as the plan's tracking links set them; or a ``url`` carrying them
``value``     a conversion's value or a spend's amount, to the cent
``order_id``  a conversion's order: the same order twice is one conversion
``channel``   the channel a spend went to
============  ===========================================================================

A row that cannot be read (broken UTF-8, bad JSON, an unknown type, a value that is not
money) is reported with its line number and the rest imported. Each event's id is derived
from what it says, so importing the same export again, or one that overlaps, adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, urlsplit

from pydantic import ValidationError

from planning.attribution import Conversion, Touchpoint
from planning.customers import hash_id
from sensing.journeys import DIRECT, JourneyEvent
from sensing.store.base import JourneyStore, UpsertResult

UTM_FIELDS = {"utm_source": "channel", "utm_medium": "medium", "utm_campaign": "utm_campaign",
              "utm_content": "segment", "utm_term": "influencer"}
KINDS = ("touch", "conversion", "spend")
MAX_PROBLEMS = 1000  # problems listed; the count goes on past it


class RowError(ValueError):
    """A row that cannot become an event: the message says which field and why."""


@dataclass
class ImportResult:
    rows: int = 0
    stored: UpsertResult = field(default_factory=UpsertResult)
    problems: list[str] = field(default_factory=list)
    failed: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def problem(self, line: int, message: str) -> None:
        self.failed += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"line {line}: {message}")


def _text(row: dict[str, Any], name: str) -> str | None:
    value = row.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _money(raw: str | None) -> Decimal | None:
    """An amount as written ("1234.56", "1,234.56"); a decimal comma is refused, not
    guessed at: "12,50" is twelve euros fifty or one thousand two hundred and fifty."""
    if raw is None:
        return None
    try:
        value = Decimal(raw.replace(",", "") if "." in raw else raw)
    except InvalidOperation:
        raise RowError(f"value {raw!r} is not an amount") from None
    if not value.is_finite():
        raise RowError(f"value {raw!r} is not an amount")
    return value


def _time(raw: str | None) -> datetime:
    if raw is None:
        raise RowError("no timestamp")
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise RowError(f"timestamp {raw!r} is not ISO 8601") from None


def _utm(row: dict[str, Any]) -> dict[str, str]:
    """The UTM parameters of the row's own fields, else of its ``url``'s query."""
    found = {k: v for k in UTM_FIELDS if (v := _text(row, k))}
    url = _text(row, "url")
    if not found and url:
        found = {k: v.strip() for k, v in parse_qsl(urlsplit(url).query) if k in UTM_FIELDS
                 and v.strip()}
    return found


def _event_id(kind: str, fields: dict[str, Any]) -> str:
    if kind == "conversion" and fields.get("order_id"):
        return f"order:{fields['order_id']}"
    said = json.dumps([kind, {k: str(v) for k, v in sorted(fields.items()) if v is not None}],
                      ensure_ascii=False)
    return f"{kind}:{hashlib.sha256(said.encode('utf-8')).hexdigest()[:32]}"


def to_event(row: dict[str, Any], campaign_id: str, salt: bytes) -> JourneyEvent:
    """The row as an event; RowError (or a pydantic ValidationError) saying what is wrong."""
    kind = (_text(row, "type") or "").lower()
    if kind not in KINDS:
        raise RowError(f"type {row.get('type')!r} is not one of {', '.join(KINDS)}")
    customer = _text(row, "customer")
    fields: dict[str, Any] = {"at": _time(_text(row, "timestamp")),
                              "customer": hash_id(customer, salt) if customer else None,
                              "value": _money(_text(row, "value"))}
    if kind == "touch":
        for key, value in _utm(row).items():
            fields[UTM_FIELDS[key]] = value.lower() if key == "utm_source" else value
        fields.setdefault("channel", DIRECT)
    elif kind == "spend":
        fields["channel"] = (_text(row, "channel") or "").lower() or None
        if not fields["channel"]:
            raise RowError("a spend needs a channel")
    else:
        fields["order_id"] = _text(row, "order_id")
    return JourneyEvent(id=_event_id(kind, fields), campaign_id=campaign_id, kind=kind,
                        **{k: v for k, v in fields.items() if v is not None})


def _decoded(lines: Iterable[bytes], result: ImportResult) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(lines, start=1):
        try:
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            result.problem(number, f"not UTF-8 ({exc.reason} at byte {exc.start})")


def read_rows(handle: BinaryIO, kind: str, result: ImportResult
              ) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) of a CSV or JSON-lines file; unreadable lines go to ``result``."""
    decoded = _decoded(handle, result)
    if kind == "jsonl":
        for number, text in decoded:
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                result.problem(number, f"not JSON ({exc.msg})")
                continue
            if not isinstance(row, dict):
                result.problem(number, "not a JSON object")
                continue
            yield number, row
        return
    numbers: list[int] = []

    def lines() -> Iterator[str]:
        for number, text in decoded:
            numbers.append(number)
            yield text

    reader = csv.DictReader(lines())
    for row in reader:
        yield numbers[reader.line_num - 1] if numbers else reader.line_num, row


def file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".txt"):
        return "csv"
    raise ValueError(f"{path}: give a .csv or a .jsonl file of journey events")


def import_events(store: JourneyStore, path: Path, campaign_id: str, salt: bytes
                  ) -> ImportResult:
    """Read ``path`` and store every readable event of it into the campaign."""
    result = ImportResult()
    kind = file_kind(path)

    def events() -> Iterator[JourneyEvent]:
        with path.open("rb") as handle:
            for number, row in read_rows(handle, kind, result):
                result.rows += 1
                try:
                    event = to_event(row, campaign_id, salt)
                except RowError as exc:
                    result.problem(number, str(exc))
                    continue
                except ValidationError as exc:
                    error = exc.errors()[0]
                    where = ".".join(map(str, error["loc"]))
                    result.problem(number, f"{where + ': ' if where else ''}{error['msg']}")
                    continue
                result.kinds[event.kind] = result.kinds.get(event.kind, 0) + 1
                yield event

    result.stored = store.save_journey_events(events())
    return result


Dimension = str  # "channel", "influencer" or "segment": what the attribution credits
DIMENSIONS = ("channel", "influencer", "segment")
NOT_TAGGED = "(not tagged)"


def journeys(store: JourneyStore, campaign_id: str, by: Dimension = "channel"
             ) -> tuple[list[Touchpoint], list[Conversion], dict[str, Decimal]]:
    """The campaign's touchpoints (credited by ``by``: the channel, the influencer or the
    segment its link carried, ``(not tagged)`` where it carried none), its conversions, and
    the spend per channel."""
    if by not in DIMENSIONS:
        raise ValueError(f"by {by!r}: one of {', '.join(DIMENSIONS)}")
    touches, conversions, spend = [], [], {}
    for event in store.journey_events(campaign_id):
        when = event.at.timestamp()
        if event.kind == "touch":
            credited = event.channel if by == "channel" else (
                getattr(event, by) or (DIRECT if event.channel == DIRECT else NOT_TAGGED))
            touches.append(Touchpoint(customer=event.customer or "", time=when,
                                      channel=credited))
        elif event.kind == "conversion" and event.value is not None:
            conversions.append(Conversion(customer=event.customer or "", time=when,
                                          value=event.value))
        elif event.kind == "spend" and event.value is not None:
            spend[event.channel] = spend.get(event.channel, Decimal("0")) + event.value
    return touches, conversions, spend
