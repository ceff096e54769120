"""``langid``: the post's language, among the campaign's languages only, or, for a batch
without a campaign, among every language the project analyses (``SENSING_LANGUAGES``).

lingua is accurate on short social posts when it chooses among few languages, and light
that way (all languages preloaded take ~1.3 GB), so one detector is built per language set
and cached for the life of the worker. Scripts settle the easy cases first: mostly Hangul is
Korean, Kana with kanji is Japanese. Too few letters, or a low confidence, give ``und``
rather than a guess; so does a language outside the campaign's set.

Without a campaign the set is :data:`sensing.config.DEFAULT_LANGUAGES`: the project's eight
(en, ko, ja, es, fr, de, pt, zh), six more Latin-script languages lingua reads well on short
text (it, nl, pl, tr, id, vi) and one language for each of six other scripts (ru, ar, hi, th,
el, he). **Memory budget: the default set costs ~270 MB** of a worker's RSS once all the
models it can need are loaded (234-300 MB measured, ~350 MB at the peak while they load; the
eight alone ~130 MB). lingua loads a language's models lazily, the first time a text needs
them, and shares them between all the detectors of a process; a language that is the only
one of its script in the set is decided by lingua's rules and never loads a model, so
Russian, Arabic, Hindi, Thai, Greek and Hebrew cost nothing, and what is paid for is the
Latin set (Chinese and Japanese share Han, a few MB). So models are never preloaded
(preloading the default set takes ~390 MB), and a campaign's languages within the default
set add nothing. Measured with lingua 2.1 on the 1,054 distinct labelled posts of lab/data
(the eight languages): the eight alone answer 99.1 % of them right (6 wrong, 4 ``und``), the
default set 98.2 % (8 wrong, 11 ``und``: product specs full of names and numbers), and the
default set also answers 12 of 12 short posts in each added language, which the eight alone
force into one of theirs (Dutch into German, Italian into Spanish) or leave ``und``. A
language left out still comes out as its nearest neighbour in the set (Ukrainian as Russian,
Swedish and Danish mostly as German): add it to ``SENSING_LANGUAGES`` (Ukrainian beside
Russian costs ~65 MB, as both are then scored). With a dozen Latin-script candidates lingua's
confidence is spread thinner, so the floor without a campaign is lower (option
``min_confidence_without_campaign``).

A detector that knows only the campaign's languages forces every post into one of them
(Portuguese comes out as Spanish with full confidence). So a few *decoy* languages are
compared too (option ``decoys``; ~15 MB each): a post that reads as one of them is ``und``.

Platforms often declare a language (``lang_hint``: Mastodon's and Bluesky's post language,
a forum board's or a feed's language). It is a prior, not an answer: people post in another
language than their client's setting. So lingua's confidences are weighted by it (option
``hint_weight``) and renormalised before the thresholds apply; a text too short to read keeps
the hint when the hint is a campaign language. Long texts (option ``long_text``) go through
lingua's low-accuracy mode, trigrams only: many times faster, and as accurate once a text
holds a few sentences.
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

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from sensing.schemas import Post
from sensing.text import MENTION, URL

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
def _detector(codes: tuple[str, ...], fast: bool) -> LanguageDetector:
    languages = {lang for code in codes if (lang := _language(code)) is not None}
    if len(languages) < 2:
        languages |= {Language.SPANISH if Language.ENGLISH in languages else Language.ENGLISH}
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return (builder.with_low_accuracy_mode() if fast else builder).build()


def detector(codes: tuple[str, ...], fast: bool = False) -> LanguageDetector:
    """The cached detector for a language set (unknown codes are ignored), built once per
    set and mode for the life of the process; ``fast`` is lingua's low-accuracy mode, for long
    texts. lingua needs two candidates, so a lone language is compared with English (or
    Spanish, if it is English). Models load lazily and are shared by every detector, so a
    cached detector costs only the models its texts have needed. Built under a lock so that
    worker threads never build the same detector twice."""
    with _BUILD_LOCK:
        return _detector(tuple(sorted(set(codes))), fast)


def hinted_language(post: Post) -> str | None:
    """The platform's declared language as an ISO 639-1 code (``pt-BR`` -> ``pt``), if any."""
    hint = getattr(post, "lang_hint", None)
    if not isinstance(hint, str) or not hint.strip():
        return None
    return hint.strip().lower().replace("_", "-").split("-")[0] or None


class LangidOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_letters: int = Field(3, ge=1, description="Fewer letters than this (outside Hangul "
                             "and Kana, which name their language): 'und'.")
    min_confidence: float = Field(0.3, ge=0, le=1, description="lingua's confidence for the "
                                  "best language below this: 'und'.")
    min_confidence_without_campaign: float = Field(
        0.2, ge=0, le=1, description="The same floor for a batch without a campaign, where "
        "the default set's ~a dozen Latin-script languages share the confidence (English "
        "'I don't like it' gets 0.28); 0.15 to 0.3 answer the labelled posts alike.")
    min_margin: float = Field(0.1, ge=0, le=1, description="Best language's confidence less "
                              "than this above the runner-up's (a close call): 'und'.")
    decoys: list[str] = Field(["fr", "de", "pt", "it"], description="Languages compared but "
                              "never answered, so their posts are 'und', not the nearest "
                              "campaign language.")
    hint_weight: float = Field(3.0, ge=1.0, le=100.0, description="How much more likely the "
                               "platform's declared language is taken to be (1: ignored).")
    long_text: int = Field(240, ge=20, description="Texts with at least this many letters "
                           "use lingua's fast low-accuracy mode.")


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
    version = "1.5"
    title = "Identify language"
    description = ("ISO 639-1 language among the campaign's languages, or without a campaign "
                   "among every language the project analyses (lingua, restricted to them), "
                   "weighted by the platform's declared language; Hangul/Kana decide ko/ja; "
                   "'und' when too short or unsure.")
    adds = ("lang",)
    Options = LangidOptions

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        allowed = set(self.languages(ctx))
        floor = (self.options.min_confidence if ctx.campaign_languages
                 else self.options.min_confidence_without_campaign)
        langs: dict[int, str] = {}
        pending: dict[bool, list[tuple[int, str]]] = {False: [], True: []}
        for index, post in enumerate(posts):
            text = detection_text(post.text)
            decided = by_script(text, allowed)
            if decided is not None:
                langs[index] = decided
                continue
            letters = len(LETTER.findall(text))
            if letters < self.options.min_letters:
                hint = hinted_language(post)
                langs[index] = hint if hint in allowed and letters else "und"
            else:
                pending[letters >= self.options.long_text].append((index, text))
        candidates = tuple(allowed | set(self.options.decoys))
        for fast, texts in pending.items():
            if not texts:
                continue
            found = detector(candidates, fast).compute_language_confidence_values_in_parallel(
                [text for _, text in texts])
            for (index, _), confidences in zip(texts, found, strict=True):
                langs[index] = self.best(confidences, allowed, hinted_language(posts[index]),
                                         floor)
        for index, post in enumerate(posts):
            self.apply(post, {"lang": langs[index]})
        return posts

    def best(self, confidences: list[ConfidenceValue], allowed: set[str],
             hint: str | None = None, floor: float | None = None) -> str:
        """The most likely language, if it is sure enough (``floor``, default
        ``min_confidence``), clear enough and an allowed one. lingua's confidences sum to 1
        over the candidates; the hinted language's is weighted by ``hint_weight`` and all are
        renormalised (a prior times a likelihood)."""
        floor = self.options.min_confidence if floor is None else floor
        weighted: list[tuple[str, float]] = []
        for confidence in confidences:
            code = confidence.language.iso_code_639_1.name.lower()
            weight = self.options.hint_weight if code == hint else 1.0
            weighted.append((code, confidence.value * weight))
        weighted.sort(key=lambda pair: pair[1], reverse=True)
        total = sum(value for _, value in weighted)
        if not weighted or total <= 0:
            return "und"
        (code, top), runner_up = weighted[0], (weighted[1][1] if len(weighted) > 1 else 0.0)
        top, runner_up = top / total, runner_up / total
        if top < floor or top - runner_up < self.options.min_margin:
            return "und"
        return code if code in allowed else "und"
