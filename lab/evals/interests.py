"""How well the interest classifier (:mod:`audience.interests`) tells what authors post about.

``interest_authors.jsonl`` holds 200 author profiles written for this project, 25 in each of
Korean, English, Japanese, Spanish, French, German, Portuguese and Chinese: a bio and three to
six recent posts, each post labelled with its taxonomy category and subcategory (or none, for
chatter), so an author's true shares are the shares of their posts. Two authors per language
have too little text to tell. Every line says its ``split``: the calibration is fitted on
``train`` (``lab.train.interests``) and measured here on ``test`` only.

An author *has* a category when it holds at least :data:`HAS` of their posts (or of the
predicted shares); per category, precision and recall of that decision over the authors, the
mean absolute error of the shares, and whether the too-little-text authors got none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audience.interests import InterestClassifier
from lab import DATA, read_labelled
from lab.evals.labelled import f1, precision, recall
from sensing.schemas import Author, RecentPost

DEFAULT_SET = DATA / "interest_authors.jsonl"
HAS = 0.2
WHEN = datetime(2026, 10, 1, tzinfo=UTC)


@dataclass(frozen=True)
class LabelledAuthor:
    author: Author
    lang: str
    split: str
    truth: dict[str, float]
    """category -> share of the author's posts; empty: too little text."""
    post_labels: list[str | None]
    """Per recent post: its category, None for chatter."""


def _row(line: str) -> LabelledAuthor:
    data: dict[str, Any] = json.loads(line)
    if data["split"] not in ("train", "test"):
        raise ValueError(f"split {data['split']!r} is neither train nor test")
    posts = [RecentPost(id=f"{data['id']}-{n}", created_at=WHEN, text=post["text"],
                        hashtags=post.get("hashtags", []), lang=data["lang"])
             for n, post in enumerate(data["recent_posts"])]
    author = Author(id=f"eval:{data['id']}", source="eval", bio=data.get("bio", ""),
                    recent_posts=posts)
    return LabelledAuthor(author, data["lang"], data["split"],
                          {label["category"]: float(label["share"]) for label in data["labels"]},
                          [post.get("category") for post in data["recent_posts"]])


def load_set(path: Path = DEFAULT_SET, split: str | None = None) -> list[LabelledAuthor]:
    rows = read_labelled(path, _row, "interest author {id, lang, split, bio, recent_posts, "
                                     "labels}")
    return [row for row in rows if split is None or row.split == split]


@dataclass(frozen=True)
class CategoryScore:
    category: str
    authors: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Evaluation:
    split: str
    authors: int
    categories: list[CategoryScore]
    share_error: float
    """Mean over classified authors and categories of |predicted share - true share|."""
    abstained: tuple[int, int]
    """(too-little-text authors given no interests, too-little-text authors)."""
    guessed_none: int
    """Authors with a true mix that got no interests."""

    @property
    def macro(self) -> tuple[float, float, float]:
        n = len(self.categories)
        return (sum(c.precision for c in self.categories) / n,
                sum(c.recall for c in self.categories) / n,
                sum(c.f1 for c in self.categories) / n)


def evaluate(classifier: InterestClassifier, path: Path = DEFAULT_SET, split: str = "test"
             ) -> Evaluation:
    rows = load_set(path, split)
    predicted = [{i.category: i.share for i in interests}
                 for interests in classifier.classify([row.author for row in rows])]
    scores = []
    for category in classifier.taxonomy.category_ids:
        truly = [row.truth.get(category, 0) >= HAS for row in rows]
        found = [p.get(category, 0) >= HAS for p in predicted]
        correct = sum(t and f for t, f in zip(truly, found, strict=True))
        p, r = precision(correct, sum(found)), recall(correct, sum(truly))
        scores.append(CategoryScore(category, sum(truly), p, r, f1(p, r)))
    mixed = [(row, p) for row, p in zip(rows, predicted, strict=True) if row.truth and p]
    errors = [abs(p.get(c, 0) - row.truth.get(c, 0)) for row, p in mixed
              for c in classifier.taxonomy.category_ids]
    quiet = [p for row, p in zip(rows, predicted, strict=True) if not row.truth]
    return Evaluation(split, len(rows), scores, sum(errors) / max(1, len(errors)),
                      (sum(not p for p in quiet), len(quiet)),
                      sum(1 for row, p in zip(rows, predicted, strict=True)
                          if row.truth and not p))


def format_table(found: Evaluation) -> str:
    head = f"{'category':<16}{'authors':>8}{'P':>7}{'R':>7}{'F1':>7}"
    lines = [f"{found.split} split: {found.authors} authors; a category counts from a share "
             f"of {HAS:.0%}", head, "-" * len(head)]
    for c in found.categories:
        lines.append(f"{c.category:<16}{c.authors:>8}{c.precision:>7.2f}{c.recall:>7.2f}"
                     f"{c.f1:>7.2f}")
    p, r, f = found.macro
    lines += ["-" * len(head), f"{'macro':<16}{'':>8}{p:>7.2f}{r:>7.2f}{f:>7.2f}",
              f"mean absolute share error: {found.share_error:.3f}",
              f"too little text, no interests given: {found.abstained[0]} of "
              f"{found.abstained[1]}; authors with a mix given none: {found.guessed_none}"]
    return "\n".join(lines)
