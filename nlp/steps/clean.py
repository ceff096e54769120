"""``clean``: fetched HTML to plain text, with URLs, mentions, hashtags and emoji pulled out
and personal data (e-mail addresses, phone numbers) masked in the text we keep."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import emoji
from bs4 import BeautifulSoup

from nlp.pipeline import BatchContext, Step, register
from sensing.schemas import Post

URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
MENTION = re.compile(r"(?<![\w@])@\w[\w.]*(?:@[\w-]+(?:\.[\w-]+)+)?")
HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
# Candidate phone numbers; masked only with 9-15 digits so prices, dates and model numbers
# ("1,299", "2026-10-15", "X2") stay.
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{7,}\d(?![\w])")
# Zero-width and control characters (not newline or tab): invisible, but they split words.
INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u2060-\u2064\ufeff]")
SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def html_to_text(raw: str) -> str:
    """Paragraphs and line breaks become newlines; scripts and styles vanish."""
    if "<" not in raw:
        return raw
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "div", "li"]):
        block.append("\n")
    return soup.get_text()


def tidy(text: str) -> str:
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    lines = (SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _mask_phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group())
    return "[phone]" if 9 <= digits <= 15 else match.group()


def mask_pii(text: str) -> str:
    return PHONE.sub(_mask_phone, EMAIL.sub("[email]", text))


def content_hash(text: str) -> str:
    """Equal for copies of a text posted by different accounts: URLs, mentions, case and
    spacing do not count."""
    core = MENTION.sub(" ", URL.sub(" ", text)).casefold()
    return hashlib.sha1(" ".join(core.split()).encode()).hexdigest()


def _distinct(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


@register
class Clean(Step):
    name = "clean"
    version = "1.0"
    title = "Clean text"
    description = ("HTML to text, Unicode NFKC, invisible characters removed; URLs, mentions, "
                   "hashtags and emoji extracted; e-mail addresses and phone numbers masked.")
    adds = ("text", "urls", "mentions", "hashtags", "emojis", "content_hash")

    def process_post(self, post: Post, ctx: BatchContext) -> None:
        text = tidy(html_to_text(post.raw_text or post.text))
        post.urls = _distinct(URL.findall(text))
        post.mentions = _distinct(MENTION.findall(URL.sub(" ", text)))
        post.hashtags = _distinct([*post.hashtags, *HASHTAG.findall(URL.sub(" ", text))])
        post.emojis = _distinct([e["emoji"] for e in emoji.emoji_list(text)])
        post.text = mask_pii(text)
        post.content_hash = content_hash(post.text)
