"""The sample platforms' influencers have follower audiences with designed interest mixes:
what the API serves, the first 20 followers (the demo's sample) as well as all of them,
carries the mix to within three points, every follower post is labelled with the category
it was written for, and none of that ground truth is in what the API serves."""

from __future__ import annotations

import html
import json
import random
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from samples.audiences import BLOCK, check_mix, interest_plan
from samples.interest_posts import LANGS, LAUNCH_TALK, POSTS
from samples.mastodon_followers import (
    DESIGNED_MIXES,
    INFLUENCER,
    SAMPLED,
    Followers,
    build_followers,
)
from samples.platforms.bluesky import (
    AUDIENCE,
    FAN_LABEL,
    Bluesky,
    Network,
    build_network,
    did_for,
)
from samples.platforms.bluesky import DESIGNED_MIXES as BLUESKY_MIXES
from samples.platforms.mastodon import load_statuses
from samples.server import SampleServer, start_sample_server

TOLERANCE = 0.03
DEMO_SAMPLE = 20
WRITTEN = {text: (category, sub) for category, langs in POSTS.items()
           for posts in langs.values() for sub, text in posts}
WRITTEN |= {text: ("technology", sub) for sub, text in LAUNCH_TALK.values()}
LINK_NEXT = re.compile(r'<([^>]+)>; rel="next"')


@pytest.fixture(scope="module")
def server() -> Iterator[SampleServer]:
    found, _ = start_sample_server()
    yield found
    found.shutdown()


def get(url: str, token: str | None = None) -> tuple[Any, dict[str, str]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                timeout=10) as reply:
        return json.load(reply), dict(reply.headers)


def served_mastodon_followers(server: SampleServer, account_id: str) -> list[dict[str, Any]]:
    """Every follower the API lists, following its ``Link`` pages."""
    url: str | None = f"{server.base_url}/api/v1/accounts/{account_id}/followers?limit=80"
    found = []
    while url:
        page, headers = get(url)
        found += page
        link = LINK_NEXT.search(headers.get("Link", "")) if page else None
        url = link.group(1) if link else None
    return found


