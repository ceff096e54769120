"""Analysis steps and the pipeline that runs them, assembled from configuration.

Each step is a self-describing unit (like a 4CAT processor or a spaCy component): a name, a
version, a title and description, the Post fields it fills, and a pydantic schema for its
options. A step is called on a whole batch, so a model runs once per batch, and knows only
the posts it is handed plus the :class:`BatchContext`. The pipeline stamps every post with
the steps and versions that produced it (``post.pipeline``), so a stored document says how it
was made and can be re-analysed when a step changes.

One bad post never sinks its batch: per-post steps isolate each post, and when a batch step
raises, the pipeline runs it again one post at a time to find and report the culprit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from sensing.schemas import Campaign, PipelineInfo, Post

if TYPE_CHECKING:
    from sensing.config import Settings
    from sensing.store.base import BandMatch
    from vision.groups import ImageRef

log = logging.getLogger(__name__)

DEFAULT_LANGUAGES = ("en", "ko", "ja", "es")


class NoOptions(BaseModel):
    """The options schema of a step that takes none: any option given is a typo."""

    model_config = ConfigDict(extra="forbid")


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
    """What a step may know beyond its posts: the campaign, ways to look up earlier posts
    by content hash and by MinHash band (the store, for duplicates across batches), and a
    list where steps report per-post problems instead of failing the batch."""

    campaign: Campaign | None = None
    known_hashes: Callable[[list[str]], dict[str, str]] = _nothing_known
    near_candidates: Callable[[list[str]], list[BandMatch]] = _no_bands_known
    known_images: Callable[[list[str]], list[ImageRef]] = _no_images_known
    """pHash chunk keys (vision.groups.probe_keys) -> earlier original images having one."""
    problems: list[str] = field(default_factory=list)
    failed: dict[str, set[str]] = field(default_factory=dict, repr=False)
    """post id -> names of the steps that failed on it (kept out of ``post.pipeline``)."""
    encodings: dict[tuple[str, bool], dict[str, Any]] = field(default_factory=dict, repr=False)
    """(model, int8) -> text -> its token states: one encoder pass per text, shared by the
    batch's steps (:mod:`nlp.encoding`)."""

    @property
    def languages(self) -> list[str]:
        """The languages posts are expected in: the campaign's, or a broad default."""
        if self.campaign is not None and self.campaign.languages:
            return [code.lower() for code in self.campaign.languages]
        return list(DEFAULT_LANGUAGES)

    def report(self, post: Post, step: str, exc: BaseException) -> None:
        """Record that ``step`` failed on ``post``; the post keeps what it had before."""
        log.warning("analysis step %s failed on %s: %r", step, post.id, exc)
        self.problems.append(f"{post.id}: {step}: {type(exc).__name__}: {exc}")
        self.failed.setdefault(post.id, set()).add(step)


