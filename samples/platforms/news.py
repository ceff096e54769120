"""News sites with RSS 2.0 and Atom 1.0 feeds, built from ``news_articles.json`` (hand-written
articles about the Nova Lumina X2 launch; dates, bylines and ids are derived from it with a
seeded generator, so every server start serves the same feeds).

Five sites under ``/news/<site>/``, each in the shape real publishers use:

- ``techpulse`` (English): RSS 2.0, summary-only items whose full text is on the article
  page (``<article>``), relative ``<link>``s, ``dc:creator``, ``enclosure`` images,
  ``guid isPermaLink="false"``; members' articles live under a path robots.txt disallows.
- ``hanbit`` (Korean): Atom with full ``content type="html"``, ``xml:base`` + relative
  ``link rel="alternate"``; plus a comments feed whose entries carry ``thr:in-reply-to``.
- ``sumaho`` (Japanese): RSS 2.0 with ``content:encoded`` full text and ``+0900`` dates.
- ``movilia`` (Spanish): RSS 2.0, summaries only; article bodies in
  ``[itemprop=articleBody]`` (no ``<article>``), ``media:content`` images, one undated item.
- ``europa`` (French feed, German and Portuguese entries by ``xml:lang``): Atom with summaries
  only; article bodies in ``<main>``.
- ``gadgetzone``: a feed that is not well-formed XML, as broken publishers serve.

Feeds answer conditional GETs: ``ETag`` and ``Last-Modified`` on every 200, and ``304 Not
Modified`` with no body when ``If-None-Match`` matches (or, without it, when
``If-Modified-Since`` is not older than the newest item). Article pages carry navigation,
share buttons, related links and a footer around the body, and an ``og:image``.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from typing import Any

from samples.server import HERE, MEDIA, Platform, Reply, Request, Route, as_json

LAUNCH = datetime(2026, 10, 15, 1, 0, tzinfo=UTC)
CORPUS = HERE / "platforms" / "news_articles.json"
TOKYO = timezone(timedelta(hours=9))
MEMBERS = "/news/techpulse/members/"
BROKEN_FEED = "/news/gadgetzone/feed.xml"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
    "thr": "http://purl.org/syndication/thread/1.0",
}


@dataclass
class Site:
    slug: str
    title: str
    lang: str
    format: str  # "rss" or "atom"
    full_text: bool  # the feed carries the whole article, not only a summary
    authors: list[str]

    @property
    def feed_path(self) -> str:
        return f"/news/{self.slug}/{'rss.xml' if self.format == 'rss' else 'atom.xml'}"


@dataclass
class Article:
    site: str
    number: int
    title: str
    summary: str
    body: list[str]
    author: str
    published: datetime | None  # None: the publisher left the date out
    lang: str
    image: str | None = None
    kind: str = "news"  # news, press, members, off-topic, spam, undated, comment
    reply_to: int | None = None  # comments: the number of the article they answer

    @property
    def path(self) -> str:
        if self.kind == "comment":
            return f"/news/{self.site}/{self.reply_to:04d}.html#comment-{self.number}"
        folder = "members/" if self.kind == "members" else ""
        return f"/news/{self.site}/{folder}{self.number:04d}.html"


def build_corpus() -> tuple[dict[str, Site], list[Article]]:
    """Sites and articles from the hand-written texts; times and bylines from a seeded RNG."""
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    rng = random.Random(2026)
    sites = {slug: Site(slug=slug, **spec) for slug, spec in data["sites"].items()}
    articles: list[Article] = []
    numbers: dict[str, int] = {}
    for spec in data["articles"]:
        site = sites[spec["site"]]
        numbers[site.slug] = numbers.get(site.slug, 0) + 1
        when = LAUNCH + timedelta(days=spec["day"], hours=rng.randint(1, 20),
                                  minutes=rng.randint(0, 59))
        kind = spec.get("kind", "news")
        articles.append(Article(
            site=site.slug, number=1000 + numbers[site.slug], title=spec["title"],
            summary=spec["summary"], body=spec["body"], author=rng.choice(site.authors),
            published=None if kind == "undated" else when,
            lang=spec.get("lang", site.lang), image=spec["image"], kind=kind))
    hanbit = [a for a in articles if a.site == "hanbit"]
    for number, spec in enumerate(data["comments"], start=1):
        answered = hanbit[spec["on"]]
        articles.append(Article(
            site="hanbit", number=number, title=f"Re: {answered.title}", summary="",
            body=[spec["text"]],
            author=spec["author"], published=LAUNCH + timedelta(
                days=spec["day"], hours=rng.randint(1, 20), minutes=rng.randint(0, 59)),
            lang="ko", kind="comment", reply_to=answered.number))
    return sites, articles


def atom_id(article: Article) -> str:
    """Atom ids are tag URIs, independent of where the site is served."""
    return f"tag:{article.site}.sample,2026:{article.kind}-{article.number}"


def rss_date(when: datetime, site: Site) -> str:
    """RFC 822, in the publisher's own zone (Japanese sites write +0900)."""
    if site.lang == "ja":
        return format_datetime(when.astimezone(TOKYO))
    return format_datetime(when, usegmt=True)


