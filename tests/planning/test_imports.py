"""A scored customer file stored as a campaign's import, on both stores: the store holds
salted hashes of the customer ids, never a raw one, the same customer hashes the same way in
every import of the deployment, and the stored table is the one the scoring printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planning.customers import deployment_salt, hash_id
from planning.imports import save_import
from planning.scoring import Options, Scored, score
from samples.customers import generate, write
from sensing.store import Store
from sensing.store.elastic import ElasticStore
from sensing.store.sqlite import SqliteStore
from tests.planning.test_propensity import customer_table


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Scored:
    files = write(generate(2000, seed=4), tmp_path_factory.mktemp("small"))
    return score(customer_table(files), Options(reasons=1, segments=4))


def stored_bytes(store: Store) -> bytes:
    """Everything the store holds, as bytes: the database files, or every document."""
    if isinstance(store, SqliteStore):
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return b"".join(p.read_bytes() for p in Path(store.path).parent.glob("store.db*"))
    assert isinstance(store, ElasticStore)
    store.es.indices.refresh(index=f"{store.prefix}-*")
    hits = store.es.search(index=f"{store.prefix}-*", size=10_000,
                           query={"match_all": {}})["hits"]["hits"]
    return json.dumps(hits).encode()


def test_the_store_never_holds_a_raw_customer_id(empty_store: Store, scored: Scored,
                                                 tmp_path: Path) -> None:
    salt = deployment_salt(tmp_path)

    _, result = save_import(empty_store, scored, "c1", salt, "crm.csv", 0.3, None)
    assert result.created == 2000
    held = stored_bytes(empty_store)
    raw = [str(i).encode() for i in scored.table.ids]
    assert not [r for r in raw if r in held]
    assert hash_id(str(scored.table.ids[0]), salt).encode() in held
    stored = [(r.name, r.count, r.target_count, round(r.mean_propensity, 5))
              for r in empty_store.targeting("c1", 0.3)]
    assert stored == [(r.name, r.count, r.target_count, round(r.mean_propensity, 5))
                      for r in scored.targeting(0.3)]


def test_the_salt_is_drawn_once_per_deployment(tmp_path: Path) -> None:
    first = deployment_salt(tmp_path)
    assert deployment_salt(tmp_path) == first and len(first) == 64
    assert (tmp_path / "customer-salt").stat().st_mode & 0o077 == 0
    assert deployment_salt(tmp_path / "other") != first
