"""How well ``spam`` separates spam from genuine posts: precision, recall and F1 at a threshold.

``spam_set.jsonl`` holds posts in English, Spanish, Korean, Japanese, French, German,
Portuguese and Chinese, one JSON object a line: ``{id, lang, text, label: spam|ok, author:
{followers, following, bot}}`` (``author`` optional). Spam is giveaways, coupons, easy money
and crypto, link farms, hashtag stuffing, follow-for-follow and junk; the genuine posts
include hard negatives: enthusiastic posts with emoji runs and hashtags, reviews with one
link, news with many hashtags, warnings about the giveaway scams, a real raffle win.

The posts go through the analysis the step runs after (``clean``, ``hashtags``, ``langid``
with the set's languages, ``dedupe``) and ``spam`` as one batch, in file order one minute
apart, so copies of one bot post are duplicates as they would be in a crawl.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from analysis.pipeline import BatchContext, build_pipeline
from lab import DATA, read_labelled
from lab.evals.labelled import f1, precision, recall
from sensing.schemas import AuthorRef, Campaign, Post

DEFAULT_SET = DATA / "spam_set.jsonl"
LABELS = ("spam", "ok")
T0 = datetime(2026, 10, 16, tzinfo=UTC)


@dataclass(frozen=True)
class Score:
    """Counts at one threshold, spam being the positive class."""

    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @property
    def precision(self) -> float:
        return precision(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return recall(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)


def _row(line: str) -> dict[str, Any]:
    row = json.loads(line)
    if row["label"] not in LABELS:
        raise ValueError(f"label {row['label']!r} is not one of {LABELS}")
    return {"id": str(row["id"]), "lang": str(row.get("lang", "und")), "text": str(row["text"]),
            "label": row["label"], "author": dict(row.get("author") or {})}


def load_set(path: Path = DEFAULT_SET) -> list[dict[str, Any]]:
    """The labelled rows; a malformed line is an error naming the line."""
    return read_labelled(path, _row, "{id, lang, text, label, author} object")


def as_posts(rows: list[dict[str, Any]]) -> list[Post]:
    """The rows as crawled posts (``eval:<id>``), one minute apart, each by its own author."""
    return [Post(id=f"eval:{row['id']}", source="eval", raw_text=row["text"],
                 created_at=T0 + timedelta(minutes=i),
                 author=AuthorRef(id=f"eval:a{i}", **row["author"]))
            for i, row in enumerate(rows)]


def scored_posts(rows: list[dict[str, Any]], options: dict[str, Any] | None = None
                 ) -> list[Post]:
    """The rows analysed up to and including ``spam`` (with ``options``), as one batch."""
    languages = sorted({row["lang"] for row in rows} - {"und"}) or ["en"]
    campaign = Campaign(id="eval", name="eval", query="lumina", languages=languages,
                        launch_at=T0)
    pipeline = build_pipeline([{"step": "clean"}, {"step": "hashtags"}, {"step": "langid"},
                               {"step": "dedupe"}, {"step": "spam", "options": options or {}}])
    return pipeline.run(as_posts(rows), BatchContext(campaign=campaign))


def score(rows: list[dict[str, Any]], posts: list[Post], threshold: float) -> Score:
    """Compare each post's ``spam_score >= threshold`` with its row's label."""
    counts = {(True, True): 0, (False, True): 0, (True, False): 0, (False, False): 0}
    for row, post in zip(rows, posts, strict=True):
        counts[(row["label"] == "spam", post.spam_score >= threshold)] += 1
    return Score(threshold, counts[(True, True)], counts[(False, True)],
                 counts[(True, False)], counts[(False, False)])


def evaluate(path: Path = DEFAULT_SET, threshold: float = 0.5,
             options: dict[str, Any] | None = None) -> tuple[Score, list[str]]:
    """The score at ``threshold`` and one line per misclassified post, for ``sensing eval
    spam``."""
    rows = load_set(path)
    posts = scored_posts(rows, options)
    mistakes = [f"{row['label']:>4} {post.spam_score:.2f} {','.join(post.spam_reasons) or '-'}"
                f"  {row['text'][:80]}"
                for row, post in zip(rows, posts, strict=True)
                if (row["label"] == "spam") != (post.spam_score >= threshold)]
    return score(rows, posts, threshold), mistakes


def format_report(found: Score, mistakes: list[str]) -> str:
    """Counts, precision, recall and F1, then the misclassified posts."""
    lines = [f"threshold {found.threshold:.2f}: precision {found.precision:.3f}  "
             f"recall {found.recall:.3f}  F1 {found.f1:.3f}  (TP {found.true_positives}, "
             f"FP {found.false_positives}, FN {found.false_negatives}, "
             f"TN {found.true_negatives})"]
    if mistakes:
        lines += ["", "misclassified (label, score, reasons, text):", *mistakes]
    return "\n".join(lines)
