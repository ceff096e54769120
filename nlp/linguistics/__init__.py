"""Entities and keywords in any language, one backend per language taken as data:

- a trained spaCy pipeline where one ships as a package (:mod:`.spacy_backend`: en, fr,
  es; GiNZA for ja when chosen),
- SudachiPy morphemes for Japanese (:mod:`.japanese_backend`, the default: many times
  faster than GiNZA, and free of its training data's non-commercial licence),
- kiwipiepy morphemes for Korean (:mod:`.korean_backend`),
- patterns for everything else (:mod:`.fallback`), and for a language whose pipeline does
  not load.

:func:`analyse` takes texts of one language, so each backend runs once over the whole group
(``nlp.pipe`` batches) and loads its model only when a text of its language arrives.
"""

from __future__ import annotations

from collections.abc import Mapping

from nlp.linguistics import fallback, japanese_backend, korean_backend, spacy_backend
from nlp.linguistics.results import Analysis, Reading, distinct_entities, overlaps, with_names
from nlp.linguistics.words import prepare, top_keywords, whole_names

__all__ = ["PIPELINES", "Analysis", "analyse"]

PIPELINES: dict[str, str] = {**spacy_backend.PIPELINES, "ja": japanese_backend.NAME}
"""Language -> analyser: a spaCy pipeline, or :data:`japanese_backend.NAME` for Sudachi
(``{"ja": "ja_ginza"}`` brings GiNZA back)."""


def analyse(texts: list[str], lang: str, *, names: tuple[str, ...] = (),
            max_keywords: int = 8, batch_size: int = 64, max_chars: int = 5_000,
            pipelines: Mapping[str, str] = PIPELINES) -> list[Analysis]:
    """One :class:`Analysis` per text of language ``lang``. ``names`` are the campaign's
    product names, found as PRODUCT entities whatever the backend says, and model-numbered
    names the backend missed are added ("Nova Lumina X2" is newer than every model);
    ``pipelines`` maps a language to the spaCy pipeline (package or directory) for it, or
    to :data:`japanese_backend.NAME`."""
    prepared = [prepare(text, max_chars) for text in texts]
    todo = [i for i, text in enumerate(prepared) if text.strip()]  # blank: nothing to find
    readings = _read([prepared[i] for i in todo], lang, names, batch_size,
                     pipelines) if todo else []
    results = [Analysis() for _ in texts]
    for i, reading in zip(todo, readings, strict=True):
        named = with_names(reading.entities, prepared[i], names)
        missed = [e for e in fallback.products(prepared[i], lang) if not overlaps(e, named)]
        found = distinct_entities(named + missed)
        words = whole_names(sorted(reading.words), found)
        results[i] = Analysis(found, top_keywords(words, max_keywords))
    return results


def _read(texts: list[str], lang: str, names: tuple[str, ...], batch_size: int,
          pipelines: Mapping[str, str]) -> list[Reading]:
    if lang == "ko":
        return korean_backend.read(texts, names)
    name = pipelines.get(lang)
    if name == japanese_backend.NAME:
        if japanese_backend.available():
            return japanese_backend.read(texts, names)
        return fallback.read(texts, lang)
    pipeline = spacy_backend.load(name) if name else None
    if pipeline is not None:
        return spacy_backend.read(texts, pipeline, batch_size)
    return fallback.read(texts, lang)