def served_bluesky_followers(server: SampleServer, handle: str) -> list[dict[str, Any]]:
    login = json.dumps({"identifier": Bluesky.sample_credentials["bluesky_handle"],
                        "password": Bluesky.sample_credentials["bluesky_app_password"]})
    request = urllib.request.Request(
        f"{server.base_url}/xrpc/com.atproto.server.createSession", data=login.encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        token = json.load(reply)["accessJwt"]
    page, _ = get(f"{server.base_url}/xrpc/app.bsky.graph.getFollowers?actor={handle}"
                  f"&limit=100", token)
    return page["followers"]


def assert_near(truth: dict[str, float], mix: dict[str, float], label: str) -> None:
    for category in set(truth) | set(mix):
        assert abs(truth.get(category, 0) - mix.get(category, 0)) <= TOLERANCE, (label, truth)


def mastodon_graph(server: SampleServer) -> Followers:
    return server.platforms["mastodon"].follows


def mastodon_influencers(server: SampleServer) -> list[dict[str, Any]]:
    accounts = server.platforms["mastodon"].accounts.values()
    return [a for a in accounts if a["followers_count"] > INFLUENCER]


def test_every_mastodon_influencer_serves_its_designed_mix(server: SampleServer) -> None:
    graph = mastodon_graph(server)
    influencers = mastodon_influencers(server)
    assert {a["acct"] for a in influencers} == set(DESIGNED_MIXES)
    for account in influencers:
        mix = graph.designed_mix(account["id"])
        assert mix == DESIGNED_MIXES[account["acct"]]
        served = [f["id"] for f in served_mastodon_followers(server, account["id"])]
        assert len(served) == SAMPLED["influencer"]
        for first in (DEMO_SAMPLE, len(served)):
            assert_near(graph.audience_truth(served[:first]), mix, f"{account['acct']}:{first}")


def test_served_mastodon_followers_carry_no_ground_truth(server: SampleServer) -> None:
    """A follower is served with exactly the fields a corpus account has: no interests, no
    labels, no builder's language."""
    corpus_fields = set(next(iter(server.platforms["mastodon"].accounts.values())))
    account = mastodon_influencers(server)[0]
    for follower in served_mastodon_followers(server, account["id"])[:DEMO_SAMPLE]:
        assert set(follower) == corpus_fields
        statuses, _ = get(f"{server.base_url}/api/v1/accounts/{follower['id']}/statuses")
        assert statuses and all(set(s["account"]) == corpus_fields for s in statuses)


def test_every_bluesky_account_with_a_mix_serves_it(server: SampleServer) -> None:
    network = build_network()
    for short, mix in BLUESKY_MIXES.items():
        did = did_for(f"{short}.bsky.social")
        assert network.designed_mix(did) == mix
        served = served_bluesky_followers(server, f"{short}.bsky.social")
        assert [f["did"] for f in served] == network.followers[did]
        assert len(served) == AUDIENCE
        assert all(set(f) == {"did", "handle", "displayName", "avatar", "labels", "createdAt",
                              "description", "indexedAt"} for f in served)
        for first in (DEMO_SAMPLE, len(served)):
            assert_near(network.audience_truth(network.followers[did][:first]), mix,
                        f"{short}:{first}")


def test_the_demo_picks_accounts_with_designed_mixes() -> None:
    """The demo samples the followers of the three most-followed post authors per source."""
    network = build_network()
    authors = {p.did for p in network.posts if network.accounts[p.did].role != "follower"}
    top = sorted(authors, key=lambda did: -(len(network.followers.get(did, []))
                                            + network.accounts[did].extra_followers))[:3]
    assert all(network.designed_mix(did) for did in top)
    graph = build_followers(corpus_accounts())
    top = sorted(corpus_accounts(), key=lambda a: -a["followers_count"])[:3]
    assert all(graph.designed_mix(a["id"]) for a in top)


def corpus_accounts() -> list[dict[str, Any]]:
    return list({s["account"]["id"]: s["account"] for s in load_statuses()}.values())


def plain(content: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", content))


def test_every_mastodon_follower_post_is_labelled_with_what_it_is_about() -> None:
    graph = build_followers(corpus_accounts())
    assert graph == build_followers(corpus_accounts())  # seeded
    for follower_id, statuses in graph.statuses_of.items():
        labels = graph.post_labels(follower_id)
        assert [WRITTEN[plain(s["content"])] for s in statuses] == labels
        truth = graph.follower_truth(follower_id)
        assert sorted(truth.values()) in ([1.0], [0.5, 0.5])  # one interest, or two halves
        assert {t["name"] for s in statuses for t in s["tags"]}  # people tag their posts
    langs = {s["language"] for statuses in graph.statuses_of.values() for s in statuses}
    assert langs == set(LANGS)


def test_every_bluesky_follower_post_is_labelled_with_what_it_is_about() -> None:
    network = build_network()
    followers = {did for ids in network.followers.values() for did in ids}
    for did in followers:
        account = network.accounts[did]
        own = [p for p in network.posts if p.did == did]
        labels = network.post_labels(did)
        assert own and len(labels) == len(own)
        if account.role == "fan":  # a fan follows its reviewer and talks about the phone
            assert set(labels) == {FAN_LABEL}
        else:
            assert sorted(WRITTEN[p.text] for p in own) == sorted(labels)
        assert sorted(network.follower_truth(did).values()) in ([1.0], [0.5, 0.5])


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_the_demo_sample_spans_the_corpus_languages(platform: str) -> None:
    if platform == "mastodon":
        graph: Followers | Network = build_followers(corpus_accounts())
        samples = [graph.followers_of[a][:DEMO_SAMPLE] for a in graph.mixes]
        lang_of = {f: s[0]["language"] for f, s in graph.statuses_of.items()}
    else:
        graph = build_network()
        samples = [graph.followers[a][:DEMO_SAMPLE] for a in graph.mixes]
        lang_of = {did: a.lang for did, a in graph.accounts.items()}
    for sample in samples:
        assert {lang_of[f] for f in sample} == set(LANGS)


def test_regular_accounts_keep_a_handful_of_followers() -> None:
    graph = build_followers(corpus_accounts())
    for account in corpus_accounts():
        if account["followers_count"] <= INFLUENCER:
            assert len(graph.followers_of[account["id"]]) == min(SAMPLED["regular"],
                                                                 account["followers_count"])
            assert graph.designed_mix(account["id"]) is None


def test_any_prefix_is_representative_and_every_block_exact() -> None:
    mix = {"technology": 0.45, "sports": 0.3, "nightlife": 0.15, "parenting": 0.1}
    plan = interest_plan(mix, 3 * BLOCK, random.Random(7))
    for n in range(10, len(plan) + 1):
        truth = {c: sum(f.count(c) / len(f) for f in plan[:n]) / n for c in mix}
        worst = max(abs(truth[c] - mix[c]) for c in mix)
        assert worst <= (1e-9 if n % BLOCK == 0 else 0.05), (n, truth)


@pytest.mark.parametrize("mix", [{"technology": 0.33, "travel": 0.67},
                                 {"technology": 0.5, "travel": 0.25},
                                 {"technology": 0.5, "gardening": 0.5}])
def test_a_mix_a_block_cannot_hold_is_refused(mix: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="designed mix"):
        check_mix(mix)
