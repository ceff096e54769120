"""One way to run any Hugging Face encoder: classify texts or embed them, fast on a CPU.

Every model the analysis uses (the sentiment classifier, the multilingual e5 encoder behind
relevance and aspects, or a stronger model a user with a model hub points the settings at)
goes through :func:`load_model`, so batching, truncation, threads and quantisation are tuned
in one place and behave the same for all of them.

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

import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
        probabilities = self._run(texts, self._class_probabilities, len(labels))
        return [dict(zip(labels, row.tolist(), strict=True)) for row in probabilities]

    def embed(self, texts: list[str], prefix: str = "query: ") -> np.ndarray:
        """(n, dim) float32 sentence vectors: the last hidden states averaged over the real
        tokens (the attention mask), L2-normalised, so a dot product is a cosine similarity.
        ``prefix`` follows e5's convention ("query: " for short texts compared with each
        other, "passage: " for documents); pass "" for a model trained without one."""
        return self._run([prefix + text for text in texts], self._mean_pooled,
                         self.model.config.hidden_size)

    def _run(self, texts: list[str], forward: Any, width: int) -> np.ndarray:
        """Tokenise once, run length-sorted batches through ``forward``, and return its
        rows in the input order."""
        out = np.zeros((len(texts), width), dtype=np.float32)
        if not texts:
            return out
        cap = self.max_length * CHARS_PER_TOKEN_CAP
        ids = self.tokenizer([text[:cap] for text in texts], truncation=True,
                             max_length=self.max_length)["input_ids"]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                chosen = order[start:start + self.batch_size]
                input_ids, mask = self._padded([ids[i] for i in chosen])
                out[chosen] = forward(input_ids, mask).float().numpy()
        return out

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

    def _class_probabilities(self, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        logits = self.model(input_ids=input_ids, attention_mask=mask).logits
        return torch.softmax(logits.float(), dim=-1)

    def _mean_pooled(self, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        encoder = self.model.base_model if self.is_classifier else self.model
        hidden = encoder(input_ids=input_ids, attention_mask=mask).last_hidden_state.float()
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled, p=2, dim=-1)


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
