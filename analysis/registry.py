"""Every analysis describes itself the same way, and is found the same way.

An analysis is a class (like a 4CAT processor or a spaCy component) whose attributes say what
it is: ``name``, ``version``, ``title``, ``description``, what it ``adds``, and an options
schema (``Options``, pydantic). Three kinds share that description:

- a post step (:class:`analysis.pipeline.Step` over posts): fills fields of each post;
- an author step (the same class with ``subject = Author``): fills fields of author profiles;
- a campaign analysis (:class:`analysis.campaign.CampaignAnalysis`): reads a campaign's
  posts and answers with one result (related keywords, hashtag pairs, ...).

Built-in analyses are declared as entry points of the ``sensing.analyses`` group in
``pyproject.toml`` (name = ``module:Class``), and so are a plugin's: the framework imports an
analysis only when a pipeline or a caller names it, so nothing here imports nlp or vision,
and a pipeline without images never loads the vision code. Classes decorated with
:func:`register` in code (tests, notebooks) are found too.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

ENTRY_POINT_GROUP = "sensing.analyses"


class NoOptions(BaseModel):
    """The options schema of an analysis that takes none: any option given is a typo."""

    model_config = ConfigDict(extra="forbid")


class Analysis:
    """What every analysis declares. ``kind`` says what it runs over (``post``, ``author``,
    ``campaign``); subclasses in :mod:`analysis.pipeline` and :mod:`analysis.campaign` set it."""

    kind: ClassVar[str]
    name: ClassVar[str]
    version: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    adds: ClassVar[tuple[str, ...]]
    Options: ClassVar[type[BaseModel]] = NoOptions

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The self-description a CLI, an API or a report shows, options schema included."""
        return {"name": cls.name, "kind": cls.kind, "version": cls.version, "title": cls.title,
                "description": cls.description, "adds": list(cls.adds),
                "options": cls.Options.model_json_schema()}

    @classmethod
    def check_declaration(cls) -> None:
        """Raise TypeError when the class does not describe itself fully; kinds add their own
        checks (a post step may add only fields a Post has)."""
        missing = [a for a in ("kind", "name", "version", "title", "description", "adds")
                   if not getattr(cls, a, None)]
        if missing:
            raise TypeError(f"analysis {cls.__name__} lacks {', '.join(missing)}")


A = TypeVar("A", bound=type[Analysis])

_REGISTRY: dict[str, type[Analysis]] = {}


def register(cls: A) -> A:
    """Class decorator: make an analysis available by its name. Importing an entry point's
    module runs it, so built-in and plugin analyses are checked the same way."""
    cls.check_declaration()
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"two analyses are named {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def _declared() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def lookup(name: str) -> type[Analysis]:
    """The analysis called ``name``, importing its module if it is declared but not loaded.
    ValueError names the known ones (a typo in a pipeline configuration)."""
    if name not in _REGISTRY:
        declared = _declared()
        if name not in declared:
            known = sorted(set(_REGISTRY) | set(declared))
            raise ValueError(f"unknown analysis {name!r}; known: {', '.join(known) or 'none'}"
                             " (built-in analyses are entry points of the installed package:"
                             " run `pip install -e .`)")
        register(declared[name].load())
    return _REGISTRY[name]


def registered(kind: str | None = None) -> list[type[Analysis]]:
    """Every known analysis (of ``kind``, if given), each declared entry point loaded, in the
    order of their names."""
    for name in _declared():
        lookup(name)
    return sorted((cls for cls in _REGISTRY.values() if kind is None or cls.kind == kind),
                  key=lambda cls: cls.name)
