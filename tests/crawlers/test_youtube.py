"""The YouTube spider against the sample server's Data API v3: real crawl subprocesses over
loopback HTTP, nothing mocked. Videos come from a loose search filtered by the campaign
query; every comment of a kept video is collected; quota units are booked before requests
are sent and never overspent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from processes import kill_midway

from crawlers.run import CrawlStats, run_crawl, settings_env
from crawlers.spiders.youtube import search_terms
from samples.platforms.youtube import API_KEY, COST, LAUNCH, CorpusBuilder, Youtube
from samples.server import SampleServer, start_sample_server
from sensing.config import Settings
from sensing.query import matches, parse_query

QUERY = '"nova lumina" OR luminax2 OR "노바 루미나"'


@pytest.fixture
def server() -> Iterator[SampleServer]:
    found, _ = start_sample_server()
    yield found
    found.shutdown()


def youtube(server: SampleServer) -> Youtube:
    return server.platforms["youtube"]


def settings_for(data_dir: Path, **changes) -> Settings:
    return Settings(data_dir=data_dir, analyze_batch_size=10,
                    youtube_api_key=changes.pop("key", API_KEY), **changes)


def crawl(server: SampleServer, data_dir: Path, out: Path, options: dict | None = None,
          **changes) -> CrawlStats:
    return run_crawl("youtube", query=QUERY, campaign_id="x2",
                     base_url=f"{server.base_url}/youtube/v3", out=out, limit=None,
                     settings=settings_for(data_dir, **changes), options=options)


def posts(path: Path) -> dict[str, dict]:
    return {p["id"]: p for p in map(json.loads, path.read_text().splitlines())}


def expected_ids(server: SampleServer, until: datetime | None = None) -> set[str]:
    """Videos whose title and description match the query, and every comment on them."""
    node = parse_query(QUERY)
    found = set()
    for video in youtube(server).videos:
        if not matches(node, f"{video.title}\n\n{video.description}") or \
                (until and video.published >= until):
            continue
        found.add(f"youtube:{video.id}")
        found.update(f"youtube:{c.id}" for top, replies in video.threads
                     for c in (top, *replies) if until is None or c.published < until)
    return found


def units_sent(server: SampleServer) -> int:
    """Quota units of the API requests the server received, by the documented costs."""
    methods = (urlsplit(path).path.rsplit("/", 1)[-1] for _, path, _ in server.requests)
    return sum(COST.get(method, 0) for method in methods)


def api_requests(server: SampleServer) -> list[str]:
    return [path for _, path, _ in server.requests if path.startswith("/youtube/")]


def ledger(data_dir: Path) -> dict:
    return json.loads((data_dir / "crawl-state" / "youtube" / "quota.json").read_text())


def test_the_query_is_searched_as_its_positive_words() -> None:
    assert search_terms('"Nova Lumina" OR luminax2 NOT paint') == '"Nova Lumina"|luminax2'


def test_a_crawl_collects_matching_videos_and_every_comment_on_them(
        server: SampleServer, tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    stats = crawl(server, tmp_path / "data", out)
    collected = posts(out)
    assert stats.finish_reason == "finished"
    assert stats.items == len(collected)
    assert set(collected) == expected_ids(server)

    by_key = {video.title: video for video in youtube(server).videos}
    paint = by_key["Lumina Paint matte finish review: one coat coverage?"]
    assert f"youtube:{paint.id}" not in collected  # found by the loose search, then dropped

    night = by_key["Nova Lumina X2 night camera test vs last year's flagship"]
    video = collected[f"youtube:{night.id}"]
    assert video["raw_text"].startswith(night.title + "\n\n")
    assert video["metrics"]["views"] == night.views
    assert video["metrics"]["replies"] == night.comment_count()
    assert video["media"][0]["url"] == f"{server.base_url}/media/x2-night-shot.png"
    assert video["author"]["id"] == "youtube:UC_pixelbench"

    top, replies = next((t, r) for t, r in night.threads if r)
    assert collected[f"youtube:{top.id}"]["in_reply_to"] == video["id"]
    reply = collected[f"youtube:{replies[0].id}"]
    assert reply["in_reply_to"] == f"youtube:{top.id}"
    assert reply["thread_id"] == video["id"]


def test_the_sample_settings_point_the_spider_at_the_server(server: SampleServer,
                                                            tmp_path: Path) -> None:
    """What the demo does: no base URL or key given, only the server's sample settings."""
    settings = Settings(data_dir=tmp_path / "data").with_values(server.sample_settings())
    out = tmp_path / "posts.jsonl"
    run_crawl("youtube", query=QUERY, campaign_id="x2", base_url=None, out=out, limit=None,
              settings=settings)
    assert set(posts(out)) == expected_ids(server)


