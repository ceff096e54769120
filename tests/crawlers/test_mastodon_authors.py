"""Mastodon author mode against the sample-sources server: profiles of given accounts, a
bounded sample of their followers, and everyone's recent posts for audience-interest analysis.
Real crawl subprocesses through ``run_crawl``; profiles land beside the posts file."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawlers.run import CrawlStats, run_crawl
from crawlers.sinks import authors_path
from samples.mastodon_followers import SAMPLED
from samples.platforms.mastodon import RateWindow
from samples.server import SampleServer, start_sample_server
from sensing.config import Settings
from sensing.schemas import Author

QUERY = '"nova lumina" OR luminax2'
INFLUENCERS = ["@es_user44", "@ko_user22"]  # > 10,000 followers in the corpus


# Author mode is request-hungry (a page of recent posts per profile): the sample instance
# publishes a roomier limit than mastodon.social's 300 / 5 min, and the crawls declare it.
ROOMY = RateWindow(limit=5000, seconds=300)


@pytest.fixture(scope="module")
def server() -> Iterator[SampleServer]:
    found, _ = start_sample_server()
    found.platforms["mastodon"].rate_window = ROOMY
    yield found
    found.shutdown()


def crawl_authors(server: SampleServer, out: Path, settings: Settings | None = None,
                  **options: Any) -> tuple[CrawlStats, dict[str, dict[str, Any]]]:
    """An author-mode crawl; returns its stats and the profiles written, by id."""
    stats = run_crawl("mastodon", query=QUERY, campaign_id="x2", base_url=server.base_url,
                      out=out, limit=None, settings=settings or Settings(data_dir=out.parent),
                      options={"mode": "authors", "rate_limit": f"{ROOMY.limit}/{ROOMY.seconds:g}",
                               **options})
    lines = authors_path(out).read_text().splitlines() if authors_path(out).exists() else []
    return stats, {p["id"]: p for p in map(json.loads, lines)}


def profile_id(server: SampleServer, account_id: str) -> str:
    return f"mastodon:{server.base_url.removeprefix('http://')}/{account_id}"


def test_authors_come_with_a_bounded_follower_sample_and_recent_posts(
        server: SampleServer, tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    requests_before = len(server.requests)
    stats, profiles = crawl_authors(server, out, authors=[*INFLUENCERS, "@en_user05"],
                                    follower_sample=90, recent_posts=5)
    assert stats.finish_reason == "finished"
    authors = {pid: p for pid, p in profiles.items() if p["follower_sample"]}
    assert set(authors) == {profile_id(server, n) for n in ("144", "122", "105")}

    # The bound: influencers have more followers than the sample, so exactly the sample;
    # a small account all it has.
    sizes = {p["handle"]: len(p["follower_sample"]) for p in authors.values()}
    assert sizes == {"@es_user44": 90, "@ko_user22": 90, "@en_user05": SAMPLED["regular"]}
    follower_pages = [p for _, p, _ in server.requests[requests_before:] if "/followers" in p]
    assert all(int(p.split("limit=")[1].split("&")[0]) <= 80 for p in follower_pages)
    # 90 followers take two pages of at most 80; a short page is known to be the last
    assert len(follower_pages) == 2 * 2 + 1

    # Follow links, both ways: every sampled follower is a profile naming whom it follows.
    for author in authors.values():
        for follower_id in author["follower_sample"]:
            assert author["id"] in profiles[follower_id]["followers_of"]
    assert any(len(p["followers_of"]) >= 2 for p in profiles.values())

    # The Author contract, with what audience-interest analysis reads.
    for profile in profiles.values():
        Author.model_validate(profile)
        assert profile["source"] == "mastodon" and profile["handle"].startswith("@")
        assert profile["campaign_ids"] == ["x2"]
        assert "<" not in profile["bio"] and "&amp;" not in profile["bio"]
        assert 1 <= len(profile["recent_posts"]) <= 5
        for post in profile["recent_posts"]:
            assert post["id"].startswith(profile["id"].rsplit("/", 1)[0] + "/")
            assert set(post) == {"id", "created_at", "text", "hashtags", "lang"}
    langs = Counter(post["lang"] for p in profiles.values() for post in p["recent_posts"])
    assert {"ko", "en", "ja", "es"} <= set(langs)


def test_follower_posts_are_never_campaign_posts(server: SampleServer, tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    stats, profiles = crawl_authors(server, out, authors=INFLUENCERS, follower_sample=120,
                                    recent_posts=10)
    on_topic = [post for p in profiles.values() for post in p["recent_posts"]
                if "Nova Lumina X2" in post["text"]]
    assert on_topic  # a follower wrote about the phone: it matches the campaign's query ...
    assert stats.items == 0 and out.read_text() == ""  # ... and still is no campaign post
    assert stats.authors == len(profiles)


def test_the_default_sample_is_the_settings_one(server: SampleServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, follower_sample=7)
    _, profiles = crawl_authors(server, tmp_path / "posts.jsonl", settings=settings,
                                authors=["@ko_user22"])
    assert len(profiles[profile_id(server, "122")]["follower_sample"]) == 7
    assert len(profiles) == 1 + 7


def test_unknown_authors_are_skipped(server: SampleServer, tmp_path: Path) -> None:
    stats, profiles = crawl_authors(server, tmp_path / "posts.jsonl", follower_sample=0,
                                    authors=["@nobody_here", "999999", "@es_user44"])
    assert stats.finish_reason == "finished"
    assert list(profiles) == [profile_id(server, "144")]
    assert profiles[profile_id(server, "144")]["follower_sample"] == []


def test_broken_answers_cost_only_what_they_carried(server: SampleServer,
                                                    tmp_path: Path) -> None:
    # the influencers' follower pages (ids 1xx) misbehave, then one follower's posts (2xxxx)
    server.faults.add("503", "malformed", prefix="/api/v1/accounts/1")
    server.faults.add("html", prefix="/api/v1/accounts/2")
    stats, profiles = crawl_authors(server, tmp_path / "posts.jsonl", follower_sample=5,
                                    authors=INFLUENCERS)
    assert stats.finish_reason == "finished"
    assert stats.retries >= 1 and stats.bad_responses == 2
    authors = [p for p in profiles.values() if p["handle"] in INFLUENCERS]
    assert len(authors) == 2  # both emitted, though one lost its followers page ...
    assert sorted(len(a["follower_sample"]) for a in authors) == [0, 5]
    assert len(profiles) == 2 + 5  # ... and the other's followers all came,
    assert sum(not p["recent_posts"] for p in profiles.values()) == 1  # one without posts
