"""``langid``: the post's language, among the campaign's languages only.

lingua is accurate on short social posts when it chooses among few languages, and light
that way (all languages preloaded take ~1.3 GB), so one detector is built per language set
and cached. Hangul or Kana in the text decide Korean or Japanese outright; too little text,
or a close call, gives ``und`` rather than a guess.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder
from pydantic import BaseModel, ConfigDict, Field

from nlp.pipeline import BatchContext, Step, register
from nlp.steps.clean import MENTION, URL
from sensing.schemas import Post

HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
KANA = re.compile(r"[\u3040-\u30ff]")
LETTER = re.compile(r"[^\W\d_]")


def _language(code: str) -> Language | None:
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except AttributeError:
        return None


@lru_cache(maxsize=16)
def detector(codes: tuple[str, ...], min_distance: float) -> LanguageDetector:
    """lingua needs two candidates to compare; a one-language campaign is compared with
    English (or Spanish, if that one language is English)."""
    languages = {lang for code in codes if (lang := _language(code)) is not None}
    if len(languages) < 2:
        languages |= {Language.ENGLISH if Language.ENGLISH not in languages
                      else Language.SPANISH}
    return (LanguageDetectorBuilder.from_languages(*languages)
            .with_minimum_relative_distance(min_distance).build())


class LangidOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_letters: int = Field(3, description="Fewer letters than this: 'und'.")
    min_distance: float = Field(0.1, ge=0, le=0.99, description="lingua's minimum relative "
                                "distance: higher answers 'und' more often and errs less.")


def detection_text(post: Post) -> str:
    """The words people wrote: no URLs or handles; hashtags count as words."""
    return MENTION.sub(" ", URL.sub(" ", post.text)).replace("#", " ")


@register
class Langid(Step):
    name = "langid"
    version = "1.0"
    title = "Identify language"
    description = ("ISO 639-1 language among the campaign's languages (lingua, restricted); "
                   "Hangul/Kana decide ko/ja; 'und' when unsure.")
    adds = ("lang",)
    Options = LangidOptions

    def process(self, posts: list[Post], ctx: BatchContext) -> None:
        allowed = set(ctx.languages)
        pending: list[tuple[Post, str]] = []
        for post in posts:
            text = detection_text(post)
            if len(LETTER.findall(text)) < self.options.min_letters:
                post.lang = "und"
            elif "ja" in allowed and KANA.search(text):
                post.lang = "ja"
            elif "ko" in allowed and HANGUL.search(text):
                post.lang = "ko"
            else:
                pending.append((post, text))
        if not pending:
            return
        found = detector(tuple(sorted(allowed)), self.options.min_distance) \
            .detect_languages_in_parallel_of([text for _, text in pending])
        for (post, _), language in zip(pending, found, strict=True):
            code = language.iso_code_639_1.name.lower() if language is not None else "und"
            post.lang = code if code in allowed else "und"
