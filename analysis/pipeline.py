"""Steps over posts or authors, and the pipeline that runs them, assembled from configuration.

Each step is a self-describing analysis (:mod:`analysis.registry`: a name, a version, a
title and description, the fields it fills, a pydantic schema for its options). A step is
called on a whole batch, so a model runs once per batch, and knows only the items it is handed
plus the :class:`BatchContext`. Post steps fill Post fields; author steps (``subject =
Author``) fill Author fields, and one pipeline runs either kind. The pipeline stamps every item
with the steps and versions that produced it (``pipeline``), so a stored document says how it
was made and can be re-analysed when a step changes.

One bad item never sinks its batch: per-item steps isolate each one, and when a batch step
raises, the pipeline runs it again one item at a time to find and report the culprit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ValidationError

from analysis.registry import Analysis, lookup, registered
from sensing.config import get_settings
from sensing.schemas import Author, Campaign, ImageRef, PipelineInfo, Post

if TYPE_CHECKING:
    from sensing.config import Settings
    from sensing.store.base import BandMatch

log = logging.getLogger(__name__)


def _nothing_known(hashes: list[str]) -> dict[str, str]:
    """No store behind this batch (tests, one-off runs): no earlier post is known."""
    return {}


def _no_bands_known(bands: list[str]) -> list[BandMatch]:
    """No store behind this batch: no earlier post shares a MinHash band."""
    return []


def _no_images_known(chunk_keys: list[str]) -> list[ImageRef]:
    """No store behind this batch: no earlier image shares a pHash chunk."""
    return []


@dataclass
class BatchContext:
    """What a step may know beyond its items: the campaign, ways to look up earlier posts
    by content hash and by MinHash band (the store, for duplicates across batches), and a
    list where steps report per-post problems instead of failing the batch."""

    campaign: Campaign | None = None
    known_hashes: Callable[[list[str]], dict[str, str]] = _nothing_known
    near_candidates: Callable[[list[str]], list[BandMatch]] = _no_bands_known
    known_images: Callable[[list[str]], list[ImageRef]] = _no_images_known
    """pHash chunk keys (vision.groups.probe_keys) -> earlier original images having one."""
    problems: list[str] = field(default_factory=list)
    failed: dict[str, set[str]] = field(default_factory=dict, repr=False)
    """item id -> names of the steps that failed on it (kept out of its ``pipeline``)."""
    encodings: dict[tuple[str, bool], dict[str, Any]] = field(default_factory=dict, repr=False)
    """(model, int8) -> text -> its token states: one encoder pass per text, shared by the
    batch's steps (:mod:`nlp.encoding`)."""

    @property
    def campaign_languages(self) -> list[str] | None:
        """The campaign's languages (lower case), or None for a batch without them."""
        if self.campaign is not None and self.campaign.languages:
            return [code.lower() for code in self.campaign.languages]
        return None

    def report(self, item: Post | Author, step: str, exc: BaseException) -> None:
        """Record that ``step`` failed on ``item``; the item keeps what it had before."""
        log.warning("analysis step %s failed on %s: %r", step, item.id, exc)
        self.problems.append(f"{item.id}: {step}: {type(exc).__name__}: {exc}")
        self.failed.setdefault(item.id, set()).add(step)


Item = Post | Author
"""What a pipeline runs over: posts, or author profiles."""

SUBJECTS: dict[str, type[BaseModel]] = {"post": Post, "author": Author}
"""A step's ``kind`` -> the document it fills fields of."""


class Step(Analysis):
    """One analysis over a batch of posts (``kind = "post"``, the default) or of author
    profiles (``kind = "author"``). Subclasses set the class attributes and implement either
    ``analyse_post`` / ``analyse_author`` (one item; the base class isolates failures) or
    ``__call__`` (the whole batch, when a model is cheaper called once, or when items are
    compared with each other).

    Results are returned as field updates and applied only once the item's work succeeded,
    so a step that fails half-way leaves the item exactly as it found it."""

    kind: ClassVar[str] = "post"

    def __init__(self, options: BaseModel | None = None, settings: Settings | None = None):
        self.options = options if options is not None else self.Options()
        self.settings = settings
        """The deployment's settings that options left unset fall back to (model paths,
        fetch limits); None: the process-wide ``get_settings()``. A worker passes its own,
        which differ from the process's in the demo."""

    def languages(self, ctx: BatchContext) -> list[str]:
        """The languages the batch's posts are expected in: the campaign's, or, for a batch
        without one, the deployment's ``SENSING_LANGUAGES`` (every language the project
        analyses). Language ID and OCR both read it here, so they never disagree."""
        if ctx.campaign_languages:
            return ctx.campaign_languages
        settings = self.settings or get_settings()
        return [code.strip().lower() for code in settings.languages if code.strip()]

    @classmethod
    def check_declaration(cls) -> None:
        """A step describes itself fully, runs over a known subject, and adds only fields
        that subject has."""
        super().check_declaration()
        if cls.kind not in SUBJECTS:
            raise TypeError(f"step {cls.name!r} runs over {cls.kind!r}; steps run over "
                            f"{', '.join(SUBJECTS)}")
        unknown = set(cls.adds) - set(SUBJECTS[cls.kind].model_fields)
        if unknown:
            raise TypeError(f"step {cls.name!r} adds unknown {SUBJECTS[cls.kind].__name__} "
                            f"fields {sorted(unknown)}")

    def __call__(self, items: list[Any], ctx: BatchContext) -> list[Any]:
        analyse_one = getattr(self, f"analyse_{self.kind}")
        for item in items:
            try:
                updates = analyse_one(item, ctx)
            except Exception as exc:  # noqa: BLE001 - one bad item must not sink its batch
                ctx.report(item, self.name, exc)
            else:
                self.apply(item, updates)
        return items

    def analyse_post(self, post: Post, ctx: BatchContext) -> dict[str, Any]:
        """The fields this step sets on ``post`` (a subset of ``adds``)."""
        raise NotImplementedError(f"{type(self).__name__} implements neither __call__ nor "
                                  f"analyse_post")

    def analyse_author(self, author: Author, ctx: BatchContext) -> dict[str, Any]:
        """The fields this step sets on ``author`` (a subset of ``adds``)."""
        raise NotImplementedError(f"{type(self).__name__} implements neither __call__ nor "
                                  f"analyse_author")

    def apply(self, item: Item, updates: dict[str, Any]) -> None:
        """Set the computed fields; a field not declared in ``adds`` is a bug in the step."""
        undeclared = set(updates) - set(self.adds)
        if undeclared:
            raise RuntimeError(f"step {self.name!r} sets {sorted(undeclared)} but declares "
                               f"adds={self.adds}")
        for name, value in updates.items():
            setattr(item, name, value)


