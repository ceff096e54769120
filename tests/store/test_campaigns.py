"""The campaign catalog (``CampaignCatalog``) on both backends (the ``store`` fixture runs each
test on SQLite and Elasticsearch)."""

from __future__ import annotations

from datetime import datetime

from sensing.schemas import Campaign
from sensing.store import CampaignCatalog


def campaign(cid: str, query: str = "x2") -> Campaign:
    return Campaign(id=cid, name=cid, query=query, launch_at=datetime(2026, 10, 15))


def test_campaigns_round_trip_listed_by_id(store: CampaignCatalog) -> None:
    assert store.list_campaigns() == []
    for cid in ("b-launch", "a-launch"):
        store.save_campaign(campaign(cid))
    assert [c.id for c in store.list_campaigns()] == ["a-launch", "b-launch"]
    assert store.get_campaign("a-launch").query == "x2"
    assert store.get_campaign("nope") is None


def test_saving_a_campaign_again_replaces_it(store: CampaignCatalog) -> None:
    store.save_campaign(campaign("x2"))
    store.save_campaign(campaign("x2", query="x2 OR lumina"))
    assert store.get_campaign("x2").query == "x2 OR lumina"
    assert [c.query for c in store.list_campaigns()] == ["x2 OR lumina"]
