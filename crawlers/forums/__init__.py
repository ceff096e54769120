"""Site configs of the forum spider: one TOML file per community board, so that a new board
is a config file, not code. The shipped ones live beside this module (``<site>.toml``).

    name = "kr-phone"                       # site name: posts are forum:<name>/<post id>
    language = "ko"                         # language hint put on every post
    timezone = "Asia/Seoul"                 # the zone the board displays its dates in
    encoding = "cp949"                      # optional: decode pages with this, whatever
                                            #   the page declares (mislabelled boards)
    base_url = "https://board.example.kr"   # the board's address; --base-url replaces it
    list_url = "{base_url}/bbs/phone?page={page}"  # placeholders: base_url, page, query
    search_url = "..."                      # optional: crawl the board's search instead
    first_page = 1                          # the number of the first list page
    max_pages = 20                          # list pages per crawl (option max_pages wins)
    max_thread_pages = 50                   # pages followed within one thread
    request_delay = 2.0                     # seconds between requests (DOWNLOAD_DELAY)
    rate_limit = "30/60"                    # requests/seconds per host (SENSING_RATE_LIMIT)

    [dates]
    formats = ["%Y.%m.%d %H:%M"]            # strptime formats of the displayed dates
    relative = true                         # also read "3 hours ago", "3시간 전", "3時間前"

    [select]                                # where things are; each one is a table:
    row = {css = "tr.thread"}               #   {css = ...} or {xpath = ...} (exactly one),
    thread = {css = "a.subject", attr = "href"}   # attr: read an attribute, not the text;
    post_id = {xpath = "@id", pattern = 'c_(\\d+)'} # pattern: a regex, group 1 is kept

Selectors of ``row`` and ``post`` are evaluated on the page; the others on one row or one
post (``thread``, ``last_post_id`` on a row; the post fields on a post; the next-page
selectors on the page).
"""

from __future__ import annotations

import codecs
import re
import string
import tomllib
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cssselect import SelectorError
from lxml import etree
from parsel import Selector, SelectorList
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

HERE = Path(__file__).parent
PLACEHOLDERS = {"base_url", "page", "query"}


