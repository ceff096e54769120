"""Train the offline sentiment classifier: a BERT head on the frozen multilingual encoder.

multilingual-e5-small was trained to be read by *mean pooling* its last layer, while
``BertForSequenceClassification`` reads only the ``[CLS]`` state. On our data a classifier on
the mean-pooled state beats one on ``[CLS]`` by about six macro-F1 points on the multilingual
set, so the model gets a thirteenth encoder layer, a plain ``BertLayer`` whose weights are set
(not trained) to write ``LayerNorm(mean of the tokens)`` into ``[CLS]``:

* query and key weights zero: every token gets the same attention score, so attention is a
  uniform average over the non-padding tokens (exactly e5's pooling mask);
* value = identity: the average is of the layer-12 states themselves;
* attention output = :data:`POOL_SCALE` × identity: the residual ``[CLS]`` state added before
  the LayerNorm is drowned (one part in a thousand), LayerNorm removes the scale;
* feed-forward weights zero: the output LayerNorm sees its input again and keeps it.

The encoder stays frozen, so each training text goes through it once; the states are cached,
and the head on top (BERT's pooler dense + tanh, then the linear classifier) is trained on
them for a few epochs at almost no cost. Fine-tuning the encoder would cost a forward and a
backward pass per text per epoch, far beyond a setup step on two CPU cores.

Determinism: a fixed seed for every random draw (initialisation, dropout, batch order),
``torch.use_deterministic_algorithms``, and fixed thread counts (floating-point sums are split
differently across a different number of threads). Same inputs, same weights out.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lab.evals.sentiment import accuracy, confusion_matrix, macro_f1

if TYPE_CHECKING:
    import torch
    from transformers import BertForSequenceClassification

ID2LABEL = {0: "negative", 1: "neutral", 2: "positive"}
LABEL2ID = {label: index for index, label in ID2LABEL.items()}
POOL_SCALE = 1000.0
HEAD_THREADS = 1
"""The head's matrices are tiny: a second thread only adds synchronisation (and on a busy
machine, waiting for a descheduled thread makes training many times slower)."""


@dataclass(frozen=True)
class TrainSpec:
    """Everything that decides the trained weights; its JSON form is part of the build's
    identity (a directory built from the same spec and data is not rebuilt)."""

    seed: int = 20260101
    threads: int = 2
    max_length: int = 64
    """Tokens per text: posts are short; long snippets keep their opening."""
    caps: dict[str, int] = field(default_factory=lambda: {
        "vader_amazon": 1200, "vader_movies": 800, "vader_nyt": 1200})
    """At most this many training rows of a corpus (a fixed hashed sample): the long snippet
    corpora would otherwise cost most of the encoding time and drown the tweets."""
    eval_cap: int = 150
    """Held-out rows scored per corpus in the build's metrics (VADER tweets: all of them)."""
    epochs: int = 20
    batch_size: int = 64
    lr: float = 5e-4
    weight_decay: float = 0.01
    dropout: float = 0.3
    """Chosen on a dev split of the training corpora (:func:`lab.train.data.is_dev`): dev
    macro-F1 was flat (0.69-0.72) over 3-20 epochs, lr 5e-4-2e-3, dropout 0.1-0.3, so by the
    one-standard-error rule the most regularised setting within 0.012 of the best was taken."""
    pooling: str = "mean of the last layer, by a fixed 13th layer"
    trainable: str = "pooler dense and classifier only"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def set_determinism(spec: TrainSpec) -> None:
    """Seed torch and pin threads and kernels, so two builds give the same weights."""
    import torch

    torch.manual_seed(spec.seed)
    torch.set_num_threads(spec.threads)
    torch.use_deterministic_algorithms(True)


def make_mean_pooling_layer(layer: torch.nn.Module) -> None:
    """Set a ``BertLayer``'s weights so that its ``[CLS]`` output is the LayerNorm of the mean
    of its input tokens (see the module docstring for why each weight is what it is)."""
    import torch

    attention = layer.attention
    with torch.no_grad():
        for linear in (attention.self.query, attention.self.key, layer.intermediate.dense,
                       layer.output.dense):
            linear.weight.zero_()
            linear.bias.zero_()
        attention.self.value.weight.copy_(torch.eye(attention.self.value.weight.shape[0]))
        attention.self.value.bias.zero_()
        dense = attention.output.dense
        dense.weight.copy_(POOL_SCALE * torch.eye(dense.weight.shape[0]))
        dense.bias.zero_()
        for norm in (attention.output.LayerNorm, layer.output.LayerNorm):
            norm.weight.fill_(1.0)
            norm.bias.zero_()


def classifier_from_encoder(encoder_dir: Path) -> BertForSequenceClassification:
    """The encoder plus the mean-pooling 13th layer, as a three-class
    ``BertForSequenceClassification`` whose head is still untrained."""
    from transformers import AutoConfig, BertForSequenceClassification
    from transformers.utils import logging as hf_logging

    config = AutoConfig.from_pretrained(encoder_dir)
    layers = config.num_hidden_layers
    config.num_hidden_layers = layers + 1
    config.architectures = ["BertForSequenceClassification"]
    config.id2label, config.label2id = dict(ID2LABEL), dict(LABEL2ID)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the new layer and head are "newly initialised": we know
    try:
        model = BertForSequenceClassification.from_pretrained(encoder_dir, config=config)
    finally:
        hf_logging.set_verbosity(verbosity)
    make_mean_pooling_layer(model.bert.encoder.layer[layers])
    return model.eval()