def registered_steps() -> list[type[Step]]:
    """Every known step class: those of the default pipeline first, in its order, then the
    others by name."""
    order = [entry["step"] for entry in DEFAULT_PIPELINE]
    steps = [cls for cls in registered() if issubclass(cls, Step)]
    return sorted(steps, key=lambda cls: order.index(cls.name) if cls.name in order
                  else len(order))


@dataclass
class Pipeline:
    """Steps in order. ``run`` analyses a batch in place and stamps each item with the steps
    (and versions) that actually produced it: a step that failed on an item is left out."""

    steps: list[Step]

    @property
    def version(self) -> str:
        """Changes whenever a step, its version or its options change."""
        spec = ";".join(f"{s.name}={s.version}:{s.options.model_dump_json()}" for s in self.steps)
        return hashlib.sha1(spec.encode()).hexdigest()[:12]

    def run(self, items: list[Item], ctx: BatchContext) -> list[Item]:
        for step in self.steps:
            try:
                items = step(items, ctx)
            except Exception:  # noqa: BLE001 - find the item that broke the batch step
                log.warning("step %s failed on a batch of %d; retrying item by item",
                            step.name, len(items), exc_info=True)
                items = self._one_by_one(step, items, ctx)
        version = self.version
        for item in items:
            failed = ctx.failed.get(item.id, set())
            item.pipeline = PipelineInfo(version=version, steps={
                s.name: s.version for s in self.steps if s.name not in failed})
        return items

    @staticmethod
    def _one_by_one(step: Step, items: list[Item], ctx: BatchContext) -> list[Item]:
        """A batch step over single items: slower, and it cannot compare items, but every
        item that can be analysed is."""
        done: list[Item] = []
        for item in items:
            try:
                done.extend(step([item], ctx))
            except Exception as exc:  # noqa: BLE001 - recorded as the item's problem
                ctx.report(item, step.name, exc)
                done.append(item)
        return done


DEFAULT_PIPELINE: list[dict[str, Any]] = [
    {"step": "clean", "options": {}},
    {"step": "hashtags", "options": {}},
    {"step": "langid", "options": {}},
    {"step": "dedupe", "options": {}},
    {"step": "spam", "options": {}},
    {"step": "relevance", "options": {}},
    {"step": "sentiment", "options": {}},
    {"step": "aspects", "options": {}},
    {"step": "entities", "options": {}},
    {"step": "media", "options": {}},
]


def build_pipeline(config: list[dict[str, Any]], settings: Settings | None = None) -> Pipeline:
    """A pipeline from ``[{"step": name, "options": {...}}, ...]``; errors name the step.
    ``settings`` are handed to every step (see :attr:`Step.settings`). Every step of one
    pipeline runs over the same kind of item."""
    steps: list[Step] = []
    for entry in config:
        name = entry.get("step")
        try:
            cls = lookup(str(name))
        except ValueError:
            known = ", ".join(sorted(step.name for step in registered_steps()))
            raise ValueError(f"unknown analysis step {name!r}; known: {known}") from None
        if not issubclass(cls, Step):
            raise ValueError(f"{name!r} is a {cls.kind} analysis, not a step of a pipeline")
        if steps and cls.kind != steps[0].kind:
            raise ValueError(f"step {name!r} runs over {cls.kind}s but {steps[0].name!r} "
                             f"over {steps[0].kind}s: one pipeline runs over one kind")
        try:
            options = cls.Options.model_validate(entry.get("options") or {})
        except ValidationError as exc:
            raise ValueError(f"bad options for step {name!r}: {exc}") from None
        steps.append(cls(options, settings))
    return Pipeline(steps)
