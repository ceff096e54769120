"""Interests for a campaign's authors, a batch at a time: what the ``classify_authors`` task
runs, after an author crawl stored new followers or when the classifier changed.

Only profiles not yet classified by the current classifier are read into the model (its
``interest_model`` differs), so running it again, or twice at once after two crawl batches,
changes nothing more: the work is idempotent and a retry is safe.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from analysis.pipeline import BatchContext, Pipeline
from sensing.schemas import Author
from sensing.store import Store

BATCH = 64
"""Profiles per model call: all their texts go through the encoder together."""


@dataclass
class ClassifyResult:
    seen: int = 0
    classified: int = 0
    too_little_text: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"seen": self.seen, "classified": self.classified,
                "too_little_text": self.too_little_text, "problems": self.problems[:50]}


def current_model(pipeline: Pipeline) -> str:
    """The ``interest_model`` the pipeline's interests step writes today."""
    for step in pipeline.steps:
        if step.name == "interests":
            return step.model_id
    raise ValueError("the author pipeline has no interests step")


def _chunks(authors: Iterable[Author], size: int) -> Iterator[list[Author]]:
    iterator = iter(authors)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def classify_authors(store: Store, pipeline: Pipeline, campaign_id: str,
                     author_ids: list[str] | None = None, batch_size: int = BATCH,
                     ) -> ClassifyResult:
    """Classify the campaign's profiles (or only ``author_ids``) that the current
    classifier has not seen, ``batch_size`` per model call, and store them."""
    model = current_model(pipeline)
    campaign = store.get_campaign(campaign_id)
    result = ClassifyResult()
    profiles: Iterable[Author] = (store.get_authors(author_ids) if author_ids is not None
                                  else store.campaign_authors(campaign_id))
    for batch in _chunks(_stale(profiles, model, result), batch_size):
        ctx = BatchContext(campaign=campaign)
        done = pipeline.run(batch, ctx)
        result.problems.extend(ctx.problems)
        classified = [a for a in done if a.id not in ctx.failed]
        store.upsert_authors(classified)
        result.classified += len(classified)
        result.too_little_text += sum(not a.interests for a in classified)
    return result


def _stale(profiles: Iterable[Author], model: str, result: ClassifyResult) -> Iterator[Author]:
    """The profiles ``model`` has not classified, counting every profile read."""
    for author in profiles:
        result.seen += 1
        if author.interest_model != model:
            yield author
