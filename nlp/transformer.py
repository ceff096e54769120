"""One way to run any Hugging Face encoder: classify texts or embed them, fast on a CPU.

Every model the analysis uses (the sentiment classifier, which also reads aspect clauses, the
multilingual e5 encoder behind relevance, or a stronger model a user with a model hub points
the settings at) goes through :func:`load_model`, so batching, truncation, threads and
quantisation are tuned in one place and behave the same for all of them.

Why it is shaped this way:

* **Nothing is ever downloaded.** Models load with ``local_files_only=True``: a directory
  built by ``sensing models build``, or a hub name already in the local cache. A missing
  model is a :class:`ModelNotFound` that says how to get one, not a network timeout in a
  worker.
* **Length-bucketed batches.** Social posts range from three tokens to hundreds. Padding a
  batch to its longest text wastes most of the work when lengths are mixed, so texts are
  tokenised once, sorted by token count, cut into batches of similar length, and the results
  are put back in input order. Texts are truncated to :data:`MAX_TOKENS` (the classifier
  was trained on posts, and attention cost grows with the square of the length).
* **One cached model per process** per (path, int8): loading e5 takes seconds and ~0.5 GB, so
  every step in a worker shares it. Torch's thread count is set once, when asked, because it
  is process-wide.
* **Optional dynamic int8** of the ``nn.Linear`` layers: weights stored as int8, activations
  quantised on the fly; on a CPU that is faster, at a small cost in accuracy that
  ``tests/nlp/test_transformer.py`` bounds.
"""

from __future__ import annotations

