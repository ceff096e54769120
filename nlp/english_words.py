"""How common an English word is, from the ranked word list that ``wordninja`` ships.

The list holds ~126,000 words of English Wikipedia, most frequent first. Two things use it:
hashtag segmentation, to tell a split into ordinary words (``best phone ever``) from the
rare fragments wordninja falls back to on a word it does not know (``tecnol ogi a``), and
related-keyword discovery, as the built-in background when a campaign has too few other
posts to compare with. Frequencies follow Zipf's law over the rank, as wordninja assumes.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import wordninja


def _word_file() -> Path:
    return Path(wordninja.__file__).parent / "wordninja" / "wordninja_words.txt.gz"


@cache
def ranks() -> dict[str, int]:
    """word -> rank (0 = the most frequent)."""
    with gzip.open(_word_file(), "rt", encoding="utf-8") as f:
        words = f.read().split()
    return {word: rank for rank, word in reversed(list(enumerate(words)))}


@cache
def _harmonic() -> float:
    """The normalising constant of Zipf's law over the list: the sum of 1/rank."""
    return sum(1.0 / rank for rank in range(1, len(ranks()) + 1))


def rank(word: str) -> int | None:
    """The word's rank (lowercase), or None when the list does not hold it."""
    return ranks().get(word.casefold())


def probability(word: str) -> float:
    """The share of English running text that is ``word``, under Zipf's law; a word the list
    lacks is taken to be as rare as its rarest word (names, other languages)."""
    found = rank(word)
    return 1.0 / (((len(ranks()) if found is None else found) + 1) * _harmonic())
