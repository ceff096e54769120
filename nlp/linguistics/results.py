"""What every language backend returns, and the one label set all of them speak.

Each analyser has its own entity labels (OntoNotes' 18 for English, WikiNER's PER/ORG/LOC/MISC
for French and Spanish, GiNZA's ~200 Extended Named Entity types for Japanese, none at all
for Korean proper nouns). A report that counts "organisations mentioned" must count the same
thing in every language, so they are all mapped to :data:`LABELS`:

=========  ===============================================================================
PERSON     OntoNotes PERSON, WikiNER PER
ORG        ORG
PRODUCT    PRODUCT; also any name that carries a model number ("Nova Lumina X2", "Galaxy
           S24", "iPhone 15"), since small models call those ORG, FAC or even PER
LOC        GPE, LOC, FAC
EVENT      EVENT
MISC       NORP, WORK_OF_ART, LAW, LANGUAGE, WikiNER MISC
NAME       a proper name whose type the analyser cannot tell: Korean NNP runs, capitalised
           spans found by the fallback
=========  ===============================================================================

Dates, times, amounts, percentages and ordinals are dropped: they are not what a post is
about, and they would crowd out the names within the few entities a post keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LABELS = ("PERSON", "ORG", "PRODUCT", "LOC", "EVENT", "MISC", "NAME")
COMMON_LABEL: dict[str, str] = {
    "PERSON": "PERSON", "PER": "PERSON",
    "ORG": "ORG",
    "PRODUCT": "PRODUCT",
    "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "EVENT": "EVENT",
    "NORP": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC", "MISC": "MISC",
}
"""Analyser label -> common label; a label absent here (DATE, MONEY, ...) is dropped."""

# A model number: letters and digits in one word ("X2", "S24", "5G"), or a short number
# after a word with an inner capital or after two capitalised words ("iPhone 15", "Apple
# Watch 9"); not after one capitalised word, which is as often a date ("October 16").
MODEL_NUMBER = re.compile(r"\b(?:[^\W\d_]+\d|\d+[^\W\d_])\w*"
                          r"|\b(?:[^\W\d_]+[A-Z]\w*|[A-Z]\w*\s+[A-Z]\w*)\s+\d{1,3}\b")
MAX_ENTITY_CHARS = 80


def common_label(label: str, text: str) -> str | None:
    """The common label of an analyser's entity (``label`` "" when the analyser has none),
    or None: a label that is not kept (DATE, MONEY, ...), or no label and no model number."""
    if label and label not in COMMON_LABEL:
        return None
    if MODEL_NUMBER.search(text):
        return "PRODUCT"
    return COMMON_LABEL.get(label)


@dataclass(frozen=True)
class Found:
    """One entity in the analysed text: its surface form, common label and character span."""

    text: str
    label: str
    start: int
    end: int


@dataclass
class Reading:
    """What a backend read in one text: its entities, and its candidate keywords as
    ``(offset, word)`` so those inside an entity can give way to the entity's whole name."""

    entities: list[Found]
    words: list[tuple[int, str]]


@dataclass
class Analysis:
    """The entities and keywords of one text."""

    entities: list[Found] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


def distinct_entities(found: list[Found]) -> list[Found]:
    """Entities in text order, each name once (case-insensitively; the first label wins),
    without empty or run-away spans (a tagger gone wrong on a wall of text)."""
    seen: set[str] = set()
    kept: list[Found] = []
    for entity in sorted(found, key=lambda e: (e.start, -e.end)):
        key = entity.text.casefold()
        if not key or len(key) > MAX_ENTITY_CHARS or key in seen:
            continue
        seen.add(key)
        kept.append(entity)
    return kept


def overlaps(entity: Found, others: list[Found]) -> bool:
    """Whether ``entity`` shares a character with any of ``others``."""
    return any(o.start < entity.end and entity.start < o.end for o in others)


def with_names(found: list[Found], text: str, names: tuple[str, ...]) -> list[Found]:
    """``found`` with every occurrence of the campaign's product ``names`` a PRODUCT entity,
    taking in the entities it overlaps: a small model mislabels a brand it never saw
    ("Nova Lumina X2" as ORG or PERSON), the campaign knows it is the product, and the
    model's wider span keeps the model number ("Nova Lumina" + "X2")."""
    if not names:
        return found
    named: list[Found] = []
    for start, end in name_spans(text, names):
        for entity in found:
            if overlaps(entity, [Found("", "", start, end)]):
                start, end = min(start, entity.start), max(end, entity.end)
        named.append(Found(text[start:end], "PRODUCT", start, end))
    return named + [e for e in found if not overlaps(e, named)]


def name_spans(text: str, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where ``names`` occur in ``text`` (case-insensitively, as whole words; an earlier,
    longer name wins an overlap), in text order."""
    folded = _fold(text)
    spans: list[tuple[int, int]] = []
    for name in names:
        key = _fold(name)
        start = folded.find(key) if len(folded) == len(text) else -1
        while start >= 0:
            end = start + len(key)
            if not any(s < end and start < e for s, e in spans) and _word_edges(text, start,
                                                                                  end):
                spans.append((start, end))
            start = folded.find(key, end)
    return sorted(spans)


def _fold(text: str) -> str:
    """Casefolded, or lowercased where casefolding changes the length (ß -> ss) and the
    offsets found in it would no longer point into the original."""
    folded = text.casefold()
    return folded if len(folded) == len(text) else text.lower()


def _word_edges(text: str, start: int, end: int) -> bool:
    """True unless the match is glued to Latin letters or digits on either side ("X2" in
    "X20"); Hangul or kana may follow a name directly (particles: "노바루미나가")."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii()
                                                                  and after.isalnum())
