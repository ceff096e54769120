"""Every crawled post carries its clean plain text: ``text`` is the post as a reader sees it
(no markup, entities decoded, paragraphs and line breaks kept), whatever the source, and
``raw_text`` stays as fetched. Real crawl subprocesses against the sample-sources server,
written to a JSON lines file as ``sensing crawl --out`` writes them."""

from __future__ import annotations

import copy
import html
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from w3lib.html import remove_tags

from analysis.pipeline import BatchContext
from crawlers.run import run_crawl
from crawlers.sinks import authors_path
from nlp.steps.clean import Clean, CleanOptions
from samples.platforms.bluesky import Bluesky
from samples.platforms.reddit import Reddit
from samples.platforms.youtube import API_KEY
from samples.server import SampleServer, start_sample_server
from sensing.config import Settings
from sensing.schemas import Post

QUERY = '"nova lumina" OR luminax2 OR 노바루미나 OR ノヴァルミナ'

# A status as Mastodon serves it: paragraphs, a line break, entities, a hashtag link and a
# mention link whose visible text is split over spans.
RICH_HTML = (
    '<p>Got my Nova Lumina X2 today &amp; the camera is &quot;wow&quot;<br>Night mode: '
    '10/10 <a href="https://sample.social/tags/novalumina" class="mention hashtag" '
    'rel="tag">#<span>NovaLumina</span></a></p><p>Thanks <span class="h-card"><a '
    'href="https://sample.social/@maker" class="u-url mention">@<span>maker</span></a>'
    '</span> &lt;3 it&#x27;s great</p>')
RICH_TEXT = ('Got my Nova Lumina X2 today & the camera is "wow"\nNight mode: 10/10 #NovaLumina'
             "\n\nThanks @maker <3 it's great")

TAG = re.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>")
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
FORMAT_CHARS = {"Cf", "Cc"}


@pytest.fixture
def server() -> Iterator[SampleServer]:
    found, _ = start_sample_server()
    yield found
    found.shutdown()


def add_rich_status(server: SampleServer, account_acct: str | None = None) -> dict[str, Any]:
    """A new status with :data:`RICH_HTML`, by ``account_acct`` (default: the newest
    status's author), as a live instance would have it."""
    mastodon = server.platforms["mastodon"]
    statuses = mastodon.statuses
    model = next((s for s in statuses if s["account"]["acct"] == account_acct), None) \
        if account_acct else None
    newest = max(statuses, key=lambda s: int(s["id"]))
    fresh = copy.deepcopy(model or newest)
    fresh["id"] = str(int(newest["id"]) + 1000)
    fresh["created_at"] = newest["created_at"]
    fresh["reblog"] = None
    fresh["content"] = RICH_HTML
    fresh["tags"] = [{"name": "novalumina", "url": "https://sample.social/tags/novalumina"}]
    mastodon.add_statuses([fresh])
    return fresh


def source_setup(server: SampleServer, source: str) -> dict[str, Any]:
    """``run_crawl`` arguments of each source against the sample server."""
    base = {"base_url": server.base_url, "settings": {}, "options": None}
    return {
        "mastodon": base,
        "rss": {**base, "base_url": None, "options": server.platforms["rss"].demo_options()},
        "forum": {**base, "options": {"site": "lumina-owners"}},
        "bluesky": {**base, "settings": Bluesky.sample_credentials},
        "reddit": {**base, "settings": Reddit.sample_credentials},
        "youtube": {**base, "base_url": f"{server.base_url}/youtube/v3",
                    "settings": {"youtube_api_key": API_KEY}},
    }[source]


