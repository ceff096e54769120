"""``langid``: the post's language, among the campaign's languages only.

lingua is accurate on short social posts when it chooses among few languages, and light
that way (all languages preloaded take ~1.3 GB), so one detector is built per language set
and cached for the life of the worker. Scripts settle the easy cases first: mostly Hangul is
Korean, Kana with kanji is Japanese. Too few letters, or a low confidence, give ``und``
rather than a guess; so does a language outside the campaign's set.

A detector that knows only the campaign's languages forces every post into one of them
(Portuguese comes out as Spanish with full confidence). So a few *decoy* languages are
compared too (option ``decoys``; ~15 MB each): a post that reads as one of them is ``und``.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from lingua import (
    ConfidenceValue,
    IsoCode639_1,
    Language,
    LanguageDetector,
    LanguageDetectorBuilder,
)
from pydantic import BaseModel, ConfigDict, Field

from nlp.pipeline import BatchContext, Step, register
from nlp.text import MENTION, URL
from sensing.schemas import Post

HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
LETTER = re.compile(r"[^\W\d_]")
NOT_WORDS = re.compile(rf"{URL.pattern}|{MENTION.pattern}|\[(?:email|phone)\]|#")

_BUILD_LOCK = threading.Lock()


def _language(code: str) -> Language | None:
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except AttributeError:
        return None


@lru_cache(maxsize=16)
def _detector(codes: tuple[str, ...]) -> LanguageDetector:
    languages = {lang for code in codes if (lang := _language(code)) is not None}
    if len(languages) < 2:
        languages |= {Language.SPANISH if Language.ENGLISH in languages else Language.ENGLISH}
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detector(codes: tuple[str, ...]) -> LanguageDetector:
    """The cached detector for a language set (unknown codes are ignored). lingua needs two
    candidates, so a lone language is compared with English (or Spanish, if it is English).
    Built under a lock so that worker threads never hold two copies of the same models."""
    with _BUILD_LOCK:
        return _detector(tuple(sorted(set(codes))))


class LangidOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_letters: int = Field(3, ge=1, description="Fewer letters than this (outside Hangul "
                             "and Kana, which name their language): 'und'.")
    min_confidence: float = Field(0.3, ge=0, le=1, description="lingua's confidence for the "
                                  "best language below this: 'und'.")
    min_margin: float = Field(0.1, ge=0, le=1, description="Best language's confidence less "
                              "than this above the runner-up's (a close call): 'und'.")
    decoys: list[str] = Field(["fr", "de", "pt", "it"], description="Languages compared but "
                              "never answered, so their posts are 'und', not the nearest "
                              "campaign language.")


def detection_text(text: str) -> str:
    """The words people wrote: no URLs, handles or masks; hashtags count as words."""
    return NOT_WORDS.sub(" ", text)


def by_script(text: str, allowed: set[str]) -> str | None:
    """``ko``/``ja`` when the script says so, ``und`` for Han-only text when Chinese is not
    a candidate (lingua would call it Japanese), ``None`` when lingua must decide.

    A third of the letters suffices: Korean and Japanese posts often name the product in
    Latin letters ("저도 그래요 ㅠㅠ Nova Lumina X2"), English posts rarely hold Hangul."""
    letters = len(LETTER.findall(text))
    hangul, kana, han = (len(p.findall(text)) for p in (HANGUL, KANA, HAN))
    if not letters:
        return None
    if hangul * 3 >= letters and "ko" in allowed:
        return "ko"
    if kana and (kana + han) * 3 >= letters and "ja" in allowed:
        return "ja"
    if han * 2 >= letters and not kana and "zh" not in allowed:
        return "und"
    return None


@register
class Langid(Step):
    name = "langid"
    version = "1.3"
    title = "Identify language"
    description = ("ISO 639-1 language among the campaign's languages (lingua, restricted to "
                   "them); Hangul/Kana decide ko/ja; 'und' when too short or unsure.")
    adds = ("lang",)
    Options = LangidOptions

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        allowed = set(ctx.languages)
        langs: dict[int, str] = {}
        pending: list[tuple[int, str]] = []
        for index, post in enumerate(posts):
            text = detection_text(post.text)
            decided = by_script(text, allowed)
            if decided is not None:
                langs[index] = decided
            elif len(LETTER.findall(text)) < self.options.min_letters:
                langs[index] = "und"
            else:
                pending.append((index, text))
        if pending:
            candidates = tuple(allowed | set(self.options.decoys))
            found = detector(candidates).compute_language_confidence_values_in_parallel(
                [text for _, text in pending])
            for (index, _), confidences in zip(pending, found, strict=True):
                langs[index] = self.best(confidences, allowed)
        for index, post in enumerate(posts):
            self.apply(post, {"lang": langs[index]})
        return posts

    def best(self, confidences: list[ConfidenceValue], allowed: set[str]) -> str:
        """The most likely language, if it is sure enough, clear enough and a campaign's.
        Confidences are sorted, best first, and sum to 1 over the candidates."""
        if not confidences:
            return "und"
        top = confidences[0].value
        runner_up = confidences[1].value if len(confidences) > 1 else 0.0
        if top < self.options.min_confidence or top - runner_up < self.options.min_margin:
            return "und"
        code = confidences[0].language.iso_code_639_1.name.lower()
        return code if code in allowed else "und"
