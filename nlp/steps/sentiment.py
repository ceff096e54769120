"""``sentiment``: a multilingual transformer classifier, with emoji and emoticons counted.

The model is any Hugging Face sequence-classification directory or cached name (default:
the settings' ``sentiment_path``, the offline ``sentiment-e5-small`` that ``sensing models
build`` trains), run by :mod:`nlp.transformer` once per batch; the offline model reads the
encoder pass ``relevance`` already made of the batch (:mod:`nlp.encoding`). Users with a
model hub point ``SENSING_SENTIMENT_MODEL`` (or the step's ``model`` option) at a stronger
model; nothing else changes, because any model's labels are mapped to ours
(:func:`label_valences`):

* **names**: ``positive``/``neutral``/``negative`` or ``pos``/``neu``/``neg`` (any case);
  a model without a neutral class (positive/negative only) simply never says neutral;
* **star ratings**: ``1 star`` .. ``5 stars`` (review models): 1-2 negative, 3 neutral, 4-5
  positive, each star worth ``(stars - 3) / 2`` of valence, so the score is the expected
  rating rescaled to -1..1;
* **LABEL_0, LABEL_1, LABEL_2** (a model saved without label names), only when there are
  exactly three: negative, neutral, positive, the order three-class tweet-sentiment models
  use. Any other label set is an error that names the labels, not a silent guess.

``score = Σ P(label) · valence(label)``, which for named classes is ``P(positive) -
P(negative)``; ``label`` is the class with the largest summed probability.

Emoji and emoticons: the classifier reads them as tokens, but learned them from little data.
The lexicon's readings (:mod:`nlp.steps.sentiment_lexicon`: our emoji table, VADER's
emoticons) tilt the model's probabilities as extra evidence: every label's probability is
multiplied by ``exp(emoji_weight · e · valence(label))`` and renormalised, where ``e`` in
-1..1 is the VADER-normalised sum of the post's emoji and emoticon valences. The default
weight was chosen on ``sensing eval sentiment`` (see :data:`EMOJI_WEIGHT`).

An empty post gets ``neutral`` 0.0 with model ``none:empty-text`` (nothing was measured),
the lexicon step's convention for "not measured".
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from nlp.builds import MODEL_RECORD
from nlp.encoding import batch_states
from nlp.steps.sentiment_lexicon import emoji_valences, normalise, vader
from nlp.transformer import BATCH_SIZE, TransformerModel, load_model
from sensing.config import Settings, get_settings
from sensing.schemas import Post, Sentiment, SentimentLabel

EMOJI_WEIGHT = 2.0
"""How strongly emoji tilt the model (0: not at all). Measured with sentiment-e5-small (fp32),
macro-F1 at weights 0 / 1 / 2 / 3: multilingual set (language mean) 0.748 / 0.764 / 0.774 /
0.776, held-out VADER tweets 0.694 / 0.698 / 0.701 / 0.705, held-out EvoMSA tweets 0.622 /
0.633 / 0.633 / 0.618. 2 helps all three; 3 starts to cost EvoMSA (whose emoji often mock),
and the multilingual set is the truth set, not a tuning set, so the one scalar chosen with
it is kept where the other sets agree."""
CLASS_NAMES: dict[str, SentimentLabel] = {
    "positive": "positive", "pos": "positive",
    "neutral": "neutral", "neu": "neutral",
    "negative": "negative", "neg": "negative"}
CLASS_VALENCE: dict[SentimentLabel, float] = {"positive": 1.0, "neutral": 0.0, "negative": -1.0}
UNNAMED_THREE = ("negative", "neutral", "positive")
"""``LABEL_0..2`` in the order of three-class tweet-sentiment models."""
STARS = re.compile(r"([1-5]) stars?")
UNNAMED = re.compile(r"label_(\d+)")
EMOTICON_MARKS = frozenset(":;=<>")
"""An emoticon in VADER's lexicon has at least one of these (":)", ";-(", "<3", "=D"); the
rest of its non-alphabetic entries are numbers and slang ("143", "2qt")."""


def label_valences(labels: list[str]) -> list[tuple[SentimentLabel, float]]:
    """For each of a model's labels (lower-cased, in output order): the class it counts for
    and its valence in -1..1. Raises ValueError for a label set no rule covers."""
    mapped: list[tuple[SentimentLabel, float]] = []
    for label in labels:
        stars = STARS.fullmatch(label)
        unnamed = UNNAMED.fullmatch(label)
        if label in CLASS_NAMES:
            cls = CLASS_NAMES[label]
            mapped.append((cls, CLASS_VALENCE[cls]))
        elif stars:
            rating = int(stars.group(1))
            cls = "negative" if rating < 3 else "neutral" if rating == 3 else "positive"
            mapped.append((cls, (rating - 3) / 2))
        elif unnamed and len(labels) == 3 and int(unnamed.group(1)) < 3:
            cls = UNNAMED_THREE[int(unnamed.group(1))]
            mapped.append((cls, CLASS_VALENCE[cls]))
        else:
            raise ValueError(f"cannot read sentiment labels {labels}: expected positive/"
                             f"neutral/negative (or pos/neu/neg), '1 star'..'5 stars', or "
                             f"exactly three LABEL_0..LABEL_2")
    return mapped


def reading(probabilities: list[float], valences: list[tuple[SentimentLabel, float]],
            tilt: float = 0.0) -> tuple[SentimentLabel, float]:
    """Our label and -1..1 score from a model's probabilities (in label order, mapped by
    :func:`label_valences`), after tilting them by ``tilt`` (emoji evidence: > 0 favours
    positive labels, < 0 negative ones)."""
    if tilt:
        weighted = [p * math.exp(tilt * v)
                    for p, (_, v) in zip(probabilities, valences, strict=True)]
        total = sum(weighted)
        probabilities = [p / total for p in weighted]
    per_class = dict.fromkeys(CLASS_VALENCE, 0.0)
    for p, (cls, _) in zip(probabilities, valences, strict=True):
        per_class[cls] += p
    score = sum(p * v for p, (_, v) in zip(probabilities, valences, strict=True))
    return max(per_class, key=per_class.__getitem__), round(max(-1.0, min(1.0, score)), 4)


def expressive_valence(text: str) -> float:
    """The post's emoji and emoticons as one number in -1..1 (0: none carry a valence)."""
    lexicon = vader().lexicon
    emoticons = [lexicon[token] for token in text.split()
                 if token in lexicon and EMOTICON_MARKS.intersection(token)]
    return normalise(sum(emoji_valences(text)) + sum(emoticons))


