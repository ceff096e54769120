"""RSS 2.0 and Atom 1.0 feeds of news sites and blogs, with the full article when the feed
carries only a summary.

A feed has no search: every item is read and the campaign query decides locally, on the
title, summary and full text. Ids are ``rss:<feed host>/<hash of the guid>`` (the Atom id, the
RSS guid, else the link), so the same story keeps its id across crawls. Incremental per feed:
the ids already handled are kept in the state and skipped, and the feed is fetched with
``If-None-Match``/``If-Modified-Since``, so an unchanged feed costs one empty 304.
Article pages obey robots.txt; an article that cannot be fetched (disallowed, gone, broken)
still yields its post, from the summary.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml import etree
from pydantic import Field, field_validator
from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure
from w3lib.html import remove_tags

from crawlers.spiders.base import CampaignSpider, CrawlOptions

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC = "{http://purl.org/dc/elements/1.1/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
THREAD_REPLY = "{http://purl.org/syndication/thread/1.0}in-reply-to"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The default article-body heuristic, most specific first; the page's paragraphs last.
BODY_SELECTORS = ("article", "[itemprop=articleBody]", "main")
# Text blocks of a body, without the navigation, share bars and asides pages put inside it.
BLOCKS = ("(.//p | .//h2 | .//h3 | .//blockquote | .//pre)"
          "[not(ancestor::nav or ancestor::aside or ancestor::footer or ancestor::form)]")
SEEN_PER_FEED = 2000  # ids remembered per feed: far more than any feed lists at once
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class RssOptions(CrawlOptions):
    feeds: list[str] = Field(default_factory=list, validate_default=True,
                             description="Feed URLs (RSS 2.0 or Atom 1.0); at least one.")
    fetch_articles: bool = Field(True, description="Fetch the article page when a feed item "
                                 "carries only a summary, for the full text and og:image.")
    article_selector: str | None = Field(None, description="CSS selector of the article body "
                                         "on article pages; default: article, "
                                         "[itemprop=articleBody], main, else the paragraphs.")

    @field_validator("feeds")
    @classmethod
    def _feed_urls(cls, feeds: list[str]) -> list[str]:
        if not feeds:
            raise ValueError("give at least one feed URL (RSS or Atom), e.g. "
                             '-O \'feeds=["https://example.org/feed.xml"]\'')
        bad = [url for url in feeds if urlsplit(url).scheme not in ("http", "https")]
        if bad:
            raise ValueError(f"feed URLs must be absolute http(s) URLs: {', '.join(bad)}")
        return list(dict.fromkeys(feeds))


@dataclass
class FeedEntry:
    """One RSS item or Atom entry, format differences already resolved."""

    feed: str
    guid: str
    link: str
    title: str
    summary: str  # HTML allowed
    content: str  # the full text when the feed carries it, else ""
    created_at: datetime | None
    author: str
    site: str
    lang: str | None
    media: list[dict[str, str]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    in_reply_to: str | None = None  # the guid of the entry this one answers


def parse_date(text: str | None) -> datetime | None:
    """RFC 822 (RSS ``pubDate``) or ISO 8601 (Atom, ``dc:date``), as UTC; None if neither."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def primary_language(tag: str | None) -> str | None:
    """``en-us`` -> ``en``: the analysis works with ISO 639-1 codes."""
    return tag.strip().split("-")[0].split("_")[0].lower() or None if tag else None


def inherited_lang(element: etree._Element) -> str | None:
    """``xml:lang`` of the element or its nearest ancestor that has one."""
    for node in (element, *element.iterancestors()):
        if lang := node.get(XML_LANG):
            return lang
    return None


def media_kind(mime: str | None, medium: str | None = None) -> str:
    return medium or (mime or "image/").split("/")[0] or "image"


def slug(name: str) -> str:
    """An author or site name as a document-id-safe path segment."""
    return re.sub(r"[^\w.-]+", "-", name.casefold()).strip("-") or "unknown"


