"""What an author posts about: interest shares over the taxonomy (:mod:`audience.taxonomy`),
from their bio, recent posts and hashtags, with the multilingual encoder and no training data
per category.

Each of an author's texts (the bio; every recent post, its hashtags included) is one encoder
input, and all the texts of a batch of authors go through the encoder in one call. A text is
compared with every category's and subcategory's descriptions in every taxonomy language (e5
puts a Korean post near an English description, and nearer still to the Korean one); a
category's similarity is its best description's. Zero-shot similarities are not
probabilities, so a small calibration turns them into one: a multinomial logistic model over
the categories plus "none" (chatter: "lol", "good morning"), with one temperature and one bias
per class, fitted on the train split of the labelled authors (``lab.train.interests``,
``audience/data/interest_calibration.json``). Ten numbers per class cannot memorise texts;
they correct the encoder's preferences (it finds everything a little like technology).

An author's share of a category is the mean, over their texts, of that category's
probability once "none" is set aside (posts weigh 1, the bio half: it is one line about
themselves, not what they do). Categories under :data:`FLOOR` are noise and dropped, the rest
renormalised. An author whose texts carry too little (:data:`MIN_TEXT` characters, where a
CJK character counts for three) or are all chatter gets no interests: an empty list that the
audience table counts as unclassified, never a guess.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from audience.taxonomy import Taxonomy, load_taxonomy
from nlp.transformer import TransformerModel, load_model
from sensing.config import Settings, get_settings
from sensing.schemas import Author, Interest

NAME = "interests-e5-zeroshot"
VERSION = "1"
CALIBRATION = Path(__file__).resolve().parent / "data" / "interest_calibration.json"
PREFIX = "query: "
"""e5's prefix for symmetric tasks; both the texts and the descriptions carry it."""
FLOOR = 0.1
MIN_TEXT = 20
BIO_WEIGHT = 0.5
MAX_CHARS = 600
"""Characters of one text the encoder reads: a post's opening says what it is about."""
WIDE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
WORD = re.compile(r"\w", re.UNICODE)


def text_weight(text: str) -> int:
    """Characters that carry meaning, a CJK or Hangul one counting for three (a Korean
    word is two or three syllables where English spends six letters)."""
    wide = len(WIDE.findall(text))
    return wide * 3 + len(WORD.findall(text)) - wide


def author_texts(author: Author) -> list[tuple[str, float]]:
    """(text, weight) of each of the author's texts: the bio, then every recent post with the
    hashtags it does not already spell out."""
    texts: list[tuple[str, float]] = []
    if author.bio.strip():
        texts.append((author.bio.strip(), BIO_WEIGHT))
    for post in author.recent_posts:
        missing = [f"#{tag.lstrip('#')}" for tag in post.hashtags
                   if tag.lstrip("#").casefold() not in post.text.casefold()]
        text = " ".join([post.text.strip(), *missing]).strip()
        if text:
            texts.append((text, 1.0))
    return texts


