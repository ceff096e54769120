"""The sample server's influencers have audiences with designed interest mixes
(``samples.mastodon_followers.DESIGNED_MIXES``); the classifier and the audience table, run
over a follower sample as author mode collects it, recover each mix within ten points."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from audience.interests import default_classifier
from audience.profile import audience_profile
from samples.mastodon_followers import DESIGNED_MIXES, build_followers
from sensing.schemas import Author, RecentPost
from sensing.text import plain_text

CORPUS = Path(__file__).resolve().parents[2] / "samples" / "mastodon_statuses.json"
SAMPLE = 20  # followers per influencer, as `sensing demo` samples them


def as_author(graph, follower_id: str) -> Author:
    """The follower as the Mastodon spider's author mode stores it: plain-text bio and posts."""
    account = graph.accounts[follower_id]
    posts = [RecentPost(id=s["id"], created_at=datetime.fromisoformat(s["created_at"]),
                        text=plain_text(s["content"]), hashtags=[t["name"] for t in s["tags"]],
                        lang=s["language"]) for s in graph.statuses_of[follower_id][:5]]
    return Author(id=f"mastodon:sample/{follower_id}", source="mastodon",
                  bio=plain_text(account["note"]), recent_posts=posts)


@pytest.fixture(scope="module")
def audiences() -> dict[str, tuple[dict[str, float], dict[str, float]]]:
    """Influencer acct -> (the sample's true mix, the shares the audience table computes)."""
    statuses = json.loads(CORPUS.read_text(encoding="utf-8"))
    accounts = {s["account"]["id"]: s["account"] for s in statuses}
    graph = build_followers(list(accounts.values()))
    classifier = default_classifier()
    found = {}
    for account_id, followers in graph.followers_of.items():
        acct = accounts[account_id]["acct"]
        if acct not in DESIGNED_MIXES:
            continue
        authors = [as_author(graph, f) for f in followers[:SAMPLE]]
        for author, interests in zip(authors, classifier.classify(authors), strict=True):
            author.interests, author.interest_model = interests, classifier.model_id
        table = audience_profile(authors)
        found[acct] = (graph.audience_truth(followers[:SAMPLE]),
                       {row.category: row.share for row in table.categories})
    return found


@pytest.mark.parametrize("acct", sorted(DESIGNED_MIXES))
def test_the_designed_mix_is_recovered_within_ten_points(audiences, acct: str) -> None:
    truth, computed = audiences[acct]
    for category in set(truth) | set(computed):
        assert abs(computed.get(category, 0) - truth.get(category, 0)) <= 0.10, (
            acct, category, truth, computed)
    leaders = {c for c, share in truth.items() if share >= max(truth.values()) - 0.05}
    assert max(computed, key=computed.get) in leaders, "the largest interest comes first"
