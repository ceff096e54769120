"""The Reddit spider against the sample server's Reddit API: real OAuth, search pages, comment
trees with "more" stubs, on loopback, nothing mocked. Each test runs a real crawl subprocess
through ``run_crawl``."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request as UrlRequest
from urllib.request import urlopen

import pytest
from processes import kill_midway

from crawlers.run import CrawlStats, run_crawl
from crawlers.spiders.reddit import GONE_BODIES, reddit_query
from samples.platforms.reddit import (
    LAUNCH,
    THREADS,
    C,
    Reddit,
    Thread,
    build_corpus,
    search_words,
)
from samples.server import SampleServer, start_sample_server
from sensing.config import Settings
from sensing.query import matches, parse_query

QUERY = '"nova lumina" OR 노바루미나 OR ノヴァルミナ'


@pytest.fixture
def server() -> Iterator[SampleServer]:
    found, _ = start_sample_server()
    yield found
    found.shutdown()


def reddit(server: SampleServer) -> Reddit:
    return server.platforms["reddit"]


def settings_for(folder: Path, **overrides: Any) -> Settings:
    return Settings(data_dir=folder, analyze_batch_size=10,
                    **{**Reddit.sample_credentials, **overrides})


def crawl(server: SampleServer, folder: Path, out: Path, options: dict | None = None,
          **overrides: Any) -> CrawlStats:
    return run_crawl("reddit", query=QUERY, campaign_id="x2", base_url=server.base_url,
                     out=out, limit=None, settings=settings_for(folder, **overrides),
                     options=options)


def posts(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def ids(path: Path) -> list[str]:
    return [post["id"] for post in posts(path)]


def expected_ids(server: SampleServer, subreddit: str | None = None) -> set[str]:
    """What a perfect crawl yields: each submission Reddit's search returns that the query
    matches (title and text), and every comment under it that still has a body."""
    words = search_words(reddit_query(QUERY))
    node = parse_query(QUERY)
    kept = {link["name"] for link in reddit(server).links
            if subreddit in (None, link["subreddit"])
            and any(w in f"{link['title']} {link['selftext']}".casefold() for w in words)
            and matches(node, f"{link['title']}\n\n{link['selftext']}")}
    comments = {c["name"] for c in reddit(server).comments
                if c["link_id"] in kept and c["body"] not in GONE_BODIES}
    return {f"reddit:{name}" for name in kept | comments}


def paths(server: SampleServer, since: int = 0) -> list[str]:
    return [path for _, path, _ in server.requests[since:]]


def test_the_search_asks_for_the_query_words_ored() -> None:
    assert reddit_query('"nova lumina" OR (x2 NOT paint) OR lumin*') == '"nova lumina" OR x2'


def test_a_crawl_collects_wanted_submissions_and_every_comment_under_them(
        server: SampleServer, tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    stats = crawl(server, tmp_path / "data", out)
    collected = ids(out)
    assert len(collected) == len(set(collected)) == stats.items
    assert set(collected) == expected_ids(server)
    requested = paths(server)
    assert sum(p.startswith("/search?") for p in requested) >= 2  # followed `after`
    assert any(p.startswith("/api/morechildren?") for p in requested)  # resolved "more"
    # the loose search returned astronomy's novae and Lumina paint; the query kept them out
    by_id = {post["id"]: post for post in posts(out)}
    subreddits = {post["subreddit"] for post in by_id.values()}
    assert "astronomy" not in subreddits and "minipainting" not in subreddits


def test_posts_follow_the_data_contract(server: SampleServer, tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    crawl(server, tmp_path / "data", out)
    by_id = {post["id"]: post for post in posts(out)}
    links = {link["title"]: link for link in reddit(server).links}

    megathread = by_id[f"reddit:{links['Nova Lumina X2 launch megathread']['name']}"]
    assert megathread["url"].startswith("https://www.reddit.com/r/LuminaPhones/comments/")
    assert megathread["raw_text"].startswith("Nova Lumina X2 launch megathread\n\nDiscuss")
    assert megathread["author"]["id"].startswith("reddit:t2_")
    assert megathread["author"]["handle"] == "u/AutoModerator"
    assert megathread["media"][0]["url"] == f"{server.base_url}/media/launch-stage.png"
    assert megathread["metrics"]["replies"] == 16
    assert megathread["campaign_ids"] == ["x2"]

    replies = [p for p in by_id.values() if p["thread_id"] == megathread["id"]
               and p["id"] != megathread["id"]]
    assert len(replies) == 16  # the tree's 8 and the 8 behind "more" stubs
    nested = next(p for p in replies if p["raw_text"] == "Doesn't make it right though.")
    parent = by_id[nested["in_reply_to"]]
    assert parent["raw_text"].startswith("충전기는") and parent["id"].startswith("reddit:t1_")

    crosspost = next(p for p in by_id.values() if p["is_repost"])
    shared = next(link for link in reddit(server).links if link.get("crosspost_parent"))
    assert crosspost["id"] == f"reddit:{shared['name']}"
    assert crosspost["repost_of"] == f"reddit:{shared['crosspost_parent']}"
    assert crosspost["repost_of"] in by_id  # the original was collected too
    anonymous = next(p for p in by_id.values() if "scratch easily" in p["raw_text"])
    assert anonymous["author"]["id"] == "reddit:u/[deleted]"
    link_post = next(p for p in by_id.values() if "carriers" in p["raw_text"])
    assert link_post["urls"] == ["https://example.com/deals/nova-lumina-x2-carrier-price"]
    assert {p["created_at"][:4] for p in by_id.values()} == {"2026"}


def test_requests_carry_the_bearer_token_and_the_user_agent(server: SampleServer,
                                                            tmp_path: Path) -> None:
    agent = "linux:sensing-tests:v1 (by /u/sensing)"
    crawl(server, tmp_path / "data", tmp_path / "posts.jsonl", user_agent=agent)
    assert reddit(server).user_agents == {agent}
    statuses = [status for _, _, status in server.requests]
    assert 401 not in statuses
    assert paths(server)[0] == "/api/v1/access_token"


def expire_tokens_after(server: SampleServer, requests: int) -> None:
    """Mid-crawl, once ``requests`` have been answered, the tokens issued so far expire."""
    def watch() -> None:
        while len(server.requests) < requests:
            time.sleep(0.01)
        reddit(server).expire_tokens()

    threading.Thread(target=watch, daemon=True).start()


def test_an_expired_token_is_renewed_once_and_the_refused_requests_resent(
        server: SampleServer, tmp_path: Path) -> None:
    server.faults.delay = 0.05  # requests in flight when the token expires
    expire_tokens_after(server, 8)
    stats = crawl(server, tmp_path / "data", tmp_path / "posts.jsonl")
    assert stats.finish_reason == "finished"
    refused = [p for _, p, status in server.requests if status == 401]
    assert refused
    assert paths(server).count("/api/v1/access_token") == 2  # one renewal served them all
    for path in refused:  # ... and each refused request was sent again and answered
        assert (path, 200) in [(p, status) for _, p, status in server.requests]
    assert set(ids(tmp_path / "posts.jsonl")) == expected_ids(server)


def test_a_401_is_answered_with_one_new_token(server: SampleServer, tmp_path: Path) -> None:
    server.faults.add("401", prefix="/search")
    crawl(server, tmp_path / "data", tmp_path / "posts.jsonl")
    assert paths(server).count("/api/v1/access_token") == 2
    assert set(ids(tmp_path / "posts.jsonl")) == expected_ids(server)


def test_refused_client_credentials_end_the_crawl_with_a_reason(server: SampleServer,
                                                                tmp_path: Path) -> None:
    stats = crawl(server, tmp_path / "data", tmp_path / "posts.jsonl",
                  reddit_client_secret="not-the-secret")
    assert stats.finish_reason == "reddit_credentials_refused"
    assert stats.items == 0
    assert paths(server) == ["/api/v1/access_token"]


def test_a_token_endpoint_answering_garbage_ends_the_crawl(server: SampleServer,
                                                          tmp_path: Path) -> None:
    server.faults.add("html", prefix="/api/v1/access_token")
    stats = crawl(server, tmp_path / "data", tmp_path / "posts.jsonl")
    assert (stats.finish_reason, stats.items, stats.bad_responses) == ("reddit_no_token", 0, 1)


def test_subreddit_names_are_checked_before_the_crawl(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bad reddit options: subreddits: .*not subreddit "
                                         "names: korea/new"):
        crawl_options = {"subreddits": ["r/LuminaPhones", "korea/new"]}
        run_crawl("reddit", query=QUERY, campaign_id=None, base_url="http://127.0.0.1:9",
                  out=tmp_path / "posts.jsonl", limit=None, settings=settings_for(tmp_path),
                  options=crawl_options)


def test_missing_credentials_are_named_before_any_process_starts(server: SampleServer,
                                                                 tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SENSING_REDDIT_CLIENT_ID, "
                                         "SENSING_REDDIT_CLIENT_SECRET.*prefs/apps"):
        run_crawl("reddit", query=QUERY, campaign_id=None, base_url=server.base_url,
                  out=tmp_path / "posts.jsonl", limit=None,
                  settings=Settings(data_dir=tmp_path))
    assert server.requests == []
    assert not (tmp_path / "posts.jsonl").exists()


def test_retry_after_is_honoured(server: SampleServer, tmp_path: Path) -> None:
    server.faults.retry_after = 2
    server.faults.add("429", prefix="/search")
    stats = crawl(server, tmp_path / "data", tmp_path / "posts.jsonl")
    assert stats.retries >= 1
    log = server.requests
    limited = next(i for i, (_, _, status) in enumerate(log) if status == 429)
    when, path, _ = log[limited]
    retried_at = next(t for t, p, _ in log[limited + 1:] if p == path)
    assert retried_at - when >= 2.0
    assert set(ids(tmp_path / "posts.jsonl")) == expected_ids(server)


def test_server_errors_and_broken_bodies_are_survived(server: SampleServer,
                                                      tmp_path: Path) -> None:
    server.faults.add("503", "503", prefix="/search")
    server.faults.add("malformed", "truncated", "html", prefix="/r/")
    stats = crawl(server, tmp_path / "data", tmp_path / "posts.jsonl")
    assert stats.finish_reason == "finished"
    assert stats.bad_responses == 3
    assert stats.retries >= 2
    collected = set(ids(tmp_path / "posts.jsonl"))
    expected = expected_ids(server)
    # the search pages were retried, so every submission is there; three comment trees
    # were unreadable and skipped, the rest of the crawl went on
    submissions = {i for i in expected if i.startswith("reddit:t3_")}
    assert submissions <= collected < expected
    assert len(collected) > len(expected) / 2


def test_a_second_crawl_fetches_only_the_new_submission_and_its_comments(
        server: SampleServer, tmp_path: Path) -> None:
    first = crawl(server, tmp_path / "data", tmp_path / "first.jsonl")
    fresh = reddit(server).add_thread(Thread(
        "LuminaPhones", "late_adopter", 400, "Nova Lumina X2 after a month: battery is fine now",
        "Update 1.0.4 fixed the drain for me.",
        comments=[C("budget_bea", "Good to hear.", C("late_adopter", "Took a while."))]),
        seed=7)
    before = len(server.requests)

    second = crawl(server, tmp_path / "data", tmp_path / "second.jsonl")
    new_comments = {f"reddit:{c['name']}" for c in reddit(server).comments
                    if c["link_id"] == fresh["name"]}
    assert set(ids(tmp_path / "second.jsonl")) == {f"reddit:{fresh['name']}", *new_comments}
    assert first.items > 60 and second.items == 3
    later = paths(server, before)
    assert sum(p.startswith("/search?") for p in later) == 1  # stopped at known submissions
    assert [p for p in later if "/comments/" in p] == [
        f"/r/LuminaPhones/comments/{fresh['id']}?sort=new&limit=500&raw_json=1"]


def test_subreddits_restrict_the_search_each_with_its_own_state(server: SampleServer,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    crawl(server, tmp_path / "data", out, options={"subreddits": ["korea", "r/newsokur"]})
    assert set(ids(out)) == expected_ids(server, "korea") | expected_ids(server, "newsokur")
    searches = [p for p in paths(server) if "/search?" in p]
    assert {p.split("?")[0] for p in searches} == {"/r/korea/search", "/r/newsokur/search"}
    assert all("restrict_sr=1" in p for p in searches)
    state = next((tmp_path / "data").rglob("reddit/x2/*.json"))
    assert set(json.loads(state.read_text())["newest"]) == {"r/korea", "r/newsokur"}


def test_a_back_fill_window_bounds_submissions_and_comments(server: SampleServer,
                                                            tmp_path: Path) -> None:
    since, until = LAUNCH, LAUNCH + timedelta(days=3)
    out = tmp_path / "posts.jsonl"
    crawl(server, tmp_path / "data", out, options={"since": since.isoformat(),
                                                   "until": until.isoformat()})
    found = posts(out)
    assert found and all(since.isoformat() <= p["created_at"] < until.isoformat()
                         for p in found)
    searches = [p for p in paths(server) if p.startswith("/search?")]
    assert len(searches) == 1  # paging stopped at the first submission before `since`

    # the next incremental crawl goes on from the window's end, not from the newest seen
    later = tmp_path / "later.jsonl"
    crawl(server, tmp_path / "data", later)
    after_window = {f"reddit:{link['name']}" for link in reddit(server).links
                    if link["created_utc"] >= until.timestamp()}
    assert {i for i in ids(later) if i.startswith("reddit:t3_")} == \
        after_window & expected_ids(server)


def test_a_killed_crawl_restarted_yields_exactly_the_uninterrupted_set(
        server: SampleServer, tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl"
    crawl(server, tmp_path / "a", whole)

    server.faults.delay = 0.15  # slow enough to kill mid-way
    out = tmp_path / "killed.jsonl"
    settings = settings_for(tmp_path / "b")
    partial = kill_midway("reddit", query=QUERY, out=out, settings=settings, after=20,
                          base_url=server.base_url)
    assert 0 < partial < len(ids(whole))

    server.faults.delay = 0.0
    run_crawl("reddit", query=QUERY, campaign_id="x2", base_url=server.base_url, out=out,
              limit=None, settings=settings)
    restarted = ids(out)
    assert len(restarted) == len(set(restarted))
    assert set(restarted) == set(ids(whole))


def test_the_sample_api_speaks_reddits_oauth_and_rate_limit_headers(
        server: SampleServer) -> None:
    pair = ":".join(Reddit.sample_credentials.values()).encode()
    grant = urlopen(UrlRequest(
        f"{server.base_url}/api/v1/access_token", data=b"grant_type=client_credentials",
        headers={"Authorization": "Basic " + base64.b64encode(pair).decode()}))
    token = json.loads(grant.read())
    assert token["token_type"] == "bearer" and token["expires_in"] == 86_400

    def search(bearer: str):
        return urlopen(UrlRequest(f"{server.base_url}/search?q=nova&limit=2",
                                  headers={"Authorization": f"bearer {bearer}"}))

    first, second = search(token["access_token"]), search(token["access_token"])
    assert (first.headers["X-Ratelimit-Used"], second.headers["X-Ratelimit-Used"]) == ("1", "2")
    assert float(second.headers["X-Ratelimit-Remaining"]) == 998.0
    assert 0 < int(second.headers["X-Ratelimit-Reset"]) <= 600
    page = json.loads(first.read())
    assert page["kind"] == "Listing" and page["data"]["dist"] == 2
    assert page["data"]["after"] == page["data"]["children"][-1]["data"]["name"]
    with pytest.raises(HTTPError) as refused:
        search("made-up")
    assert refused.value.code == 401
    assert "invalid_token" in refused.value.headers["WWW-Authenticate"]


def test_the_corpus_has_what_listening_data_has() -> None:
    links, comments = build_corpus()
    assert build_corpus() == (links, comments)  # deterministic
    assert 60 <= len(links) + len(comments) <= 150
    texts = [f"{x.get('title', '')} {x.get('selftext', '')} {x.get('body', '')}"
             for x in [*links, *comments]]
    for marker in ("노바루미나", "ノヴァルミナ", "batería", "Lumina X2 night", "écran",
                   "Akku", "câmera"):
        assert any(marker in text for text in texts), marker
    assert min(x["created_utc"] for x in links) < LAUNCH.timestamp() < max(
        x["created_utc"] for x in links)
    assert sum(1 for c in comments if c["parent_id"].startswith("t1_")) >= 10  # replies
    titles = [link["title"] for link in links]
    assert len(titles) - len(set(titles)) >= 2  # a copy-pasted giveaway and a crosspost
    assert sum(1 for x in [*links, *comments] if x["author"] == "x2_giveaway_bot") >= 4
    assert sum(1 for link in links if link["preview"]) >= 8
    assert {"astronomy", "minipainting"} <= {link["subreddit"] for link in links}
    assert len(THREADS) == len(links)
