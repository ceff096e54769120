"""Entities and keywords for Korean from kiwipiepy's morphemes (no Korean spaCy pipeline
ships on the registry).

Kiwi tags proper nouns (NNP) and foreign-script words (SL) but does not type them, so:

- an entity is a run of proper nouns, capitalised foreign words and numbers written next to
  each other or one space apart ("노바루미나 X2", "삼성전자", "Nova Lumina"), cut before the
  particle that follows (노바루미나**가**). It is labelled PRODUCT when it carries a model
  number, else NAME: Kiwi knows it is a name, not whose.
- keywords are common and proper nouns (NNG, NNP) of two syllables or more (one-syllable
  nouns are mostly 것, 수, 때), minus spaCy's Korean stop list, and foreign words of three
  letters or more minus the English stop list.

The campaign's product names are handed to Kiwi as pre-analysed proper nouns, so a brand
it has never seen stays one word ("노바 루미나" instead of 노바/NNP 루미/NNP 나/JC).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kiwipiepy import Token

from nlp.korean import kiwi
from nlp.linguistics.results import Found, Reading, common_label, name_spans
from nlp.linguistics.words import stop_words

NOUN_TAGS = frozenset({"NNG", "NNP"})
# ㅋㅋ, ㅠㅠ: laughter and tears written in bare letters (NFKC, in ``clean``, turns them into
# conjoining jamo, which Kiwi takes for nouns).
JAMO_ONLY = re.compile(r"[\u1100-\u11ff\u3130-\u318f]+")


def _name_token(token: Token) -> bool:
    """Proper nouns, numbers, and foreign words that look like names (a capital letter)."""
    if JAMO_ONLY.fullmatch(token.form):
        return False
    return token.tag in ("NNP", "SN") or (token.tag == "SL" and not token.form.islower())


def _runs(text: str, tokens: list[Token]) -> Iterator[tuple[int, int]]:
    """Character spans of runs of name tokens at most one space apart."""
    start = end = -1
    for token in tokens:
        if _name_token(token) and start >= 0 and text[end:token.start] in ("", " "):
            end = token.start + token.len
            continue
        if start >= 0:
            yield start, end
            start = -1
        if _name_token(token):
            start, end = token.start, token.start + token.len
    if start >= 0:
        yield start, end


def entities(text: str, tokens: list[Token]) -> list[Found]:
    found = []
    for start, end in _runs(text, tokens):
        name = text[start:end]
        if any(ch.isalpha() for ch in name):  # a lone number is not a name
            label = common_label("", name) or "NAME"
            found.append(Found(name, label, start, end))
    return found


def candidate_words(tokens: list[Token]) -> list[tuple[int, str]]:
    korean_stops, english_stops = stop_words("ko"), stop_words("en")
    return [(t.start, t.form) for t in tokens
            if (t.tag in NOUN_TAGS and len(t.form) >= 2 and t.form not in korean_stops
                and not JAMO_ONLY.fullmatch(t.form))
            or (t.tag == "SL" and len(t.form) >= 3 and t.form.casefold() not in english_stops)]


def read(texts: list[str], names: tuple[str, ...]) -> list[Reading]:
    """One :class:`Reading` per text."""
    analyser = kiwi()
    readings = []
    for text in texts:
        keep_whole = [(start, end, "NNP") for start, end in name_spans(text, names)]
        tokens = analyser.tokenize(text, pretokenized=keep_whole or None)
        readings.append(Reading(entities(text, tokens), candidate_words(tokens)))
    return readings