def test_replies_beyond_the_five_a_thread_carries_are_fetched(server: SampleServer,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    crawl(server, tmp_path / "data", out)
    long_threads = [(top, replies) for v in youtube(server).videos
                    for top, replies in v.threads if len(replies) > 5]
    assert long_threads
    collected = posts(out)
    for _, replies in long_threads:
        assert {f"youtube:{r.id}" for r in replies} <= set(collected)
    assert any("/comments?" in path for _, path, _ in server.requests)


def test_a_video_with_comments_disabled_is_kept_without_comments(server: SampleServer,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    stats = crawl(server, tmp_path / "data", out)
    closed = next(v for v in youtube(server).videos if v.comments_disabled)
    assert stats.finish_reason == "finished"
    assert f"youtube:{closed.id}" in posts(out)
    assert any(closed.id in path and status == 403 for _, path, status in server.requests)


def test_quota_units_are_booked_in_a_ledger_shared_by_crawls(server: SampleServer,
                                                             tmp_path: Path) -> None:
    data = tmp_path / "data"
    crawl(server, data, tmp_path / "posts.jsonl")
    first = units_sent(server)
    assert ledger(data)["spent"] == first > 100  # one search page plus the list calls
    crawl(server, data, tmp_path / "again.jsonl")
    assert ledger(data)["spent"] == units_sent(server) > first


def test_a_crawl_stops_before_spending_more_than_the_daily_quota(server: SampleServer,
                                                                 tmp_path: Path) -> None:
    data = tmp_path / "data"
    stats = crawl(server, data, tmp_path / "posts.jsonl", youtube_daily_quota=110)
    assert stats.finish_reason == "quota"
    assert units_sent(server) == ledger(data)["spent"] <= 110
    assert 0 < stats.items < len(expected_ids(server))

    sent_before = api_requests(server)
    again = crawl(server, data, tmp_path / "again.jsonl", youtube_daily_quota=110)
    assert again.finish_reason == "quota"  # less than a search is left today: nothing is sent
    assert api_requests(server) == sent_before


def test_youtube_saying_the_quota_is_spent_stops_the_crawl_cleanly(server: SampleServer,
                                                                   tmp_path: Path) -> None:
    youtube(server).daily_quota = 105  # the key's project spent the rest elsewhere
    data = tmp_path / "data"
    stats = crawl(server, data, tmp_path / "posts.jsonl")
    assert stats.finish_reason == "quota"
    assert any(status == 403 and "/search" not in path for _, path, status in server.requests)
    assert ledger(data)["spent"] == Settings().youtube_daily_quota  # believed for the day


def test_a_bad_api_key_ends_the_crawl_with_a_clear_message(server: SampleServer,
                                                           tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data", key="AIza-not-a-real-key")
    stats_file = tmp_path / "stats.json"
    done = subprocess.run(
        [sys.executable, "-m", "crawlers.runner", "youtube", "--query", QUERY,
         "--base-url", f"{server.base_url}/youtube/v3", "--sink",
         f"jsonl:{tmp_path / 'posts.jsonl'}", "--stats-file", str(stats_file)],
        env={**os.environ, **settings_env(settings)}, capture_output=True, text=True)
    assert done.returncode == 0
    assert "YouTube rejected the API key (400): API key not valid" in done.stderr
    assert "SENSING_YOUTUBE_API_KEY" in done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(stats_file.read_text())["finish_reason"] == "bad_api_key"
    assert len(api_requests(server)) == 1  # the search, and nothing after the answer


def test_a_missing_api_key_is_named_before_the_crawl_starts(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="youtube needs SENSING_YOUTUBE_API_KEY"):
        run_crawl("youtube", query=QUERY, campaign_id=None, base_url="http://127.0.0.1:9",
                  out=tmp_path / "o.jsonl", limit=None, settings=Settings(data_dir=tmp_path))


def test_rate_limits_server_errors_and_broken_bodies_are_survived(server: SampleServer,
                                                                  tmp_path: Path) -> None:
    server.faults.add("429", "503", prefix="/youtube/v3/search")
    server.faults.add("malformed", "truncated", "html", prefix="/youtube/v3/commentThreads")
    out = tmp_path / "posts.jsonl"
    stats = crawl(server, tmp_path / "data", out)
    assert stats.finish_reason == "finished"
    assert stats.retries >= 2 and stats.bad_responses == 3
    missing = expected_ids(server) - set(posts(out))
    # every video is there; only comments of the three videos whose comment page broke are not
    assert missing and not missing & {f"youtube:{v.id}" for v in youtube(server).videos}
    broken = {v.id for v in youtube(server).videos
              if any(f"youtube:{c.id}" in missing for t, r in v.threads for c in (t, *r))}
    assert len(broken) <= 3


def test_a_second_crawl_fetches_only_what_is_new(server: SampleServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    crawl(server, data, tmp_path / "first.jsonl")
    first = posts(tmp_path / "first.jsonl")
    platform = youtube(server)
    newest = max(v.published for v in platform.videos if f"youtube:{v.id}" in first)
    known = next(v for v in platform.videos if f"youtube:{v.id}" in first and v.threads)
    known.views += 12_345
    comment = platform.add_comment(known, "Still loving it after the 1.0.4 update",
                                   newest + timedelta(days=30))
    fresh = platform.add_video("Nova Lumina X2 one month later", "Battery after 1.0.4.",
                               newest + timedelta(days=29))
    requests_before = len(server.requests)

    crawl(server, data, tmp_path / "second.jsonl")
    second = posts(tmp_path / "second.jsonl")
    comments = {i for i, p in second.items() if p["thread_id"] != i}
    assert comments == {f"youtube:{comment.id}"}
    videos = set(second) - comments
    assert f"youtube:{fresh.id}" in videos and videos - {f"youtube:{fresh.id}"} <= set(first)
    assert second[f"youtube:{known.id}"]["metrics"]["views"] == known.views  # re-read
    searches = [parse_qs(urlsplit(p).query) for _, p, _ in server.requests[requests_before:]
                if "/search?" in p]
    assert [s["publishedAfter"] for s in searches] == [[newest.strftime("%Y-%m-%dT%H:%M:%SZ")]]


def test_a_back_fill_window_limits_videos_and_comments(server: SampleServer,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    crawl(server, tmp_path / "data", out, options={"until": LAUNCH.isoformat()})
    assert set(posts(out)) == expected_ids(server, until=LAUNCH)
    assert any("publishedBefore=2026-10-15T01%3A00%3A00Z" in p for _, p, _ in server.requests)


def test_a_killed_crawl_restarted_yields_exactly_the_uninterrupted_set(
        server: SampleServer, tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl"
    crawl(server, tmp_path / "a", whole)

    server.faults.delay = 0.3  # slow enough to kill mid-way
    out = tmp_path / "killed.jsonl"
    settings = settings_for(tmp_path / "b")
    partial = kill_midway("youtube", query=QUERY, out=out, settings=settings, after=20,
                          base_url=f"{server.base_url}/youtube/v3")
    assert 0 < partial < len(posts(whole))

    server.faults.delay = 0.0
    crawl(server, tmp_path / "b", out)
    restarted = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert set(restarted) == set(posts(whole))


def test_the_corpus_has_what_listening_data_has() -> None:
    videos = CorpusBuilder().build()
    assert videos == CorpusBuilder().build()  # seeded: every server holds the same data
    assert {"ko", "en", "ja", "es", "fr", "de", "pt"} <= {v.lang for v in videos}
    comments = [c for v in videos for top, replies in v.threads for c in (top, *replies)]
    assert 60 <= len(videos) + len(comments) <= 160
    assert any(v.published < LAUNCH for v in videos) and any(v.published > LAUNCH
                                                            for v in videos)
    assert any(v.comments_disabled for v in videos)
    texts = Counter(c.text for c in comments)
    assert texts["First! Nova Lumina X2 gang 🔥🔥 who else pre-ordered?"] >= 2  # copy-paste
    assert sum(1 for c in comments if "free-x2.example" in c.text) >= 3  # a giveaway bot
    titles = Counter(v.title for v in videos)
    assert max(titles.values()) == 2  # a re-upload
    assert any("Lumina Paint" in v.title for v in videos)