class Step:
    """One analysis unit. Subclasses set the class attributes and implement either
    ``analyse_post`` (one post; the base class isolates failures) or ``__call__`` (the whole
    batch, when a model is cheaper called once, or when posts are compared with each other).

    Results are returned as field updates and applied only once the post's work succeeded,
    so a step that fails half-way leaves the post exactly as it found it."""

    name: ClassVar[str]
    version: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    adds: ClassVar[tuple[str, ...]]
    Options: ClassVar[type[BaseModel]] = NoOptions

    def __init__(self, options: BaseModel | None = None, settings: Settings | None = None):
        self.options = options if options is not None else self.Options()
        self.settings = settings
        """The deployment's settings that options left unset fall back to (model paths,
        fetch limits); None: the process-wide ``get_settings()``. A worker passes its own,
        which differ from the process's in the demo."""

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The self-description a CLI, an API or a report shows, options schema included."""
        return {"name": cls.name, "version": cls.version, "title": cls.title,
                "description": cls.description, "adds": list(cls.adds),
                "options": cls.Options.model_json_schema()}

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        for post in posts:
            try:
                updates = self.analyse_post(post, ctx)
            except Exception as exc:  # noqa: BLE001 - one bad post must not sink its batch
                ctx.report(post, self.name, exc)
            else:
                self.apply(post, updates)
        return posts

    def analyse_post(self, post: Post, ctx: BatchContext) -> dict[str, Any]:
        """The fields this step sets on ``post`` (a subset of ``adds``)."""
        raise NotImplementedError(f"{type(self).__name__} implements neither __call__ nor "
                                  f"analyse_post")

    def apply(self, post: Post, updates: dict[str, Any]) -> None:
        """Set the computed fields; a field not declared in ``adds`` is a bug in the step."""
        undeclared = set(updates) - set(self.adds)
        if undeclared:
            raise RuntimeError(f"step {self.name!r} sets {sorted(undeclared)} but declares "
                               f"adds={self.adds}")
        for name, value in updates.items():
            setattr(post, name, value)


_REGISTRY: dict[str, type[Step]] = {}


def register(cls: type[Step]) -> type[Step]:
    """Class decorator: make a step available to pipeline configurations by its name.
    A step must describe itself fully and add only fields a Post has."""
    missing = [a for a in ("name", "version", "title", "description", "adds")
               if not getattr(cls, a, None)]
    if missing:
        raise TypeError(f"analysis step {cls.__name__} lacks {', '.join(missing)}")
    unknown = set(cls.adds) - set(Post.model_fields)
    if unknown:
        raise TypeError(f"analysis step {cls.name!r} adds unknown Post fields {sorted(unknown)}")
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"two analysis steps are named {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def registered_steps() -> list[type[Step]]:
    """Every known step class: those of the default pipeline first, in its order, then the
    others in the order they were registered."""
    _load_builtin_steps()
    order = [entry["step"] for entry in DEFAULT_PIPELINE]
    return sorted(_REGISTRY.values(),
                  key=lambda cls: order.index(cls.name) if cls.name in order else len(order))


def _load_builtin_steps() -> None:
    import nlp.steps  # noqa: F401 - importing registers the built-in steps


@dataclass
class Pipeline:
    """Steps in order. ``run`` analyses a batch in place and stamps each post with the steps
    (and versions) that actually produced it: a step that failed on a post is left out."""

    steps: list[Step]

    @property
    def version(self) -> str:
        """Changes whenever a step, its version or its options change."""
        spec = ";".join(f"{s.name}={s.version}:{s.options.model_dump_json()}" for s in self.steps)
        return hashlib.sha1(spec.encode()).hexdigest()[:12]

    def run(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        for step in self.steps:
            try:
                posts = step(posts, ctx)
            except Exception:  # noqa: BLE001 - find the post that broke the batch step
                log.warning("step %s failed on a batch of %d; retrying post by post",
                            step.name, len(posts), exc_info=True)
                posts = self._one_by_one(step, posts, ctx)
        version = self.version
        for post in posts:
            failed = ctx.failed.get(post.id, set())
            post.pipeline = PipelineInfo(version=version, steps={
                s.name: s.version for s in self.steps if s.name not in failed})
        return posts

    @staticmethod
    def _one_by_one(step: Step, posts: list[Post], ctx: BatchContext) -> list[Post]:
        """A batch step over single posts: slower, and it cannot compare posts, but every
        post that can be analysed is."""
        done: list[Post] = []
        for post in posts:
            try:
                done.extend(step([post], ctx))
            except Exception as exc:  # noqa: BLE001 - recorded as the post's problem
                ctx.report(post, step.name, exc)
                done.append(post)
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
    ``settings`` are handed to every step (see :attr:`Step.settings`)."""
    _load_builtin_steps()
    steps = []
    for entry in config:
        name = entry.get("step")
        if name not in _REGISTRY:
            raise ValueError(f"unknown analysis step {name!r}; known: "
                             f"{', '.join(sorted(_REGISTRY))}")
        cls = _REGISTRY[name]
        try:
            options = cls.Options.model_validate(entry.get("options") or {})
        except ValidationError as exc:
            raise ValueError(f"bad options for step {name!r}: {exc}") from None
        steps.append(cls(options, settings))
    return Pipeline(steps)
