"""Influencers and audiences: who moves a campaign's conversation (influence scores over the
interaction graph), what authors post about (interest classification against a two-level
taxonomy), and the interest shares of an audience with their confidence intervals.

Domain code: it reads Posts and Authors and the nlp encoder, never a store or a service."""
