"""The Bluesky spider against the sample server's XRPC API: real HTTP on loopback, real crawl
subprocesses through ``run_crawl``, nothing mocked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from processes import kill_midway

from crawlers.run import run_crawl, settings_env
from crawlers.spiders.bluesky import post_id
from samples.platforms.bluesky import AUDIENCE, LAUNCH, Bluesky, build_network, did_for
from samples.server import SampleServer, start_sample_server
from sensing.config import Settings
from sensing.query import matches, parse_query

QUERY = '"nova lumina" OR luminax2 OR 노바루미나 OR ノヴァルミナ'
SEARCH = "/xrpc/app.bsky.feed.searchPosts"


@pytest.fixture
def server() -> Iterator[SampleServer]:
    found, _ = start_sample_server()
    found.platforms["bluesky"].page_cap = 10  # short pages, so every crawl paginates
    yield found
    found.shutdown()


def bluesky(server: SampleServer) -> Bluesky:
    return server.platforms["bluesky"]


def settings_for(data: Path, **values: Any) -> Settings:
    return Settings(data_dir=data, analyze_batch_size=10,
                    **{**Bluesky.sample_credentials, **values})


def crawl(server: SampleServer, data: Path, out: Path, options: dict[str, Any] | None = None,
          **values: Any):
    return run_crawl("bluesky", query=QUERY, campaign_id="x2", base_url=server.base_url,
                     out=out, limit=None, settings=settings_for(data, **values), options=options)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def ids(path: Path) -> list[str]:
    return [record["id"] for record in lines(path)]


def expected_ids(server: SampleServer) -> set[str]:
    """What a perfect crawl yields: every post the query matches, plus every reply below
    one (replies answer a post about the product even when they do not name it)."""
    node = parse_query(QUERY)
    posts = bluesky(server).posts
    found = {p.uri for p in posts if matches(node, p.text)}
    while True:
        below = {p.uri for p in posts if p.parent in found} - found
        if not below:
            return {post_id(uri) for uri in found}
        found |= below


def test_a_crawl_collects_matching_posts_and_their_reply_threads(server: SampleServer,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    stats = crawl(server, tmp_path / "data", out)
    collected = ids(out)
    assert len(collected) == len(set(collected)) == stats.items
    assert set(collected) == expected_ids(server)
    searches = [p for _, p, _ in server.requests if p.startswith(SEARCH)]
    assert any("cursor=" in p for p in searches)  # it followed the cursor
    posts = {record["id"]: record for record in lines(out)}
    # a reply that never names the product, kept because it answers a post that does
    tripod = next(p for p in posts.values() if p["raw_text"].startswith("Handheld!"))
    question = posts[tripod["in_reply_to"]]
    assert question["raw_text"] == "Was this handheld or on a tripod?"
    assert tripod["thread_id"] == question["thread_id"] != question["id"]
    # the record's facets and the embed's images, in the Post contract
    review = next(p for p in posts.values() if "review is up" in p["raw_text"])
    did = did_for("techlens.bsky.social")
    assert review["id"].startswith(f"bluesky:{did}/")
    assert review["url"].startswith("https://bsky.app/profile/techlens.bsky.social/post/")
    techlens = bluesky(server).accounts[did]
    assert review["author"] == {"id": f"bluesky:{did}", "handle": "@techlens.bsky.social",
                                "name": "TechLens Reviews", "verified": True,
                                "bio": techlens.bio,  # hydrated by getProfiles, with counts
                                "followers": AUDIENCE + techlens.extra_followers,
                                "following": 40, "bot": False}
    assert review["hashtags"] == ["luminax2"]
    assert review["urls"] == ["https://techlens.example/x2-review"]
    crash = next(p for p in posts.values() if p["raw_text"].startswith("Update 1.0.3"))
    assert crash["mentions"] == ["@lumina-official.bsky.social"]
    night = next(p for p in posts.values() if p["raw_text"].startswith("First night walk"))
    assert night["media"][0]["url"] == f"{server.base_url}/media/x2-night-shot.png"
    assert night["metrics"]["replies"] == 2
    # the loose search also finds the paint and the astronomy posts; the query leaves them out
    searched = {p.text for p in bluesky(server).posts if matches(parse_query("nova lumina"),
                                                                 p.text)}
    assert {"Lumina Nova White", "observatorio Lumina"} <= {
        word for text in searched for word in ("Lumina Nova White", "observatorio Lumina")
        if word in text}
    assert not any("Lumina Nova White" in p["raw_text"] or "observatorio" in p["raw_text"]
                   for p in posts.values())


def test_without_credentials_the_crawl_does_not_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SENSING_BLUESKY_HANDLE, "
                                         "SENSING_BLUESKY_APP_PASSWORD.*app password"):
        run_crawl("bluesky", query=QUERY, campaign_id=None, base_url="http://127.0.0.1:9",
                  out=tmp_path / "o.jsonl", limit=None, settings=Settings(data_dir=tmp_path))
    assert not (tmp_path / "o.jsonl").exists()


def test_a_refused_login_ends_the_crawl_with_one_clear_line(server: SampleServer,
                                                           tmp_path: Path) -> None:
    settings = settings_for(tmp_path, bluesky_app_password="not-the-app-password")
    stats_file = tmp_path / "stats.json"
    done = subprocess.run(
        [sys.executable, "-m", "crawlers.runner", "bluesky", "--query", QUERY,
         "--base-url", server.base_url, "--sink", f"jsonl:{tmp_path / 'o.jsonl'}",
         "--stats-file", str(stats_file)],
        env={**os.environ, **settings_env(settings)}, capture_output=True, text=True)
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    assert ("Bluesky refused the session for lumina-listener.bsky.social" in done.stderr
            and "AuthenticationRequired" in done.stderr
            and "check SENSING_BLUESKY_HANDLE and SENSING_BLUESKY_APP_PASSWORD" in done.stderr)
    assert json.loads(stats_file.read_text())["finish_reason"] == "bluesky_login_refused"
    assert not any(p.startswith(SEARCH) for _, p, _ in server.requests)


def test_an_expired_token_is_refreshed_and_the_crawl_completes(server: SampleServer,
                                                                tmp_path: Path) -> None:
    bluesky(server).token_uses = 5
    out = tmp_path / "posts.jsonl"
    stats = crawl(server, tmp_path / "data", out)
    assert stats.finish_reason == "finished"
    refreshes = [p for _, p, _ in server.requests if p.endswith("refreshSession")]
    expired = [p for _, p, status in server.requests if status == 400]
    assert len(refreshes) >= 2 and len(expired) >= len(refreshes)
    assert set(ids(out)) == expected_ids(server)


def test_rate_limits_server_errors_and_broken_bodies_are_survived(server: SampleServer,
                                                                  tmp_path: Path) -> None:
    server.faults.retry_after = 2
    server.faults.add("429", "503", "malformed", "truncated", "html", prefix=SEARCH)
    stats = crawl(server, tmp_path / "data", tmp_path / "posts.jsonl")
    assert stats.finish_reason == "finished"
    assert stats.bad_responses == 3 and stats.retries >= 2
    limited = next(i for i, (_, _, status) in enumerate(server.requests) if status == 429)
    when, path, _ = server.requests[limited]
    retried_at = next(t for t, p, _ in server.requests[limited + 1:] if p == path)
    assert retried_at - when >= 2.0  # the same request, only after Retry-After
    # three search words lost their first page (and so their cursor); the fourth word and
    # every thread went on
    assert 0 < stats.items < len(expected_ids(server))
    assert any("getPostThread" in p for _, p, _ in server.requests)


def test_a_second_crawl_fetches_only_what_is_new(server: SampleServer, tmp_path: Path) -> None:
    first = crawl(server, tmp_path / "data", tmp_path / "first.jsonl")
    newest = max(p.created_at for p in bluesky(server).posts)
    fresh = bluesky(server).publish("marcus-t.bsky.social", "Firmware 1.0.4 fixed the heat "
                                    "on my Nova Lumina X2 #LuminaX2", newest + timedelta(hours=1))
    before = len(server.requests)

    second = crawl(server, tmp_path / "data", tmp_path / "second.jsonl")
    assert ids(tmp_path / "second.jsonl") == [post_id(fresh.uri)]
    assert first.items == len(expected_ids(server)) - 1 and second.items == 1
    searches = [p for _, p, _ in server.requests[before:] if p.startswith(SEARCH)]
    assert searches and all("since=" in p for p in searches)
    assert len(searches) == 4  # one page per search word: nothing old is paged through


def test_a_back_fill_asks_for_and_keeps_only_its_window(server: SampleServer,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "pre.jsonl"
    stats = crawl(server, tmp_path / "data", out, options={"until": LAUNCH.isoformat()})
    created = [record["created_at"] for record in lines(out)]
    assert stats.items == len(created) >= 10
    assert all(when < "2026-10-15T01:00:00" for when in created)
    searches = [p for _, p, _ in server.requests if p.startswith(SEARCH)]
    assert all("until=2026-10-15T01%3A00%3A00.000Z" in p for p in searches)


def test_a_killed_crawl_restarted_yields_exactly_the_uninterrupted_set(
        server: SampleServer, tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl"
    crawl(server, tmp_path / "a", whole)

    server.faults.delay = 0.2  # slow enough to kill mid-way
    out = tmp_path / "killed.jsonl"
    settings = settings_for(tmp_path / "b")
    partial = kill_midway("bluesky", query=QUERY, out=out, settings=settings, after=10,
                          base_url=server.base_url)
    assert 0 < partial < len(ids(whole))

    server.faults.delay = 0.0
    run_crawl("bluesky", query=QUERY, campaign_id="x2", base_url=server.base_url, out=out,
              limit=None, settings=settings)
    restarted = ids(out)
    assert len(restarted) == len(set(restarted))
    assert set(restarted) == set(ids(whole))


def test_authors_mode_collects_profiles_a_bounded_follower_sample_and_recent_posts(
        server: SampleServer, tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    stats = crawl(server, tmp_path / "data", out,
                  options={"mode": "authors", "follower_sample": 20, "recent_posts": 2,
                           "authors": ["@techlens.bsky.social",
                                       did_for("gadget-mi.bsky.social")]})
    assert stats.finish_reason == "finished" and stats.items == 0
    profiles = {a["handle"]: a for a in lines(tmp_path / "posts.authors.jsonl")}
    techlens, gadget = profiles["@techlens.bsky.social"], profiles["@gadget-mi.bsky.social"]
    assert len(techlens["follower_sample"]) == len(gadget["follower_sample"]) == 20
    assert techlens["followers"] > 1000 and techlens["verified"] is True
    assert techlens["url"] == "https://bsky.app/profile/techlens.bsky.social"
    sampled = set(techlens["follower_sample"]) | set(gadget["follower_sample"])
    assert set(profiles) - {"@techlens.bsky.social", "@gadget-mi.bsky.social"} == \
        {p["handle"] for p in profiles.values() if p["id"] in sampled}
    for follower in (p for p in profiles.values() if p["id"] in sampled):
        assert follower["followers_of"] == sorted(a["id"] for a in (techlens, gadget)
                                                  if follower["id"] in a["follower_sample"])
        assert 1 <= len(follower["recent_posts"]) <= 2
    assert any(len(p["followers_of"]) == 2 for p in profiles.values())
    recent = next(p["recent_posts"][0] for p in profiles.values() if p["id"] in sampled)
    assert set(recent) == {"id", "created_at", "text", "hashtags", "lang"}


def test_the_network_has_what_listening_data_has() -> None:
    network = build_network()
    # the launch talk; the followers' everyday posts (tests/samples) come on top
    posts = [p for p in network.posts if network.accounts[p.did].role != "follower"]
    assert {lang for p in posts for lang in p.langs} >= {"ko", "en", "ja", "es", "fr", "de",
                                                         "pt"}
    assert 60 <= len(posts) <= 100
    assert sum(1 for p in posts if p.created_at < LAUNCH) >= 10
    assert sum(1 for p in posts if p.parent) >= 15
    assert sum(1 for p in posts if p.image) >= 10
    texts = [p.text for p in posts]
    assert len(texts) - len(set(texts)) >= 2  # copy-paste and a bot posting twice
    assert sum(1 for a in network.accounts.values() if a.role == "bot") >= 2
    assert [p.uri for p in build_network().posts] == [p.uri for p in network.posts]  # seeded