def model_name(source: str, int8: bool) -> str:
    """What ``Sentiment.model`` records: the directory's name (or the hub name), a short hash
    of its build record when ``sensing models build`` wrote one (so two builds of the same
    name are told apart), and ``+int8`` when quantised."""
    path = Path(source).expanduser()
    record = path / MODEL_RECORD
    name = path.name if path.is_dir() else source
    if record.is_file():
        name += "@" + hashlib.sha1(record.read_bytes()).hexdigest()[:8]
    return name + ("+int8" if int8 else "")


@dataclasses.dataclass(frozen=True)
class SentimentScorer:
    """Sentiment of any texts (posts, clauses) with one model: what the step and the aspect
    step share, so a clause is scored exactly as a post is."""

    model: TransformerModel
    emoji_weight: float = EMOJI_WEIGHT

    @cached_property
    def name(self) -> str:
        return model_name(self.model.source, self.model.int8)

    @cached_property
    def valences(self) -> list[tuple[SentimentLabel, float]]:
        return label_valences(self.model.labels)

    def score(self, texts: list[str], ctx: BatchContext | None = None) -> list[Sentiment]:
        """One Sentiment per text, in order; empty texts are 'not measured'. With ``ctx``, a
        model that pools by a fixed mean layer reads the batch's shared encoder pass
        (:mod:`nlp.encoding`) and adds its own to it."""
        measured = [i for i, text in enumerate(texts) if text.strip()]
        results = [Sentiment(label="neutral", score=0.0, model="none:empty-text")
                   for _ in texts]
        chosen = [texts[i] for i in measured]
        if not chosen:
            return results
        if self.model.pooling_layer is None:
            rows = [list(p.values()) for p in self.model.classify(chosen)]
        else:
            states = (batch_states(ctx, self.model, chosen) if ctx is not None
                      else self.model.token_states(chosen))
            rows = self.model.classify_means(np.stack([s.mean() for s in states]),
                                             np.stack([s.first for s in states])).tolist()
        for i, row in zip(measured, rows, strict=True):
            results[i] = self.reading(row, texts[i])
        return results

    def reading(self, probabilities: list[float], text: str) -> Sentiment:
        """Our Sentiment from the model's probabilities (label order) for ``text``, tilted by
        the text's emoji and emoticons."""
        tilt = self.emoji_weight * expressive_valence(text) if self.emoji_weight else 0.0
        label, score = reading(probabilities, self.valences, tilt)
        return Sentiment(label=label, score=score, model=self.name)


