"""How well ``dedupe`` groups copies: pairwise precision, recall and F1 on a labelled set.

``dedupe_set.jsonl`` holds posts in English, Spanish, Korean and Japanese, one JSON object a
line: ``{id, text, group}``. Posts of one group are copies of each other (copy-pasta with
small edits, templated bot posts with other numbers, links and handles, reposts with a
comment, quoted reposts); every hard negative (same topic or same template words, different
post) and every short text is a group of its own. The posts go through ``clean`` and
``dedupe`` as one batch, in file order one minute apart; a predicted group is an original with
the posts pointing at it. A pair counts as found when both posts land in one predicted group.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

from analysis.pipeline import BatchContext, build_pipeline
from lab import DATA, read_labelled
from lab.evals.labelled import f1, precision, recall
from sensing.schemas import AuthorRef, Post

DEFAULT_SET = DATA / "dedupe_set.jsonl"
DEFAULT_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
T0 = datetime(2026, 10, 16, tzinfo=UTC)


@dataclass(frozen=True)
class Score:
    """One configuration's pairwise scores on the set."""

    config: str
    true_pairs: int
    found_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return precision(self.correct_pairs, self.found_pairs)

    @property
    def recall(self) -> float:
        return recall(self.correct_pairs, self.true_pairs)

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)


def _row(line: str) -> dict[str, str]:
    row = json.loads(line)
    return {"id": str(row["id"]), "text": str(row["text"]), "group": str(row["group"])}


def load_set(path: Path = DEFAULT_SET) -> list[dict[str, str]]:
    """The labelled rows; a malformed line is an error naming the line."""
    return read_labelled(path, _row, "{id, text, group} object")


def pairs(groups: Iterable[Sequence[str]]) -> set[tuple[str, str]]:
    """Every unordered pair of ids within each group."""
    return {tuple(sorted(pair)) for group in groups for pair in combinations(group, 2)}


def as_posts(rows: list[dict[str, str]], campaign_id: str = "eval") -> list[Post]:
    """The rows as crawled posts (``eval:<id>``) of one campaign, one minute apart."""
    return [Post(id=f"eval:{row['id']}", source="eval", raw_text=row["text"],
                 campaign_ids=[campaign_id], created_at=T0 + timedelta(minutes=i),
                 author=AuthorRef(id=f"eval:a{i}")) for i, row in enumerate(rows)]


def predicted_groups(rows: list[dict[str, str]], options: dict) -> list[list[str]]:
    """Run ``clean`` and ``dedupe`` (with ``options``) over the rows as one batch."""
    posts = as_posts(rows)
    pipeline = build_pipeline([{"step": "clean"}, {"step": "dedupe", "options": options}])
    groups: dict[str, list[str]] = defaultdict(list)
    for post in pipeline.run(posts, BatchContext()):
        groups[post.duplicate_of or post.id].append(post.id.removeprefix("eval:"))
    return list(groups.values())


def score(rows: list[dict[str, str]], config: str, options: dict) -> Score:
    truth: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        truth[row["group"]].append(row["id"])
    expected, found = pairs(truth.values()), pairs(predicted_groups(rows, options))
    return Score(config, len(expected), len(found), len(expected & found))


def evaluate(path: Path = DEFAULT_SET, thresholds: Sequence[float] = DEFAULT_THRESHOLDS
             ) -> list[Score]:
    """Exact duplicates only, then exact + near duplicates at each threshold."""
    rows = load_set(path)
    return [score(rows, "exact only", {"near": False}),
            *(score(rows, f"+ near, J ≥ {t:.2f}", {"threshold": t})
              for t in thresholds)]


def format_table(scores: list[Score]) -> str:
    """A plain-text table for ``sensing eval dedupe``: one line per configuration."""
    lines = [["configuration", "pairs found", "correct", "true pairs", "precision", "recall",
              "F1"]]
    lines += [[s.config, str(s.found_pairs), str(s.correct_pairs), str(s.true_pairs),
               f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}"] for s in scores]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(line, widths, strict=True)))
                     for line in lines)
