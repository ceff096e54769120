"""Adding terms to a campaign's product aspects: what accepting an aspect suggestion of
related-keyword discovery (:mod:`nlp.related_keywords`) does to the campaign.

Two rules, each for a reason:

* **The first addition materialises the built-in taxonomy.** An empty ``Campaign.aspects``
  means "the built-in taxonomy", a non-empty one "exactly these aspects"
  (:meth:`nlp.aspects.Lexicon.for_campaign`). Storing only ``camera: [bokeh]`` would silently
  stop tracking the other ten aspects, so their names are written out first; a built-in name
  keeps its built-in terms, so the lexicon is the built-in one plus the new terms.
* **A term is stored once.** Terms are compared in the lexicon's normal form
  (:func:`nlp.aspects.normalise`: case, width, accents, spacing), so accepting "Bokeh" after
  "bokeh", or the same suggestion twice, changes nothing.

Aspect names are matched without regard to case ("Camera" is the built-in camera); a name no
listed aspect has is a new aspect with only the terms given, in every language.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.aspects import TAXONOMY, normalise
from sensing.schemas import AspectSpec


def _term_key(term: str) -> str:
    return " ".join(normalise(term).split())


def add_terms(aspects: Sequence[AspectSpec], aspect: str, terms: Sequence[str]
              ) -> tuple[list[AspectSpec], list[str]]:
    """A campaign's aspect list with ``terms`` added to ``aspect``, and the terms that were
    new to it (in the order given). ``aspects`` is left as it was."""
    specs = ([spec.model_copy(deep=True) for spec in aspects]
             or [AspectSpec(name=name) for name in TAXONOMY])
    wanted = aspect.strip()
    spec = next((s for s in specs if s.name.casefold() == wanted.casefold()), None)
    if spec is None:
        spec = AspectSpec(name=wanted)
        specs.append(spec)
    have = {_term_key(term) for term in spec.terms}
    added: list[str] = []
    for term in terms:
        key = _term_key(term)
        if key and key not in have:
            have.add(key)
            spec.terms.append(" ".join(term.split()))
            added.append(spec.terms[-1])
    return specs, added
