"""Fit the interest classifier's calibration (:class:`audience.interests.Calibration`) on the
train split of the labelled authors, and write it to ``audience/data/
interest_calibration.json``: ``python -m lab.train.interests``.

Each labelled post is one example: its similarities to the taxonomy's categories, and its
class (a category, or "none" for chatter). The model is a multinomial logistic regression
with a shared temperature, a bias per category and the similarity level of "none" (twelve
numbers for ten categories), fitted by L-BFGS on the cross-entropy with a small L2 pull of
the biases towards 0, so a category the train split shows rarely is not pushed far on a
handful of posts. Deterministic: the same
file and encoder give the same numbers.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from audience.interests import (
    CALIBRATION,
    Calibration,
    describe,
    similarities,
    write_calibration,
)
from audience.taxonomy import Taxonomy, load_taxonomy
from lab.evals.interests import DEFAULT_SET, load_set
from nlp.transformer import TransformerModel, load_model
from sensing.config import get_settings

L2 = 0.01


def examples(model: TransformerModel, taxonomy: Taxonomy, path: Path
             ) -> tuple[np.ndarray, np.ndarray]:
    """(posts × categories similarities, class index per post: category, or n for none)."""
    from audience.interests import PREFIX, author_texts

    texts, classes = [], []
    ids = taxonomy.category_ids
    for row in load_set(path, "train"):
        posts = author_texts(row.author.model_copy(update={"bio": ""}))
        for (text, _), label in zip(posts, row.post_labels, strict=True):
            texts.append(text)
            classes.append(ids.index(label) if label else len(ids))
    vectors = model.embed(texts, prefix=PREFIX)
    by_category, _ = similarities(vectors, describe(model, taxonomy), len(ids))
    return by_category, np.array(classes)


def fit(by_category: np.ndarray, classes: np.ndarray) -> tuple[float, np.ndarray, float]:
    """(temperature, category biases, none level) minimising the regularised
    cross-entropy."""
    n, k = by_category.shape

    def loss(params: np.ndarray) -> float:
        temperature, biases, none_level = params[0], params[1:k + 1], params[k + 1]
        logits = np.concatenate([temperature * by_category + biases,
                                 np.full((n, 1), temperature * none_level)], axis=1)
        top = logits.max(axis=1, keepdims=True)
        log_norm = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
        return float((log_norm - logits[np.arange(n), classes]).mean()
                     + L2 * biases @ biases)

    start = np.concatenate([[50.0], np.zeros(k), [0.8]])
    found = minimize(loss, start, method="L-BFGS-B",
                     bounds=[(1.0, 500.0)] + [(None, None)] * k + [(0.0, 1.0)])
    if not found.success:
        raise RuntimeError(f"the calibration did not converge: {found.message}")
    return float(found.x[0]), found.x[1:k + 1], float(found.x[k + 1])


def train(path: Path = DEFAULT_SET, out: Path = CALIBRATION) -> Calibration:
    settings = get_settings()
    taxonomy = load_taxonomy(settings.interest_taxonomy)
    model = load_model(settings.encoder_path, threads=settings.torch_threads)
    by_category, classes = examples(model, taxonomy, path)
    temperature, biases, none_level = fit(by_category, classes)
    calibration = Calibration(
        temperature=round(temperature, 4), none_level=round(none_level, 4),
        biases={c: round(float(b), 4) for c, b in zip(taxonomy.category_ids, biases,
                                                       strict=True)},
        taxonomy_digest=taxonomy.digest,
        fitted_on={"set": path.name, "split": "train", "posts": int(len(classes)),
                   "set_sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    write_calibration(calibration, out)
    return calibration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--out", type=Path, default=CALIBRATION)
    args = parser.parse_args()
    found = train(args.set, args.out)
    print(f"fitted on {found.fitted_on['posts']} posts: temperature {found.temperature}, "
          f"none level {found.none_level}; wrote {args.out}")


if __name__ == "__main__":
    main()
