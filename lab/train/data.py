"""The rows the sentiment model may learn from, and the development split it tunes on.

The corpora themselves and the held-out rule live in :mod:`lab.corpora`, which the evaluation
reads too, so the trainer and ``sensing eval sentiment`` agree on what was held out without
either importing the other. Training never sees :data:`lab.corpora.SET_PATH` (the
multilingual truth set): a training text that equals any evaluation text, compared in
:func:`sensing.text.hash_form`, is dropped, whichever corpus it came from.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from lab.corpora import LabelledPost, is_held_out, load_set, read_corpora
from sensing.text import hash_form

DEV_SALT = "sensing-sentiment-dev-v1:"
DEV_PERCENT = 15
"""Share of the training rows kept aside to choose hyper-parameters (never the held-out rows)."""


def training_sets(data_dir: Path) -> dict[str, list[LabelledPost]]:
    """The rows a model may learn from: not held out, and no text equal to any held-out text
    or to any text of the multilingual evaluation set (corpora repeat tweets and sentences,
    and a repeat on both sides would leak the answer into the score)."""
    corpora = read_corpora(data_dir)
    forbidden = {hash_form(e.text) for e in load_set()}
    forbidden |= {hash_form(e.text) for rows in corpora.values() for e in rows
                  if is_held_out(e.id)}
    return {name: [e for e in rows if not is_held_out(e.id) and hash_form(e.text) not in forbidden]
            for name, rows in corpora.items()}


def _rank(example_id: str, salt: str) -> str:
    return hashlib.sha1(f"{salt}{example_id}".encode()).hexdigest()


def is_dev(example_id: str) -> bool:
    """Whether a training row is kept aside for choosing hyper-parameters (same rule as the
    held-out split, another salt)."""
    return int(_rank(example_id, DEV_SALT)[:8], 16) % 100 < DEV_PERCENT


def hash_order(examples: list[LabelledPost], salt: str = DEV_SALT) -> list[LabelledPost]:
    """``examples`` in a fixed pseudo-random order (by hashed id), so taking the first N is a
    reproducible sample that does not depend on file order."""
    return sorted(examples, key=lambda e: _rank(e.id, salt))
