"""``clean``: fetched HTML to plain text, with URLs, mentions, hashtags and emoji pulled out,
personal data (e-mail addresses, phone numbers) masked in the text we keep, and the content
hash that exact-duplicate detection compares."""

from __future__ import annotations

import hashlib
from typing import Any

import emoji
from pydantic import BaseModel, ConfigDict, Field

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from nlp.pii import mask_pii
from sensing.schemas import Post
from sensing.text import HASHTAG, MENTION, URL, distinct, find_urls, hash_form, html_to_text, tidy


class CleanOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mask_emails: bool = Field(True, description="Replace e-mail addresses with [email].")
    mask_phones: bool = Field(True, description="Replace phone numbers with [phone].")


def content_hash(text: str) -> str | None:
    """sha1 of :func:`sensing.text.hash_form`; ``None`` when nothing is left (a bare link)."""
    form = hash_form(text)
    return hashlib.sha1(form.encode()).hexdigest() if form else None


def mentions_in(text: str, handles: dict[str, str]) -> list[str]:
    """``@user`` or ``@user@host``, lowercased; a bare ``@user`` gains the host its mention
    link named, so the same account is counted once however it was written."""
    found = []
    for user, host in MENTION.findall(URL.sub(" ", text)):
        user = user.lower()
        found.append(f"@{user}@{host.lower()}" if host else handles.get(user, f"@{user}"))
    return distinct(found)


@register
class Clean(Step):
    name = "clean"
    version = "1.1"
    title = "Clean text"
    description = ("HTML to text (paragraphs and line breaks kept), Unicode NFKC, invisible "
                   "characters removed; URLs, mentions, hashtags (raw, with platform tags) and "
                   "emoji extracted; e-mail addresses and phone numbers masked; content hash "
                   "of the normalised text for duplicate detection.")
    adds = ("text", "urls", "mentions", "hashtags", "emojis", "content_hash")
    Options = CleanOptions

    def analyse_post(self, post: Post, ctx: BatchContext) -> dict[str, Any]:
        extracted = html_to_text(post.raw_text or post.text)
        text = tidy(extracted.text)
        masked = mask_pii(text, emails=self.options.mask_emails,
                          phones=self.options.mask_phones)
        return {
            "text": masked,
            "urls": distinct([*find_urls(text), *extracted.links]),
            "mentions": mentions_in(text, extracted.handles),
            "hashtags": distinct([*post.hashtags, *HASHTAG.findall(URL.sub(" ", text))]),
            "emojis": distinct([found["emoji"] for found in emoji.emoji_list(text)]),
            "content_hash": content_hash(masked),
        }