class Calibration(BaseModel):
    """The fitted logistic model: probability of class k given the similarities s (one per
    category) is softmax(temperature * s_k + bias_k), the "none" class's logit being
    temperature * ``none_level``: chatter is a text no category is more like than that.
    Recorded with what it was fitted on, so a taxonomy edit shows."""

    model_config = ConfigDict(extra="forbid")
    temperature: float = Field(gt=0)
    biases: dict[str, float]
    none_level: float
    taxonomy_digest: str
    fitted_on: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def read(cls, path: Path = CALIBRATION) -> Calibration:
        return cls.model_validate_json(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Descriptions:
    """Unit vectors of a taxonomy's descriptions, and which category or subcategory each is."""

    vectors: np.ndarray
    category: np.ndarray
    """Per row: the index of its category."""
    subcategory: np.ndarray
    """Per row: the index of its subcategory within the taxonomy's flat list, -1 for a
    category's own description."""
    subcategories: list[tuple[str, str]]
    """(category id, subcategory id) of each flat subcategory index."""


def describe(model: TransformerModel, taxonomy: Taxonomy) -> Descriptions:
    """Every description of ``taxonomy`` embedded once (cached per model and taxonomy)."""
    return _describe(model, taxonomy)


@lru_cache(maxsize=8)
def _describe(model: TransformerModel, taxonomy: Taxonomy) -> Descriptions:
    texts, category, subcategory, subs = [], [], [], []
    for c, node in enumerate(taxonomy.categories):
        for lang in taxonomy.languages:
            texts.append(node.descriptions[lang])
            category.append(c)
            subcategory.append(-1)
        for sub in node.subcategories:
            subs.append((node.id, sub.id))
            for lang in taxonomy.languages:
                texts.append(sub.descriptions[lang])
                category.append(c)
                subcategory.append(len(subs) - 1)
    return Descriptions(model.embed(texts, prefix=PREFIX), np.array(category),
                        np.array(subcategory), subs)


def similarities(vectors: np.ndarray, found: Descriptions, n_categories: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(texts × categories, texts × subcategories) best cosine similarity of each text to
    each node's descriptions (a category's counting its subcategories')."""
    sims = vectors @ found.vectors.T
    by_category = np.full((len(vectors), n_categories), -1.0)
    by_sub = np.full((len(vectors), len(found.subcategories)), -1.0)
    for row in range(found.vectors.shape[0]):
        c, s = found.category[row], found.subcategory[row]
        by_category[:, c] = np.maximum(by_category[:, c], sims[:, row])
        if s >= 0:
            by_sub[:, s] = np.maximum(by_sub[:, s], sims[:, row])
    return by_category, by_sub


def class_probabilities(by_category: np.ndarray, calibration: Calibration,
                        category_ids: list[str]) -> np.ndarray:
    """texts × (categories + none) probabilities under ``calibration``."""
    biases = np.array([calibration.biases[c] for c in category_ids])
    logits = np.concatenate([calibration.temperature * by_category + biases,
                             np.full((len(by_category), 1),
                                     calibration.temperature * calibration.none_level)], axis=1)
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


class InterestClassifier:
    """Interests of authors, a batch at a time: one encoder call for all their texts."""

    def __init__(self, model: TransformerModel, taxonomy: Taxonomy, calibration: Calibration):
        if calibration.taxonomy_digest != taxonomy.digest:
            raise ValueError(f"the interest calibration was fitted on another taxonomy than "
                             f"{taxonomy.source}; refit it: python -m lab.train.interests")
        self.model, self.taxonomy, self.calibration = model, taxonomy, calibration
        self.model_id = f"{NAME}@{VERSION}+{taxonomy.digest[:8]}"
        """What ``Author.interest_model`` records: the method, and the taxonomy (and so the
        calibration fitted on it) the shares are over."""

    def text_probabilities(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(texts × (categories + none) probabilities, texts × subcategories similarities)."""
        if not texts:
            n = len(self.taxonomy.categories)
            return np.zeros((0, n + 1)), np.zeros((0, 0))
        vectors = self.model.embed([t[:MAX_CHARS] for t in texts], prefix=PREFIX)
        found = describe(self.model, self.taxonomy)
        by_category, by_sub = similarities(vectors, found, len(self.taxonomy.categories))
        return (class_probabilities(by_category, self.calibration, self.taxonomy.category_ids),
                by_sub)

    def classify(self, authors: list[Author]) -> list[list[Interest]]:
        """Each author's interests, in order; [] where there is too little to tell."""
        texts = [author_texts(author) for author in authors]
        flat = [text for author in texts for text, _ in author]
        probabilities, by_sub = self.text_probabilities(flat)
        found, start = [], 0
        for author in texts:
            end = start + len(author)
            weights = np.array([weight for _, weight in author])
            found.append(self._mix(author, probabilities[start:end], by_sub[start:end],
                                   weights))
            start = end
        return found

    def _mix(self, texts: list[tuple[str, float]], probabilities: np.ndarray,
             by_sub: np.ndarray, weights: np.ndarray) -> list[Interest]:
        if sum(text_weight(text) for text, _ in texts) < MIN_TEXT:
            return []
        topical = probabilities[:, :-1] * weights[:, None]
        if topical.sum() < 0.5 * weights.max():
            return []  # all chatter
        shares = topical.sum(axis=0) / topical.sum()
        kept = shares >= FLOOR
        shares = np.where(kept, shares, 0.0)
        shares /= shares.sum()
        interests = []
        for c in np.flatnonzero(kept):
            category = self.taxonomy.categories[c]
            split = self._subcategories(category.id, topical[:, c], by_sub)
            interests.append(Interest(category=category.id, share=round(float(shares[c]), 4),
                                      subcategory=max(split, key=split.__getitem__),
                                      subcategory_shares=split))
        return sorted(interests, key=lambda i: (-i.share, i.category))

    def _subcategories(self, category: str, weight: np.ndarray, by_sub: np.ndarray
                       ) -> dict[str, float]:
        """Within ``category``: each text's softmax over its subcategories (the calibrated
        temperature), weighted by how much of the text is about the category."""
        columns = [i for i, (c, _) in enumerate(describe(self.model, self.taxonomy)
                                                .subcategories) if c == category]
        names = [describe(self.model, self.taxonomy).subcategories[i][1] for i in columns]
        logits = self.calibration.temperature * by_sub[:, columns]
        logits -= logits.max(axis=1, keepdims=True)
        soft = np.exp(logits)
        soft /= soft.sum(axis=1, keepdims=True)
        mixed = (soft * weight[:, None]).sum(axis=0)
        mixed /= mixed.sum()
        return {name: round(float(share), 4) for name, share in zip(names, mixed, strict=True)}


@lru_cache(maxsize=4)
def classifier_for(model_path: str, taxonomy_path: str, calibration_path: str, threads: int,
                   int8: bool) -> InterestClassifier:
    """One classifier per (model, taxonomy, calibration) in a process: loaded once."""
    return InterestClassifier(load_model(model_path, threads=threads, int8=int8),
                              load_taxonomy(taxonomy_path), Calibration.read(Path(
                                  calibration_path)))


def default_classifier(settings: Settings | None = None, model: str | None = None,
                       calibration: Path = CALIBRATION) -> InterestClassifier:
    """The deployment's classifier: its encoder (SENSING_ENCODER_MODEL) and taxonomy
    (SENSING_INTEREST_TAXONOMY), with the packaged calibration."""
    settings = settings or get_settings()
    return classifier_for(model or settings.encoder_path, str(settings.interest_taxonomy),
                          str(calibration), settings.torch_threads, settings.quantize_int8)


class InterestsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str | None = Field(None, description="Encoder path or name; default: the "
                              "settings' encoder (SENSING_ENCODER_MODEL).")


@register
class Interests(Step):
    kind = "author"
    name = "interests"
    version = VERSION
    title = "Interests"
    description = ("Shares of what the author posts about over the interest taxonomy "
                   "(categories and subcategories), from bio, recent posts and hashtags: "
                   "zero-shot encoder similarity to the taxonomy's multilingual "
                   "descriptions, calibrated on labelled authors; none for too little text.")
    adds = ("interests", "interest_model")
    Options = InterestsOptions

    @property
    def classifier(self) -> InterestClassifier:
        return default_classifier(self.settings, self.options.model)

    @property
    def model_id(self) -> str:
        return self.classifier.model_id

    def __call__(self, authors: list[Author], ctx: BatchContext) -> list[Author]:
        if not authors:
            return authors
        classifier = self.classifier
        for author, interests in zip(authors, classifier.classify(authors), strict=True):
            self.apply(author, {"interests": interests, "interest_model": classifier.model_id})
        return authors


def write_calibration(calibration: Calibration, path: Path = CALIBRATION) -> None:
    path.write_text(json.dumps(calibration.model_dump(), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
