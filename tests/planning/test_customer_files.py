"""A customer file is validated at the edge: every malformed case is an error naming the
column and the row (or line), in each format; what is good is read as numbers, categories
and dates."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from pyarrow import parquet as pq

from planning.customers import hash_id, load_customers
from planning.table import TableError, read_bytes, read_table

GOOD = "id,age,region,joined,bought\nc1,34,north,2025-01-02,1\nc2,51,south,2024-06-30,0\n" \
       "c3,,north,2025-03-01,\n"


def load(text: str | bytes, label: str | None = "bought", fmt: str = "csv", **kw: object):
    data = text.encode() if isinstance(text, str) else text
    return load_customers(read_bytes(data, f"customers.{fmt}", fmt), "id", label, **kw)


def refused(text: str | bytes, label: str | None = "bought", fmt: str = "csv",
            **kw: object) -> str:
    with pytest.raises(TableError) as caught:
        load(text, label, fmt, **kw)
    return str(caught.value)


def test_numbers_categories_dates_and_unlabelled_rows() -> None:
    table = load(GOOD)
    assert list(table.ids) == ["c1", "c2", "c3"]
    assert np.array_equal(table.label[:2], [1.0, 0.0]) and np.isnan(table.label[2])
    age, region, joined = table.features
    assert (age.kind, region.kind, joined.kind) == ("numeric", "categorical", "numeric")
    assert np.isnan(age.values[2]) and age.display(2) == "missing"
    assert region.categories == ["north", "south"] and region.display(1) == "south"
    assert joined.dates and joined.display(0) == "2025-01-02"


def test_a_missing_id_or_label_column_is_named() -> None:
    assert "no column 'id'" in refused(GOOD.replace("id,", "key,", 1))
    assert refused(GOOD, label="converted") == (
        "customers.csv: no column 'converted'; the columns are id, age, region, joined, bought")


def test_a_duplicate_id_names_both_lines() -> None:
    message = refused(GOOD + "c2,40,east,2025-01-01,1\n")
    assert message == ("customers.csv, line 5, column 'id': duplicate customer id 'c2' "
                       "(first at line 3)")


def test_an_empty_id_is_refused() -> None:
    assert "line 3, column 'id': the customer id is empty" in refused(
        GOOD.replace("c2,", ",", 1))


def test_a_label_that_is_not_0_or_1_names_its_row() -> None:
    message = refused(GOOD.replace("2024-06-30,0", "2024-06-30,yes"))
    assert "line 3, column 'bought': the label must be 0 or 1" in message and "'yes'" in message


def test_a_label_of_one_outcome_only_cannot_train() -> None:
    assert "every filled label" in refused(GOOD.replace("2024-06-30,0", "2024-06-30,1"))


def test_a_word_in_a_column_of_numbers_names_its_cell() -> None:
    rows = "".join(f"c{i},{30 + i},north,2025-01-01,{i % 2}\n" for i in range(20))
    text = "id,age,region,joined,bought\n" + rows.replace("c7,37", "c7,thirty")
    message = refused(text)
    assert message.startswith("customers.csv, line 9, column 'age': 'thirty' is not a number")


def test_declared_categorical_keeps_the_words() -> None:
    rows = "".join(f"c{i},{30 + i},north,2025-01-01,{i % 2}\n" for i in range(20))
    table = load("id,age,region,joined,bought\n" + rows.replace("c7,37", "c7,thirty"),
                 categorical=("age",))
    assert table.feature("age").kind == "categorical"


def test_empty_files_and_header_only_files() -> None:
    assert "the file is empty" in refused("")
    assert "has no rows" in refused("id,age,bought\n")
    assert "has no rows" in refused(b"", fmt="jsonl")


def test_broken_utf8_and_malformed_json_name_the_line() -> None:
    assert refused(GOOD.encode() + b"c4,\xff40,north,2025-01-01,1\n").startswith(
        "customers.csv, line 5: not UTF-8")
    lines = b'{"id": "c1", "bought": 1}\n{"id": "c2", "bought": \n'
    assert refused(lines, fmt="jsonl").startswith("customers.jsonl, line 2: malformed JSON")


def test_a_repeated_header_is_refused() -> None:
    assert "column 'age' appears twice" in refused("id,age,age,bought\nc1,1,2,1\n")


def test_parquet_errors_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "customers.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "a"], "bought": [1, 0, 1]}), path)
    with pytest.raises(TableError, match=r"row 3, column 'id': duplicate customer id 'a' "
                                         r"\(first at row 1\)"):
        load_customers(read_table(path), "id", "bought")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(TableError, match="not a readable Parquet file"):
        read_table(tmp_path / "broken.parquet")


def test_the_three_formats_read_the_same_customers(tmp_path: Path) -> None:
    csv_table = load(GOOD)
    records = [{"id": "c1", "age": 34, "region": "north", "joined": "2025-01-02", "bought": 1},
               {"id": "c2", "age": 51, "region": "south", "joined": "2024-06-30", "bought": 0},
               {"id": "c3", "age": None, "region": "north", "joined": "2025-03-01"}]
    jsonl = load("\n".join(json.dumps(r) for r in records), fmt="jsonl")
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "c.parquet")
    parquet = load_customers(read_table(tmp_path / "c.parquet"), "id", "bought")
    for other in (jsonl, parquet):
        assert list(other.ids) == list(csv_table.ids)
        assert np.array_equal(other.matrix(), csv_table.matrix(), equal_nan=True)


def test_an_identifier_like_column_is_not_a_category() -> None:
    rows = "".join(f"c{i},mail{i}@x.org,{i % 2}\n" for i in range(2100))
    assert "leave it out" in refused("id,email,bought\n" + rows)


def test_hashed_ids_are_salted_and_stable() -> None:
    assert hash_id("C0000001", b"salt-a") == hash_id("C0000001", b"salt-a")
    assert hash_id("C0000001", b"salt-a") != hash_id("C0000001", b"salt-b")
    assert hash_id("C0000001", b"salt-a").startswith("cu_")
    assert "C0000001" not in hash_id("C0000001", b"salt-a")


def test_interests_are_taxonomy_categories() -> None:
    text = "id,bought,likes\nc1,1,technology|travel\nc2,0,\nc3,1, sports \n"
    known = frozenset({"technology", "travel", "sports"})
    table = load(text, interest_column="likes", interest_categories=known)
    assert table.interests == [("technology", "travel"), (), ("sports",)]
    assert table.features == []
    message = refused(text.replace("sports", "sport"), interest_column="likes",
                      interest_categories=known)
    assert message.startswith("customers.csv, line 4, column 'likes': 'sport' is not an "
                              "interest category")
