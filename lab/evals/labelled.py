"""What every evaluation shares: handing a labelled set's texts to
the pipeline as posts and running it without losing a post, and precision, recall and F1 from
counts, so ``sensing eval`` reports mean the same in every table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from analysis.pipeline import BatchContext, Pipeline
from sensing.schemas import AuthorRef, Post

BATCH_SIZE = 100
EVAL_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def as_post(example_id: str, text: str, lang: str) -> Post:
    """A labelled text as a crawler hands a post over, with ``lang`` already set from the
    set, so a language-identification error cannot blur the figures of the step measured."""
    return Post(id=f"eval:{example_id}", source="eval", created_at=EVAL_TIME,
                author=AuthorRef(id="eval:author"), raw_text=text, lang=lang)


def run_all(pipeline: Pipeline, posts: Sequence[Post], who: str, of: str = "") -> list[Post]:
    """``pipeline`` over ``posts`` in batches of :data:`BATCH_SIZE`, in order. A step failing
    on a post raises (``{who} failed on N posts{of}: ...``): a score over fewer posts would
    be a score of another set."""
    done: list[Post] = []
    for start in range(0, len(posts), BATCH_SIZE):
        ctx = BatchContext()
        done += pipeline.run(list(posts[start:start + BATCH_SIZE]), ctx)
        if ctx.problems:
            raise RuntimeError(f"{who} failed on {len(ctx.problems)} posts{of}: "
                               f"{ctx.problems[:3]}")
    return done


def precision(correct: int, found: int) -> float:
    """Share of what was found that is right; 1.0 when nothing was found."""
    return correct / found if found else 1.0


def recall(correct: int, true: int) -> float:
    """Share of what is there that was found; 1.0 when nothing was there."""
    return correct / true if true else 1.0


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0