@lru_cache(maxsize=8)
def scorer(model: str, threads: int, int8: bool, batch_size: int,
           emoji_weight: float) -> SentimentScorer:
    """One scorer per configuration per process (the model itself is shared further by
    :func:`nlp.transformer.load_model`). The label mapping is checked here, so a model
    whose labels cannot be read fails when loaded, not on every batch."""
    loaded = load_model(model, threads=threads, int8=int8)
    label_valences(loaded.labels)
    return SentimentScorer(dataclasses.replace(loaded, batch_size=batch_size), emoji_weight)


def default_scorer() -> SentimentScorer:
    """The deployment's sentiment model (settings: model path, threads, int8)."""
    settings = get_settings()
    return scorer(settings.sentiment_path, settings.torch_threads, settings.quantize_int8,
                  BATCH_SIZE, EMOJI_WEIGHT)


class SentimentOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str | None = Field(None, description="Sequence-classification model path or name; "
                              "default: the settings' (SENSING_SENTIMENT_MODEL, else "
                              "MODELS_DIR/sentiment-e5-small).")
    threads: int | None = Field(None, ge=0, le=256, description="Torch threads; default: "
                                "SENSING_TORCH_THREADS.")
    int8: bool | None = Field(None, description="Dynamic int8 quantisation; default: "
                              "SENSING_QUANTIZE_INT8.")
    batch_size: int = Field(BATCH_SIZE, ge=1, le=1024, description="Texts per forward pass "
                            "(batches are formed from texts of similar length).")
    emoji_weight: float = Field(EMOJI_WEIGHT, ge=0, le=10, description="How strongly emoji "
                                "and emoticons tilt the model's probabilities (0: not at all).")


@register
class ModelSentiment(Step):
    name = "sentiment"
    version = "2.0"
    title = "Sentiment (multilingual transformer + emoji)"
    description = ("Positive/neutral/negative and a -1..1 score (P(positive) - P(negative)) "
                   "from a sequence-classification model in every language it reads, with "
                   "emoji and emoticons as extra evidence; empty posts are 'none:empty-text'.")
    adds = ("sentiment",)
    Options = SentimentOptions

    def scorer(self) -> SentimentScorer:
        settings: Settings = self.settings or get_settings()
        o = self.options
        return scorer(o.model or settings.sentiment_path,
                      settings.torch_threads if o.threads is None else o.threads,
                      settings.quantize_int8 if o.int8 is None else o.int8,
                      o.batch_size, o.emoji_weight)

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        sentiments = self.scorer().score([post.text for post in posts], ctx)
        for post, sentiment in zip(posts, sentiments, strict=True):
            self.apply(post, {"sentiment": sentiment})
        return posts
