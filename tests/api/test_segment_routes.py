"""Customer segments over the API, on both stores: a generated customer file posted as it is
(``POST /segments/import``), then the segments, their target lists, the targeting table at
any threshold and the model run behind the scores; a bad file is a 422 naming the column and
row, and leaves the previous import in place."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from planning.events import EventLog, aggregate
from samples.customers import generate
from sensing.config import Settings
from sensing.schemas import Campaign
from sensing.store import Store
from workers.app import make_celery

CAMPAIGN = Campaign(id="x2", name="X2", query="x2", launch_at=datetime(2026, 10, 15, tzinfo=UTC))
IMPORT = ("/segments/import?campaign_id=x2&label=converted&offer=offer&control=none"
          "&interest=interests")


def customers_csv(n: int = 3000) -> bytes:
    """A CRM export: the generated customers with their behaviour aggregates as columns."""
    sample = generate(n, seed=2)
    actions, codes = np.unique(sample.events["action_type"], return_inverse=True)
    log = EventLog("events", sample.events["customer_id"], sample.events["timestamp"], codes,
                   list(actions))
    columns = {**sample.customers, **aggregate(log, sample.customers["customer_id"],
                                               sample.cutoff.timestamp())[0]}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(columns))
    for row in zip(*columns.values(), strict=True):
        writer.writerow(["" if isinstance(v, float) and np.isnan(v) else v for v in row])
    return out.getvalue().encode()


FILE = customers_csv()


@pytest.fixture
def client(tmp_path: Path, empty_store: Store) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, api_max_import_bytes=len(FILE) + 10)
    empty_store.save_campaign(CAMPAIGN)
    app = create_app(settings, store=empty_store, celery=make_celery(settings))
    with TestClient(app) as client:
        yield client


def post(client: TestClient, body: bytes = FILE, query: str = IMPORT,
         content_type: str = "text/csv"):
    return client.post(query, content=body, headers={"content-type": content_type})


def test_an_import_is_scored_stored_and_read_back(client: TestClient) -> None:
    done = post(client, query=IMPORT + "&threshold=0.3&source=crm.csv")
    assert done.status_code == 201, done.text
    found = done.json()
    assert found["import"]["rows"] == 3000 and found["import"]["source"] == "crm.csv"
    assert found["metrics"]["auc"] > 0.6
    table = client.get("/campaigns/x2/targeting", params={"threshold": 0.3}).json()
    assert table["rows"] == found["targeting"]
    assert table["customers"] == 3000 and table["import"]["id"] == found["import"]["id"]
    stricter = client.get("/campaigns/x2/targeting", params={"threshold": 0.6}).json()
    assert stricter["targets"] < table["targets"]

    segments = client.get("/segments", params={"campaign_id": "x2"}).json()
    assert [s["name"] for s in segments] == [f"Seg{i + 1}" for i in range(len(segments))]
    first = client.get(f"/segments/{segments[0]['id']}").json()
    assert first["size"] == segments[0]["size"] and first["traits"]
    assert {o["offer"] for o in first["offers"]} == {"none", "email_coupon", "app_push"}
    assert first["interests"][0]["share"] >= first["interests"][-1]["share"]
    assert 0 < first["interest_customers"] < first["size"]

    page = client.get(f"/segments/{first['id']}/customers", params={"size": 50}).json()
    scores = [c["propensity"] for c in page["customers"]]
    assert scores == sorted(scores, reverse=True) and page["total"] == first["size"]
    assert all(c["id"].startswith("cu_") and not c["id"].startswith("cu_C")
               for c in page["customers"])
    assert page["customers"][0]["reasons"]

    run = client.get(f"/model-runs/{found['import']['run_id']}").json()
    assert run["rows"] == 3000 and len(run["data_fingerprint"]) == 64
    assert run["metrics"]["auc"] == found["metrics"]["auc"]


def test_a_bad_file_is_a_422_and_the_previous_import_stays(client: TestClient) -> None:
    assert post(client).status_code == 201
    before = client.get("/campaigns/x2/targeting").json()
    broken = FILE.replace(b"C0000002,", b"C0000001,", 1)
    refused = post(client, broken)
    assert refused.status_code == 422
    assert "line 3, column 'customer_id': duplicate customer id 'C0000001'" in \
        refused.json()["detail"]
    assert client.get("/campaigns/x2/targeting").json() == before
    no_label = post(client, query=IMPORT.replace("converted", "bought"))
    assert "no column 'bought'" in no_label.json()["detail"]
    neither = post(client, query="/segments/import?campaign_id=x2")
    assert neither.status_code == 422 and "nothing to segment by" in neither.json()["detail"]
    assert client.get("/campaigns/x2/targeting").json() == before


def test_the_users_own_segments_replace_the_models(client: TestClient) -> None:
    assert post(client).status_code == 201
    assert post(client, query="/segments/import?campaign_id=x2&label=converted"
                              "&segment=region").status_code == 201
    names = sorted(s["name"] for s in client.get("/segments").json())
    assert names == ["capital", "east", "north", "south", "west"]
    assert client.get("/segments/x2:Seg1").status_code == 404


def test_what_the_import_refuses_before_reading(client: TestClient) -> None:
    assert post(client, content_type="application/pdf").status_code == 415
    assert post(client, query=IMPORT.replace("x2", "nope")).status_code == 404
    assert post(client, query=IMPORT + "&labell=x").status_code == 400
    too_big = post(client, FILE + b"x" * 20)
    assert too_big.status_code == 413 and "SENSING_API_MAX_IMPORT_BYTES" in too_big.text
    other = client.post("/campaigns", content=b"{" + b" " * 2_000_000 + b"}",
                        headers={"content-type": "application/json"})
    assert other.status_code == 413 and "SENSING_API_MAX_BODY_BYTES" in other.text


def test_targeting_without_an_import_is_empty(client: TestClient) -> None:
    table = client.get("/campaigns/x2/targeting").json()
    assert (table["rows"], table["import"], table["customers"]) == ([], None, 0)
    assert client.get("/campaigns/nope/targeting").status_code == 404
    assert client.get("/model-runs/pr-none").status_code == 404
