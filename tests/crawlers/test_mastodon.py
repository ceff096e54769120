"""The Mastodon spider against the sample-sources server: real HTTP on loopback, nothing
mocked. Each test runs a real crawl subprocess through ``run_crawl``."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from processes import kill_midway
from w3lib.html import remove_tags

from crawlers.run import run_crawl
from crawlers.spiders.mastodon import hashtags_for
from samples.platforms.mastodon import load_statuses
from samples.server import SampleServer, start_sample_server
from sensing.config import Settings
from sensing.query import matches, parse_query

QUERY = '"nova lumina" OR luminax2 OR 노바루미나'


@pytest.fixture
def server() -> Iterator[SampleServer]:
    found, _ = start_sample_server()
    yield found
    found.shutdown()


@pytest.fixture
def other() -> Iterator[SampleServer]:
    """A second instance, on another port: another host as far as ids and state go."""
    found, _ = start_sample_server()
    yield found
    found.shutdown()


def host_of(server: SampleServer) -> str:
    return server.base_url.removeprefix("http://")


def newer_post(server: SampleServer, text: str) -> dict:
    """A post newer than any on ``server``, added to it as on a live instance."""
    newest = max(server.platforms["mastodon"].statuses, key=lambda s: int(s["id"]))
    fresh = copy.deepcopy(newest)
    fresh["id"] = str(int(newest["id"]) + 1000)
    fresh["reblog"] = None
    fresh["content"] = f"<p>{text}</p>"
    fresh["tags"] = [{"name": "luminax2", "url": ""}]
    server.platforms["mastodon"].add_statuses([fresh])
    return fresh


def crawl(server: SampleServer, tmp_path: Path, out: Path, token: str | None = None,
          **options):
    settings = Settings(data_dir=tmp_path / "data", analyze_batch_size=50,
                        mastodon_access_token=token)
    return run_crawl("mastodon", query=QUERY, campaign_id="x2", base_url=server.base_url,
                     out=out, limit=None, settings=settings, options=options)


def ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def expected_ids(server: SampleServer, since: datetime | None = None,
                 until: datetime | None = None) -> set[str]:
    """What a perfect crawl yields: every status that has one of the query's hashtags or
    matches the query in its text, minus what the query does not match (and, in a back-fill,
    what was posted outside ``since``/``until``)."""
    tags = set(hashtags_for(QUERY))
    node = parse_query(QUERY)
    host = server.base_url.removeprefix("http://")
    found = set()
    for status in server.platforms["mastodon"].statuses:
        original = status["reblog"] or status
        tagged = any(t["name"] in tags for t in status["tags"])
        searched = not status["reblog"]
        created = datetime.fromisoformat(status["created_at"])
        in_window = (since is None or created >= since) and (until is None or created < until)
        if (tagged or searched) and in_window and matches(node, remove_tags(original["content"])):
            found.add(f"mastodon:{host}/{status['id']}")
    return found


def test_hashtags_are_derived_from_the_query_words() -> None:
    assert hashtags_for('"Nova Lumina" OR 노바루미나 OR (x2 NOT paint)') == \
        ["novalumina", "노바루미나", "x2"]


def test_a_crawl_collects_every_matching_post_once(server: SampleServer, tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    stats = crawl(server, tmp_path, out)
    collected = ids(out)
    assert len(collected) == len(set(collected)) == stats.items
    assert set(collected) == expected_ids(server)
    assert stats.pages > 5  # it followed the Link pagination
    post = json.loads(out.read_text().splitlines()[0])
    assert post["campaign_ids"] == ["x2"]
    assert post["author"]["id"].startswith("mastodon:127.0.0.1:")
    assert any(json.loads(line)["is_repost"] for line in out.read_text().splitlines())


def test_retry_after_is_honoured(server: SampleServer, tmp_path: Path) -> None:
    server.faults.retry_after = 2
    server.faults.add("429")
    stats = crawl(server, tmp_path, tmp_path / "posts.jsonl")
    assert stats.retries >= 1
    log = server.requests
    limited = next(i for i, (_, _, status) in enumerate(log) if status == 429)
    when, path, _ = log[limited]
    retried_at = next(t for t, p, _ in log[limited + 1:] if p == path)
    assert retried_at - when >= 2.0  # the same request, retried only after Retry-After
    assert set(ids(tmp_path / "posts.jsonl")) == expected_ids(server)


def test_server_errors_and_broken_bodies_are_survived(server: SampleServer,
                                                      tmp_path: Path) -> None:
    server.faults.add("503", "503", "malformed", "truncated", "html")
    stats = crawl(server, tmp_path, tmp_path / "posts.jsonl")
    assert stats.finish_reason == "finished"
    assert stats.bad_responses == 3
    assert stats.retries >= 2
    # the three broken pages were skipped; the rest of the crawl went on
    assert len(ids(tmp_path / "posts.jsonl")) > 100


def test_a_second_crawl_fetches_only_what_is_new(server: SampleServer, tmp_path: Path) -> None:
    first = crawl(server, tmp_path, tmp_path / "first.jsonl")
    fresh = newer_post(server, "Nova Lumina X2 firmware 1.1 fixed my battery drain")
    requests_before = len(server.requests)

    second = crawl(server, tmp_path, tmp_path / "second.jsonl")
    host = server.base_url.removeprefix("http://")
    assert ids(tmp_path / "second.jsonl") == [f"mastodon:{host}/{fresh['id']}"]
    assert first.items > 200 and second.items == 1
    timeline_pages = [p for _, p, _ in server.requests[requests_before:] if "/timelines/" in p]
    assert all("since_id=" in p for p in timeline_pages)
    assert len(timeline_pages) <= 2 * len(hashtags_for(QUERY))


def test_a_killed_crawl_restarted_yields_exactly_the_uninterrupted_set(
        server: SampleServer, tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl"
    crawl(server, tmp_path / "a", whole)

    server.faults.delay = 0.15  # slow enough to kill mid-way
    out = tmp_path / "killed.jsonl"
    settings = Settings(data_dir=tmp_path / "b", analyze_batch_size=10)
    partial = kill_midway("mastodon", query=QUERY, out=out, settings=settings, after=30,
                          base_url=server.base_url)
    assert 0 < partial < len(ids(whole))

    server.faults.delay = 0.0
    run_crawl("mastodon", query=QUERY, campaign_id="x2", base_url=server.base_url, out=out,
              limit=None, settings=settings)
    restarted = ids(out)
    assert len(restarted) == len(set(restarted))
    assert set(restarted) == set(ids(whole))


def test_the_corpus_has_what_listening_data_has() -> None:
    statuses = load_statuses()
    langs = {s["language"] for s in statuses}
    assert {"ko", "en", "ja", "es"} <= langs and len(statuses) >= 250
    assert sum(1 for s in statuses if s["reblog"]) >= 10
    assert sum(1 for s in statuses if s["in_reply_to_id"]) >= 10
    assert sum(1 for s in statuses if s["media_attachments"]) >= 20
    assert sum(1 for s in statuses if s["account"]["bot"]) >= 10


def state_of(tmp_path: Path) -> dict:
    """The committed incremental state of the campaign's crawls of QUERY."""
    (state_file,) = (tmp_path / "data").rglob("mastodon/x2/*.json")
    return json.loads(state_file.read_text())


