"""A customer file, validated at the edge: ids, the label, features and the optional columns
(time, the user's own segments, the offer received).

Every check names the column and the row, because a file that is wrong in one cell should be
fixed in that cell, not guessed around: a missing id or label column, an empty or duplicate
id, a label that is not 0/1, a value that is not a number in a column of numbers. A column is
a number column when its values parse as numbers; one of text values is a category (LightGBM
takes categories natively); a column of numbers with a few stray words in it is an error, not
a category, unless the user declares it one (``categorical``).

Customer ids are personal data: :func:`hash_id` turns them into salted hashes before anything
reaches the store, so an index never holds a raw one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import SecretStr

from planning.table import Table, TableError

LABEL_VALUES = {"0": 0.0, "1": 1.0, "0.0": 0.0, "1.0": 1.0, "false": 0.0, "true": 1.0}
# A text column at least this numeric is a number column with stray words, not a category.
NUMERIC_SHARE = 0.9
SALT_FILE = "customer-salt"
MAX_LEVELS = 1000  # more distinct values than this (and than half the rows): not a category
DAY = 86_400.0


@dataclass
class Feature:
    """One model input: numbers (NaN where missing), or category codes into ``categories``
    (NaN where missing)."""

    name: str
    kind: Literal["numeric", "categorical"]
    values: np.ndarray
    categories: list[str] = field(default_factory=list)
    dates: bool = False  # numeric, in days since 1970-01-01: shown as a date

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "categories": self.categories}

    def display(self, row: int) -> str:
        """The customer's value as a person reads it (a reason's ``value``)."""
        return self.shown(self.values[row])

    def shown(self, value: float, digits: str = "g") -> str:
        """A value of this feature (a customer's, or a mean) as a person reads it: its
        category, its date, or the number in the ``digits`` format."""
        if np.isnan(value):
            return "missing"
        if self.kind == "categorical":
            return self.categories[int(value)]
        if self.dates:
            return datetime.fromtimestamp(value * DAY, UTC).date().isoformat()
        return f"{value:{digits}}"


@dataclass
class CustomerTable:
    """The validated customers: one entry per row in every array."""

    source: str
    ids: np.ndarray                  # str, unique
    label: np.ndarray                # 0.0 / 1.0, NaN where not labelled
    features: list[Feature]
    time: np.ndarray | None = None   # epoch seconds
    segment: np.ndarray | None = None  # the user's own segment names (object)
    offer: np.ndarray | None = None    # the offer or channel each customer received (object)
    interests: list[tuple[str, ...]] | None = None  # taxonomy categories, per customer

    @property
    def rows(self) -> int:
        return len(self.ids)

    @property
    def labelled(self) -> np.ndarray:
        return ~np.isnan(self.label)

    @property
    def categorical_columns(self) -> list[int]:
        """Column indices (into ``matrix``) of the categorical features, as LightGBM takes
        them."""
        return [i for i, f in enumerate(self.features) if f.kind == "categorical"]

    def matrix(self) -> np.ndarray:
        """The features as one (rows, features) float array, in ``features`` order."""
        return np.column_stack([f.values for f in self.features]) if self.features \
            else np.empty((self.rows, 0))

    def feature(self, name: str) -> Feature:
        return next(f for f in self.features if f.name == name)

    def add_numeric(self, columns: dict[str, np.ndarray]) -> None:
        """Join computed features (event aggregates) on, one value per customer each."""
        taken = {f.name for f in self.features}
        for name, values in columns.items():
            if name in taken:
                raise TableError(f"{self.source}: column {name!r} clashes with a feature "
                                 f"built from the events; rename it")
            self.features.append(Feature(name, "numeric", values.astype(float)))


def load_customers(table: Table, id_column: str, label_column: str | None, *,
                   categorical: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
                   time_column: str | None = None, segment_column: str | None = None,
                   offer_column: str | None = None, interest_column: str | None = None,
                   interest_categories: frozenset[str] = frozenset()) -> CustomerTable:
    """Validate ``table`` into customers; TableError naming the column and row otherwise.
    Every column that is not the id, the label or one of the named ones is a feature; the
    interest column holds taxonomy category ids (``interest_categories``), ``|``-separated."""
    named = [id_column, label_column, time_column, segment_column, offer_column,
             interest_column, *categorical, *ignore]
    for name in (n for n in named if n):
        if name not in table.columns:
            raise TableError(f"{table.source}: no column {name!r}; the columns are "
                             f"{', '.join(table.columns)}")
    ids = _ids(table, id_column)
    label = _labels(table, label_column) if label_column else np.full(table.rows, np.nan)
    special = {id_column, label_column, time_column, segment_column, offer_column,
               interest_column, *ignore}
    features = [_feature(table, name, name in categorical)
                for name in table.columns if name not in special]
    return CustomerTable(
        source=table.source, ids=ids, label=label, features=features,
        time=_times(table, time_column) if time_column else None,
        segment=_texts(table, segment_column) if segment_column else None,
        offer=_texts(table, offer_column) if offer_column else None,
        interests=_interests(table, interest_column, interest_categories)
        if interest_column else None)


def _texts(table: Table, name: str) -> np.ndarray:
    """A column as stripped text, None where empty."""
    values = np.array(table.columns[name].cast("string").to_pylist(), dtype=object)
    for i, value in enumerate(values):
        values[i] = value.strip() or None if isinstance(value, str) else None
    return values


def _interests(table: Table, name: str, known: frozenset[str]) -> list[tuple[str, ...]]:
    """Each customer's interest categories (none where the cell is empty): what a CRM knows
    of what they buy or browse, in the taxonomy the influencers' audiences are measured in,
    so the two can be matched."""
    out = []
    for row, value in enumerate(_texts(table, name)):
        found = tuple(dict.fromkeys(p.strip() for p in (value or "").split("|") if p.strip()))
        unknown = [c for c in found if c not in known]
        if unknown:
            raise TableError(f"{table.locate(row, name)}: {unknown[0]!r} is not an interest "
                             f"category of the taxonomy ({', '.join(sorted(known))})")
        out.append(found)
    return out


def _ids(table: Table, name: str) -> np.ndarray:
    values = _texts(table, name)
    first: dict[str, int] = {}
    for row, value in enumerate(values):
        if value is None:
            raise TableError(f"{table.locate(row, name)}: the customer id is empty")
        if value in first:
            raise TableError(f"{table.locate(row, name)}: duplicate customer id {value!r} "
                             f"(first at {table.where(first[value])})")
        first[value] = row
    return values.astype(str)


def _labels(table: Table, name: str) -> np.ndarray:
    out = np.full(table.rows, np.nan)
    for row, value in enumerate(_texts(table, name)):
        if value is None:
            continue
        found = LABEL_VALUES.get(value.lower())
        if found is None:
            raise TableError(f"{table.locate(row, name)}: the label must be 0 or 1 (or empty "
                             f"for a customer to score), not {value!r}")
        out[row] = found
    labelled = out[~np.isnan(out)]
    if labelled.size == 0:
        raise TableError(f"{table.source}: column {name!r} has no label filled: a model needs "
                         f"customers whose outcome is known")
    if labelled.min() == labelled.max():
        raise TableError(f"{table.source}: every filled label in {name!r} is "
                         f"{int(labelled[0])}: a model needs customers of both outcomes")
    return out


def _times(table: Table, name: str) -> np.ndarray:
    out = np.empty(table.rows)
    for row, value in enumerate(_texts(table, name)):
        if value is None:
            raise TableError(f"{table.locate(row, name)}: the time is empty")
        try:
            out[row] = parse_time(value)
        except ValueError:
            raise TableError(f"{table.locate(row, name)}: {value!r} is not an ISO date or "
                             f"time (e.g. 2026-11-01 or 2026-11-01T09:30:00Z)") from None
    return out


def parse_time(value: str) -> float:
    """Epoch seconds of an ISO date or datetime (naive = UTC); ValueError otherwise."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _feature(table: Table, name: str, declared_categorical: bool) -> Feature:
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table.columns[name]
    if not declared_categorical and (pa.types.is_integer(column.type)
                                     or pa.types.is_floating(column.type)
                                     or pa.types.is_boolean(column.type)):
        return Feature(name, "numeric", column.cast(pa.float64()).to_numpy(zero_copy_only=False))
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    if not declared_categorical:
        try:
            numbers = pc.cast(text, pa.float64())
        except pa.ArrowInvalid:
            numbers = None
        if numbers is not None:
            return Feature(name, "numeric", numbers.to_numpy(zero_copy_only=False))
        days = _dates(text)
        if days is not None:
            return Feature(name, "numeric", days, dates=True)
        _refuse_stray_words(table, name, text)
    encoded = pc.dictionary_encode(text)
    names = [str(c) for c in encoded.dictionary.to_pylist()]
    if len(names) > max(MAX_LEVELS, table.rows // 2):
        raise TableError(f"{table.source}: column {name!r} has {len(names)} distinct values "
                         f"in {table.rows} rows: an identifier or free text, not a category; "
                         f"leave it out (ignore it)")
    rank = np.argsort(np.argsort(names))     # codes in name order: the same for every file
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(float)
    values = np.full(table.rows, np.nan)
    known = ~np.isnan(codes)
    values[known] = rank[codes[known].astype(int)]
    return Feature(name, "categorical", values, sorted(names))


def _dates(text: Any) -> np.ndarray | None:
    """Days since 1970 of a column of ISO dates or times (naive = UTC), or None if it is not
    one: a date is a number to a tree (earlier, later), never a category of 1,000 days."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for kind in (pa.timestamp("s"), pa.timestamp("s", tz="UTC")):
        try:
            seconds = pc.cast(text, kind).cast(pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        return seconds.to_numpy(zero_copy_only=False).astype(float) / DAY
    return None


def _refuse_stray_words(table: Table, name: str, text: Any) -> None:
    """A text column that is mostly numbers has a typo, not categories: say where."""
    values = text.to_pylist()
    filled = [(row, v) for row, v in enumerate(values) if v is not None]
    bad = [(row, v) for row, v in filled if not _is_number(v)]
    if filled and 1 - len(bad) / len(filled) >= NUMERIC_SHARE:
        row, value = bad[0]
        raise TableError(f"{table.locate(row, name)}: {value!r} is not a number, in a column "
                         f"of numbers ({len(bad)} such value(s)); fix it, leave the cell empty "
                         f"for missing, or declare the column categorical")


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


# -- ids ----------------------------------------------------------------------------------------

def deployment_salt(data_dir: Path, configured: SecretStr | None = None) -> bytes:
    """The salt customer ids are hashed with: the configured one (``SENSING_CUSTOMER_SALT``),
    else one drawn once for this deployment and kept in its data directory, so the same
    customer hashes the same way in every import and never the same way elsewhere."""
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value().encode("utf-8")
    path = data_dir / SALT_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8") as out:
                out.write(secrets.token_hex(32))
            path.chmod(0o600)
        except FileExistsError:
            pass  # drawn meanwhile by another process: use theirs
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def hash_id(customer_id: str, salt: bytes) -> str:
    """The stored form of a customer id: HMAC-SHA256 under the deployment's salt."""
    digest = hmac.new(salt, customer_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"cu_{digest[:32]}"