import copy
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from transformers import (
    AutoConfig,
    AutoModel,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

MAX_TOKENS = 256
"""Longer texts are truncated: posts rarely need more, and the cost grows quadratically."""
BATCH_SIZE = 32
"""Texts per forward pass; with length bucketing, larger batches gain little on a CPU."""
CHARS_PER_TOKEN_CAP = 16
"""A text is cut to ``max_length * CHARS_PER_TOKEN_CAP`` characters before tokenising, so a
1 MB post costs as little as a long one: a SentencePiece token rarely spans more than a few
characters, so the cut never reaches what truncation keeps."""

_cache: dict[tuple[str, bool], TransformerModel] = {}
_cache_lock = threading.Lock()
_threads_set = False


class ModelNotFound(FileNotFoundError):
    """The model is neither a local directory nor in the local model cache."""


@dataclass(frozen=True)
class TransformerModel:
    """A loaded tokenizer and model; thread-safe to call (inference only)."""

    source: str
    """The path or name it was loaded from."""
    tokenizer: PreTrainedTokenizerBase
    model: PreTrainedModel
    int8: bool
    max_length: int = MAX_TOKENS
    batch_size: int = BATCH_SIZE

    @property
    def labels(self) -> list[str]:
        """The classifier's labels in output order, lower-cased (``config.id2label``)."""
        id2label = self.model.config.id2label
        return [str(id2label[i]).lower() for i in range(len(id2label))]

    @property
    def is_classifier(self) -> bool:
        return _is_classifier(self.model.config)

    def classify(self, texts: list[str]) -> list[dict[str, float]]:
        """Class probabilities (softmax over the logits) per text: label -> probability."""
        if not self.is_classifier:
            raise ValueError(f"{self.source} is an encoder without a classification head "
                             f"(architectures {self.model.config.architectures}); classify "
                             f"needs a *ForSequenceClassification model")
        labels = self.labels
        probabilities = np.zeros((len(texts), len(labels)), dtype=np.float32)
        if texts:
            ids = self._token_ids(texts)
            for chosen, input_ids, mask in self._batches(ids):
                logits = self.model(input_ids=input_ids, attention_mask=mask).logits
                probabilities[chosen] = torch.softmax(logits.float(), dim=-1).numpy()
        return [dict(zip(labels, row.tolist(), strict=True)) for row in probabilities]

    def embed(self, texts: list[str], prefix: str = "query: ") -> np.ndarray:
        """(n, dim) float32 sentence vectors (:meth:`TokenStates.vector`), so a dot product is
        a cosine similarity. ``prefix`` follows e5's convention ("query: " for short texts
        compared with each other, "passage: " for documents); pass "" for a model trained
        without one."""
        states = self.token_states([prefix + text for text in texts])
        return np.stack([s.vector() for s in states]) if states else np.zeros(
            (0, self.model.config.hidden_size), dtype=np.float32)

    @cached_property
    def pooling_layer(self) -> torch.nn.Module | None:
        """The classifier's last encoder layer when it is a fixed *mean-pooling* layer (query
        and key weights zero, so every token attends to every other equally), else None.

        The offline sentiment model is built that way (:mod:`lab.train.sentiment`): e5's
        twelve layers, then this layer writing the mean of their output into ``[CLS]`` for the
        head. Its output then depends on the token states only through their mean, and the
        states below it are e5's own, the ones relevance compares: one encoder pass per post
        serves both (:meth:`classify_means`, :mod:`nlp.encoding`)."""
        if not self.is_classifier:
            return None
        layers = getattr(getattr(self.model.base_model, "encoder", None), "layer", None)
        attention = getattr(layers[-1], "attention", None) if layers else None
        query = getattr(getattr(attention, "self", None), "query", None)
        key = getattr(getattr(attention, "self", None), "key", None)
        if query is None or key is None or _weight(query).any() or _weight(key).any():
            return None
        return layers[-1]

    @cached_property
    def _trunk(self) -> torch.nn.Module:
        """The encoder whose last hidden states :meth:`token_states` returns: the bare
        encoder, or the classifier's base model without its mean-pooling layer (a shallow
        copy sharing every weight, so nothing is loaded twice)."""
        base = self.model.base_model if self.is_classifier else self.model
        if self.pooling_layer is None:
            return base
        trunk = copy.copy(base)
        trunk._modules = dict(base._modules)
        trunk.encoder = copy.copy(base.encoder)
        trunk.encoder._modules = dict(base.encoder._modules)
        trunk.encoder.layer = torch.nn.ModuleList(list(base.encoder.layer)[:-1])
        return trunk

    def token_states(self, texts: list[str]) -> list[TokenStates]:
        """Per text, the last hidden state of every token (for a mean-pooling classifier: the
        states its pooling layer averages)."""
        ids = self._token_ids(texts) if texts else []
        found: list[TokenStates | None] = [None] * len(ids)
        for chosen, input_ids, mask in self._batches(ids):
            hidden = self._trunk(input_ids=input_ids, attention_mask=mask).last_hidden_state
            for row, i in enumerate(chosen):
                found[i] = TokenStates(hidden[row, :len(ids[i])].float().numpy().copy())
        return cast(list[TokenStates], found)

    def classify_means(self, means: np.ndarray, firsts: np.ndarray) -> np.ndarray:
        """(n, labels) class probabilities from pooled token states, for a classifier with a
        :attr:`pooling_layer`: ``means`` are the texts' average token states, ``firsts`` their
        ``[CLS]`` states, which the pooling layer adds as its residual. This is the model's own
        computation after its attention, which for a uniform attention reduces to the value
        projection of the mean."""
        layer = self.pooling_layer
        if layer is None:
            raise ValueError(f"{self.source} does not pool by a fixed mean layer; classify "
                             f"the texts instead")
        with torch.inference_mode():
            mean, first = torch.from_numpy(means), torch.from_numpy(firsts)
            attended = layer.attention.output(layer.attention.self.value(mean), first)
            pooled_state = layer.output(layer.intermediate(attended), attended)
            pooled = self.model.base_model.pooler(pooled_state.unsqueeze(1))
            logits = self.model.classifier(pooled)
            return torch.softmax(logits.float(), dim=-1).numpy()

    def _token_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids of the texts, each cut first to what truncation could keep."""
        cap = self.max_length * CHARS_PER_TOKEN_CAP
        return self.tokenizer([text[:cap] for text in texts], truncation=True,
                              max_length=self.max_length)["input_ids"]

    def _batches(self, ids: list[list[int]]
                 ) -> Iterator[tuple[list[int], torch.Tensor, torch.Tensor]]:
        """Batches of texts of similar length (their indices, padded ids and attention mask),
        run under ``torch.inference_mode``."""
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                chosen = order[start:start + self.batch_size]
                yield chosen, *self._padded([ids[i] for i in chosen])

    def _padded(self, batch: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Right-padded ids and the attention mask marking the real tokens."""
        width = max(len(ids) for ids in batch)
        pad = self.tokenizer.pad_token_id or 0
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, :len(ids)] = torch.tensor(ids, dtype=torch.long)
            mask[row, :len(ids)] = 1
        return input_ids, mask


