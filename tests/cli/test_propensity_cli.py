"""``sensing propensity`` and ``sensing segments import``, run as a user runs them on
generated customers and their event log: scores for every customer, the metrics and the
targeting table printed, the model kept as a run; a malformed file is a clear error and
nothing is written."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyarrow import parquet as pq

from samples.customers import generate, write
from sensing.schemas import Campaign
from sensing.store.sqlite import SqliteStore
from tests.cli.test_commands import sensing

FLAGS = ("--id", "customer_id", "--label", "converted", "--cutoff", "2026-11-01")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write(generate(3000, seed=8), tmp_path_factory.mktemp("crm"))


def test_every_customer_is_scored_and_the_table_printed(files: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    customers, events = files
    done = sensing("propensity", "-i", str(customers), "-o", str(tmp_path / "scores.csv"),
                   "--events", str(events), "--threshold", "0.3", "--offer", "offer",
                   "--control", "none", *FLAGS, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for shown in ("test: AUC", "calibration (test)", "targeting at propensity >= 0.3",
                  "Target count", "Seg1", "uplift", "at or after the cut-off left out"):
        assert shown in done.stderr, shown
    rows = list(csv.DictReader((tmp_path / "scores.csv").open()))
    assert len(rows) == 3000
    assert list(rows[0])[:4] == ["customer_id", "propensity", "segment", "model_run"]
    assert {"uplift", "best_offer", "reason_1", "reason_3"} <= set(rows[0])
    assert all(0 <= float(r["propensity"]) <= 1 for r in rows)
    run = rows[0]["model_run"]
    assert (tmp_path / "data" / "runs" / run / "model.txt").is_file()


def test_parquet_in_and_out(files: tuple[Path, Path], tmp_path: Path) -> None:
    import pyarrow.csv as pacsv

    pq.write_table(pacsv.read_csv(files[0]), tmp_path / "customers.parquet")
    done = sensing("propensity", "-i", str(tmp_path / "customers.parquet"),
                   "-o", str(tmp_path / "scores.parquet"), "--id", "customer_id",
                   "--label", "converted", "--reasons", "0", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    scores = pq.read_table(tmp_path / "scores.parquet")
    assert scores.num_rows == 3000 and "reason_1" not in scores.column_names


def test_a_malformed_file_is_named_and_nothing_is_written(files: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    text = files[0].read_text().replace("C0000009,", "C0000003,", 1)
    (tmp_path / "bad.csv").write_text(text)
    (tmp_path / "scores.csv").write_text("earlier scores\n")
    done = sensing("propensity", "-i", str(tmp_path / "bad.csv"), "-o",
                   str(tmp_path / "scores.csv"), "--id", "customer_id", "--label", "converted",
                   cwd=tmp_path)
    assert done.returncode == 2
    assert "bad.csv, line 10, column 'customer_id': duplicate customer id 'C0000003'" in \
        done.stderr
    assert (tmp_path / "scores.csv").read_text() == "earlier scores\n"
    assert not list((tmp_path / "data").glob("runs/*"))


def test_events_without_a_cutoff_are_refused(files: tuple[Path, Path], tmp_path: Path) -> None:
    done = sensing("propensity", "-i", str(files[0]), "-o", str(tmp_path / "s.csv"),
                   "--id", "customer_id", "--label", "converted", "--events", str(files[1]),
                   cwd=tmp_path)
    assert done.returncode == 2 and "--events needs --cutoff" in done.stderr
    assert not (tmp_path / "s.csv").exists()


def test_segments_import_stores_the_campaigns_segments(files: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    store = SqliteStore(tmp_path / "data" / "sensing.db")
    store.setup()
    store.save_campaign(Campaign(id="x2", name="X2", query="x2",
                                 launch_at=datetime(2026, 11, 1, tzinfo=UTC)))
    done = sensing("segments", "import", str(files[0]), "--campaign", "x2", "--events",
                   str(files[1]), "--segments", "5", *FLAGS, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "3,000 customers in 5 segments of campaign x2" in done.stderr
    rows = store.targeting("x2", 0.5)
    assert [r.name for r in store.list_segments("x2")] == [f"Seg{i}" for i in range(1, 6)]
    assert sum(r.count for r in rows) == 3000
    store.close()
    unknown = sensing("segments", "import", str(files[0]), "--campaign", "nope", *FLAGS[:4],
                      cwd=tmp_path)
    assert unknown.returncode == 2 and "no campaign 'nope'" in unknown.stderr
