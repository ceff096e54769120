"""Generated customers shared by the planning tests: built once per session, as files (what a
user has) and as the generator's truth (what a test compares against)."""

from __future__ import annotations

from pathlib import Path

import pytest

from samples.customers import CustomerSample, generate, write

SAMPLE_SIZE = 20_000


@pytest.fixture(scope="session")
def sample() -> CustomerSample:
    return generate(SAMPLE_SIZE, seed=11)


@pytest.fixture(scope="session")
def sample_files(sample: CustomerSample, tmp_path_factory: pytest.TempPathFactory
                 ) -> tuple[Path, Path]:
    """customers.csv and events.csv of ``sample``."""
    return write(sample, tmp_path_factory.mktemp("customers"))
