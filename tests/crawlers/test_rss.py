"""The RSS/Atom spider against the sample news sites: real HTTP on loopback, nothing mocked.
Each test runs a real crawl subprocess through ``run_crawl``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from processes import kill_midway

from crawlers.run import CrawlStats, run_crawl
from samples.platforms.news import LAUNCH, MEMBERS, Article, News, build_corpus
from samples.server import SampleServer, start_sample_server
from sensing.config import Settings
from sensing.query import matches, parse_query

QUERY = '"nova lumina" OR 노바루미나 OR ノヴァルミナ'


@pytest.fixture
def server() -> Iterator[SampleServer]:
    found, _ = start_sample_server()
    yield found
    found.shutdown()


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SampleServer, Path]]:
    """One default crawl on its own server, for the tests that only read what it did."""
    found, _ = start_sample_server()
    tmp = tmp_path_factory.mktemp("rss")
    crawl(found, tmp / "data", tmp / "posts.jsonl")
    yield found, tmp / "posts.jsonl"
    found.shutdown()


def news(server: SampleServer) -> News:
    return server.platforms["rss"]


def crawl(server: SampleServer, data: Path, out: Path, **options: Any) -> CrawlStats:
    return run_crawl("rss", query=QUERY, campaign_id="x2", base_url=None, out=out, limit=None,
                     settings=Settings(data_dir=data, analyze_batch_size=10),
                     options={**news(server).demo_options(), **options})


def posts(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def by_title(path: Path) -> dict[str, dict[str, Any]]:
    return {post["title"]: post for post in posts(path)}


def expected_urls(server: SampleServer) -> set[str]:
    """Every story or comment whose title, summary or full text matches the query."""
    node = parse_query(QUERY)
    return {server.base_url + a.path for a in news(server).articles
            if matches(node, " ".join([a.title, a.summary, *a.body]))}


def paths_requested(server: SampleServer, since: int = 0) -> list[tuple[str, int]]:
    return [(path, status) for _, path, status in server.requests[since:]]


def test_a_crawl_collects_every_matching_story_once(
        collected: tuple[SampleServer, Path]) -> None:
    server, out = collected
    found = posts(out)
    assert len({p["id"] for p in found}) == len(found) > 40
    # relative RSS links and Atom hrefs under xml:base are resolved to the article pages
    assert {p["url"] for p in found} == expected_urls(server)
    assert {p["lang_hint"] for p in found} == {"en", "ko", "ja", "es", "fr", "de", "pt"}
    titles = by_title(out)
    # keyword collisions (the paint company, an astronomical nova) are not about the phone
    assert not [t for t in titles if "Paint" in t or "Peintures" in t or "nova in" in t]


def test_summary_only_items_get_the_article_text_without_the_page_chrome(
        collected: tuple[SampleServer, Path]) -> None:
    server, out = collected
    # the feed's summary never names the phone: only the article page's text matched
    shootout = by_title(out)["Camera shootout: the best phones for night photography"]
    assert "Nova Lumina X2 came out on top" in shootout["raw_text"]
    assert shootout["full_text"] is True
    assert not any(chrome in shootout["raw_text"] for chrome in
                   ("Advertisement", "Newsletter", "Share", "Related", "All rights reserved"))
    # the enclosure is the og:image, once
    assert shootout["media"] == [{"url": f"{server.base_url}/media/sunset-sample.png",
                                  "type": "image", "labels": [], "logos": [],
                                  "phash_chunks": []}]
    # the Spanish site keeps its body in [itemprop=articleBody], the French one in <main>
    spanish = by_title(out)["Cuánto dura la batería del Nova Lumina X2"]
    assert spanish["raw_text"].endswith("la batería baja mucho más rápido.")
    german = by_title(out)["Nova Lumina X2 im Akkutest"]
    assert "elf Stunden" in german["raw_text"] and german["lang_hint"] == "de"


def test_posts_follow_the_data_contract(collected: tuple[SampleServer, Path],
                                        tmp_path: Path) -> None:
    server, out = collected
    host = server.base_url.removeprefix("http://")
    titles = by_title(out)
    night = titles["ノヴァルミナX2の夜景モードを試した"]  # RSS with content:encoded, +0900 dates
    assert night["id"].startswith(f"rss:{host}/") and night["source"] == "rss"
    byline = night["author"]["name"]  # dc:creator
    assert byline in {"佐藤 葵", "高橋 蓮"}
    assert night["author"]["id"] == f"rss:{host}/{byline.replace(' ', '-')}"
    assert night["created_at"].endswith("Z") and night["created_at_source"] == "feed"
    assert night["raw_text"].startswith("ノヴァルミナX2の夜景モードを試した\n\n<p>")
    undated = titles["Opinión: el diseño del Nova Lumina X2 es lo mejor del año"]
    assert undated["created_at_source"] == "fetched"  # the feed gave no date
    comments = [p for p in posts(out) if p.get("in_reply_to")]  # Atom thr:in-reply-to
    review = titles["[리뷰] 노바루미나 X2 야간 촬영, 확실히 달라졌다"]
    assert len(comments) == 5 and review["id"] in {c["in_reply_to"] for c in comments}
    # a second crawl from scratch gives every story the same id
    again = tmp_path / "again.jsonl"
    crawl(server, tmp_path / "fresh", again)
    assert {p["id"] for p in posts(again)} == {p["id"] for p in posts(out)}


def test_fetch_articles_off_reads_only_the_feeds(server: SampleServer, tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    crawl(server, tmp_path / "data", out, fetch_articles=False)
    assert not [p for p, _ in paths_requested(server) if p.endswith(".html")]
    titles = by_title(out)
    assert "Camera shootout: the best phones for night photography" not in titles
    assert titles["Cuánto dura la batería del Nova Lumina X2"]["full_text"] is False


def test_an_article_selector_overrides_the_heuristic(server: SampleServer,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    crawl(server, tmp_path / "data", out, article_selector="div.ad")
    review = by_title(out)["Nova Lumina X2 review: the night shots are the real upgrade"]
    assert review["raw_text"].endswith("Advertisement: the best deals on earbuds this week")


def test_robots_txt_disallowed_articles_are_not_fetched_but_still_posted(
        collected: tuple[SampleServer, Path]) -> None:
    server, out = collected
    assert not [p for p, _ in paths_requested(server) if p.startswith(MEMBERS)]
    assert any(p.startswith("/news/techpulse/1") for p, _ in paths_requested(server))
    teardown = by_title(out)["Members only: our Nova Lumina X2 teardown"]
    assert teardown["full_text"] is False
    assert teardown["raw_text"].endswith("a stacked battery and a lot of glue.")  # the summary


def test_an_unchanged_feed_costs_one_empty_304(server: SampleServer, tmp_path: Path) -> None:
    first = crawl(server, tmp_path / "data", tmp_path / "first.jsonl")
    before = len(server.requests)
    second = crawl(server, tmp_path / "data", tmp_path / "second.jsonl")
    assert first.items > 40 and second.items == 0
    requested = paths_requested(server, before)
    feeds = [(p, s) for p, s in requested if p.endswith((".xml", ".atom"))]
    # the broken feed has no validators to send back; every good feed answered 304
    good = [urlsplit(url).path for url in news(server).feed_urls() if "gadgetzone" not in url]
    assert sorted(feeds) == sorted([(path, 304) for path in good]
                                   + [("/news/gadgetzone/feed.xml", 200)])
    assert not [p for p, _ in requested if p.endswith(".html")]  # no article either


def test_a_scheduled_recrawl_emits_only_new_stories(server: SampleServer,
                                                    tmp_path: Path) -> None:
    crawl(server, tmp_path / "data", tmp_path / "first.jsonl")
    news(server).add_article(Article(
        site="techpulse", number=1100, title="Lumina ships 1.0.4 for the Nova Lumina X2",
        summary="The fix for the camera crash is here.", body=["Update 1.0.4 fixes it."],
        author="Dana Whitfield", published=LAUNCH + timedelta(days=20), lang="en-us"))
    before = len(server.requests)
    second = crawl(server, tmp_path / "data", tmp_path / "second.jsonl")
    assert [p["title"] for p in posts(tmp_path / "second.jsonl")] == [
        "Lumina ships 1.0.4 for the Nova Lumina X2"]
    assert second.items == 1
    articles = [p for p, _ in paths_requested(server, before) if p.endswith(".html")]
    assert articles == ["/news/techpulse/1100.html"]  # known stories are not fetched again


def test_a_back_fill_ignores_the_state_and_keeps_to_its_window(
        server: SampleServer, tmp_path: Path) -> None:
    crawl(server, tmp_path / "data", tmp_path / "scheduled.jsonl")
    week = {"since": LAUNCH.isoformat(), "until": (LAUNCH + timedelta(days=7)).isoformat()}
    before = len(server.requests)
    crawl(server, tmp_path / "data", tmp_path / "week.jsonl", **week)
    window = [p for p in posts(tmp_path / "scheduled.jsonl") if p["created_at_source"] == "feed"
              and week["since"] <= p["created_at"].replace("Z", "+00:00") < week["until"]]
    assert 20 < len(window) < len(posts(tmp_path / "scheduled.jsonl"))
    assert {p["id"] for p in posts(tmp_path / "week.jsonl")} == {p["id"] for p in window}
    assert not [s for _, s in paths_requested(server, before)[1:] if s == 304]


def test_broken_feeds_and_server_errors_are_survived(server: SampleServer,
                                                     tmp_path: Path) -> None:
    for fault, feed in (("malformed", "/news/sumaho/"), ("truncated", "/news/hanbit/atom"),
                        ("html", "/news/europa/")):
        server.faults.add(fault, prefix=feed)
    server.faults.add("429", "503", prefix="/news/techpulse/rss.xml")
    out = tmp_path / "posts.jsonl"
    stats = crawl(server, tmp_path / "data", out)
    assert stats.finish_reason == "finished"
    assert stats.retries >= 2  # the 429 (after its Retry-After) and the 503 were retried
    # three feeds answered garbage once, and gadgetzone always does: each skipped, logged
    assert stats.bad_responses == 4
    assert {p["site"] for p in posts(out)} == {"TechPulse Daily", "Movilia Noticias",
                                               "한빛테크 댓글"}
    # the skipped feeds are fetched again by the next crawl: nothing was marked as seen
    crawl(server, tmp_path / "data", out)
    assert {p["url"] for p in posts(out)} == expected_urls(server)


def test_a_killed_crawl_restarted_yields_exactly_the_uninterrupted_set(
        server: SampleServer, tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl"
    crawl(server, tmp_path / "a", whole)

    server.faults.delay = 0.15  # slow enough to kill mid-way
    out = tmp_path / "killed.jsonl"
    settings = Settings(data_dir=tmp_path / "b", analyze_batch_size=5)
    partial = kill_midway("rss", query=QUERY, out=out, settings=settings, after=10,
                          options=news(server).demo_options())
    assert 0 < partial < len(posts(whole))

    server.faults.delay = 0.0
    crawl(server, tmp_path / "b", out)
    restarted = [p["id"] for p in posts(out)]
    assert len(restarted) == len(set(restarted))
    assert set(restarted) == {p["id"] for p in posts(whole)}


@pytest.mark.parametrize(("options", "message"), [
    ({}, r"bad rss options: feeds: Value error, give at least one feed URL"),
    ({"feeds": []}, r"give at least one feed URL"),
    ({"feeds": ["/news/techpulse/rss.xml"]}, r"feed URLs must be absolute http\(s\) URLs"),
])
def test_feeds_are_required(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_crawl("rss", query="x2", campaign_id=None, base_url=None,
                  out=tmp_path / "o.jsonl", limit=None, settings=Settings(data_dir=tmp_path),
                  options=options)
    assert not (tmp_path / "o.jsonl").exists()


def test_the_corpus_has_what_news_listening_data_has() -> None:
    sites, articles = build_corpus()
    stories = [a for a in articles if a.kind != "comment"]
    assert {a.lang[:2] for a in stories} >= {"en", "ko", "ja", "es", "fr", "de", "pt"}
    assert {s.format for s in sites.values()} == {"rss", "atom"}
    assert sum(a.published < LAUNCH for a in stories if a.published) >= 10
    assert sum(a.published >= LAUNCH for a in stories if a.published) >= 25
    kinds = [a.kind for a in articles]
    assert kinds.count("off-topic") >= 5 and kinds.count("comment") >= 5
    assert {"press", "spam", "members", "undated"} <= set(kinds)
    press = [a.body for a in stories if a.kind == "press"]
    assert len(press) == 2 and press[0] == press[1]  # a press release pasted by two sites
    assert sum(1 for a in stories if a.image) >= 20
