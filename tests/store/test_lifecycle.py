"""The lifecycle (``StoreLifecycle``) on both backends: ``setup`` at every start, ``health``
for the API's endpoint. Bringing older data up to date is ``test_upgrade.py``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sensing.store import StoreLifecycle
from sensing.store.elastic import ElasticStore
from sensing.store.sqlite import SqliteStore


def test_setup_twice_is_harmless(store: StoreLifecycle) -> None:
    store.setup()
    assert store.health()["ok"] is True


@pytest.mark.parametrize(("unreachable", "backend"), [
    (lambda tmp: SqliteStore(tmp / "no-such-folder" / "store.db"), "sqlite"),
    (lambda tmp: ElasticStore("http://127.0.0.1:1", prefix="unreachable"), "elasticsearch"),
], ids=["sqlite", "elasticsearch"])
def test_health_of_an_unreachable_backend_says_so_without_raising(
        unreachable: Callable[[Path], StoreLifecycle], backend: str, tmp_path: Path) -> None:
    store = unreachable(tmp_path)
    health = store.health()
    store.close()
    assert (health["ok"], health["backend"]) == (False, backend)
    assert health["error"]
