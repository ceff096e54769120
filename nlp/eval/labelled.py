"""What every evaluation shares: reading a hand-labelled JSON lines set, and precision,
recall and F1 from counts, so ``sensing eval`` reports mean the same in every table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

Row = TypeVar("Row")


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


def precision(correct: int, found: int) -> float:
    """Share of what was found that is right; 1.0 when nothing was found."""
    return correct / found if found else 1.0


def recall(correct: int, true: int) -> float:
    """Share of what is there that was found; 1.0 when nothing was there."""
    return correct / true if true else 1.0


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0
