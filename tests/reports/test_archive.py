"""Reports made into the archive and served: each in a folder of its own (JSON, HTML, and a
PDF that has the sections) with its record (due, made, ok or late or failed), listed newest
due first and served by the API, on both stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import ImageFile
from pypdf import PdfReader

from api.app import create_app
from reports.archive import make_report
from sensing.config import Settings
from sensing.schemas import utcnow
from sensing.store import Store
from tests.reports.test_build import CAMPAIGN, LAUNCH, post
from workers.app import make_celery

DUE = LAUNCH + timedelta(days=1)


@pytest.fixture
def store(empty_store: Store) -> Store:
    empty_store.save_campaign(CAMPAIGN)
    empty_store.upsert_posts([post(1, -30, 0.9), post(3, 2, 0.8), post(4, 3, 0.6, "negative")])
    return empty_store


def test_a_report_is_made_into_its_own_folder_and_recorded(store: Store, tmp_path: Path
                                                           ) -> None:
    record, alerts = make_report(store, CAMPAIGN, "daily", DUE, tmp_path,
                                 clock=lambda: DUE + timedelta(minutes=4))
    assert alerts == []
    assert (record.id, record.status, record.posts) == ("x2-daily-20261016T1200", "ok", 3)
    folder = tmp_path / "x2" / record.id
    assert {Path(p) for p in record.files.values()} == {
        folder / "report.json", folder / "report.html", folder / "report.pdf"}
    assert json.loads((folder / "report.json").read_text())["post"]["posts"] == 2
    # printing it left Pillow as it was: the vision step still refuses truncated images
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    pages = PdfReader(folder / "report.pdf").pages
    printed = " ".join(page.extract_text() for page in pages)
    for section in ("Nova Lumina X2: launch reaction", "Volume", "Sentiment", "Conversation",
                    "Representative posts"):
        assert section in printed, section
    late, [alert] = make_report(store, CAMPAIGN, "final", DUE + timedelta(days=1), tmp_path,
                                clock=lambda: DUE + timedelta(days=1, hours=2), targets=["ops"])
    assert late.status == "late"
    assert [r.id for r in store.list_reports("x2")] == [late.id, record.id]
    # a late report says so, inside it and as an alert
    assert json.loads(Path(late.files["json"]).read_text())["data_quality"]["late"] is True
    assert "<b>Late:</b> this report was due 2026-10-17 12:00 UTC" in Path(
        late.files["html"]).read_text()
    assert (alert.kind, alert.subject, alert.observed) == ("report_late", late.id, 120.0)
    assert store.list_alerts("x2") == [alert] and alert.deliveries[0].status == "pending"


def test_a_report_with_a_crawl_gap_says_so_and_raises_an_alert(empty_store: Store,
                                                               tmp_path: Path) -> None:
    live = CAMPAIGN.model_copy(update={"id": "live", "launch_at": utcnow() - timedelta(days=1)})
    empty_store.save_campaign(live)
    record, [alert] = make_report(empty_store, live, "daily", utcnow(), tmp_path)
    gaps = json.loads(Path(record.files["json"]).read_text())["data_quality"]["gaps"]
    assert gaps == ["mastodon: never crawled by the schedule"]
    assert alert.kind == "crawl_gap" and "never crawled" in alert.summary


def test_a_report_that_cannot_be_written_is_recorded_as_failed(store: Store,
                                                               tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the archive should be")
    with pytest.raises(OSError):
        make_report(store, CAMPAIGN, "daily", DUE, blocked)
    [record] = store.list_reports("x2")
    assert record.status == "failed" and "Error" in record.error and record.files == {}


@pytest.fixture
def client(tmp_path: Path, store: Store) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path)
    with TestClient(create_app(settings, store=store, celery=make_celery(settings))) as client:
        yield client


def test_the_api_lists_and_serves_the_reports(client: TestClient, store: Store,
                                              tmp_path: Path) -> None:
    record, _ = make_report(store, CAMPAIGN, "snapshot", DUE, tmp_path / "reports")
    [listed] = client.get("/campaigns/x2/reports").json()
    assert listed["id"] == record.id and listed["kind"] == "snapshot"
    page = client.get(f"/reports/{record.id}.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Nova Lumina X2" in page.text
    assert client.get(f"/reports/{record.id}.json").json()["campaign"]["id"] == "x2"
    pdf = client.get(f"/reports/{record.id}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/reports/{record.id}.exe").status_code == 404
    assert client.get("/reports/nope.html").status_code == 404
    assert client.get("/campaigns/nope/reports").status_code == 404
    asked = client.post("/campaigns/x2/reports")
    assert asked.status_code == 202 and asked.json()["report_id"].startswith("x2-on_demand-")