class Pick(BaseModel):
    """Where one value is: a CSS or an XPath selector (say which by the key), optionally an
    attribute to read instead of the text, and a regex that keeps its first group."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    css: str | None = Field(None, description="A CSS selector (parsel: ::text, ::attr() work).")
    xpath: str | None = Field(None, description="An XPath expression.")
    attr: str | None = Field(None, description="Read this attribute of the node, not its text.")
    pattern: str | None = Field(None, description="A regex applied to the value; its first "
                                "group (or the whole match) is kept, a value without a match "
                                "is dropped.")

    @model_validator(mode="after")
    def _one_selector(self) -> Pick:
        if (self.css is None) == (self.xpath is None):
            raise ValueError("give exactly one of css or xpath")
        try:
            if self.css is not None:
                Selector(text="<p/>").css(self.css)
            else:
                etree.XPath(self.xpath)
        except (SelectorError, etree.XPathSyntaxError, ValueError) as exc:
            raise ValueError(f"bad selector {self.css or self.xpath!r}: {exc}") from None
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"bad pattern {self.pattern!r}: {exc}") from None
        return self

    def nodes(self, scope: Selector | SelectorList) -> SelectorList:
        return scope.css(self.css) if self.css is not None else scope.xpath(self.xpath)

    def values(self, scope: Selector | SelectorList) -> list[str]:
        """Every value found, whitespace-trimmed, empty ones dropped."""
        found = []
        for node in self.nodes(scope):
            if self.attr:
                value = node.attrib.get(self.attr, "")
            elif isinstance(node.root, str):  # ::text, ::attr(), @attr, text()
                value = node.root
            else:
                value = " ".join(node.xpath(".//text()").getall())
            value = " ".join(value.split())
            if value and self.pattern is not None:
                match = re.search(self.pattern, value)
                value = (match.group(1) if match and match.groups() else
                         match.group(0) if match else "")
            if value:
                found.append(value)
        return found

    def first(self, scope: Selector | SelectorList) -> str | None:
        values = self.values(scope)
        return values[0] if values else None

    def html(self, scope: Selector | SelectorList) -> str:
        """The markup of the nodes found (a post body as fetched)."""
        return "".join(node.get() for node in self.nodes(scope)).strip()


class Selectors(BaseModel):
    """The selectors of a board. List page: ``row`` (one thread), within it ``thread`` (the
    link to the thread) and ``last_post_id`` (the newest post's id, as boards show in a
    "last post" column: lets a second crawl skip threads without news and stop paging);
    ``next_list_page`` on the page. Thread page: ``post`` (each post container), within it
    ``post_id``, ``author_name``, ``author_id`` (falls back to the name), ``date``, ``text``
    (the body, kept as HTML), ``images`` (their src), ``quote`` (the id of a quoted or
    replied-to post), ``likes``, ``permalink``; ``title`` and ``next_thread_page`` on the
    page."""

    model_config = ConfigDict(extra="forbid")
    row: Pick
    thread: Pick
    last_post_id: Pick | None = None
    next_list_page: Pick | None = Field(None, description="Without it, list pages are "
                                        "numbered: page+1 until a page has no rows.")
    title: Pick | None = None
    post: Pick
    post_id: Pick
    author_name: Pick
    author_id: Pick | None = None
    date: Pick
    text: Pick
    images: Pick | None = None
    quote: Pick | None = None
    likes: Pick | None = None
    permalink: Pick | None = None
    next_thread_page: Pick | None = None


class Dates(BaseModel):
    """How the board writes dates: strptime formats (in the board's timezone) and whether
    relative ones ("3 hours ago", "3시간 전", "hace 3 horas") occur."""

    model_config = ConfigDict(extra="forbid")
    formats: Annotated[list[str], Field(min_length=1)]
    relative: bool = False


class ForumConfig(BaseModel):
    """One community board, as ``ForumSpider`` crawls it (keys: see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    language: str | None = None
    timezone: str = "UTC"
    encoding: str | None = None
    base_url: str = ""
    list_url: str
    search_url: str | None = None
    first_page: int = 1
    max_pages: Annotated[int, Field(ge=1)] = 20
    max_thread_pages: Annotated[int, Field(ge=1)] = 50
    request_delay: Annotated[float, Field(ge=0)] = 2.0
    rate_limit: Annotated[str, Field(pattern=r"^\d+/\d+$")] = "30/60"
    dates: Dates
    select: Selectors

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (use an IANA name such as "
                             "Asia/Seoul)") from None
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding {value!r}") from None
        return value

    @field_validator("list_url", "search_url")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        if value is None:
            return value
        names = {field for _, field, _, _ in string.Formatter().parse(value) if field}
        if unknown := names - PLACEHOLDERS:
            raise ValueError(f"unknown placeholders {sorted(unknown)} in {value!r}; "
                             f"known: {sorted(PLACEHOLDERS)}")
        if "page" not in names:
            raise ValueError(f"{value!r} needs a {{page}} placeholder")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class ForumConfigError(ValueError):
    """A site config that cannot be used, naming the file and the key."""


def shipped_sites() -> list[str]:
    return sorted(path.stem for path in HERE.glob("*.toml"))


def load_config(path: Path) -> ForumConfig:
    """The validated config in ``path``; ForumConfigError says which key is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ForumConfigError(f"forum config {path}: cannot read it ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ForumConfigError(f"forum config {path}: not TOML ({exc})") from None
    try:
        return ForumConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'config'}: "
                             f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
        raise ForumConfigError(f"forum config {path}: {problems}") from None


def shipped_config(site: str) -> ForumConfig:
    if site not in shipped_sites():
        raise ForumConfigError(f"no shipped forum config {site!r}; shipped: "
                               f"{', '.join(shipped_sites())} (or give config=<path.toml>)")
    return load_config(HERE / f"{site}.toml")