def _weight(linear: torch.nn.Module) -> torch.Tensor:
    """A linear layer's weight as a float tensor; an int8 layer keeps it behind a method."""
    weight = linear.weight() if callable(linear.weight) else linear.weight
    return weight.dequantize() if weight.is_quantized else weight


@dataclass(frozen=True)
class TokenStates:
    """One text as an encoder read it: a state per token, special tokens included."""

    states: np.ndarray

    @property
    def first(self) -> np.ndarray:
        """The first token's state (``[CLS]``/``<s>``)."""
        return self.states[0]

    def mean(self) -> np.ndarray:
        """The average of every token's state, special tokens included, as e5 pools."""
        return self.states.mean(axis=0)

    def vector(self) -> np.ndarray:
        """e5's sentence vector: the mean, L2-normalised."""
        mean = self.mean()
        return mean / max(float(np.linalg.norm(mean)), 1e-12)


def load_model(path_or_name: str, *, threads: int = 0, int8: bool = False) -> TransformerModel:
    """The model at ``path_or_name`` (a directory, or a hub name already in the local cache),
    loaded once per process per (path, int8). ``threads`` > 0 sets torch's process-wide
    thread count the first time it is given. A directory whose config names a
    ``*ForSequenceClassification`` architecture loads with its head (``classify`` and
    ``embed`` work); any other loads as a bare encoder (``embed`` only)."""
    _set_threads_once(threads)
    key = (str(path_or_name), int8)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = _load(str(path_or_name), int8)
        return _cache[key]


def _set_threads_once(threads: int) -> None:
    global _threads_set
    if threads > 0 and not _threads_set:
        torch.set_num_threads(threads)
        _threads_set = True


def _is_classifier(config: Any) -> bool:
    return any(arch.endswith("ForSequenceClassification")
               for arch in (getattr(config, "architectures", None) or []))


def _load(source: str, int8: bool) -> TransformerModel:
    looks_like_path = source.startswith((".", "/", "~")) or Path(source).exists()
    if looks_like_path and not (Path(source).expanduser() / "config.json").is_file():
        raise ModelNotFound(_missing_message(source, "no such model directory"))
    location = str(Path(source).expanduser()) if looks_like_path else source
    try:
        config = AutoConfig.from_pretrained(location, local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(location, local_files_only=True)
        loader = AutoModelForSequenceClassification if _is_classifier(config) else AutoModel
        model = loader.from_pretrained(location, local_files_only=True, dtype=torch.float32)
    except (OSError, ValueError) as exc:
        why = "a directory without a loadable model" if looks_like_path else (
            "not a local directory, and not in the local model cache")
        raise ModelNotFound(_missing_message(source, why)) from exc
    model.eval()
    if int8:
        model = quantize_int8(model)
    return TransformerModel(source=source, tokenizer=tokenizer, model=model, int8=int8)


def _missing_message(source: str, why: str) -> str:
    return (f"model {source!r} cannot be loaded offline ({why}). Build the default models "
            f"with `sensing models build`, or set SENSING_SENTIMENT_MODEL / "
            f"SENSING_ENCODER_MODEL to a local Hugging Face model directory.")


def quantize_int8(model: PreTrainedModel) -> PreTrainedModel:
    """Dynamic int8 quantisation of every ``nn.Linear`` (weights int8 with one scale per
    output channel, activations quantised per batch). Per-channel scales keep e5's sentence
    vectors at cosine >= 0.97 of fp32 on the evaluation set, against 0.96 per tensor.

    torch 2.15 still ships ``torch.ao.quantization.quantize_dynamic`` but marks it deprecated
    in favour of the separate ``torchao`` package; it is the only eager-mode dynamic
    quantisation in torch itself, so we use it and silence only its deprecation notices."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*torch\.ao\.quantization is deprecated")
        warnings.filterwarnings("ignore", message=r".*quantized tensor creation functions")
        spec = {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}
        return torch.ao.quantization.quantize_dynamic(model, spec, dtype=torch.qint8)