def media_rss(element: etree._Element, url: str) -> list[dict[str, str]]:
    """Media RSS ``media:content`` (also inside ``media:group``), which both formats carry."""
    return [{"url": urljoin(url, e.get("url", "")),
             "type": media_kind(e.get("type"), e.get("medium"))}
            for e in element.iter(f"{MEDIA}content") if e.get("url")]


def text_of(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def read_rss(root: etree._Element, url: str) -> list[FeedEntry]:
    channel = root.find("channel")
    if channel is None:
        return []
    site = channel.findtext("title", "").strip() or urlsplit(url).netloc
    lang = channel.findtext("language")
    return [rss_entry(item, url, site, lang) for item in channel.iter("item")]


def rss_entry(item: etree._Element, url: str, site: str, lang: str | None) -> FeedEntry:
    guid = item.find("guid")
    guid_text = text_of(guid)
    link = text_of(item.find("link"))
    if not link and guid_text and (guid.get("isPermaLink", "true") == "true"):
        link = guid_text  # a permalink guid is the item's URL
    media = [{"url": urljoin(url, e.get("url", "")), "type": media_kind(e.get("type"))}
             for e in item.iter("enclosure") if e.get("url")] + media_rss(item, url)
    author = text_of(item.find(f"{DC}creator")) or text_of(item.find("author"))
    return FeedEntry(
        feed=url, guid=guid_text or link, link=urljoin(url, link) if link else "",
        title=text_of(item.find("title")), summary=text_of(item.find("description")),
        content=text_of(item.find(CONTENT_ENCODED)),
        created_at=parse_date(item.findtext("pubDate") or item.findtext(f"{DC}date")),
        author=author_name(author), site=site, lang=lang, media=media,
        categories=[text_of(c) for c in item.iter("category") if text_of(c)])


def author_name(field: str) -> str:
    """RSS ``author`` is "email (Name)"; the name is what identifies a journalist."""
    match = re.fullmatch(r"\s*\S+@\S+\s*\((.+)\)\s*", field)
    return match.group(1).strip() if match else field.strip()


def read_atom(root: etree._Element, url: str) -> list[FeedEntry]:
    site = text_of(root.find(f"{ATOM}title")) or urlsplit(url).netloc
    feed_author = text_of(root.find(f"{ATOM}author/{ATOM}name"))
    return [atom_entry(entry, url, site, feed_author) for entry in root.iter(f"{ATOM}entry")]


def atom_entry(entry: etree._Element, url: str, site: str, feed_author: str) -> FeedEntry:
    links = entry.findall(f"{ATOM}link")
    alternate = next((e for e in links if e.get("rel", "alternate") == "alternate"), None)
    link = urljoin(alternate.base or url, alternate.get("href", "")) if alternate is not None \
        else ""
    content = entry.find(f"{ATOM}content")
    reply = entry.find(THREAD_REPLY)
    return FeedEntry(
        feed=url, guid=text_of(entry.find(f"{ATOM}id")) or link, link=link,
        title=text_of(entry.find(f"{ATOM}title")),
        summary=text_of(entry.find(f"{ATOM}summary")),
        content=atom_content(content),
        created_at=parse_date(entry.findtext(f"{ATOM}published")
                              or entry.findtext(f"{ATOM}updated")),
        author=text_of(entry.find(f"{ATOM}author/{ATOM}name")) or feed_author, site=site,
        lang=inherited_lang(entry),
        media=[{"url": urljoin(e.base or url, e.get("href", "")),
                "type": media_kind(e.get("type"))}
               for e in links if e.get("rel") == "enclosure" and e.get("href")]
        + media_rss(entry, url),
        categories=[c.get("term", "") for c in entry.iter(f"{ATOM}category") if c.get("term")],
        in_reply_to=reply.get("ref") if reply is not None else None)


def atom_content(content: etree._Element | None) -> str:
    """Inline content as HTML; ``src`` (out-of-line) content counts as none."""
    if content is None or content.get("src"):
        return ""
    if content.get("type") == "xhtml":
        return "".join(etree.tostring(child, encoding="unicode") for child in content).strip()
    return text_of(content)


class RssSpider(CampaignSpider):
    """RSS/Atom news feeds: items matching the query, with full article text (no credentials)."""

    name = "rss"
    Options = RssOptions
    # No published limit for news sites; be gentle: one request a second per host.
    custom_settings = {"SENSING_RATE_LIMIT": "60/60"}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.backfill = self.options.since is not None or self.options.until is not None
        self.validators: dict[str, dict[str, str]] = {}  # feed -> ETag/Last-Modified seen
        self.handled: dict[str, list[str]] = {}  # feed -> post ids decided on in this crawl

    def feed_state(self, feed: str) -> dict[str, Any]:
        return self.state.get("feeds", {}).get(feed, {})

    async def start(self) -> Any:
        for feed in self.options.feeds:
            yield self.feed_request(feed)

    def feed_request(self, feed: str) -> scrapy.Request:
        """A conditional GET from the validators of the last crawl; a back-fill asks for
        the whole feed."""
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9,"
                             " */*;q=0.1"}
        known = {} if self.backfill else self.feed_state(feed)
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        return scrapy.Request(feed, headers=headers, callback=self.parse_feed,
                              errback=self.feed_failed, cb_kwargs={"feed": feed},
                              meta={"handle_httpstatus_list": [304]}, dont_filter=True)

    def feed_failed(self, failure: Failure) -> None:
        self.crawler.stats.inc_value("sensing/bad_responses")
        self.logger.warning("feed %s failed (%s): skipped until the next crawl",
                            failure.request.url, failure.getErrorMessage())

    def parse_feed(self, response: scrapy.http.Response, feed: str) -> Iterator[Any]:
        if response.status == 304:
            self.crawler.stats.inc_value("sensing/feeds_not_modified")
            self.logger.info("feed %s not modified since the last crawl", feed)
            return
        entries = self.read_feed(response)
        if entries is None:
            return
        # Validators are kept only for a feed read whole: a broken body must be fetched again,
        # and a back-fill skips what lies outside its window, which a later crawl may want.
        if not self.backfill:
            self.validators[feed] = {
                name: response.headers.get(header, b"").decode("latin-1")
                for name, header in (("etag", "ETag"), ("last_modified", "Last-Modified"))}
        seen = set() if self.backfill else set(self.feed_state(feed).get("seen", []))
        fetched_at = datetime.now(UTC)
        for entry in entries:
            if self.post_id(entry.feed, entry.guid) in seen:
                continue
            if not self.in_window(entry.created_at or fetched_at):
                continue
            if self.options.fetch_articles and not entry.content and entry.link:
                yield scrapy.Request(entry.link, callback=self.parse_article,
                                     errback=self.article_failed, cb_kwargs={"entry": entry})
            else:
                yield from self.decide(entry, fetched_at)

    def read_feed(self, response: scrapy.http.Response) -> list[FeedEntry] | None:
        """The feed's entries, or None (logged with the URL, counted) when the body is not
        a well-formed RSS 2.0 or Atom document: one broken feed never ends the crawl."""
        try:
            root = etree.fromstring(response.body, XML_PARSER, base_url=response.url)
        except etree.XMLSyntaxError as exc:
            self.crawler.stats.inc_value("sensing/bad_responses")
            self.logger.warning("malformed feed XML from %s (%s): skipped", response.url, exc)
            return None
        if root.tag == "rss":
            return read_rss(root, response.url)
        if root.tag == f"{ATOM}feed":
            return read_atom(root, response.url)
        self.crawler.stats.inc_value("sensing/bad_responses")
        self.logger.warning("%s is not an RSS 2.0 or Atom feed (root <%s>): skipped",
                            response.url, etree.QName(root).localname)
        return None

    def parse_article(self, response: scrapy.http.Response, entry: FeedEntry) -> Iterator[Any]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if "html" not in content_type:
            self.crawler.stats.inc_value("sensing/bad_responses")
            self.logger.warning("article %s is %r, not HTML: summary only", response.url,
                                content_type)
            yield from self.decide(entry, datetime.now(UTC))
            return
        body = self.article_text(response)
        image = response.css('meta[property="og:image"]::attr(content)').get()
        media = [{"url": response.urljoin(image), "type": "image"}] if image else []
        yield from self.decide(entry, datetime.now(UTC), body, media)

    def article_failed(self, failure: Failure) -> Iterator[Any]:
        """Disallowed by robots.txt, gone or broken: the post still comes, from the feed."""
        request = failure.request
        if failure.check(IgnoreRequest):
            self.crawler.stats.inc_value("sensing/articles_not_fetched")
            self.logger.info("article %s not fetched (%s): summary only", request.url,
                             failure.getErrorMessage() or "robots.txt")
        else:
            self.crawler.stats.inc_value("sensing/bad_responses")
            self.logger.warning("article %s failed (%s): summary only", request.url,
                                failure.getErrorMessage())
        yield from self.decide(request.cb_kwargs["entry"], datetime.now(UTC))

    def article_text(self, response: scrapy.http.Response) -> str:
        """The body's text blocks, found by the configured selector or the heuristic; the
        page's own paragraphs when no container matches."""
        selectors = ((self.options.article_selector,) if self.options.article_selector
                     else ()) + BODY_SELECTORS
        for selector in selectors:
            if container := response.css(selector):
                if blocks := self.blocks(container[0].xpath(BLOCKS)):
                    return blocks
        return self.blocks(response.xpath("//body").xpath(BLOCKS))

    @staticmethod
    def blocks(elements: scrapy.selector.SelectorList) -> str:
        texts = (" ".join("".join(e.xpath(".//text()").getall()).split()) for e in elements)
        return "\n\n".join(text for text in texts if text)

    def decide(self, entry: FeedEntry, fetched_at: datetime, article: str = "",
               page_media: list[dict[str, str]] | None = None) -> Iterator[Any]:
        """Emit the entry if the query matches its title, summary and full text; either way
        it is handled, and a later crawl skips it."""
        post = self.to_post(entry, fetched_at, article, page_media or [])
        self.handled.setdefault(entry.feed, []).append(post["id"])
        searchable = " ".join((entry.title, remove_tags(entry.summary),
                               remove_tags(entry.content), article))
        if self.wanted(searchable):
            yield self.emit(post)

    def post_id(self, feed: str, guid: str) -> str:
        return f"rss:{urlsplit(feed).netloc}/{hashlib.sha1(guid.encode()).hexdigest()[:16]}"

    def to_post(self, entry: FeedEntry, fetched_at: datetime, article: str,
                page_media: list[dict[str, str]]) -> dict[str, Any]:
        host = urlsplit(entry.feed).netloc
        byline = entry.author or entry.site
        best = article or entry.content or entry.summary
        media = list({m["url"]: m for m in [*entry.media, *page_media]}.values())
        parent = self.post_id(entry.feed, entry.in_reply_to) if entry.in_reply_to else None
        return {
            "id": self.post_id(entry.feed, entry.guid),
            "source": "rss",
            "url": entry.link,
            "created_at": (entry.created_at or fetched_at).isoformat(),
            "created_at_source": "feed" if entry.created_at else "fetched",
            "author": {"id": f"rss:{host}/{slug(byline)}", "handle": byline, "name": byline},
            "raw_text": f"{entry.title}\n\n{best}".strip(),
            "title": entry.title,
            "lang_hint": primary_language(entry.lang),
            "media": media,
            "categories": entry.categories,
            "in_reply_to": parent,
            "thread_id": parent,
            "is_repost": False,
            "feed": entry.feed,
            "site": entry.site,
            "full_text": bool(article or entry.content),
        }

    def closed(self, reason: str) -> None:
        if reason == "finished":
            feeds = self.state.setdefault("feeds", {})
            for feed in {*self.validators, *self.handled}:
                known = feeds.setdefault(feed, {})
                known.update(self.validators.get(feed, {}))
                seen = [*known.get("seen", []), *self.handled.get(feed, [])]
                known["seen"] = list(dict.fromkeys(seen))[-SEEN_PER_FEED:]
        super().closed(reason)
