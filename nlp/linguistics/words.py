"""Text preparation and keyword choice shared by every language backend.

A post's links, @handles, hashtags and the ``[email]``/``[phone]`` masks that ``clean``
leaves are not what it talks about in words: they are blanked before any analyser sees the
text (hashtags have their own field, ``hashtags``), so no backend can turn ``https`` or
``phone`` into a keyword or ``#NovaLumina`` into an entity. They are replaced by spaces of
the same length, so character offsets still point into the post's text.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache

from nlp.linguistics.results import Found
from sensing.text import HASHTAG, MENTION, URL

MASK = re.compile(r"\[(?:email|phone)\]")
NOT_WORDS = re.compile(f"{URL.pattern}|{MENTION.pattern}|{HASHTAG.pattern}|{MASK.pattern}")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
LANG_CODE = re.compile(r"[a-z]{2,3}")
UND_STOP_LISTS = ("en", "es", "fr", "de", "pt", "zh")
MIN_KEYWORD_CHARS = 2
MAX_KEYWORD_CHARS = 40


def prepare(text: str, max_chars: int) -> str:
    """``text`` without links, handles, hashtags and masks, cut to ``max_chars`` at a space
    where there is one near (analysers slow down or refuse beyond: Sudachi takes at most
    49,149 bytes), with each removed span blanked to the same length."""
    if len(text) > max_chars:
        cut = text.rfind(" ", max_chars - 200, max_chars)
        text = text[:cut if cut > 0 else max_chars]
    return NOT_WORDS.sub(lambda m: " " * len(m.group()), text)


def keyword_form(word: str) -> str | None:
    """The stored form of a candidate keyword (casefolded, trimmed), or None when it is not
    one: too short or long, or without a letter (numbers, punctuation, leftovers)."""
    word = " ".join(word.casefold().split()).strip("'’-.,;:!?\"()[]")
    if not MIN_KEYWORD_CHARS <= len(word) <= MAX_KEYWORD_CHARS or not WORD.search(word):
        return None
    return word


def whole_names(words: Iterable[tuple[int, str]], found: list[Found]) -> Iterator[str]:
    """Candidate ``(offset, word)`` pairs in text order as words, those inside an entity
    replaced by the entity's whole name, once: "nova lumina x2" says more than "nova",
    "lumina" and "x2" apart."""
    named: set[Found] = set()
    for offset, word in words:
        entity = next((e for e in found if e.start <= offset < e.end), None)
        if entity is None:
            yield word
        elif entity not in named:
            named.add(entity)
            yield entity.text


def top_keywords(candidates: Iterable[str], limit: int) -> list[str]:
    """The ``limit`` most frequent keyword forms of ``candidates`` (in text order), ties
    broken by first occurrence, so a word a post repeats outranks one it says once."""
    counts = Counter(form for form in map(keyword_form, candidates) if form)
    return sorted(counts, key=lambda form: -counts[form])[:limit]  # stable: ties keep order


@cache
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop list for ``lang`` (it ships lists for ~70 languages, importable without
    any trained pipeline); for ``und`` or a language spaCy lacks, the union of the lists of
    the languages posts most often come in, since the text could be any of them."""
    if LANG_CODE.fullmatch(lang):
        try:
            module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
        except ModuleNotFoundError:
            pass
        else:
            return frozenset(word.casefold() for word in module.STOP_WORDS)
    return frozenset().union(*(stop_words(code) for code in UND_STOP_LISTS))
