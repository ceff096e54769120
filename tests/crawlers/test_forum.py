"""The forum spider against the sample boards: real HTML over loopback, nothing mocked. Each
crawl is a real subprocess through ``run_crawl``; the boards are driven by the shipped site
configs in ``crawlers/forums/``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from processes import kill_midway
from w3lib.html import remove_tags

import crawlers.forums as forums_package
from crawlers.forums.dates import parse_date
from crawlers.run import run_crawl
from samples.platforms.forum import Forum, Thread
from samples.server import SampleServer, start_sample_server
from sensing.config import Settings
from sensing.query import matches, parse_query

QUERY = '"nova lumina" OR "lumina x2" OR "루미나 X2" OR 노바루미나'
SITES = ("kr-phone", "lumina-owners")


@pytest.fixture
def server() -> Iterator[SampleServer]:
    found, _ = start_sample_server()
    yield found
    found.shutdown()


def forum(server: SampleServer) -> Forum:
    return server.platforms["forum"]


def crawl(server: SampleServer, data: Path, out: Path, **options):
    return run_crawl("forum", query=QUERY, campaign_id="x2", base_url=server.base_url, out=out,
                     limit=None, settings=Settings(data_dir=data, analyze_batch_size=50),
                     options=options)


def posts(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def ids(path: Path) -> list[str]:
    return [post["id"] for post in posts(path)]


def kept_threads(server: SampleServer, site: str) -> list[Thread]:
    """The threads a perfect crawl keeps: the query matches their title or first post, and
    robots.txt lets them be fetched."""
    node = parse_query(QUERY)
    return [t for t in forum(server).boards[site] if not t.private
            and matches(node, f"{t.title}\n{remove_tags(t.posts[0].body)}")]


def expected_ids(server: SampleServer, site: str) -> set[str]:
    return {f"forum:{site}/{p.id}" for t in kept_threads(server, site) for p in t.posts}


def test_board_dates_are_read_in_the_boards_zone_and_relative_ones_from_now() -> None:
    now = datetime(2026, 10, 16, 12, 0, tzinfo=UTC)
    seoul, utc = ZoneInfo("Asia/Seoul"), ZoneInfo("UTC")
    assert parse_date("2026.10.16 09:12", ["%Y.%m.%d %H:%M"], seoul, now) == \
        datetime(2026, 10, 16, 0, 12, tzinfo=UTC)
    assert parse_date(" Oct 6, 2026 at 9:12 PM ", ["%b %d, %Y at %I:%M %p"], utc, now) == \
        datetime(2026, 10, 6, 21, 12, tzinfo=UTC)
    for shown in ("3 hours ago", "3시간 전", "3時間前", "hace 3 horas", "il y a 3 heures"):
        assert parse_date(shown, ["%Y.%m.%d"], seoul, now) == now - timedelta(hours=3), shown
    assert parse_date("12 minutes ago", [], utc, now) == now - timedelta(minutes=12)
    assert parse_date("방금 전", [], seoul, now) == now
    assert parse_date("3 hours ago", [], utc, now, relative=False) is None
    assert parse_date("last Tuesday", ["%Y.%m.%d"], utc, now) is None


@pytest.mark.parametrize("site", SITES)
def test_a_crawl_collects_every_post_of_the_threads_the_query_matches(
        server: SampleServer, tmp_path: Path, site: str) -> None:
    out = tmp_path / "posts.jsonl"
    stats = crawl(server, tmp_path / "data", out, site=site)
    collected = {post["id"]: post for post in posts(out)}
    assert len(collected) == stats.items == len(ids(out))
    assert set(collected) == expected_ids(server, site)
    assert stats.pages > 10  # list pages and thread pages were followed

    for thread in kept_threads(server, site):
        first = f"forum:{site}/{thread.posts[0].id}"
        for source in thread.posts:
            post = collected[f"forum:{site}/{source.id}"]
            # dates shown in KST (or UTC) to the minute come back as the same UTC instant
            assert datetime.fromisoformat(post["created_at"]) == source.created_at
            assert post["author"]["name"] == source.author  # CP949 letters decoded too
            assert post["thread_id"] == first
            replied = source.quote or (thread.posts[0].id if source is not thread.posts[0]
                                       else None)
            assert post.get("in_reply_to") == (f"forum:{site}/{replied}" if replied else None)
            assert [m["url"].rsplit("/", 1)[1] for m in post["media"]] == source.images
            assert remove_tags(source.body) in remove_tags(post["raw_text"])


def test_korean_board_posts_keep_their_encoding_and_ids(server: SampleServer,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "posts.jsonl"
    crawl(server, tmp_path / "data", out, site="kr-phone")
    post = next(p for p in posts(out) if p["author"]["name"] == "똠양꿍")  # not in EUC-KR
    assert post["author"]["id"].startswith("forum:kr-phone/u")
    assert post["lang_hint"] == "ko"
    assert post["url"].endswith(f"#p_{post['id'].rsplit('/', 1)[1]}")
    assert not any("페인트" in p["raw_text"] for p in posts(out))  # "루미나 페인트" is paint


def test_a_thread_robots_txt_disallows_is_never_fetched(server: SampleServer,
                                                        tmp_path: Path) -> None:
    private = next(t for t in forum(server).boards["lumina-owners"] if t.private)
    listed = forum(server).by_activity("lumina-owners").index(private)
    assert listed < 5  # it is on the first list page the crawl reads
    crawl(server, tmp_path / "data", tmp_path / "posts.jsonl", site="lumina-owners")
    fetched = [path for _, path, _ in server.requests]
    assert "/robots.txt" in fetched
    assert not [path for path in fetched if path.startswith("/community/private/")]
    assert f"forum:lumina-owners/{private.posts[0].id}" not in ids(tmp_path / "posts.jsonl")


def test_a_back_fill_collects_its_window_and_leaves_the_state_alone(
        server: SampleServer, tmp_path: Path) -> None:
    since, until = datetime(2026, 10, 15, 1, 0, tzinfo=UTC), datetime(2026, 10, 18, tzinfo=UTC)
    window = crawl(server, tmp_path / "data", tmp_path / "window.jsonl", site="lumina-owners",
                   since=since.isoformat(), until=until.isoformat())
    inside = {f"forum:lumina-owners/{p.id}" for t in kept_threads(server, "lumina-owners")
              for p in t.posts if since <= p.created_at < until}
    assert set(ids(tmp_path / "window.jsonl")) == inside and 0 < window.items < 30
    # no state was written: the next incremental crawl still collects everything
    crawl(server, tmp_path / "data", tmp_path / "all.jsonl", site="lumina-owners")
    assert set(ids(tmp_path / "all.jsonl")) == expected_ids(server, "lumina-owners")


def test_a_board_config_of_ones_own_without_a_next_link_pages_by_number(
        server: SampleServer, tmp_path: Path) -> None:
    shipped = (Path(forums_package.__file__).parent / "kr-phone.toml").read_text("utf-8")
    config = tmp_path / "my-board.toml"
    config.write_text("\n".join(line for line in shipped.splitlines()
                                if not line.startswith("next_list_page")), "utf-8")
    out = tmp_path / "posts.jsonl"
    crawl(server, tmp_path / "data", out, config=str(config))
    assert set(ids(out)) == expected_ids(server, "kr-phone")
    lists = [path for _, path, _ in server.requests if path.startswith("/bbs/phone/list")]
    assert lists == ["/bbs/phone/list?page=1", "/bbs/phone/list?page=2",
                     "/bbs/phone/list?page=3"]  # the third, empty, ends the board


def test_max_pages_bounds_the_list_pages_read(server: SampleServer, tmp_path: Path) -> None:
    crawl(server, tmp_path / "data", tmp_path / "posts.jsonl", site="kr-phone", max_pages=1)
    lists = [path for _, path, _ in server.requests if path.startswith("/bbs/phone/list")]
    assert lists == ["/bbs/phone/list?page=1"]
    on_first_page = forum(server).by_activity("kr-phone")[:5]
    assert {post["thread_id"] for post in posts(tmp_path / "posts.jsonl")} == \
        {f"forum:kr-phone/{t.id}" for t in on_first_page if t in kept_threads(server, "kr-phone")}


def test_a_second_crawl_emits_exactly_the_new_reply(server: SampleServer,
                                                    tmp_path: Path) -> None:
    board = forum(server)
    first = crawl(server, tmp_path / "data", tmp_path / "first.jsonl", site="lumina-owners")
    megathread = board.boards["lumina-owners"][0]
    off_topic = next(t for t in board.boards["lumina-owners"] if "Cassiopeia" in t.title)
    written = datetime.now(UTC) - timedelta(hours=3, minutes=5)
    reply = board.add_reply("lumina-owners", megathread.id, "late_buyer",
                            "Six weeks in: battery still lasts a full day.", written)
    board.add_reply("lumina-owners", off_topic.id, "stargazer", "It faded by Friday.")
    before = len(server.requests)

    second = crawl(server, tmp_path / "data", tmp_path / "second.jsonl", site="lumina-owners")
    [post] = posts(tmp_path / "second.jsonl")
    assert post["id"] == f"forum:lumina-owners/{reply.id}"
    assert post["in_reply_to"] == post["thread_id"] == \
        f"forum:lumina-owners/{megathread.posts[0].id}"
    # shown as "3 hours ago": read back to within the hour the board rounds to
    assert abs(datetime.fromisoformat(post["created_at"]) - written) < timedelta(hours=1)
    assert first.items > 30 and second.items == 1
    fetched = {path for _, path, _ in server.requests[before:] if path != "/robots.txt"}
    # list pages up to the first without news; the megathread from the page where the first
    # crawl stopped; not the off-topic thread, known to be off topic
    thread = f"/community/threads/{megathread.slug}.{megathread.id}/"
    assert fetched == {"/community/forums/x2/page-1", "/community/forums/x2/page-2",
                       f"{thread}page-3", f"{thread}page-4"}


@pytest.mark.parametrize("site,prefix", [("kr-phone", "/bbs/"),
                                         ("lumina-owners", "/community/")])
def test_server_errors_and_broken_pages_are_survived(server: SampleServer, tmp_path: Path,
                                                     site: str, prefix: str) -> None:
    server.faults.retry_after = 1
    server.faults.add("503", "429", "truncated", "html", "503", prefix=prefix)
    stats = crawl(server, tmp_path / "data", tmp_path / "posts.jsonl", site=site)
    assert stats.finish_reason == "finished"
    assert stats.retries >= 3  # 503, 429 (after its Retry-After), 503
    assert stats.bad_responses == 2  # the cut-off page and the maintenance page, re-fetched
    assert set(ids(tmp_path / "posts.jsonl")) == expected_ids(server, site)


def test_a_killed_crawl_restarted_yields_exactly_the_uninterrupted_set(
        server: SampleServer, tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl"
    crawl(server, tmp_path / "a", whole, site="lumina-owners")

    server.faults.delay = 0.25  # slow enough to kill mid-way
    out = tmp_path / "killed.jsonl"
    settings = Settings(data_dir=tmp_path / "b", analyze_batch_size=2)
    partial = kill_midway("forum", query=QUERY, out=out, settings=settings, after=6,
                          base_url=server.base_url, options={"site": "lumina-owners"})
    assert 0 < partial < len(ids(whole))

    server.faults.delay = 0.0
    run_crawl("forum", query=QUERY, campaign_id="x2", base_url=server.base_url, out=out,
              limit=None, settings=settings, options={"site": "lumina-owners"})
    restarted = ids(out)
    assert len(restarted) == len(set(restarted))
    assert set(restarted) == set(ids(whole))


def test_a_bad_config_is_refused_naming_the_keys(tmp_path: Path) -> None:
    config = tmp_path / "board.toml"
    config.write_text('name = "my-board"\ntimezone = "Mars/Olympus"\n'
                      'list_url = "{base_url}/list?p={pg}"\n[dates]\nformats = ["%Y"]\n'
                      '[select]\nrow = {css = "tr", xpath = "//tr"}\n'
                      'thread = {css = "a::attr(href)"}\n')
    with pytest.raises(ValueError) as refused:
        crawl_config_error(tmp_path, config=str(config))
    message = str(refused.value)
    assert "timezone: unknown timezone 'Mars/Olympus'" in message
    assert "list_url: unknown placeholders ['pg']" in message
    assert "select.row: give exactly one of css or xpath" in message
    assert "select.post: Field required" in message
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("options,complaint", [
    ({}, "give site=<name> (shipped: kr-phone, lumina-owners) or config=<path.toml>"),
    ({"site": "kr-phone", "config": "x.toml"}, "exactly one of them"),
    ({"site": "dcinside"}, "no shipped forum config 'dcinside'"),
    ({"config": "/nonexistent/board.toml"}, "cannot read it"),
])
def test_the_board_must_be_named_once(tmp_path: Path, options: dict, complaint: str) -> None:
    with pytest.raises(ValueError, match="bad forum options") as refused:
        crawl_config_error(tmp_path, **options)
    assert complaint in str(refused.value)


def crawl_config_error(tmp_path: Path, **options):
    return run_crawl("forum", query=QUERY, campaign_id=None, base_url="http://127.0.0.1:9",
                     out=tmp_path / "o.jsonl", limit=None,
                     settings=Settings(data_dir=tmp_path), options=options)


def test_the_sample_boards_have_what_listening_data_has(server: SampleServer) -> None:
    boards = forum(server).boards
    every = [p for threads in boards.values() for t in threads for p in t.posts]
    assert 60 <= len(every) <= 150
    text = " ".join(p.body for p in every).casefold()
    for sample in ("배터리", "batería", "夜景", "battery", "écran", "akku"):  # ko es ja en fr de
        assert sample in text
    assert sum(1 for p in every if p.images) >= 8
    assert sum(1 for p in every if p.quote) >= 8
    assert sum(1 for p in every if "bot" in p.author or "봇" in p.author) >= 4
    bodies = [p.body for p in every]
    assert len(bodies) - len(set(bodies)) >= 1  # a copy-pasted post
    launch = datetime(2026, 10, 15, 1, 0, tzinfo=UTC)
    assert any(p.created_at < launch for p in every) and any(p.created_at > launch
                                                             for p in every)
    assert any(len(t.posts) > 8 for threads in boards.values() for t in threads)  # 3+ pages
