"""A journey export into a campaign and its attribution, on both stores: the sample export
(``samples/journeys.py``, whose best-converting channels are planted), exact sums under every
model, ROI from the imported spend, and the rows an export gets wrong, reported by line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from planning.attribution import MODELS
from planning.conversions import import_events
from planning.credits import campaign_attribution
from samples.journeys import RATES, SPEND, generate, write
from sensing.store import Store

SALT = b"test-salt"


@pytest.fixture(scope="module")
def sample():
    return generate(customers=2000, seed=3)


@pytest.fixture
def imported(store: Store, sample, tmp_path: Path) -> Store:
    result = import_events(store, write(sample, tmp_path / "journeys.csv"), "x2", SALT)
    assert result.failed == 0 and result.stored.created == len(sample.rows)
    return store


@pytest.fixture
def store(empty_store: Store) -> Store:
    return empty_store


@pytest.mark.parametrize("model", MODELS)
def test_every_model_credits_exactly_the_conversions_value(imported: Store, sample,
                                                           model: str) -> None:
    report = campaign_attribution(imported, "x2", model, half_life_days=3)
    assert report.conversions == sample.orders and report.total_value == sample.revenue
    assert sum(c.value for c in report.credits) == sample.revenue  # to the cent, not ≈
    assert sum(c.conversions for c in report.credits) == pytest.approx(sample.orders)


def test_the_planted_best_channels_come_first_with_their_roi(imported: Store) -> None:
    report = campaign_attribution(imported, "x2", "last_non_direct")
    linked = [c.channel for c in report.credits if c.channel in RATES]
    assert linked == ["mastodon", "bluesky", "youtube", "reddit"]
    mastodon = next(c for c in report.credits if c.channel == "mastodon")
    assert mastodon.spend == SPEND["mastodon"]
    assert mastodon.roi == pytest.approx(float((mastodon.value - mastodon.spend)
                                               / mastodon.spend))
    assert report.total_spend == sum(SPEND.values())
    cheaper = campaign_attribution(imported, "x2", spend={"mastodon": Decimal("100")})
    assert next(c for c in cheaper.credits if c.channel == "mastodon").roi > mastodon.roi


def test_credit_by_influencer_keeps_the_total(imported: Store, sample) -> None:
    report = campaign_attribution(imported, "x2", "linear", by="influencer")
    names = {c.channel for c in report.credits}
    assert {"es_user44", "glowup", "(not tagged)", "direct"} <= names
    assert sum(c.value for c in report.credits) == sample.revenue
    assert report.total_spend == 0 and all(c.roi is None for c in report.credits)


def test_the_same_export_again_adds_nothing(imported: Store, sample, tmp_path: Path) -> None:
    again = import_events(imported, write(sample, tmp_path / "again.csv"), "x2", SALT)
    assert (again.stored.created, again.stored.updated) == (0, len(sample.rows))
    assert campaign_attribution(imported, "x2").conversions == sample.orders


def test_customer_ids_are_stored_hashed(imported: Store) -> None:
    customers = {e.customer for e in imported.journey_events("x2", kinds=["touch"])}
    assert customers and all(c.startswith("cu_") for c in customers)
    assert not any("C000" in c for c in customers)


def test_bad_rows_are_reported_by_line_and_the_rest_imported(store: Store,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "journeys.jsonl"
    good = {"type": "touch", "customer": "C1", "timestamp": "2026-10-16T10:00:00+09:00",
            "url": "https://shop.example/x2?utm_source=Mastodon&utm_medium=influencer"
                   "&utm_term=techlens"}
    lines = [json.dumps(good).encode(),
             b'{"type": "touch", "customer": "C1", "timestamp": "yesterday"}',
             b"\xff\xfe not utf-8",
             b"{not json",
             json.dumps({"type": "refund", "customer": "C1"}).encode(),
             json.dumps({"type": "conversion", "customer": "C1", "timestamp":
                         "2026-10-17T10:00:00Z", "value": "12.345"}).encode(),
             json.dumps({"type": "conversion", "customer": "C1", "timestamp":
                         "2026-10-17T10:00:00Z", "value": "ten"}).encode(),
             json.dumps({"type": "spend", "timestamp": "2026-10-15T00:00:00Z",
                         "value": "100"}).encode(),
             b"[1, 2]",
             json.dumps({"type": "conversion", "customer": "C1", "timestamp":
                         "2026-10-17T10:00:00Z", "value": "1,234.50", "order_id": "A1"}
                        ).encode()]
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = import_events(store, path, "x2", SALT)
    assert [p.split(":", 1)[0] for p in result.problems] == [f"line {n}" for n in range(2, 10)]
    said = " | ".join(result.problems)
    for expected in ("'yesterday' is not ISO 8601", "not UTF-8", "not JSON",
                     "'refund' is not one of", "whole cents", "'ten' is not an amount",
                     "a spend needs a channel", "not a JSON object"):
        assert expected in said, expected
    assert result.kinds == {"touch": 1, "conversion": 1} and result.stored.created == 2
    [visit] = store.journey_events("x2", kinds=["touch"])
    assert (visit.channel, visit.medium, visit.influencer) == ("mastodon", "influencer",
                                                               "techlens")
    [order] = store.journey_events("x2", kinds=["conversion"])
    assert order.value == Decimal("1234.50") and order.id == "order:A1"


def test_a_file_that_is_neither_csv_nor_json_lines_is_refused(store: Store,
                                                               tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="give a .csv or a .jsonl"):
        import_events(store, tmp_path / "journeys.xlsx", "x2", SALT)
