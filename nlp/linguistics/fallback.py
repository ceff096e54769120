"""Entities and keywords without a trained pipeline (German, Portuguese, Chinese, ``und``,
and any language whose pipeline is missing): patterns, not a model, and said so.

- Entities: runs of two or more capitalised words or model numbers ("X2", "S24": a letter
  then digits), one space apart, without a sentence's first word or a last word that is a
  stop word ("Nova Lumina X2", "Tim Cook"; not "Die Kamera"), and lone model numbers with a
  capital. Labelled PRODUCT when they carry a model number, else NAME. A single capitalised
  word is not taken: sentence starts, and every German noun, are capitalised. Scripts
  without capitals give no names this way (a Katakana word is as often "camera" as
  "Sony"): their words are keywords only. Known misses: a capitalised sentence start that
  is not a stop word joins the name after it ("Loving Nova Lumina X2").
- Keywords: words of three letters or more minus the language's stop list (spaCy's), an
  entity's words as its whole name. Han and Katakana text has no spaces: Han runs are cut
  at the language's Han stop words (Chinese 的, 非常, 也) and the pieces of 2-6 characters
  kept (a Japanese compound noun between kana, a Chinese word between function words);
  Katakana runs of 2-12 (loanwords run long: スマートフォン).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from nlp.linguistics.results import Found, Reading, common_label
from nlp.linguistics.words import WORD, stop_words

# Words of the scripts that have capitals: Hangul, kana and Han are left out, or "X2的相机"
# (Chinese written straight after a model name) would be one word.
UNCASED = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af"
TOKEN = re.compile(rf"[^\W_{UNCASED}]+(?:['’.-][^\W_{UNCASED}]+)*")
SENTENCE_END = re.compile(r"(?:^|[.!?…]\s*|\n\s*)$")
HAN = re.compile(r"[\u3400-\u9fff]+")
KATAKANA_RUN = re.compile(r"(?<![\u30a0-\u30ff])[\u30a1-\u30fa][\u30a1-\u30ff]{1,11}"
                          r"(?![\u30a0-\u30ff])")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
MIN_WORD_CHARS = 3


def _namey(word: str) -> bool:
    """Capitalised, or a model number (a letter, then digits: "X2", not "4K" or "10am"):
    the words a Latin-script name is made of."""
    return word[0].isupper() or (word[0].isalpha() and any(c.isdigit() for c in word))


def _name_runs(text: str) -> Iterator[list[re.Match[str]]]:
    run: list[re.Match[str]] = []
    for match in TOKEN.finditer(text):
        joined = bool(run) and text[run[-1].end():match.start()] == " "
        if _namey(match.group()) and (joined or not run):
            run.append(match)
            continue
        if run:
            yield run
        run = [match] if _namey(match.group()) else []
    if run:
        yield run


def entities(text: str, lang: str) -> list[Found]:
    stops = stop_words(lang)
    found = []
    for run in _name_runs(text):
        # A stop word opening a sentence is capitalised for that ("Die Kamera", "The X2");
        # elsewhere a capitalised one is part of a name ("Nova" is Portuguese for "new").
        if SENTENCE_END.search(text[:run[0].start()]) and run[0].group().casefold() in stops:
            run = run[1:]
        while run and run[-1].group().casefold() in stops:
            run = run[:-1]
        if not run:
            continue
        start, end = run[0].start(), run[-1].end()
        name = text[start:end]
        label = common_label("", name)
        if len(run) >= 2 or (label == "PRODUCT" and not name.islower()):
            found.append(Found(name, label or "NAME", start, end))
    return found


def products(text: str, lang: str) -> list[Found]:
    """The model-numbered names of ``text`` ("Nova Lumina X2"): what a trained pipeline
    misses most, being newer than its training data."""
    return [e for e in entities(text, lang) if e.label == "PRODUCT"]


@cache
def _han_stops(lang: str) -> re.Pattern[str] | None:
    """The stop words of ``lang`` written in Han characters (Chinese 的, 非常, 我们), longest
    first: Chinese has no spaces, so they are what a Han run is split at."""
    han = sorted((w for w in stop_words(lang) if HAN.fullmatch(w)), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, han))) if han else None


def _han_words(text: str, lang: str) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` for the pieces of 2-6 characters of the Han runs of ``text``."""
    splitter = _han_stops(lang)
    for run in HAN.finditer(text):
        chars = run.group()
        cuts = [(m.start(), m.end()) for m in splitter.finditer(chars)] if splitter else []
        begin = 0
        for cut_start, cut_end in [*cuts, (len(chars), len(chars))]:
            if 2 <= cut_start - begin <= 6:
                yield run.start() + begin, chars[begin:cut_start]
            begin = cut_end


def candidate_words(text: str, lang: str) -> list[tuple[int, str]]:
    stops = stop_words(lang)
    words = [(m.start(), m.group()) for m in WORD.finditer(text)
             if len(m.group()) >= MIN_WORD_CHARS and m.group().casefold() not in stops
             and not CJK.search(m.group())]
    words += _han_words(text, lang)
    words += [(m.start(), m.group()) for m in KATAKANA_RUN.finditer(text)
              if m.group() not in stops]
    return words


def read(texts: list[str], lang: str) -> list[Reading]:
    """One :class:`Reading` per text."""
    return [Reading(entities(text, lang), candidate_words(text, lang)) for text in texts]
