"""Reading a tabular file (CSV, Parquet, JSON lines) into columns, with errors that say where.

A marketer's export is often broken in one place: a stray byte of another encoding, a ragged
row, a quote left open. Every error here names the file and the line (CSV, JSON lines) or row
(Parquet) so the one place can be fixed; nothing is half-read. Values come back as Python
objects per column (str, float, int, bool or None for empty); deciding what a column *is*
(number, category, id, label) is :mod:`planning.customers`' job.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".json": "jsonl"}


class TableError(ValueError):
    """A file that cannot be read as a table, or a value in it that is wrong: the message says
    which file, line or row, column, and what to do."""


@dataclass
class Table:
    """Columns of equal length, with the way to name a row in an error."""

    source: str
    columns: dict[str, Any]          # name -> pyarrow Array
    rows: int
    where: Callable[[int], str]      # row index -> "line 7" / "row 6"

    def locate(self, row: int, column: str | None = None) -> str:
        """``customers.csv, line 7, column 'age'``: the place an error points at."""
        place = f"{self.source}, {self.where(row)}"
        return f"{place}, column {column!r}" if column else place


def table_format(path: Path, declared: str | None = None) -> str:
    """The format of ``path``, from ``declared`` or its suffix."""
    if declared:
        if declared not in set(FORMATS.values()):
            raise TableError(f"unknown format {declared!r}: use csv, parquet or jsonl")
        return declared
    found = FORMATS.get(path.suffix.lower())
    if not found:
        raise TableError(f"{path.name}: cannot tell the format from the suffix "
                         f"{path.suffix!r}; use .csv, .parquet or .jsonl")
    return found


def read_table(path: Path, fmt: str | None = None) -> Table:
    """The table in ``path``; TableError for a missing, empty or unreadable file."""
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    return read_bytes(path.read_bytes(), path.name, table_format(path, fmt))


def read_bytes(data: bytes, source: str, fmt: str) -> Table:
    """The table held in ``data`` (an uploaded body, or a file's bytes)."""
    reader = {"csv": _read_csv, "parquet": _read_parquet, "jsonl": _read_jsonl}[fmt]
    table = reader(data, source)
    if table.rows == 0:
        raise TableError(f"{source}: the file has no rows")
    return table


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TableError(f"{source}, line {line}: not UTF-8 (byte {data[exc.start]:#04x} at "
                         f"offset {exc.start}); re-export the file as UTF-8") from None


def _read_csv(data: bytes, source: str) -> Table:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    text = _decode(data, source)
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    if not header or not any(name.strip() for name in header):
        raise TableError(f"{source}: the file is empty (no header line)")
    _check_names(header, source)
    try:
        table = pacsv.read_csv(
            pa.BufferReader(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True, null_values=[""]))
    except pa.ArrowInvalid as exc:
        raise TableError(f"{source}: not a well-formed CSV file: {exc}") from None
    columns = {name: table.column(name).combine_chunks() for name in header}
    return Table(source, columns, table.num_rows, lambda row: f"line {row + 2}")


def _read_parquet(data: bytes, source: str) -> Table:
    import pyarrow as pa
    from pyarrow import parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        raise TableError(f"{source}: not a readable Parquet file: {exc}") from None
    _check_names(table.column_names, source)
    columns = {name: table.column(name).combine_chunks() for name in table.column_names}
    return Table(source, columns, table.num_rows, lambda row: f"row {row + 1}")


def _read_jsonl(data: bytes, source: str) -> Table:
    import pyarrow as pa

    text = _decode(data, source)
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TableError(f"{source}, line {number}: malformed JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise TableError(f"{source}, line {number}: expected a JSON object per line, got "
                             f"{type(record).__name__}")
        records.append(record)
        lines.append(number)
    names = list(dict.fromkeys(name for record in records for name in record))
    columns = {}
    for name in names:
        values = [record.get(name) for record in records]
        for row, value in enumerate(values):
            if isinstance(value, dict | list):
                raise TableError(f"{source}, line {lines[row]}, column {name!r}: a nested "
                                 f"value; flatten it into columns of plain values")
        columns[name] = pa.array([_text(value) for value in values], pa.string())
    return Table(source, columns, len(records), lambda row: f"line {lines[row]}")


def _text(value: Any) -> str | None:
    """A JSON value as the text a CSV cell would hold (``true`` for true), so every reader
    hands the same kind of column on."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def _check_names(names: list[str], source: str) -> None:
    seen: set[str] = set()
    for name in names:
        if not name.strip():
            raise TableError(f"{source}: a column has no name in the header")
        if name in seen:
            raise TableError(f"{source}: column {name!r} appears twice in the header")
        seen.add(name)


def write_table(path: Path, columns: dict[str, list[Any] | np.ndarray],
                fmt: str | None = None) -> None:
    """Write ``columns`` to ``path`` whole or not at all: into a temporary file beside it,
    renamed over it once complete, so a failure never leaves half a file behind."""
    import pyarrow as pa
    from pyarrow import csv as pacsv
    from pyarrow import parquet as pq

    kind = table_format(path, fmt)
    table = pa.table({name: pa.array(list(values)) for name, values in columns.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        if kind == "parquet":
            pq.write_table(table, tmp)
        elif kind == "csv":
            pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="needed"))
        else:
            with open(tmp, "w", encoding="utf-8") as out:
                for record in table.to_pylist():
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
