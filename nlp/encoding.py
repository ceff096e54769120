"""One encoder pass per post and batch, shared by every step that reads posts with it.

``relevance``, ``sentiment`` and ``aspects`` all need the multilingual encoder's reading of a
post, and on a CPU that reading is nearly all of their cost: three passes of a 12-layer
encoder made the text pipeline run at a third of the speed of one. With the offline
sentiment model two of them share a single pass, because of how it is built
(:mod:`lab.train.sentiment`): e5's twelve layers, frozen, then a fixed mean-pooling layer and
a small head. So the token states below that layer are both

* e5's own states, which relevance averages into sentence vectors (:meth:`TokenStates.vector`);
* what the sentiment head reads, through their mean (:meth:`TransformerModel.classify_means`).

The aspect step still encodes its clauses alone. Reading a clause as the mean of its tokens'
states in the post's pass was tried and costs too much: those states saw the rest of the post,
so "the camera is great but the battery is awful" bleeds into the camera (aspect-sentiment
accuracy 0.805 against 0.832 on ``sensing eval aspects``; English 0.679, below the post's own
label).

:func:`batch_states` keeps the states of the batch's texts in its :class:`BatchContext`, per
model, so the first step that needs a text encodes it and the others read it back; the same
text twice in a batch (a repost) is encoded once. The states go with the batch.

Whether relevance may read the sentiment model's states is decided by the build records, not
guessed (:func:`shares_encoder`): a user who points ``SENSING_SENTIMENT_MODEL`` at another
model gets their own passes for each, and the same numbers the shared pass would give when
the models are ours.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.pipeline import BatchContext
from nlp.builds import ENCODER_RECORD, MODEL_RECORD
from nlp.transformer import TokenStates, TransformerModel, load_model
from sensing.config import Settings


def batch_states(ctx: BatchContext, model: TransformerModel, texts: list[str]
                 ) -> list[TokenStates]:
    """The token states of ``texts`` under ``model``, encoding only those no earlier step of
    this batch has encoded with the same model."""
    known: dict[str, TokenStates] = ctx.encodings.setdefault((model.source, model.int8), {})
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    known.update(zip(missing, model.token_states(missing), strict=True))
    return [known[text] for text in texts]


def _record(directory: str, name: str) -> dict[str, Any]:
    path = Path(directory).expanduser() / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@lru_cache(maxsize=16)
def shares_encoder(classifier_dir: str, encoder_dir: str) -> bool:
    """True when the classifier at ``classifier_dir`` was built by ``sensing models build`` on
    the very encoder weights at ``encoder_dir``: then its states below the pooling layer are
    that encoder's (tested to be identical)."""
    built_on = _record(classifier_dir, MODEL_RECORD).get("encoder", {}).get("sha256")
    encoder = _record(encoder_dir, ENCODER_RECORD).get("source_sha256")
    return bool(built_on) and built_on == encoder


def reading_model(encoder: str, settings: Settings) -> TransformerModel:
    """The model whose token states stand for ``encoder``'s in this deployment: the sentiment
    model, when it pools the same encoder by a fixed mean layer (one pass serves both), else
    the encoder itself. Loaded once, with the worker's threads and int8 setting."""
    def load(path: str) -> TransformerModel:
        return load_model(path, threads=settings.torch_threads, int8=settings.quantize_int8)

    if shares_encoder(settings.sentiment_path, encoder):
        classifier = load(settings.sentiment_path)
        if classifier.pooling_layer is not None:
            return classifier
    return load(encoder)
