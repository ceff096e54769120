"""``entities``: who and what a post names, and the words it is about.

Posts are grouped by ``lang`` and each group goes through its language's analyser once
(:mod:`nlp.linguistics`: spaCy pipelines for en/fr/es, SudachiPy for Japanese (GiNZA on
request), kiwipiepy for Korean, patterns for the rest), so a batch of 500 English posts is
one ``nlp.pipe`` call. The campaign's product names (the capitalised, numbered or
multi-word terms of its query) are always found as PRODUCT entities, whatever a small model
makes of a brand it never saw.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from nlp.linguistics import PIPELINES, analyse
from sensing.query import positive_words
from sensing.schemas import Campaign, Entity, Post

LOWERCASE_LATIN_WORD = re.compile(r"[a-z]+")


@cache
def _names_in(query: str) -> tuple[str, ...]:
    words = [w for w in positive_words(query) if not LOWERCASE_LATIN_WORD.fullmatch(w)]
    return tuple(sorted(words, key=len, reverse=True))  # "Nova Lumina X2" before "X2"


def campaign_names(campaign: Campaign | None) -> tuple[str, ...]:
    """The product names in the campaign's query: its phrases and words except plain
    lowercase Latin words ("phone", "camera"), longest first."""
    return _names_in(campaign.query) if campaign is not None else ()


class EntitiesOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_keywords: int = Field(8, ge=0, le=50, description="Keywords kept per post, most "
                              "frequent first.")
    batch_size: int = Field(64, ge=1, le=10_000, description="Texts per nlp.pipe batch.")
    max_chars: int = Field(5_000, ge=100, le=1_000_000, description="Only the first this "
                           "many characters of a post are analysed (Sudachi, under GiNZA, "
                           "refuses more than 49,149 bytes).")
    pipelines: dict[str, str] = Field(default_factory=dict, description="Language -> spaCy "
                                      "pipeline (package name or directory) or 'sudachi', "
                                      "replacing or adding to the defaults " + ", ".join(
                                          f"{k}={v}" for k, v in PIPELINES.items())
                                      + "; '' sends a language to the (much faster) "
                                      "pattern fallback; ja=ja_ginza brings back GiNZA "
                                      "(slower, and trained on non-commercial data).")


@register
class Entities(Step):
    name = "entities"
    version = "1.1"  # 1.1: Japanese read by Sudachi instead of GiNZA
    title = "Entities and keywords"
    description = ("entities [{text, label}] with labels PERSON, ORG, PRODUCT, LOC, EVENT, "
                   "MISC, NAME (a name of unknown type) and up to max_keywords keywords "
                   "(nouns and noun phrases, casefolded, no stop words, links, handles or "
                   "hashtags): spaCy pipelines for en/fr/es, SudachiPy for ja, kiwipiepy "
                   "for ko, patterns for other languages; the campaign's product names are "
                   "PRODUCT.")
    adds = ("entities", "keywords")
    Options = EntitiesOptions

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        by_lang: dict[str, list[Post]] = defaultdict(list)
        for post in posts:
            by_lang[(post.lang or "und").lower()].append(post)
        names = campaign_names(ctx.campaign)
        pipelines = {**PIPELINES, **self.options.pipelines}
        for lang, group in by_lang.items():
            results = analyse([post.text for post in group], lang, names=names,
                              max_keywords=self.options.max_keywords,
                              batch_size=self.options.batch_size,
                              max_chars=self.options.max_chars, pipelines=pipelines)
            for post, found in zip(group, results, strict=True):
                self.apply(post, {
                    "entities": [Entity(text=e.text, label=e.label) for e in found.entities],
                    "keywords": found.keywords})
        return posts