def test_every_instance_is_crawled_with_its_own_state(server: SampleServer, other: SampleServer,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    crawl(server, tmp_path, out, instances=[other.base_url])
    assert set(ids(out)) == expected_ids(server) | expected_ids(other)
    assert set(state_of(tmp_path)) == {host_of(server), host_of(other)}

    fresh = newer_post(other, "Nova Lumina X2 night mode on the second instance, wow")
    crawl(server, tmp_path, tmp_path / "second.jsonl", instances=[other.base_url])
    assert ids(tmp_path / "second.jsonl") == [f"mastodon:{host_of(other)}/{fresh['id']}"]


def test_a_back_fill_collects_its_window_and_leaves_the_state_alone(server: SampleServer,
                                                                    tmp_path: Path) -> None:
    crawl(server, tmp_path, tmp_path / "incremental.jsonl")
    state = state_of(tmp_path)
    requests_before = len(server.requests)

    since, until = datetime(2026, 10, 15, 1, tzinfo=UTC), datetime(2026, 10, 20, tzinfo=UTC)
    out = tmp_path / "backfill.jsonl"
    crawl(server, tmp_path, out, since=since.isoformat(), until=until.isoformat())
    window = expected_ids(server, since, until)
    assert 20 < len(window) < len(expected_ids(server)) / 2
    assert set(ids(out)) == window
    assert state_of(tmp_path) == state  # a back-fill is not the newest state of anything
    timeline_pages = [p for _, p, _ in server.requests[requests_before:] if "/timelines/" in p]
    assert all("max_id=" in p and "since_id=" not in p for p in timeline_pages)


def test_an_access_token_goes_to_its_own_instance_only(server: SampleServer,
                                                       other: SampleServer,
                                                       tmp_path: Path) -> None:
    stats = crawl(server, tmp_path / "a", tmp_path / "wrong.jsonl", token="not-the-token",
                  instances=[other.base_url])
    assert stats.finish_reason == "finished"  # the instance refusing it (401) is skipped
    assert any(status == 401 for _, _, status in server.requests)
    assert set(ids(tmp_path / "wrong.jsonl")) == expected_ids(other)

    token = server.platforms["mastodon"].sample_credentials["mastodon_access_token"]
    crawl(server, tmp_path / "b", tmp_path / "right.jsonl", token=token,
          instances=[other.base_url])
    assert set(ids(tmp_path / "right.jsonl")) == expected_ids(server) | expected_ids(other)


@pytest.mark.parametrize(("options", "problem"), [
    ({"rate_limit": "fast"}, r"rate_limit: Value error, rate limit 'fast' is not"),
    ({"mode": "authors"}, r"mode 'authors' needs `authors`"),
])
def test_options_that_cannot_work_are_refused_before_the_crawl(tmp_path: Path, options: dict,
                                                               problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        run_crawl("mastodon", query=QUERY, campaign_id=None, base_url="http://127.0.0.1:9",
                  out=tmp_path / "o.jsonl", limit=None, settings=Settings(data_dir=tmp_path),
                  options=options)
