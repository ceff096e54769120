"""The lab: how the offline models are built and how every analysis is measured.

``train`` builds the sentiment model from registry corpora, ``encoder_build`` converts the
encoder, ``evals`` scores each analysis on the labelled sets in ``data/``. Nothing at run time
imports this package: a deployment needs the models it builds, not the code that builds them.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

Row = TypeVar("Row")

DATA = Path(__file__).parent / "data"
"""The labelled sets (JSON lines), written for this project; never trained on where an
evaluation reads them (see :mod:`lab.train.data`)."""


def read_labelled(path: Path, parse: Callable[[str], Row], shape: str) -> list[Row]:
    """Every non-blank line of ``path`` through ``parse``. A line it cannot read is a
    ValueError naming the file, the line and the ``shape`` expected: a hand-edited set fails
    at its mistake, not with a wrong score."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(parse(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a {shape} ({exc})") from None
    return rows