def crawl(server: SampleServer, source: str, tmp_path: Path,
          options: dict[str, Any] | None = None) -> Path:
    setup = source_setup(server, source)
    out = tmp_path / f"{source}.jsonl"
    run_crawl(source, query=QUERY, campaign_id="x2", base_url=setup["base_url"], out=out,
              limit=None, options={**(setup["options"] or {}), **(options or {})} or None,
              settings=Settings(data_dir=tmp_path / "data", analyze_batch_size=50,
                                **setup["settings"]))
    return out


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def visible_characters(raw: str) -> str:
    """What a browser shows of ``raw``, without any whitespace: tags removed (w3lib, not the
    crawler's parser), entities decoded, compatibility forms folded, invisible characters
    dropped. Independent of how the crawler lays out lines."""
    shown = unicodedata.normalize("NFKC", html.unescape(remove_tags(raw)))
    return "".join(c for c in shown if not c.isspace()
                   and unicodedata.category(c) not in FORMAT_CHARS)


def without_whitespace(text: str) -> str:
    return "".join(c for c in text if not c.isspace()
                   and unicodedata.category(c) not in FORMAT_CHARS)


def analysis_text(post: dict[str, Any]) -> str:
    """What the analysis ``clean`` step makes of the crawled post (masking off: personal data
    is the analysis step's business, not the crawler's)."""
    step = Clean(CleanOptions(mask_emails=False, mask_phones=False))
    [done] = step([Post.model_validate(post)], BatchContext())
    return done.text


def assert_clean_text(post: dict[str, Any]) -> None:
    text, raw = post.get("text", ""), post["raw_text"]
    assert raw.strip(), f"{post['id']}: nothing fetched"
    assert text.strip(), f"{post['id']}: empty text (raw_text {raw[:80]!r})"
    assert not TAG.search(text), f"{post['id']}: markup left in {text!r}"
    assert not ENTITY.search(text), f"{post['id']}: entity left in {text!r}"
    assert text == text.strip() and "\n\n\n" not in text and "  " not in text
    assert without_whitespace(text) == visible_characters(raw), post["id"]
    assert text == analysis_text(post), f"{post['id']}: crawler and analysis disagree"


def test_mastodon_posts_carry_clean_text_and_raw_text_as_fetched(
        server: SampleServer, tmp_path: Path) -> None:
    rich = add_rich_status(server)
    posts = lines(crawl(server, "mastodon", tmp_path))
    assert len(posts) > 100
    contents = {s["id"]: (s["reblog"] or s)["content"]
                for s in server.platforms["mastodon"].statuses}
    for post in posts:
        assert post["raw_text"] == contents[post["id"].rsplit("/", 1)[1]]
        assert_clean_text(post)
    [found] = [p for p in posts if p["id"].endswith(f"/{rich['id']}")]
    assert found["raw_text"] == RICH_HTML
    assert found["text"] == RICH_TEXT
    assert any("#NovaLumina" in p["text"] for p in posts if p["id"] != found["id"])
    assert any("'" in p["text"] and "&#x27;" in p["raw_text"] for p in posts)


@pytest.mark.parametrize("source", ["rss", "forum", "bluesky", "reddit", "youtube"])
def test_every_source_carries_clean_text(server: SampleServer, tmp_path: Path,
                                         source: str) -> None:
    posts = lines(crawl(server, source, tmp_path))
    assert posts, f"the {source} crawl collected nothing"
    for post in posts:
        assert_clean_text(post)
    if source in ("rss", "forum"):  # HTML bodies: the paragraphs stay apart
        assert any("<p>" in p["raw_text"] for p in posts)
        assert any("\n\n" in p["text"] for p in posts)


def test_recent_posts_on_author_profiles_keep_line_breaks(server: SampleServer,
                                                          tmp_path: Path) -> None:
    rich = add_rich_status(server, "en_user05")
    out = crawl(server, "mastodon", tmp_path, {"mode": "authors", "authors": ["@en_user05"],
                                               "follower_sample": 0, "recent_posts": 3})
    [profile] = [p for p in lines(authors_path(out)) if p["handle"] == "@en_user05"]
    recent = {p["id"].rsplit("/", 1)[1]: p["text"] for p in profile["recent_posts"]}
    assert recent[rich["id"]] == RICH_TEXT
