"""Analysis steps and the pipeline that runs them, assembled from configuration.

Each step is a self-describing unit (like a 4CAT processor or a spaCy component): a name, a
version, a title and description, the Post fields it fills, and a pydantic schema for its
options. A step works on a whole batch, so a model is called once per batch, and knows only
the posts it is handed plus the :class:`BatchContext`. The pipeline stamps every post with
the steps and versions that produced it (``post.pipeline``), so a stored document says how it
was made and can be re-analysed when a step changes.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from sensing.schemas import Campaign, PipelineInfo, Post

log = logging.getLogger(__name__)

DEFAULT_LANGUAGES = ("en", "ko", "ja", "es")


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass
class BatchContext:
    """What a step may know beyond its posts: the campaign, a way to look up earlier posts
    by content hash (the store, for duplicates across batches), and a list where steps
    report per-post problems instead of failing the batch."""

    campaign: Campaign | None = None
    known_hashes: Callable[[list[str]], dict[str, str]] | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def languages(self) -> tuple[str, ...]:
        if self.campaign is not None and self.campaign.languages:
            return tuple(self.campaign.languages)
        return DEFAULT_LANGUAGES

    def lookup_hashes(self, hashes: list[str]) -> dict[str, str]:
        return self.known_hashes(hashes) if self.known_hashes and hashes else {}


class Step:
    """One analysis unit. Subclasses set the class attributes and implement ``process``
    (the whole batch) or ``process_post`` (one post, with per-post error isolation)."""

    name: ClassVar[str]
    version: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    adds: ClassVar[tuple[str, ...]]
    Options: ClassVar[type[BaseModel]] = NoOptions

    def __init__(self, options: BaseModel):
        self.options = options

    def process(self, posts: list[Post], ctx: BatchContext) -> None:
        for post in posts:
            guarded(ctx, self.name, post, lambda p=post: self.process_post(p, ctx))

    def process_post(self, post: Post, ctx: BatchContext) -> None:
        raise NotImplementedError(f"{type(self).__name__} implements neither process nor "
                                  f"process_post")


def guarded(ctx: BatchContext, step: str, post: Post, work: Callable[[], Any]) -> None:
    """Run ``work`` for one post; a failure is recorded as a problem and the batch goes on."""
    try:
        work()
    except Exception as exc:  # noqa: BLE001 - one bad post must not sink its batch
        log.warning("%s failed on %s: %s", step, post.id, exc)
        ctx.problems.append(f"{post.id}: {step}: {type(exc).__name__}: {exc}")


_REGISTRY: dict[str, type[Step]] = {}


def register(cls: type[Step]) -> type[Step]:
    """Class decorator: make a step available to pipeline configurations by its name."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"two analysis steps are named {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def registered_steps() -> list[type[Step]]:
    _load_builtin_steps()
    return list(_REGISTRY.values())


def _load_builtin_steps() -> None:
    import nlp.steps  # noqa: F401 - importing registers the built-in steps


@dataclass
class Pipeline:
    steps: list[Step]

    @property
    def version(self) -> str:
        """Changes whenever a step, its version or its options change."""
        spec = ";".join(f"{s.name}={s.version}:{s.options.model_dump_json()}" for s in self.steps)
        return hashlib.sha1(spec.encode()).hexdigest()[:12]

    def run(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        for step in self.steps:
            step.process(posts, ctx)
        info = PipelineInfo(version=self.version, steps={s.name: s.version for s in self.steps})
        for post in posts:
            post.pipeline = info.model_copy(deep=True)
        return posts


DEFAULT_PIPELINE: list[dict[str, Any]] = [
    {"step": "clean"},
    {"step": "hashtags"},
    {"step": "langid"},
    {"step": "dedupe"},
    {"step": "sentiment"},
]


def build_pipeline(config: list[dict[str, Any]]) -> Pipeline:
    """A pipeline from ``[{"step": name, "options": {...}}, ...]``; errors name the step."""
    _load_builtin_steps()
    steps = []
    for entry in config:
        name = entry.get("step")
        if name not in _REGISTRY:
            raise ValueError(f"unknown analysis step {name!r}; known: "
                             f"{', '.join(sorted(_REGISTRY))}")
        cls = _REGISTRY[name]
        try:
            options = cls.Options.model_validate(entry.get("options", {}))
        except ValidationError as exc:
            raise ValueError(f"bad options for step {name!r}: {exc}") from None
        steps.append(cls(options))
    return Pipeline(steps)
