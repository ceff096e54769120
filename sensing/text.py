"""Text primitives the steps share: HTML to text, tidying, the URL / mention / hashtag
patterns, and the normal form that content hashes and duplicate checks are computed on.

They live here, not in one step, so that ``dedupe`` and ``langid`` read a post's text exactly
the way ``clean`` wrote it without any step depending on another step's module.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\[\]]+")
URL_TRAILING = ".,;:!?'\"…。、」』）】"
# @user, @user@host (fediverse) and @name.domain (Bluesky); never the middle of an e-mail.
MENTION = re.compile(r"(?<![\w@/.+-])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)"
                     r"(?:@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+))?")
# A hashtag needs one character that is not a digit: "#1 fan" and "order #12345" are not tags.
HASHTAG = re.compile(r"(?<![\w#&/])#(?!\d+(?!\w))(\w+)")

# Invisible characters split or disguise words ("b\u200buy"); control characters also make
# lxml refuse the input. The zero-width joiner is kept inside emoji sequences (👨‍👩‍👧).
INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200c"
                       r"\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
EMOJI_CHAR = r"[\u2190-\u2bff\ufe0f\U0001f000-\U0001faff]"
STRAY_JOINER = re.compile(rf"(?<!{EMOJI_CHAR})\u200d|\u200d(?!{EMOJI_CHAR})")
SPACES = re.compile(r"[^\S\n]+")
BLANK_LINES = re.compile(r"\n{3,}")
LOOKS_LIKE_HTML = re.compile(r"<(?:[a-zA-Z][\w-]*|/[a-zA-Z][\w-]*|!--)[^<>]*>")
HIDDEN_ELEMENT = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.S | re.I)

PARAGRAPH_TAGS = frozenset({
    "p", "div", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl",
    "table", "section", "article", "header", "footer", "aside", "figure", "figcaption"})
LINE_TAGS = frozenset({"br", "li", "tr", "dt", "dd"})
DROPPED_TAGS = ("script", "style", "noscript", "template", "head")


@dataclass
class Extracted:
    """Plain text, with what only the markup knew: link targets and fediverse handles."""

    text: str
    links: list[str] = field(default_factory=list)
    handles: dict[str, str] = field(default_factory=dict)
    """lowercased ``user`` -> ``@user@host`` from mention links (Mastodon shows only @user)."""


def html_to_text(raw: str) -> Extracted:
    """Paragraphs become blank lines and ``<br>``/list items line breaks; scripts, styles
    and comments vanish. Plain text (Bluesky, most comments) is returned as it is."""
    raw = INVISIBLE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    if not LOOKS_LIKE_HTML.search(raw):
        return Extracted(raw)
    try:
        root = lxml_html.document_fromstring(raw)
    except etree.ParserError:  # nothing but comments and whitespace
        return Extracted("")
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction, *DROPPED_TAGS)):
        node.drop_tree()
    found = Extracted("")
    for anchor in root.iter("a"):
        _read_anchor(anchor, found)
    for node in root.iter():
        if node.tag in PARAGRAPH_TAGS:
            node.text = "\n\n" + (node.text or "")
            node.tail = "\n\n" + (node.tail or "")
        elif node.tag in LINE_TAGS:
            node.tail = "\n" + (node.tail or "")
    found.text = root.text_content()
    if not found.text.strip():
        found.text = _strip_tags(raw)
    return found


def _strip_tags(raw: str) -> str:
    """Last resort when the parser kept no text: libxml2 drops everything nested more than
    255 elements deep, and a hostile post can be built that way."""
    return html.unescape(LOOKS_LIKE_HTML.sub(" ", HIDDEN_ELEMENT.sub(" ", raw)))


def _read_anchor(anchor: lxml_html.HtmlElement, found: Extracted) -> None:
    """Links to pages are URLs of the post; links to hashtag pages and profiles are not."""
    href = (anchor.get("href") or "").strip()
    classes = set((anchor.get("class") or "").split())
    if not href.startswith(("http://", "https://")) or "hashtag" in classes \
            or anchor.get("rel") == "tag":
        return
    if "mention" in classes:
        parts = urlsplit(href)
        user = parts.path.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
        if user and parts.hostname:
            found.handles[user.lower()] = f"@{user.lower()}@{parts.hostname.lower()}"
        return
    found.links.append(href)


def tidy(text: str) -> str:
    """NFKC (fullwidth letters, ligatures, compatibility forms), no invisible characters,
    single spaces, trimmed lines and at most one blank line between paragraphs."""
    text = unicodedata.normalize("NFKC", text)
    text = STRAY_JOINER.sub("", INVISIBLE.sub("", text))
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def plain_text(raw: str) -> str:
    """A fetched body (HTML or plain) as the clean plain text a post carries: :func:`html_to_text`
    then :func:`tidy`, as the ``clean`` analysis step reads it (that step also keeps the links
    and handles the markup knew, and masks personal data). The crawlers fill ``text`` with it."""
    return tidy(html_to_text(raw).text)


def find_urls(text: str) -> list[str]:
    """http(s) URLs in order, without the sentence punctuation that follows them."""
    return [_trim_url(match) for match in URL.findall(text)]


def _trim_url(url: str) -> str:
    while url and (url[-1] in URL_TRAILING or (url[-1] == ")" and url.count("(") <
                                                  url.count(")"))):
        url = url[:-1]
    return url


def hash_form(text: str) -> str:
    """The text two copies of a post share when different accounts paste it: no URLs (link
    shorteners and tracking differ), no mentions, no case or spacing differences."""
    core = MENTION.sub(" ", URL.sub(" ", text)).casefold()
    return " ".join(core.split())


def distinct(items: list[str]) -> list[str]:
    """Items without repeats, first occurrence kept, order kept."""
    return list(dict.fromkeys(items))
