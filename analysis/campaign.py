"""Analyses over a whole campaign: what its conversation is made of, rather than what each post
says. They describe themselves as steps do (:mod:`analysis.registry`) and answer with one
pydantic result; the API, reports and the planner call them by name.

A campaign analysis reads posts from a :class:`CampaignPosts` (the campaign's own, and other
campaigns' as a background where it compares rates), streamed, so it never needs the whole
campaign in memory and never knows which store holds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ValidationError

from analysis.registry import Analysis, lookup
from sensing.schemas import Campaign, Post


class CampaignPosts(Protocol):
    """Where a campaign analysis reads posts from."""

    def posts(self) -> Iterator[Post]:
        """Every stored post of the campaign, once."""

    def background(self) -> Iterator[Post]:
        """Posts of other campaigns (bounded by the caller), for rates to compare against."""


class CampaignAnalysis(Analysis):
    """One analysis of a campaign. Subclasses set the self-description, ``Result`` (the
    pydantic model they answer with; ``adds`` names its fields) and implement :meth:`run`."""

    kind: ClassVar[str] = "campaign"
    Result: ClassVar[type[BaseModel]]

    def __init__(self, options: BaseModel | None = None):
        self.options = options if options is not None else self.Options()

    @classmethod
    def check_declaration(cls) -> None:
        """The result's fields are what the analysis says it adds."""
        super().check_declaration()
        unknown = set(cls.adds) - set(cls.Result.model_fields)
        if unknown:
            raise TypeError(f"campaign analysis {cls.name!r} adds {sorted(unknown)}, which "
                            f"{cls.Result.__name__} lacks")

    def run(self, campaign: Campaign, data: CampaignPosts) -> BaseModel:
        raise NotImplementedError(f"{type(self).__name__} does not implement run")


def run_campaign_analysis(name: str, campaign: Campaign, data: CampaignPosts,
                          options: dict[str, Any] | None = None) -> BaseModel:
    """Run the campaign analysis called ``name`` with ``options`` (validated against its
    schema: ValueError names what is wrong)."""
    cls = lookup(name)
    if not issubclass(cls, CampaignAnalysis):
        raise ValueError(f"{name!r} is a {cls.kind} step, not a campaign analysis")
    try:
        validated = cls.Options.model_validate(options or {})
    except ValidationError as exc:
        raise ValueError(f"bad options for {name!r}: {exc}") from None
    return cls(validated).run(campaign, data)
