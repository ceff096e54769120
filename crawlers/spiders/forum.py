"""Forums: HTML community boards, each described by a TOML site config (crawlers/forums/), so
that a new board is a config file, not code.

A crawl walks the board's list pages (newest activity first), opens each thread, keeps it
when the campaign query matches its title and first post, and emits every post of a kept
thread: ``forum:<site>/<post id>``, threaded on the first post (or on the quoted one).

Incremental: per thread, the last post id seen, its page, and whether the thread was kept.
The next crawl skips threads whose "last post" on the list page is the one it saw, resumes
the others at the page it stopped on, and stops paging the list at a page holding only
threads with nothing new (boards sort by last activity).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlsplit

import scrapy
from parsel import Selector
from pydantic import Field, model_validator
from scrapy.http import HtmlResponse, Response
from w3lib.html import remove_tags

from crawlers.forums import ForumConfig, load_config, shipped_config, shipped_sites
from crawlers.forums.dates import parse_date
from crawlers.spiders.base import CampaignSpider, ConfigurationError, CrawlOptions
from sensing.query import positive_words

PAGE_TRIES = 3  # a cut-off or maintenance page is fetched this often before it is skipped


class ForumOptions(CrawlOptions):
    site: str | None = Field(None, description="A shipped board config by name "
                             f"({', '.join(shipped_sites())}).")
    config: str | None = Field(None, description="A board config: the path of a TOML file "
                               "(keys: see the README's forum section).")
    max_pages: int | None = Field(None, ge=1, description="List pages per crawl (default: the "
                                  "config's max_pages).")
    base_url: str | None = Field(None, description="Where this board is served, replacing the "
                                 "config's base_url (a campaign's boards may live on different "
                                 "hosts, so it is an option of each board, beside --base-url).")

    @model_validator(mode="after")
    def _one_board(self) -> ForumOptions:
        if (self.site is None) == (self.config is None):
            raise ValueError("give site=<name> (shipped: " + ", ".join(shipped_sites())
                             + ") or config=<path.toml>, exactly one of them")
        self.board()  # a bad config fails here, before any crawl process starts
        return self

    def board(self) -> ForumConfig:
        return shipped_config(self.site) if self.site else load_config(Path(self.config))


class ForumSpider(CampaignSpider):
    """Forums: threads and replies of HTML community boards described by site configs."""

    name = "forum"
    Options = ForumOptions
    # Boards publish no API limit but ban fast bots: about one request every two seconds.
    # A site config may set its own (request_delay, rate_limit); the sample boards do.
    custom_settings = {"SENSING_RATE_LIMIT": "30/60", "DOWNLOAD_DELAY": 2.0,
                       "CONCURRENT_REQUESTS_PER_DOMAIN": 1}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.board: ForumConfig = self.options.board()
        self.base_url = (self.options.base_url or self.base_url or self.board.base_url
                         ).rstrip("/")
        if not self.base_url:
            raise ConfigurationError(f"forum config {self.board.name!r} has no base_url: "
                                     "give --base-url")
        self.pick = self.board.select
        self.max_pages = self.options.max_pages or self.board.max_pages
        # Back-fill (since/until) ignores the state and leaves it as it was.
        self.incremental = self.options.since is None and self.options.until is None
        self.known: dict[str, dict[str, Any]] = (
            self.state.get(self.board.name, {}).get("threads", {}) if self.incremental else {})
        self.seen: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ForumSpider:
        """The board's own pace replaces the default one (settings freeze after this)."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.settings.set("DOWNLOAD_DELAY", spider.board.request_delay, priority="spider")
        crawler.settings.set("SENSING_RATE_LIMIT", spider.board.rate_limit, priority="spider")
        return spider

    async def start(self) -> Any:
        yield scrapy.Request(self.list_url(1), callback=self.parse_list, cb_kwargs={"page": 1})

    def list_url(self, page: int) -> str:
        """The ``page``-th list page (counted from 1) by the config's template."""
        template = self.board.search_url or self.board.list_url
        return template.format(base_url=self.base_url, page=self.board.first_page + page - 1,
                               query=quote_plus(" ".join(positive_words(self.query))))

    # -- list pages ---------------------------------------------------------------------------

    def parse_list(self, response: Response, page: int) -> Iterator[Any]:
        page_html = self.html(response)
        rows = self.pick.row.nodes(page_html) if page_html else []
        if not rows or not complete(response):
            if page_html and complete(response) and page > 1 and not self.pick.next_list_page:
                return  # numbered list pages: this one is past the last
            yield from self.retry_page(response, "no thread rows")
            return
        news = 0
        for row in rows:
            link = self.pick.thread.first(row)
            if not link:
                continue
            url = page_html.urljoin(link)
            key = thread_key(url)
            listed_last = self.pick.last_post_id.first(row) if self.pick.last_post_id else None
            known = self.known.get(key)
            if known and listed_last is not None and known["last"] == listed_last:
                continue  # nothing new in this thread
            news += 1
            if known and not known["kept"]:  # off topic: its new replies are too
                self.seen[key] = {**known, "last": listed_last}
                continue
            yield self.thread_request(url, key, known, listed_last)
        next_url = self.next_list_url(page_html, page)
        if news and next_url and page < self.max_pages:
            yield scrapy.Request(next_url, callback=self.parse_list, cb_kwargs={"page": page + 1})

    def next_list_url(self, page_html: HtmlResponse, page: int) -> str | None:
        """The "next" link when the config names it, else the next number."""
        if not self.pick.next_list_page:
            return self.list_url(page + 1)
        link = self.pick.next_list_page.first(page_html)
        return page_html.urljoin(link) if link else None

    def thread_request(self, url: str, key: str, known: dict[str, Any] | None,
                       listed_last: str | None) -> scrapy.Request:
        """A thread seen before resumes at the page where its last seen post was."""
        context = {"key": key, "listed_last": listed_last, "first": None, "title": "",
                   "after": None, "pages": 1}
        if known:
            url = self.base_url + known["page"]
            context.update(first=known["first"], title=known.get("title", ""),
                           after=known["last"])
        return scrapy.Request(url, callback=self.parse_thread, cb_kwargs=context)

    # -- thread pages -------------------------------------------------------------------------

    def parse_thread(self, response: Response, key: str, listed_last: str | None,
                     first: str | None, title: str, after: str | None,
                     pages: int) -> Iterator[Any]:
        page_html = self.html(response)
        nodes = self.pick.post.nodes(page_html) if page_html else []
        if not nodes or not complete(response):
            yield from self.retry_page(response, "no posts")
            return
        response = page_html
        if first is None:  # the thread's first page: is the thread about the campaign?
            first = self.pick.post_id.first(nodes[0])
            title = (self.pick.title.first(response) if self.pick.title else None) or ""
            opening = remove_tags(self.pick.text.html(nodes[0]))
            if not first or not self.wanted(f"{title}\n{opening}"):
                self.seen[key] = {"first": first, "last": listed_last, "kept": False}
                return
        posts = [post for node in nodes if (post := self.to_post(node, response))]
        if not posts:
            return
        ids = [post["native_id"] for post in posts]
        fresh = posts[ids.index(after) + 1:] if after in ids else posts
        for post in fresh:
            yield from self.emit_in_thread(post, first, title)
        self.seen[key] = {"first": first, "last": ids[-1], "kept": True, "title": title,
                          "page": response.url.removeprefix(self.base_url)}
        next_link = self.pick.next_thread_page.first(response) if self.pick.next_thread_page \
            else None
        if next_link and pages < self.board.max_thread_pages:
            yield response.follow(next_link, callback=self.parse_thread, cb_kwargs={
                "key": key, "listed_last": listed_last, "first": first, "title": title,
                "after": None, "pages": pages + 1})

    def emit_in_thread(self, post: dict[str, Any], first: str, title: str) -> Iterator[Any]:
        native = post.pop("native_id")
        quoted = post.pop("quoted")
        if native != first:
            post["in_reply_to"] = self.post_id(quoted or first)
        post["thread_id"] = self.post_id(first)
        post["thread_title"] = title
        if self.in_window(datetime.fromisoformat(post["created_at"])):
            yield self.emit(post)

    def post_id(self, native: str) -> str:
        return f"forum:{self.board.name}/{native}"

    def to_post(self, node: Selector, response: HtmlResponse) -> dict[str, Any] | None:
        """One post container as a Post (threading is added by the caller), or None, logged,
        when its id, author or date cannot be read."""
        pick = self.pick
        native = pick.post_id.first(node)
        author = pick.author_name.first(node)
        shown = pick.date.first(node)
        created = parse_date(shown, self.board.dates.formats, self.board.zone,
                             served_at(response), self.board.dates.relative) if shown else None
        if not (native and author and created):
            self.crawler.stats.inc_value("sensing/unparsable_posts")
            self.logger.warning("post %r on %s not understood (author %r, date %r): skipped",
                                native, response.url, author, shown)
            return None
        body = Selector(text=pick.text.html(node) or "<p></p>")
        permalink = pick.permalink.first(node) if pick.permalink else None
        author_id = (pick.author_id.first(node) if pick.author_id else None) or author
        likes = pick.likes.first(node) if pick.likes else None
        return {
            "id": self.post_id(native),
            "native_id": native,
            "source": "forum",
            "site": self.board.name,
            "url": response.urljoin(permalink) if permalink else anchored(response, node),
            "created_at": created.isoformat(),
            "author": {"id": self.post_id(author_id), "handle": author, "name": author},
            "raw_text": pick.text.html(node),
            "lang_hint": self.board.language,
            "urls": [response.urljoin(href) for href in body.xpath("//a/@href").getall()],
            "media": [{"url": response.urljoin(src), "type": "image"}
                      for src in (pick.images.values(node) if pick.images else [])],
            "metrics": {"likes": int(likes) if likes and likes.isdigit() else 0},
            "quoted": pick.quote.first(node) if pick.quote else None,
            "in_reply_to": None,
            "is_repost": False,
        }

    # -- pages that are not what they should be -----------------------------------------------

    def html(self, response: Response) -> HtmlResponse | None:
        """The page as HTML, decoded as the config says when the board mislabels its
        encoding; None when it is not HTML at all (an error body in JSON, an image)."""
        if not isinstance(response, HtmlResponse):
            return None
        return response.replace(encoding=self.board.encoding) if self.board.encoding \
            else response

    def retry_page(self, response: Response, what: str) -> Iterator[scrapy.Request]:
        """A cut-off, non-HTML or maintenance page: fetched again a few times, then skipped
        (logged with its URL): one bad page never ends the crawl."""
        self.crawler.stats.inc_value("sensing/bad_responses")
        tries = response.meta.get("page_tries", 1)
        if tries < PAGE_TRIES:
            self.logger.warning("%s from %s (%s, cut off or not the board): fetching it again",
                                what, response.url, content_type(response))
            yield response.request.replace(dont_filter=True, meta={"page_tries": tries + 1})
        else:
            self.logger.warning("%s from %s after %d tries: skipped", what, response.url, tries)

    def closed(self, reason: str) -> None:
        if reason == "finished" and self.incremental:
            self.state[self.board.name] = {"threads": {**self.known, **self.seen}}
        super().closed(reason)


def thread_key(url: str) -> str:
    """A thread's name in the state: its link's path and query (some boards name threads in
    the query: ``view.php?id=123``)."""
    return urlsplit(url)._replace(scheme="", netloc="", fragment="").geturl()


def complete(response: Response) -> bool:
    """A whole HTML page: it ends with its closing tag (a cut-off body does not; some boards
    append a tracker or comment after it)."""
    return b"</html>" in response.body[-4096:].lower()


def anchored(response: Response, node: Selector) -> str:
    """The page's address, pointing at the post when its container has an HTML id."""
    anchor = node.attrib.get("id")
    return f"{response.url}#{anchor}" if anchor else response.url


def content_type(response: Response) -> str:
    return response.headers.get("Content-Type", b"").decode("latin-1")


def served_at(response: Response) -> datetime:
    """When the page was served (its Date header), the reference of "3 hours ago"."""
    try:
        return parsedate_to_datetime(response.headers.get("Date", b"").decode("latin-1"))
    except (TypeError, ValueError):
        return datetime.now(UTC)