@dataclass
class FeedRender:
    """A rendered feed and the validators a conditional GET is checked against."""

    body: bytes
    content_type: str
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        self.etag = f'"{hashlib.sha1(self.body).hexdigest()[:16]}"'


class News(Platform):
    name = "rss"  # keyed like every platform: by the source that crawls it
    robots_disallow = (MEMBERS,)

    def __init__(self, server):
        super().__init__(server)
        self.sites, self.articles = build_corpus()

    def describe(self) -> str:
        return (f"news: {len(self.sites)} sites, {len(self.articles)} items "
                f"({', '.join(s.feed_path for s in self.sites.values())}, {BROKEN_FEED})")

    def demo_options(self) -> dict[str, Any]:
        return {"feeds": self.feed_urls()}

    def feed_urls(self) -> list[str]:
        base = self.server.base_url
        return [base + path for path in (*(s.feed_path for s in self.sites.values()),
                                          "/news/hanbit/comments.atom", BROKEN_FEED)]

    def routes(self) -> list[Route]:
        return [
            self.route("GET", r"/news/(?P<slug>\w+)/(?:rss|atom)\.xml", self.feed),
            self.route("GET", r"/news/hanbit/comments\.atom", self.comments_feed),
            self.route("GET", BROKEN_FEED.replace(".", r"\."), self.broken_feed),
            self.route("GET", r"/news/(?P<slug>\w+)/(?:members/)?(?P<number>\d{4})\.html",
                       self.article_page),
        ]

    def add_article(self, article: Article) -> None:
        """A new story appears, as on a live site between two crawls."""
        with self.server.lock:
            self.articles = [*self.articles, article]

    def items(self, slug: str, comments: bool = False) -> list[Article]:
        """A site's stories (or its comments), newest first, undated ones on top."""
        with self.server.lock:
            chosen = [a for a in self.articles
                      if a.site == slug and (a.kind == "comment") == comments]
        far_future = datetime.max.replace(tzinfo=UTC)
        return sorted(chosen, key=lambda a: a.published or far_future, reverse=True)

    # -- feeds ---------------------------------------------------------------------------

    def feed(self, request: Request, slug: str) -> Reply:
        site = self.sites.get(slug)
        if site is None or request.path != site.feed_path:
            return as_json({"error": "Not found"}, 404)
        items = self.items(slug)
        render = self.rss(site, items) if site.format == "rss" else self.atom(
            site, site.title, items, f"/news/{slug}/")
        return self.conditional(request, render, items)

    def comments_feed(self, request: Request) -> Reply:
        site = self.sites["hanbit"]
        items = self.items("hanbit", comments=True)
        return self.conditional(request, self.atom(site, f"{site.title} 댓글", items,
                                                   "/news/hanbit/"), items)

    def broken_feed(self, request: Request) -> Reply:
        body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>GadgetZone'
                b'</title><item><title>Nova Lumina X2 & friends</title><link>/x2'
                b'</item></channel>')
        return Reply(200, body, "application/rss+xml; charset=utf-8")

    def conditional(self, request: Request, render: FeedRender, items: list[Article]) -> Reply:
        dated = [a.published for a in items if a.published]
        newest = max(dated) if dated else None
        headers = {"ETag": render.etag}
        if newest:
            headers["Last-Modified"] = format_datetime(newest, usegmt=True)
        if self.not_modified(request, render.etag, newest):
            return Reply(304, b"", "application/xml", headers)
        return Reply(200, render.body, render.content_type, headers)

    @staticmethod
    def not_modified(request: Request, etag: str, newest: datetime | None) -> bool:
        """RFC 9110: If-None-Match wins; If-Modified-Since counts only without it."""
        if "if-none-match" in request.headers:
            tags = {t.strip() for t in request.headers["if-none-match"].split(",")}
            return etag in tags or "*" in tags
        since = request.headers.get("if-modified-since")
        if since and newest:
            try:
                return newest.replace(microsecond=0) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def rss(self, site: Site, items: list[Article]) -> FeedRender:
        entries = "".join(self.rss_item(site, a) for a in items)
        body = (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
                f'xmlns:content="{NS["content"]}" xmlns:dc="{NS["dc"]}" '
                f'xmlns:media="{NS["media"]}">\n<channel>\n'
                f"<title>{escape(site.title)}</title>\n<link>/news/{site.slug}/</link>\n"
                f"<description>{escape(site.title)}: mobile news</description>\n"
                f"<language>{site.lang}</language>\n{entries}</channel>\n</rss>\n")
        return FeedRender(body.encode("utf-8"), "application/rss+xml; charset=utf-8")

    def rss_item(self, site: Site, article: Article) -> str:
        base = self.server.base_url
        # techpulse writes relative links, as some CMSs do; the others absolute ones.
        link = article.path if site.slug == "techpulse" else base + article.path
        lines = [f"<title>{escape(article.title)}</title>", f"<link>{escape(link)}</link>",
                 f"<description>{escape(article.summary)}</description>"]
        if site.slug == "movilia":  # a permalink guid, the link itself
            lines.append(f'<guid isPermaLink="true">{escape(base + article.path)}</guid>')
        else:
            lines.append(f'<guid isPermaLink="false">{site.slug}-{article.number}</guid>')
        if article.published:
            lines.append(f"<pubDate>{rss_date(article.published, site)}</pubDate>")
        lines.append(f"<dc:creator>{escape(article.author)}</dc:creator>")
        if site.full_text:
            lines.append(f"<content:encoded><![CDATA[{self.body_html(article)}]]>"
                         "</content:encoded>")
        if article.image and site.slug == "movilia":
            lines.append(f'<media:content url="{base}/media/{article.image}" medium="image" '
                         'type="image/png"/>')
        elif article.image:
            size = (MEDIA / article.image).stat().st_size
            lines.append(f'<enclosure url="{base}/media/{article.image}" length="{size}" '
                         'type="image/png"/>')
        return "<item>\n" + "\n".join(lines) + "\n</item>\n"

    def atom(self, site: Site, title: str, items: list[Article], home: str) -> FeedRender:
        dated = [a.published for a in items if a.published]
        updated = max(dated) if dated else LAUNCH
        entries = "".join(self.atom_entry(site, a) for a in items)
        body = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="{NS["atom"]}" '
                f'xmlns:thr="{NS["thr"]}" xml:lang="{site.lang}" '
                f'xml:base="{self.server.base_url}{home}">\n'
                f"<title>{escape(title)}</title>\n<id>tag:{site.slug}.sample,2026:feed</id>\n"
                f"<updated>{updated.isoformat()}</updated>\n"
                f'<link rel="alternate" href="./"/>\n'
                f"<author><name>{escape(site.title)}</name></author>\n{entries}</feed>\n")
        return FeedRender(body.encode("utf-8"), "application/atom+xml; charset=utf-8")

    def atom_entry(self, site: Site, article: Article) -> str:
        when = (article.published or LAUNCH).isoformat()
        relative = article.path.removeprefix(f"/news/{site.slug}/")
        lines = [f"<id>{atom_id(article)}</id>",
                 f"<title>{escape(article.title)}</title>",
                 f"<published>{when}</published>", f"<updated>{when}</updated>",
                 f"<author><name>{escape(article.author)}</name></author>",
                 f'<link rel="alternate" type="text/html" href="{relative}"/>']
        if site.full_text or article.kind == "comment":
            lines.append(f'<content type="html">{escape(self.body_html(article))}</content>')
        else:
            lines.append(f'<summary type="text">{escape(article.summary)}</summary>')
        if article.image:
            lines.append(f'<link rel="enclosure" type="image/png" '
                         f'href="{self.server.base_url}/media/{article.image}"/>')
        if article.reply_to is not None:
            parent = next(a for a in self.articles
                          if a.site == site.slug and a.number == article.reply_to)
            lines.append(f'<thr:in-reply-to ref="{atom_id(parent)}" '
                         f'href="{parent.path.removeprefix(f"/news/{site.slug}/")}"/>')
        lang = f' xml:lang="{article.lang}"' if article.lang != site.lang else ""
        return f"<entry{lang}>\n" + "\n".join(lines) + "\n</entry>\n"

    @staticmethod
    def body_html(article: Article) -> str:
        return "".join(f"<p>{escape(p)}</p>" for p in article.body)

    # -- article pages -------------------------------------------------------------------

    def article_page(self, request: Request, slug: str, number: str) -> Reply:
        with self.server.lock:
            found = next((a for a in self.articles if a.site == slug
                          and a.kind != "comment" and a.path == request.path), None)
        if found is None:
            return Reply(404, b"<html><body><h1>Not found</h1></body></html>",
                         "text/html; charset=utf-8")
        return Reply(200, self.page_html(self.sites[slug], found).encode("utf-8"),
                     "text/html; charset=utf-8")

    def page_html(self, site: Site, article: Article) -> str:
        """The story inside the site's chrome; where the body sits differs per site, as it
        does across real CMSs (``<article>``, ``[itemprop=articleBody]``, ``<main>``)."""
        og = (f'<meta property="og:image" content="/media/{article.image}">'
              if article.image else "")
        story = (f"<h1>{escape(article.title)}</h1>"
                 f'<p class="byline">{escape(article.author)}</p>'
                 + self.body_html(article)
                 + '<ul class="share"><li>Share</li><li>Tweet</li><li>Email</li></ul>')
        if site.slug == "movilia":
            story = f'<div class="nota"><div itemprop="articleBody">{story}</div></div>'
        elif site.slug == "europa":
            story = f"<main>{story}</main>"
        else:
            story = f"<article>{story}</article>"
        return (f'<!doctype html><html lang="{article.lang}"><head><meta charset="utf-8">'
                f"<title>{escape(article.title)} | {escape(site.title)}</title>{og}</head>"
                f'<body><nav><ul><li><a href="/news/{site.slug}/">Home</a></li>'
                f"<li>Phones</li><li>Reviews</li><li>Deals</li></ul></nav>"
                f'<div class="ad"><p>Advertisement: the best deals on earbuds this week</p></div>'
                f"{story}"
                f'<aside><h2>Related</h2><ul><li>Pixelon 9 review</li></ul>'
                f"<p>Newsletter: get the top stories every morning</p></aside>"
                f"<footer><p>© 2026 {escape(site.title)}. All rights reserved.</p></footer>"
                f"</body></html>")