def encode(model: BertForSequenceClassification, tokenizer: Any, texts: Sequence[str],
           spec: TrainSpec, say: Callable[[str], None] = print) -> torch.Tensor:
    """The last-layer ``[CLS]`` state of every text: what the pooler will read.

    Texts go in batches of similar token count, so padding (which costs as much as real
    tokens) stays small."""
    import torch

    ids = tokenizer(list(texts), truncation=True, max_length=spec.max_length)["input_ids"]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    states = torch.zeros(len(ids), model.config.hidden_size)
    start, batch = time.perf_counter(), 32
    with torch.inference_mode():
        for done in range(0, len(order), batch):
            chosen = order[done:done + batch]
            inputs = tokenizer.pad({"input_ids": [ids[i] for i in chosen]}, return_tensors="pt")
            states[chosen] = model.bert(**inputs).last_hidden_state[:, 0]
            if done and done % (batch * 60) == 0:
                say(f"  encoded {done}/{len(ids)} texts ({time.perf_counter() - start:.0f} s)")
    say(f"  encoded {len(ids)} texts in {time.perf_counter() - start:.0f} s")
    return states


def cached_encode(model: BertForSequenceClassification, tokenizer: Any, texts: Sequence[str],
                  spec: TrainSpec, cache_dir: Path, encoder_id: str,
                  say: Callable[[str], None] = print) -> torch.Tensor:
    """:func:`encode`, kept on disk under a key of the encoder, length limit and texts, so
    a rebuild that only changes the head (``--force``) does not encode again."""
    import torch

    key = hashlib.sha256("\x00".join([encoder_id, str(spec.max_length), *texts]).encode())
    path = cache_dir / f"states-{key.hexdigest()[:20]}.pt"
    if path.is_file():
        say(f"  reusing cached encoder states {path.name}")
        return torch.load(path)
    states = encode(model, tokenizer, texts, spec, say)
    cache_dir.mkdir(parents=True, exist_ok=True)
    torch.save(states, path)
    return states


def train_head(model: BertForSequenceClassification, states: torch.Tensor,
               labels: Sequence[str], spec: TrainSpec) -> None:
    """Fit the pooler dense and the classifier on cached ``[CLS]`` states, in place.

    The states are standardised per dimension for training (Adam then treats every dimension
    alike), and the standardisation is folded into the pooler's weights afterwards, so the
    saved model reads raw states. The pooler starts as the identity (the converted encoder's
    pooler); the loss weights each class by the inverse of its frequency, since macro-F1
    counts the rare neutral class as much as the others."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(HEAD_THREADS)
    torch.manual_seed(spec.seed)  # dropout draws from the global generator
    generator = torch.Generator().manual_seed(spec.seed)
    y = torch.tensor([LABEL2ID[label] for label in labels])
    mu, sd = states.mean(0), states.std(0) + 1e-6
    x = (states - mu) / sd
    pooler, classifier = model.bert.pooler.dense, model.classifier
    with torch.no_grad():
        pooler.weight.copy_(torch.eye(pooler.weight.shape[0]))
        pooler.bias.zero_()
        classifier.weight.normal_(0.0, model.config.initializer_range, generator=generator)
        classifier.bias.zero_()
    head = torch.nn.Sequential(torch.nn.Dropout(spec.dropout), pooler, torch.nn.Tanh(),
                               torch.nn.Dropout(spec.dropout), classifier)
    counts = torch.bincount(y, minlength=len(ID2LABEL)).float()
    loss_fn = torch.nn.CrossEntropyLoss(weight=counts.sum() / (len(ID2LABEL) * counts))
    optimiser = torch.optim.AdamW(head.parameters(), lr=spec.lr, weight_decay=spec.weight_decay)
    head.train()
    try:
        for _ in range(spec.epochs):
            order = torch.randperm(len(y), generator=generator)
            for start in range(0, len(order), spec.batch_size):
                batch = order[start:start + spec.batch_size]
                loss = loss_fn(head(x[batch]), y[batch])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
        with torch.no_grad():
            weight = pooler.weight / sd  # W·((s - mu) / sd) = (W / sd)·s - (W / sd)·mu
            pooler.bias.sub_(weight @ mu)
            pooler.weight.copy_(weight)
    finally:
        head.eval()
        torch.set_num_threads(threads)


def predict(model: BertForSequenceClassification, states: torch.Tensor) -> list[str]:
    """Labels for cached ``[CLS]`` states, through the model's own pooler and classifier."""
    import torch

    with torch.inference_mode():
        logits = model.classifier(model.bert.pooler(states[:, None, :]))
    return [ID2LABEL[int(i)] for i in logits.argmax(-1)]


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """n, accuracy and macro-F1 as the evaluation harness computes them."""
    matrix = confusion_matrix(list(truth), list(predicted))
    return {"n": len(truth), "accuracy": round(accuracy(matrix), 4),
            "macro_f1": round(macro_f1(matrix), 4)}
